/**
 * Version history without the network: the store (dedupe, rhythm, thinning), comparing two
 * states by item id with authors, and restoring as a new change that converges with
 * concurrent typing. Documents sync by hand so delivery order is ours (pinned client ids).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Storage } from '../../server/storage'
import { openSqlite, type Backend } from '../../server/store/backends'
import { createStory } from '../../server/stories'
import { StoryEvents } from '../../server/storyEvents'
import { Users } from '../../server/users'
import { compareDocs, type Attribution, type DiffRun } from '../../server/versionDiff'
import { restoreDoc } from '../../server/versionRestore'
import { AUTO_CHECKPOINT_MS, Versions } from '../../server/versions'
import { parsePlainTextStory } from '../../src/shared/importText'
import { bodyBlocks, getBody, getBylines, getDatelineMap, getMetaText, initStoryDoc, readMeta } from '../../src/shared/storyDoc'
import { readStoryFixture } from '../helpers/fixtures'
import { seededRandom } from '../helpers/random'
import { tempDataDir } from '../helpers/server'

let storage: Storage
let backend: Backend
let versions: Versions
let clock = 0
let storyId = ''
const people = { a: 0, b: 0, c: 0 }

beforeAll(async () => {
  backend = openSqlite(tempDataDir())
  storage = new Storage(backend)
  const users = new Users(backend.db)
  for (const key of ['a', 'b', 'c'] as const) {
    const user = await users.create({ username: `user-${key}`, password: 'correct horse', displayName: `User ${key.toUpperCase()}`, role: 'reporter' })
    people[key] = user!.id
  }
  versions = new Versions(backend.db, { now: () => clock, kind: backend.kind })
})
afterAll(() => storage.close())

beforeEach(async () => {
  clock = Date.UTC(2026, 10, 3, 9)
  storyId = (await createStory(storage, new StoryEvents(), { headline: 'Talks resume' })).id
})

/** The server's copy of a story (gc on, like a room's) and a client with a pinned id. */
function serverDoc(paragraphs: string[] = ['']): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = 1
  initStoryDoc(doc, { headline: 'Talks resume', paragraphs, bylines: ['Ann Lee'], dateline: { city: 'BEIRUT', country: 'Lebanon' } })
  return doc
}

function clientOf(server: Y.Doc, clientID: number): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server))
  return doc
}

/** Send everything `from` has that `to` lacks; returns the update. */
function send(from: Y.Doc, to: Y.Doc): Uint8Array {
  const update = Y.encodeStateAsUpdate(from, Y.encodeStateVector(to))
  Y.applyUpdate(to, update)
  return update
}

function textAt(doc: Y.Doc, block: number): Y.XmlText {
  const paragraph = getBody(doc).get(block) as Y.XmlElement
  let text = paragraph.get(0) as Y.XmlText | undefined
  if (!text) {
    text = new Y.XmlText()
    paragraph.insert(0, [text])
  }
  return text
}

/** Attribution as the server has it: client ids of the test's people, deletions recorded (as of now). */
async function attribution(authors: Record<number, number>): Promise<Attribution> {
  const deletions = await versions.deletionsOf(storyId)
  return {
    insertedBy: (clientId) => authors[clientId] ?? null,
    deletedBy: (clientId, from, len) => deletions.deletedBy(clientId, from, len),
  }
}

const changed = (runs: DiffRun[]) => runs.filter((run) => run.change !== 'same')

describe('the version store', () => {
  it('stores a named version and lists it; the state loads back whole', async () => {
    const doc = serverDoc(['First paragraph.', 'Second paragraph.'])
    const version = await versions.checkpoint(storyId, doc, { kind: 'named', name: '  Before the edit ', userId: people.a })
    expect(version).toMatchObject({ storyId, kind: 'named', name: 'Before the edit', userId: people.a, words: 4 })
    expect(version.bytes).toBeGreaterThan(0)
    expect(await versions.list(storyId)).toEqual([version])
    const loaded = (await versions.load(storyId, version.id))!
    expect(bodyBlocks(loaded.doc)).toEqual(['First paragraph.', 'Second paragraph.'])
    expect(readMeta(loaded.doc).headline).toBe('Talks resume')
    expect(await versions.get(storyId, version.id + 1000)).toBeNull()
    expect(await versions.get('0000000000000000', version.id)).toBeNull()
  })

  it('does not store an identical state twice; a named version takes over an identical checkpoint', async () => {
    const doc = serverDoc(['Text.'])
    const auto = await versions.checkpoint(storyId, doc, { kind: 'auto' })
    // Past the automatic rhythm, so it is the identical state (not the clock) that stores nothing.
    clock += AUTO_CHECKPOINT_MS
    expect(await versions.checkpoint(storyId, doc, { kind: 'auto' })).toEqual(auto)
    const named = await versions.checkpoint(storyId, doc, { kind: 'named', name: 'Filed', userId: people.a })
    expect(named.id).toBe(auto.id)
    expect(await versions.list(storyId)).toEqual([named])
    // Two explicit versions of one state are two events (say, named, then moved to Ready).
    const status = await versions.checkpoint(storyId, doc, { kind: 'status', name: 'Moved to Ready', userId: people.b })
    expect((await versions.list(storyId)).map((v) => v.id)).toEqual([status.id, named.id])
    // A deletion changes no state vector: the delete set tells the states apart.
    clock += AUTO_CHECKPOINT_MS
    textAt(doc, 0).delete(0, 1)
    expect((await versions.checkpoint(storyId, doc, { kind: 'auto' })).id).toBeGreaterThan(status.id)
  })

  it('checkpoints automatically at the first edit, then once five minutes of editing have passed', async () => {
    const doc = serverDoc()
    const edit = (text: string) => {
      textAt(doc, 0).insert(textAt(doc, 0).length, text)
      return versions.onEdited(storyId, doc)
    }
    expect((await edit('A'))?.kind).toBe('auto')
    clock += AUTO_CHECKPOINT_MS - 1
    expect(await edit('B')).toBeNull()
    clock += 1
    expect(await edit('C')).toMatchObject({ kind: 'auto', words: 1 })
    clock += AUTO_CHECKPOINT_MS
    // Nothing changed since: no new version, and the clock restarts (no state encoded per keystroke).
    expect(await versions.onEdited(storyId, doc)).toBeNull()
    expect(await versions.list(storyId)).toHaveLength(2)
    // A named version restarts the clock too.
    clock += AUTO_CHECKPOINT_MS
    await versions.checkpoint(storyId, doc, { kind: 'named', name: 'N', userId: people.a })
    expect(await edit('D')).toBeNull()
  })

  it('makes one automatic checkpoint when two nodes edit a story: the last version is read again', async () => {
    const doc = serverDoc()
    const other = new Versions(backend.db, { now: () => clock, kind: backend.kind })
    textAt(doc, 0).insert(0, 'A')
    const first = await versions.onEdited(storyId, doc)
    expect(first?.kind).toBe('auto')
    // The other node has not seen that version: the database tells it one is too recent.
    clock += AUTO_CHECKPOINT_MS - 1
    textAt(doc, 0).insert(1, 'B')
    expect(await other.onEdited(storyId, doc)).toBeNull()
    expect((await versions.list(storyId)).map((v) => v.id)).toEqual([first!.id])
    clock += 1
    expect(await other.onEdited(storyId, doc)).toMatchObject({ kind: 'auto', words: 1 })
    expect(await versions.list(storyId)).toHaveLength(2)
  })

  it('thins automatic checkpoints to one an hour after a day, and keeps every named one', async () => {
    const doc = serverDoc()
    const start = clock
    const named: number[] = []
    // Three days of editing with a checkpoint every five minutes and a named version every 4 hours.
    for (let minute = 0; minute < 3 * 24 * 60; minute += 5) {
      clock = start + minute * 60_000
      textAt(doc, 0).insert(0, 'x')
      await versions.checkpoint(storyId, doc, { kind: 'auto' })
      if (minute % 240 === 0) named.push((await versions.checkpoint(storyId, doc, { kind: 'named', name: `Hour ${minute / 60}`, userId: people.a })).id)
    }
    const all = await versions.list(storyId)
    expect(all.filter((v) => v.kind === 'named').map((v) => v.id).sort((x, y) => x - y)).toEqual(named)
    const autos = all.filter((v) => v.kind === 'auto')
    const recent = autos.filter((v) => clock - v.createdAt < 24 * 3_600_000)
    const old = autos.filter((v) => clock - v.createdAt > 24 * 3_600_000)
    expect(recent.length).toBeGreaterThanOrEqual(24 * 12 - 6 - 1)
    const hours = old.map((v) => Math.floor(v.createdAt / 3_600_000))
    expect(new Set(hours).size).toBe(hours.length)
    expect(old.length).toBeLessThanOrEqual(48)
    console.log(`thinning: 3 days, ${3 * 24 * 12} checkpoints taken → ${autos.length} automatic kept (${recent.length} from the last day, ${old.length} older) + ${named.length} named`)
  })
})

describe('compare', () => {
  it('attributes the original text to its writer, the added word and the removed word to the editor', async () => {
    const server = serverDoc()
    const a = clientOf(server, 101)
    const b = clientOf(server, 202)
    textAt(a, 0).insert(0, 'The ceasefire holds in the north.')
    send(a, server)
    const v1 = await versions.checkpoint(storyId, server, { kind: 'named', name: 'Filed', userId: people.a })
    send(server, b)
    const text = textAt(b, 0)
    const at = text.toString().indexOf('north')
    text.delete(at, 'north'.length)
    text.insert(at, 'south')
    await versions.recordDeletions(storyId, send(b, server), people.b)
    const v2 = await versions.checkpoint(storyId, server, { kind: 'named', name: 'Edited', userId: people.b })

    const who = await attribution({ 101: people.a, 202: people.b })
    const result = compareDocs((await versions.load(storyId, v1.id))!.doc, (await versions.load(storyId, v2.id))!.doc, who)
    expect(result.blocks).toEqual([
      {
        type: 'paragraph',
        change: 'changed',
        runs: [
          { text: 'The ceasefire holds in the ', change: 'same', by: people.a },
          { text: 'north', change: 'removed', by: people.b },
          { text: 'south', change: 'added', by: people.b },
          { text: '.', change: 'same', by: people.a },
        ],
      },
    ])
    expect(result.headline).toEqual([{ text: 'Talks resume', change: 'same', by: null }])
    // Against the live document (gc on: the removed word's text is only in the older state).
    expect(compareDocs((await versions.load(storyId, v1.id))!.doc, server, who).blocks).toEqual(result.blocks)
    // The same version against itself: nothing changed.
    expect(changed(compareDocs(server, server, who).blocks.flatMap((block) => block.runs))).toEqual([])
  })

  it('shows whole blocks added and removed, nested lists, the headline, and unknown deleters as null', async () => {
    const server = serverDoc(['Keep this.', 'Drop this.'])
    const v1 = (await versions.load(storyId, (await versions.checkpoint(storyId, server, { kind: 'auto' })).id))!.doc
    const body = getBody(server)
    body.delete(1, 1)
    const list = new Y.XmlElement('bulletList')
    const item = new Y.XmlElement('listItem')
    const one = new Y.XmlElement('paragraph')
    one.insert(0, [new Y.XmlText('One')])
    const two = new Y.XmlElement('paragraph')
    two.insert(0, [new Y.XmlText('Two')])
    item.insert(0, [one, two])
    list.insert(0, [item])
    body.insert(1, [list])
    getMetaText(server, 'headline')!.insert(0, 'Syria: ')
    const result = compareDocs(v1, server, await attribution({}))
    expect(result.blocks).toEqual([
      { type: 'paragraph', change: 'same', runs: [{ text: 'Keep this.', change: 'same', by: null }] },
      { type: 'paragraph', change: 'removed', runs: [{ text: 'Drop this.', change: 'removed', by: null }] },
      { type: 'bulletList', change: 'added', runs: [{ text: 'One\nTwo', change: 'added', by: null }] },
    ])
    expect(result.headline).toEqual([
      { text: 'Syria: ', change: 'added', by: null },
      { text: 'Talks resume', change: 'same', by: null },
    ])
  })
})

describe('restore', () => {
  it('brings back body, formatting, headline, slug, bylines and dateline with minimal edits', async () => {
    const server = serverDoc(['Alpha beta gamma.', 'Second block.', 'Third block.'])
    textAt(server, 0).format(0, 5, { bold: {} })
    const version = (await versions.load(storyId, (await versions.checkpoint(storyId, server, { kind: 'named', name: 'Clean', userId: people.a })).id))!.doc
    const before = server.getXmlFragment('body').toJSON()
    const untouched = getBody(server).get(2)

    // Changes since: a word and its formatting, a block dropped and one added, every meta field.
    textAt(server, 0).delete(6, 5)
    textAt(server, 0).format(0, 5, { bold: null, italic: {} })
    getBody(server).delete(1, 1)
    const added = new Y.XmlElement('heading')
    added.setAttribute('level', '2')
    added.insert(0, [new Y.XmlText('New subhead')])
    getBody(server).insert(0, [added])
    getMetaText(server, 'headline')!.insert(0, 'BREAKING ')
    getMetaText(server, 'slug')!.insert(0, 'SYRIA')
    getBylines(server)!.push(['Bo Chen'])
    getBylines(server)!.delete(0, 1)
    getDatelineMap(server)!.set('city', 'DAMASCUS')

    restoreDoc(server, version)
    expect(server.getXmlFragment('body').toJSON()).toBe(before)
    expect(readMeta(server)).toMatchObject({ headline: 'Talks resume', slug: '', bylines: ['Ann Lee'], dateline: { city: 'BEIRUT', country: 'Lebanon' } })
    // The unchanged block is the same shared element: not replaced.
    expect(getBody(server).get(2)).toBe(untouched)
    // And restoring the state it already has changes nothing.
    const vector = Y.encodeStateVector(server)
    restoreDoc(server, version)
    expect(Y.encodeStateVector(server)).toEqual(vector)
  })

  it('converges with a client typing during the restore, in another paragraph and in the restored one', async () => {
    const server = serverDoc(['The talks began on Monday.', 'Officials declined to comment.'])
    const c = clientOf(server, 303)
    const version = (await versions.load(storyId, (await versions.checkpoint(storyId, server, { kind: 'named', name: 'V', userId: people.a })).id))!.doc
    // After the version: B rewrites the first paragraph; C's client has seen that.
    textAt(server, 0).delete(0, textAt(server, 0).length)
    textAt(server, 0).insert(0, 'Rewritten lead.')
    send(server, c)
    // Concurrently with the restore (not yet seen by the server): C types in both paragraphs.
    textAt(c, 1).insert(textAt(c, 1).length, ' C was here.')
    textAt(c, 0).insert(0, '[C] ')
    server.transact(() => restoreDoc(server, version))
    send(c, server)
    send(server, c)
    expect(bodyBlocks(c)).toEqual(bodyBlocks(server))
    // C's words survive whole; where they sit beside the re-inserted lead is the CRDT's call.
    expect(['[C] The talks began on Monday.', 'The talks began on Monday.[C] ']).toContain(bodyBlocks(server)[0])
    expect(bodyBlocks(server)[1]).toBe('Officials declined to comment. C was here.')
  })
})

describe('compare and restore under random edits (seeded)', () => {
  /** Random edits by three clients, synced in random order: words, deletions, bold, blocks, headline. */
  function scramble(server: Y.Doc, random: () => number, steps: number, firstClient: number): void {
    const writers = [0, 1, 2].map((n) => clientOf(server, firstClient + n))
    const pick = <T,>(items: T[]): T => items[Math.floor(random() * items.length)] as T
    for (let step = 0; step < steps; step++) {
      const doc = pick(writers)
      const body = getBody(doc)
      // Concurrent block deletions can empty a body.
      if (body.length === 0) body.insert(0, [new Y.XmlElement('paragraph')])
      const block = Math.floor(random() * body.length)
      const text = textAt(doc, block)
      const roll = random()
      if (roll < 0.35) text.insert(Math.floor(random() * (text.length + 1)), pick([' alpha', 'beta ', 'Gamma', ', ', 'δ']))
      else if (roll < 0.55 && text.length > 0) {
        const at = Math.floor(random() * text.length)
        text.delete(at, 1 + Math.floor(random() * Math.min(8, text.length - at)))
      } else if (roll < 0.65 && text.length > 1) text.format(0, Math.floor(random() * text.length), { bold: random() < 0.5 ? {} : null })
      else if (roll < 0.75) {
        const paragraph = new Y.XmlElement('paragraph')
        paragraph.insert(0, [new Y.XmlText(pick(['New block.', 'Another one.', '']))])
        body.insert(Math.floor(random() * (body.length + 1)), [paragraph])
      } else if (roll < 0.82 && body.length > 1) body.delete(block, 1)
      else if (roll < 0.9) getMetaText(doc, 'headline')!.insert(0, pick(['Now: ', 'x']))
      if (random() < 0.5) send(doc, server)
      if (random() < 0.5) send(server, pick(writers))
    }
    for (const doc of writers) send(doc, server)
  }

  /** Each block's text with its marks, neighbouring runs of equal marks merged (Yjs may split them). */
  const marked = (doc: Y.Doc) =>
    getBody(doc)
      .toArray()
      .map((block) => {
        const runs: Array<{ insert: string; attributes: string }> = []
        for (const node of (block as Y.XmlElement).toArray()) {
          for (const op of (node as Y.XmlText).toDelta() as Array<{ insert: string; attributes?: object }>) {
            const attributes = JSON.stringify(op.attributes ?? {})
            const last = runs.at(-1)
            if (last && last.attributes === attributes) last.insert += op.insert
            else runs.push({ insert: op.insert, attributes })
          }
        }
        return runs
      })

  const oldText = (runs: DiffRun[]) => runs.filter((run) => run.change !== 'added').map((run) => run.text).join('')
  const newText = (runs: DiffRun[]) => runs.filter((run) => run.change !== 'removed').map((run) => run.text).join('')

  it.each(Array.from({ length: 25 }, (_, index) => index + 1))('seed %i', async (seed) => {
    const random = seededRandom(seed)
    const server = serverDoc(['The talks began on Monday.', 'Officials declined to comment.', 'More later.'])
    scramble(server, random, 30, 21)
    const version = (await versions.load(storyId, (await versions.checkpoint(storyId, server, { kind: 'named', name: `seed ${seed}`, userId: null })).id))!.doc
    const typist = clientOf(server, 99)
    scramble(server, random, 40, 31)

    // Compare: the old side of every run is the version, the new side the current text.
    const result = compareDocs(version, server, await attribution({}))
    expect(result.blocks.filter((block) => block.change !== 'added').map((block) => oldText(block.runs))).toEqual(bodyBlocks(version))
    expect(result.blocks.filter((block) => block.change !== 'removed').map((block) => newText(block.runs))).toEqual(bodyBlocks(server))
    expect(oldText(result.headline)).toBe(readMeta(version).headline)
    expect(newText(result.headline)).toBe(readMeta(server).headline)

    // Restore while the typist types in a block the version has too (a block deleted since is
    // re-created as a copy: typing into the deleted original stays deleted, restore or not).
    send(server, typist)
    const kept = getBody(typist)
      .toArray()
      .findIndex((block) => {
        const id = block._item!.id
        const structs = version.store.clients.get(id.client)
        return structs !== undefined && Y.getState(version.store, id.client) > id.clock && !Y.getItem(version.store, id).deleted
      })
    if (kept >= 0) textAt(typist, kept).insert(0, 'TYPIST ')
    server.transact(() => restoreDoc(server, version))
    expect(marked(server)).toEqual(marked(version))
    expect(readMeta(server).headline).toBe(readMeta(version).headline)
    // The concurrent edit merges in, and both sides converge.
    send(typist, server)
    send(server, typist)
    expect(getBody(typist).toJSON()).toBe(getBody(server).toJSON())
    expect(bodyBlocks(server).join(' ').includes('TYPIST ')).toBe(kept >= 0)
  })
})

describe('growth', () => {
  it('measures the bytes of one version: the fixture story and a 10,000-word story', async () => {
    const imported = parsePlainTextStory(readStoryFixture('syria-ceasefire.txt'))
    if (!imported.ok) throw new Error(imported.reason)
    const fixture = new Y.Doc()
    initStoryDoc(fixture, { headline: imported.story.headline, dateline: imported.story.dateline, paragraphs: imported.story.paragraphs })
    const fixtureVersion = await versions.checkpoint(storyId, fixture, { kind: 'named', name: 'Fixture', userId: null })

    // The same story typed word by word by three people, with every tenth word retyped.
    const typed = serverDoc()
    const writers = [11, 12, 13].map((id) => clientOf(typed, id))
    imported.story.paragraphs.forEach((paragraph, index) => {
      const writer = writers[index % writers.length]!
      send(typed, writer)
      if (index > 0) getBody(writer).insert(index, [new Y.XmlElement('paragraph')])
      const text = textAt(writer, index)
      paragraph.split(' ').forEach((word, n) => {
        const piece = (n === 0 ? '' : ' ') + word
        text.insert(text.length, piece)
        if (n % 10 === 9) {
          text.delete(text.length - piece.length, piece.length)
          text.insert(text.length, piece)
        }
      })
      send(writer, typed)
    })
    const typedVersion = await versions.checkpoint(storyId, typed, { kind: 'named', name: 'Typed', userId: null })

    // 10,000 words drawn (seeded) from the fixture's own words: prose-like, not a repeated phrase.
    const vocabulary = imported.story.paragraphs.join(' ').split(' ').filter((word) => /^[\p{L}\p{N}]/u.test(word))
    const random = seededRandom(7)
    const paragraphs = Array.from({ length: 250 }, () => Array.from({ length: 40 }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' '))
    const big = new Y.Doc()
    initStoryDoc(big, { headline: 'Long read', paragraphs })
    const started = performance.now()
    const bigVersion = await versions.checkpoint(storyId, big, { kind: 'named', name: '10k', userId: null })
    const checkpointMs = performance.now() - started
    const loaded = (await versions.load(storyId, bigVersion.id))!.doc
    textAt(big, 100).insert(0, 'Update: ')
    const compareStart = performance.now()
    // Timed as the server compares: the story's deletions are read once, then the walk.
    compareDocs(loaded, big, await attribution({}))
    const compareMs = performance.now() - compareStart

    expect(bigVersion.words).toBe(10_000)
    const text = (doc: Y.Doc) => bodyBlocks(doc).join('\n').length
    const raw = (doc: Y.Doc) => Y.encodeStateAsUpdateV2(doc).length
    console.log(
      [
        `version bytes stored (state v2 before deflate) — fixture story (${fixtureVersion.words} words, ${text(fixture)} chars): ${fixtureVersion.bytes} B (${raw(fixture)} B) imported, ${typedVersion.bytes} B (${raw(typed)} B) typed by 3 people with retyping`,
        `version bytes stored (state v2 before deflate) — 10,000 words (${text(big)} chars): ${bigVersion.bytes} B (${raw(big)} B); checkpoint ${checkpointMs.toFixed(1)} ms, compare ${compareMs.toFixed(1)} ms`,
      ].join('\n'),
    )
    expect(fixtureVersion.bytes).toBeLessThan(text(fixture))
    expect(bigVersion.bytes).toBeLessThan(text(big))
  })
})
