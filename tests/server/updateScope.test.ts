import * as encoding from 'lib0/encoding'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { suggestionAuthorsIn, updateScope, type UpdateScope } from '../../server/updateScope'
import { bodyBlocks, getBody, getBylines, getDatelineMap, getDesk, getMeta, getMetaText, initStoryDoc, type StoryInit } from '../../src/shared/storyDoc'
import { FORMAT_CHANGE, TYPE_ATTRIBUTE } from '../../src/shared/suggestions'

const SERVER_ID = 1
const ALICE = 100
const BOB = 200

/** The room's document, as the server creates it. */
function serverDoc(init: StoryInit = {}): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = SERVER_ID
  initStoryDoc(doc, init)
  return doc
}

/** A client with a pinned id, synced from the server. */
function clientOf(server: Y.Doc, clientID = ALICE): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = clientID
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(server))
  return doc
}

/** The update one local transaction on `client` emits, as its provider would send it. */
function edit(client: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const updates: Uint8Array[] = []
  const collect = (update: Uint8Array): void => {
    updates.push(update)
  }
  client.on('update', collect)
  try {
    client.transact(() => change(client))
  } finally {
    client.off('update', collect)
  }
  expect(updates).toHaveLength(1)
  return updates[0] as Uint8Array
}

/** What the room does: compute the scope, then apply, so the client's next edit follows on. */
function scopeThenApply(server: Y.Doc, update: Uint8Array): UpdateScope {
  const scope = updateScope(server, update)
  Y.applyUpdate(server, update)
  return scope
}

/** The scope as plain values, for readable assertions. */
function plain(scope: UpdateScope) {
  return {
    roots: [...scope.roots].sort(),
    metaKeys: [...scope.metaKeys].sort(),
    metaValues: Object.fromEntries(scope.metaValues),
    replacedMetaKeys: [...scope.replacedMetaKeys].sort(),
    unresolved: scope.unresolved,
    missing: scope.missing,
  }
}

const BODY_ONLY = { roots: ['body'], metaKeys: [], metaValues: {}, replacedMetaKeys: [], unresolved: false, missing: false }
const NOTHING = { roots: [], metaKeys: [], metaValues: {}, replacedMetaKeys: [], unresolved: false, missing: false }

function meta(keys: string[], values: Record<string, unknown> = {}, replaced: string[] = []) {
  return { roots: ['meta'], metaKeys: keys, metaValues: values, replacedMetaKeys: replaced, unresolved: false, missing: false }
}

/** The paragraph at `index` and its text node, created if the paragraph is empty. */
function paragraph(doc: Y.Doc, index: number): Y.XmlElement {
  return getBody(doc).get(index) as Y.XmlElement
}

function textOf(doc: Y.Doc, index: number): Y.XmlText {
  const block = paragraph(doc, index)
  if (block.length === 0) block.insert(0, [new Y.XmlText()])
  return block.get(0) as Y.XmlText
}

/** Whether some item of the update points (origin, rightOrigin or parent) at another item of the same update. */
function refersToItself(update: Uint8Array): boolean {
  const { structs } = Y.decodeUpdate(update)
  const inUpdate = (id: Y.ID | null): boolean =>
    id instanceof Y.ID && structs.some((s) => s.id.client === id.client && s.id.clock <= id.clock && id.clock < s.id.clock + s.length)
  return structs.some((s) => s instanceof Y.Item && (inUpdate(s.origin) || inUpdate(s.rightOrigin) || inUpdate(s.parent as Y.ID | null)))
}

describe('updateScope: body', () => {
  it('sees the first keystroke in an empty paragraph (parent given as the paragraph item ID)', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    const update = edit(alice, (doc) => textOf(doc, 0).insert(0, 'a'))
    expect(plain(updateScope(server, update))).toEqual(BODY_ONLY)
  })

  it('sees a second keystroke whose origin is the first, once the first is applied', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    Y.applyUpdate(server, edit(alice, (doc) => textOf(doc, 0).insert(0, 'a')))
    const second = edit(alice, (doc) => textOf(doc, 0).insert(1, 'b'))
    const item = Y.decodeUpdate(second).structs[0] as Y.Item
    expect(item.origin).not.toBeNull()
    expect(item.parent).toBeNull()
    expect(plain(updateScope(server, second))).toEqual(BODY_ONLY)
  })

  it('follows origins into the update itself when two keystrokes arrive merged', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    const first = edit(alice, (doc) => textOf(doc, 0).insert(0, 'a'))
    // Typed before the first: its rightOrigin is the first keystroke, so they cannot merge.
    const second = edit(alice, (doc) => textOf(doc, 0).insert(0, 'b'))
    const merged = Y.mergeUpdates([first, second])
    expect(refersToItself(merged)).toBe(true)
    expect(plain(updateScope(server, merged))).toEqual(BODY_ONLY)
  })

  it('sees deleted body text (a delete set only)', () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    const alice = clientOf(server)
    const update = edit(alice, (doc) => textOf(doc, 0).delete(5, 6))
    expect(Y.decodeUpdate(update).structs).toHaveLength(0)
    expect(plain(updateScope(server, update))).toEqual(BODY_ONLY)
  })

  it('sees marks and a new block', () => {
    const server = serverDoc({ paragraphs: ['Hello world', 'Second'] })
    const alice = clientOf(server)
    const bold = edit(alice, (doc) => textOf(doc, 0).format(0, 5, { bold: true }))
    expect(plain(scopeThenApply(server, bold))).toEqual(BODY_ONLY)
    const block = edit(alice, (doc) => {
      const heading = new Y.XmlElement('heading')
      heading.setAttribute('level', '2')
      heading.insert(0, [new Y.XmlText('Aside')])
      getBody(doc).insert(1, [heading])
    })
    expect(plain(updateScope(server, block))).toEqual(BODY_ONLY)
  })

  it('treats typing into a paragraph another client just deleted as changing nothing', () => {
    const server = serverDoc({ paragraphs: ['Doomed', 'Kept'] })
    const alice = clientOf(server)
    const bob = clientOf(server, BOB)
    Y.applyUpdate(server, edit(bob, (doc) => getBody(doc).delete(0, 1)))
    // The server garbage-collected the paragraph's text: Alice's origin is now a GC struct.
    const late = edit(alice, (doc) => textOf(doc, 0).insert(6, '!'))
    expect(plain(updateScope(server, late))).toEqual(NOTHING)
    Y.applyUpdate(server, late)
    expect(bodyBlocks(server)).toEqual(['Kept'])
  })
})

describe('updateScope: meta', () => {
  it('reports the headline for text inserts and deletes', () => {
    const server = serverDoc({ headline: 'Budget vote' })
    const alice = clientOf(server)
    const insert = edit(alice, (doc) => getMetaText(doc, 'headline')?.insert(0, 'Late '))
    expect(plain(scopeThenApply(server, insert))).toEqual(meta(['headline']))
    // Spans Alice's own insert and the server's text: a delete set over two clients.
    const remove = edit(alice, (doc) => getMetaText(doc, 'headline')?.delete(0, 6))
    expect(plain(updateScope(server, remove))).toEqual(meta(['headline']))
    Y.applyUpdate(server, remove)
    expect(getMetaText(server, 'headline')?.toString()).toBe('udget vote')
  })

  it('reports bylines, empty or not, and dateline fields by their top-level key', () => {
    const empty = serverDoc()
    expect(plain(updateScope(empty, edit(clientOf(empty), (doc) => getBylines(doc)?.push(['Ana Ruiz']))))).toEqual(meta(['bylines']))
    const server = serverDoc({ bylines: ['Ana Ruiz'] })
    const alice = clientOf(server)
    expect(plain(scopeThenApply(server, edit(alice, (doc) => getBylines(doc)?.push(['Ben Ode']))))).toEqual(meta(['bylines']))
    // Nested map: a value of dateline, not of meta, so no metaValues entry.
    expect(plain(updateScope(server, edit(alice, (doc) => getDatelineMap(doc)?.set('city', 'Hangzhou'))))).toEqual(meta(['dateline']))
  })

  it('reports desk fields set over an existing value (parent left out: origin only)', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    const section = edit(alice, (doc) => getMeta(doc).set('section', 'Politics'))
    const item = Y.decodeUpdate(section).structs[0] as Y.Item
    expect(item.origin).not.toBeNull()
    expect(item.parent).toBeNull()
    expect(plain(scopeThenApply(server, section))).toEqual(meta(['section'], { section: 'Politics' }, ['section']))
    // Sent again, it is something Yjs already has: it changes nothing.
    expect(plain(updateScope(server, section))).toEqual(NOTHING)
    const status = edit(alice, (doc) => getMeta(doc).set('status', 'ready'))
    expect(plain(updateScope(server, status))).toEqual(meta(['status'], { status: 'ready' }, ['status']))
  })

  it('keeps the last value a merged update assigns', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    const first = edit(alice, (doc) => getMeta(doc).set('status', 'edit'))
    const second = edit(alice, (doc) => getMeta(doc).set('status', 'ready'))
    expect(plain(updateScope(server, Y.mergeUpdates([first, second])))).toEqual(meta(['status'], { status: 'ready' }, ['status']))
  })

  it('reports a new key, a deleted key and a replaced nested type', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    expect(plain(scopeThenApply(server, edit(alice, (doc) => getMeta(doc).set('kicker', 'x'))))).toEqual(meta(['kicker'], { kicker: 'x' }, ['kicker']))
    const removed = edit(alice, (doc) => getMeta(doc).delete('section'))
    expect(Y.decodeUpdate(removed).structs).toHaveLength(0)
    expect(plain(scopeThenApply(server, removed))).toEqual(meta(['section'], {}, ['section']))
    // Allowed key, forbidden act: the headline Y.Text would be swapped for a new one.
    const replaced = edit(alice, (doc) => getMeta(doc).set('headline', new Y.Text('Mine')))
    expect(plain(updateScope(server, replaced))).toEqual(meta(['headline'], {}, ['headline']))
  })
})

describe('updateScope: forbidden and unknown', () => {
  it('reports writes to desk, fresh or over a server value, and to unknown roots', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    expect(plain(updateScope(server, edit(alice, (doc) => getDesk(doc).set('lead', 7)))).roots).toEqual(['desk'])
    getDesk(server).set('lead', 1)
    const bob = clientOf(server, BOB)
    const over = edit(bob, (doc) => getDesk(doc).set('lead', 7))
    expect((Y.decodeUpdate(over).structs[0] as Y.Item).parent).toBeNull()
    expect(plain(updateScope(server, over)).roots).toEqual(['desk'])
    expect(plain(updateScope(server, edit(bob, (doc) => doc.getMap('evil').set('x', 1)))).roots).toEqual(['evil'])
    expect(plain(updateScope(server, edit(bob, (doc) => doc.getArray('evil2').push([1])))).roots).toEqual(['evil2'])
  })

  it('does not create the roots it reads about, nor change the document', () => {
    const server = serverDoc({ paragraphs: ['One'] })
    const roots = [...server.share.keys()].sort()
    const before = Y.encodeStateAsUpdate(server)
    const alice = clientOf(server)
    updateScope(server, edit(alice, (doc) => doc.getMap('evil').set('x', 1)))
    updateScope(server, edit(alice, (doc) => textOf(doc, 0).delete(0, 2)))
    expect(roots).not.toContain('evil')
    expect([...server.share.keys()].sort()).toEqual(roots)
    expect(Y.encodeStateAsUpdate(server)).toEqual(before)
  })

  it('marks an update that depends on structs the server lacks as missing them, not as forged', () => {
    const server = serverDoc()
    const alice = clientOf(server)
    edit(alice, (doc) => textOf(doc, 0).insert(0, 'abc')) // never reaches the server
    const typed = edit(alice, (doc) => textOf(doc, 0).insert(3, 'd'))
    expect(updateScope(server, typed)).toMatchObject({ missing: true, unresolved: false })
    const deleted = edit(alice, (doc) => textOf(doc, 0).delete(0, 1))
    expect(plain(updateScope(server, deleted))).toMatchObject({ missing: true, unresolved: false })
    // Built on another client's words the server has not stored (they reached alice directly).
    const bob = clientOf(server, ALICE + 1)
    Y.applyUpdate(bob, Y.encodeStateAsUpdate(alice))
    Y.applyUpdate(alice, edit(bob, (doc) => textOf(doc, 0).insert(0, 'xyz')))
    const base = Y.encodeStateAsUpdate(alice, Y.encodeStateVector(server))
    const onBobs = edit(alice, (doc) => textOf(doc, 0).insert(2, '!'))
    expect(updateScope(server, onBobs)).toMatchObject({ missing: true, unresolved: false })
    // Once what it builds on is stored, the same update reads as an ordinary body edit.
    Y.applyUpdate(server, base)
    expect(plain(updateScope(server, onBobs))).toEqual(BODY_ONLY)
  })

  it('marks bytes that do not decode as unresolved instead of throwing', () => {
    const server = serverDoc()
    const good = edit(clientOf(server), (doc) => getMeta(doc).set('status', 'ready'))
    expect(updateScope(server, good.subarray(0, good.length - 4)).unresolved).toBe(true)
    expect(updateScope(server, new Uint8Array([1, 1, 100, 0, 10 | 64, 5, 0])).unresolved).toBe(true)
  })

  it('reports both parts of a mixed transaction', () => {
    const server = serverDoc({ paragraphs: ['Text'] })
    const alice = clientOf(server)
    const update = edit(alice, (doc) => {
      textOf(doc, 0).insert(4, '!')
      getMeta(doc).set('section', 'Sport')
    })
    expect(plain(updateScope(server, update))).toEqual({
      roots: ['body', 'meta'],
      metaKeys: ['section'],
      metaValues: { section: 'Sport' },
      replacedMetaKeys: ['section'],
      unresolved: false,
      missing: false,
    })
  })
})

/** A hand-written update: what a hostile client can send, not what Yjs would encode. */
function forge(blocks: Array<{ client: number; clock: number; items: Y.Item[] }>): Uint8Array {
  const encoder = new Y.UpdateEncoderV1()
  encoding.writeVarUint(encoder.restEncoder, blocks.length)
  for (const { client, clock, items } of blocks) {
    encoding.writeVarUint(encoder.restEncoder, items.length)
    encoder.writeClient(client)
    encoding.writeVarUint(encoder.restEncoder, clock)
    for (const item of items) item.write(encoder, 0)
  }
  encoding.writeVarUint(encoder.restEncoder, 0) // no deletes
  return encoder.toUint8Array()
}

/** An item of one character; `parent` as decoded updates carry it (root name or holder ID). */
function char(client: number, clock: number, refs: { origin?: Y.ID; rightOrigin?: Y.ID; parent?: string | Y.ID; key?: string }): Y.Item {
  const parent = (refs.parent ?? null) as unknown as Y.AbstractType<unknown> | null
  return new Y.Item(Y.createID(client, clock), null, refs.origin ?? null, null, refs.rightOrigin ?? null, parent, refs.key ?? null, new Y.ContentString('x'))
}

describe('updateScope: forged updates', () => {
  const EVE = 300
  const MALLORY = 301

  it('resolves a forged item as Yjs would, and refuses what Yjs would park or misplace', () => {
    const server = serverDoc({ paragraphs: ['Text'] })
    const bodyChar = (textOf(server, 0)._start as Y.Item).id
    const sectionItem = (getMeta(server)._map.get('section') as Y.Item).id
    const scope = (blocks: Parameters<typeof forge>[0]) => plain(updateScope(server, forge(blocks)))

    // Sanity: the encoder works, a well-formed forged write to section is seen.
    expect(scope([{ client: EVE, clock: 0, items: [char(EVE, 0, { parent: 'meta', key: 'section' })] }])).toEqual(
      meta(['section'], { section: 'x' }, ['section']),
    )
    // Neighbours in two places: Yjs would take the left one's parent; no client writes this.
    expect(scope([{ client: EVE, clock: 0, items: [char(EVE, 0, { origin: bodyChar, rightOrigin: sectionItem })] }]).unresolved).toBe(true)
    // Two items whose origins point at each other.
    const cycle = scope([
      { client: MALLORY, clock: 0, items: [char(MALLORY, 0, { origin: Y.createID(EVE, 0) })] },
      { client: EVE, clock: 0, items: [char(EVE, 0, { origin: Y.createID(MALLORY, 0) })] },
    ])
    expect(cycle.unresolved).toBe(true)
    // An origin later in its own client's clocks.
    expect(scope([{ client: EVE, clock: 0, items: [char(EVE, 0, { origin: Y.createID(EVE, 1) }), char(EVE, 1, { parent: 'body' })] }]).unresolved).toBe(true)
    // A block that starts past the server's state for that client (Yjs parks it until the gap fills):
    // missing, which the room holds until the gap fills, never applies unchecked.
    expect(scope([{ client: EVE, clock: 5, items: [char(EVE, 5, { parent: 'body' })] }])).toMatchObject({ missing: true, unresolved: false })
    // The same client twice: Yjs keeps only the second block, so IDs could resolve to the wrong one.
    const twice = scope([
      { client: EVE, clock: 0, items: [char(EVE, 0, { parent: 'body' })] },
      { client: EVE, clock: 0, items: [char(EVE, 0, { parent: 'desk', key: 'lead' })] },
    ])
    expect(twice).toMatchObject({ roots: ['body', 'desk'], unresolved: true })
    // List content in meta: no Y.Map call writes it, and no key would show it.
    expect(scope([{ client: EVE, clock: 0, items: [char(EVE, 0, { parent: 'meta' })] }])).toMatchObject({ roots: ['meta'], metaKeys: [], unresolved: true })
    // A parent held by a forged item of the same update.
    const nested = new Y.Item(Y.createID(EVE, 0), null, null, null, null, 'evil' as unknown as Y.AbstractType<unknown>, 'k', new Y.ContentType(new Y.Text()))
    expect(scope([{ client: EVE, clock: 0, items: [nested, char(EVE, 1, { parent: Y.createID(EVE, 0) })] }])).toEqual({
      ...NOTHING,
      roots: ['evil'],
    })
  })
})

describe('updateScope: cost', () => {
  it('stays far below 0.2 ms per keystroke in a 50,000-word story (printed, not asserted)', () => {
    const words = 'the council voted late on tuesday to approve a budget that cuts'.split(' ')
    const paragraphs = Array.from({ length: 2500 }, (_, p) => Array.from({ length: 20 }, (__, w) => words[(p + w) % words.length]).join(' '))
    const server = serverDoc({ paragraphs })
    const alice = clientOf(server)
    const first = edit(alice, (doc) => textOf(doc, 1250).insert(0, 'x'))
    Y.applyUpdate(server, first)
    const keystroke = edit(alice, (doc) => textOf(doc, 1250).insert(1, 'y'))
    const backspace = edit(alice, (doc) => textOf(doc, 1800).delete(10, 1))
    const suggestion = { id: '0123456789abcdef', authorId: 1, authorName: 'Ann', authorColor: '#c00', time: 1 }
    const suggested = edit(clientOf(server, BOB), (doc) => textOf(doc, 1250).insert(1, 'z', { insertion: suggestion }))
    const rounds = 5000
    for (const [name, update] of [['keystroke', keystroke], ['backspace', backspace], ['suggested keystroke', suggested]] as const) {
      expect(plain(updateScope(server, update))).toEqual(BODY_ONLY)
      for (let i = 0; i < 500; i++) updateScope(server, update)
      const start = performance.now()
      for (let i = 0; i < rounds; i++) updateScope(server, update)
      const micros = ((performance.now() - start) * 1000) / rounds
      console.log(`updateScope ${name} in a 50,000-word story: ${micros.toFixed(2)} µs`)
    }
  })
})

describe('updateScope: suggestions', () => {
  const ANN = 7
  const BEN = 8
  const mark = (id: string, authorId: number | null) => ({ id, authorId, authorName: 'Someone', authorColor: '#c00', time: 1 })
  const split = (id: string, authorId: number | null) => JSON.stringify({ kind: 'split', id, authorId, authorName: 'Someone', authorColor: '#c00', time: 1 })
  const ids = (scope: UpdateScope) => scope.suggestions.map(({ id, authorId }) => `${id}:${authorId}`)

  it('lists a new suggestion mark, inserted or formatted, and nothing for a mark ended with null', () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    const alice = clientOf(server)
    const typed = scopeThenApply(server, edit(alice, (doc) => textOf(doc, 0).insert(5, ' big', { insertion: mark('a1', ANN) })))
    expect(ids(typed)).toEqual(['a1:7'])
    expect(typed.malformedSuggestion).toBe(false)
    const struck = scopeThenApply(server, edit(alice, (doc) => textOf(doc, 0).format(0, 5, { deletion: mark('a2', ANN) })))
    expect(ids(struck)).toEqual(['a2:7'])
    const accepted = scopeThenApply(server, edit(alice, (doc) => textOf(doc, 0).format(0, 5, { deletion: null })))
    expect(accepted.suggestions).toEqual([])
    expect(accepted.malformedSuggestion).toBe(false)
  })

  it("lists the restore formats Yjs writes after typing or formatting inside someone else's run", () => {
    const server = serverDoc({ paragraphs: ['Hello'] })
    const alice = clientOf(server, ALICE)
    scopeThenApply(server, edit(alice, (doc) => textOf(doc, 0).insert(5, ' world', { insertion: mark('a1', ANN) })))
    // Each from a fresh copy of the server's document: none of them is applied.
    const byBob = (change: (doc: Y.Doc) => void) => ids(updateScope(server, edit(clientOf(server, BOB), change)))
    // What the binding writes for plain text typed inside the run: the mark negated, then restored.
    expect(byBob((doc) => textOf(doc, 0).insert(8, 'XX', {}))).toEqual(['a1:7'])
    expect(byBob((doc) => textOf(doc, 0).format(7, 2, { insertion: null }))).toEqual(['a1:7'])
    expect(byBob((doc) => textOf(doc, 0).insert(8, 'YY', { insertion: mark('b1', BEN) }))).toEqual(['b1:8', 'a1:7'])
    // Accepting the whole run ends it without restoring anything.
    expect(byBob((doc) => textOf(doc, 0).format(5, 6, { insertion: null }))).toEqual([])
  })

  it('lists a paragraph-break attribute, also when set over an earlier value (map key left out of the update)', () => {
    const server = serverDoc({ paragraphs: ['One', 'Two'] })
    const alice = clientOf(server)
    const first = scopeThenApply(server, edit(alice, (doc) => paragraph(doc, 1).setAttribute('suggestion', split('s1', ANN))))
    expect(ids(first)).toEqual(['s1:7'])
    const again = edit(alice, (doc) => paragraph(doc, 1).setAttribute('suggestion', split('s2', BEN)))
    const item = Y.decodeUpdate(again).structs[0] as Y.Item
    expect(item.origin).not.toBeNull()
    expect(item.parentSub).toBeNull()
    expect(ids(scopeThenApply(server, again))).toEqual(['s2:8'])
    // Removing it (accept or reject) writes a delete set only.
    const removed = edit(alice, (doc) => paragraph(doc, 1).removeAttribute('suggestion'))
    expect(updateScope(server, removed)).toMatchObject({ suggestions: [], malformedSuggestion: false })
    // Other attributes are not suggestions.
    expect(updateScope(server, edit(alice, (doc) => paragraph(doc, 0).setAttribute('textAlign', 'left')))).toMatchObject({ suggestions: [], malformedSuggestion: false })
  })

  it('flags malformed suggestion values', () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    const malformed = (change: (doc: Y.Doc) => void) => updateScope(server, edit(clientOf(server), change)).malformedSuggestion
    expect(malformed((doc) => paragraph(doc, 0).setAttribute('suggestion', 'not json'))).toBe(true)
    expect(malformed((doc) => paragraph(doc, 0).setAttribute('suggestion', 42 as unknown as string))).toBe(true)
    expect(malformed((doc) => paragraph(doc, 0).setAttribute('suggestion', JSON.stringify({ kind: 'split', authorId: ANN })))).toBe(true)
    expect(malformed((doc) => paragraph(doc, 0).setAttribute('suggestion', JSON.stringify({ kind: 'merge', id: 'x', authorId: ANN })))).toBe(true)
    expect(malformed((doc) => paragraph(doc, 0).setAttribute('suggestion', JSON.stringify({ kind: 'join', id: 'x', authorId: '7' })))).toBe(true)
    expect(malformed((doc) => paragraph(doc, 0).setAttribute('suggestion', new Y.XmlText('x') as unknown as string))).toBe(true)
    expect(malformed((doc) => textOf(doc, 0).format(0, 5, { insertion: true }))).toBe(true)
    expect(malformed((doc) => textOf(doc, 0).format(0, 5, { deletion: { authorId: ANN } }))).toBe(true)
    expect(malformed((doc) => textOf(doc, 0).format(0, 5, { deletion: { id: 5, authorId: ANN } }))).toBe(true)
    expect(malformed((doc) => textOf(doc, 0).format(0, 5, { insertion: { id: 'x' } }))).toBe(true)
    // The binding reads a hashed key (`name--<8 chars>`) back as the mark itself.
    expect(ids(updateScope(server, edit(clientOf(server), (doc) => textOf(doc, 0).format(0, 5, { 'insertion--AbCd1234': mark('h1', BEN) }))))).toEqual(['h1:8'])
    expect(malformed((doc) => textOf(doc, 0).format(0, 5, { 'deletion--AbCd1234': 'x' }))).toBe(true)
    expect(malformed((doc) => paragraph(doc, 0).setAttribute('suggestion', split('ok', null)))).toBe(false)
  })

  it('looks only at new items landing in the body', () => {
    const server = serverDoc({ paragraphs: ['Hello'], headline: 'Head' })
    const headline = edit(clientOf(server), (doc) => getMetaText(doc, 'headline')?.format(0, 4, { insertion: mark('m1', BEN) }))
    expect(updateScope(server, headline)).toMatchObject({ roots: new Set(['meta']), suggestions: [] })
    const own = edit(clientOf(server), (doc) => textOf(doc, 0).insert(0, 'Oh ', { insertion: mark('a1', ANN) }))
    Y.applyUpdate(server, own)
    // Re-sent (y-websocket resyncs after a reconnect): the server has it already.
    expect(updateScope(server, own).suggestions).toEqual([])
  })

  it('suggestionAuthorsIn reads every suggestion in the body, first author per id', () => {
    const server = serverDoc({ paragraphs: ['Hello world', 'Two'], headline: 'Head' })
    const alice = clientOf(server)
    Y.applyUpdate(server, edit(alice, (doc) => textOf(doc, 0).format(0, 5, { deletion: mark('a1', ANN) })))
    Y.applyUpdate(server, edit(alice, (doc) => textOf(doc, 0).insert(11, '!', { insertion: mark('b1', BEN) })))
    Y.applyUpdate(server, edit(alice, (doc) => paragraph(doc, 1).setAttribute('suggestion', split('s1', null))))
    Y.applyUpdate(server, edit(alice, (doc) => paragraph(doc, 1).setAttribute('other', split('o1', ANN))))
    Y.applyUpdate(server, edit(alice, (doc) => getMetaText(doc, 'headline')?.format(0, 4, { insertion: mark('m1', BEN) })))
    expect(Object.fromEntries(suggestionAuthorsIn(server))).toEqual({ a1: ANN, b1: BEN, s1: null })
    expect(suggestionAuthorsIn(new Y.Doc()).size).toBe(0)
  })

  const formatChange = (id: string, authorId: number | null, extra: Record<string, unknown> = {}) => ({
    ...mark(id, authorId),
    added: [{ type: 'bold' }],
    removed: [{ type: 'link', attrs: { href: 'https://example.com' } }],
    ...extra,
  })
  const typeChange = (id: string, authorId: unknown, from: unknown = { type: 'paragraph', attrs: {} }) =>
    JSON.stringify({ id, authorId, authorName: 'Someone', authorColor: '#c00', time: 1, from })

  it('lists a new format suggestion mark, under its own or a hashed key, and nothing for one ended with null', () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    const alice = clientOf(server)
    const bolded = scopeThenApply(server, edit(alice, (doc) => textOf(doc, 0).format(0, 5, { bold: true, [FORMAT_CHANGE]: formatChange('f1', ANN) })))
    expect(ids(bolded)).toEqual(['f1:7'])
    expect(bolded.malformedSuggestion).toBe(false)
    // A second, overlapping one: y-tiptap keys it `formatChange--<hash>`.
    const overlapping = scopeThenApply(server, edit(alice, (doc) => textOf(doc, 0).format(2, 6, { [`${FORMAT_CHANGE}--AbCd1234`]: formatChange('f2', BEN) })))
    expect(ids(overlapping)).toEqual(['f2:8'])
    // Lists left out are fine (nothing to check), and so is an anonymous author.
    expect(ids(updateScope(server, edit(clientOf(server), (doc) => textOf(doc, 0).format(6, 5, { [FORMAT_CHANGE]: mark('f3', null) }))))).toEqual(['f3:null'])
    const settled = scopeThenApply(server, edit(alice, (doc) => textOf(doc, 0).format(0, 11, { [FORMAT_CHANGE]: null, [`${FORMAT_CHANGE}--AbCd1234`]: null })))
    expect(settled).toMatchObject({ suggestions: [], malformedSuggestion: false })
  })

  it("lists the restore formats Yjs writes after typing inside someone else's format suggestion", () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    scopeThenApply(server, edit(clientOf(server, ALICE), (doc) => textOf(doc, 0).format(0, 5, { bold: true, [FORMAT_CHANGE]: formatChange('f1', ANN) })))
    expect(ids(updateScope(server, edit(clientOf(server, BOB), (doc) => textOf(doc, 0).insert(2, 'XX', {}))))).toEqual(['f1:7'])
  })

  it('lists a block type attribute, set on a block or on a new block, also over an earlier value', () => {
    const server = serverDoc({ paragraphs: ['One', 'Two'] })
    const alice = clientOf(server)
    const first = scopeThenApply(server, edit(alice, (doc) => paragraph(doc, 1).setAttribute(TYPE_ATTRIBUTE, typeChange('t1', ANN))))
    expect(ids(first)).toEqual(['t1:7'])
    expect(first.malformedSuggestion).toBe(false)
    expect(ids(scopeThenApply(server, edit(alice, (doc) => paragraph(doc, 1).setAttribute(TYPE_ATTRIBUTE, typeChange('t2', BEN)))))).toEqual(['t2:8'])
    // What the binding writes for a paragraph turned into a heading: a new element carrying the attribute.
    const heading = edit(alice, (doc) => {
      const element = new Y.XmlElement('heading')
      element.setAttribute('level', 2 as unknown as string)
      element.setAttribute(TYPE_ATTRIBUTE, typeChange('t3', ANN, { type: 'paragraph', attrs: { textAlign: null } }))
      element.insert(0, [new Y.XmlText('One')])
      getBody(doc).delete(0, 1)
      getBody(doc).insert(0, [element])
    })
    expect(ids(scopeThenApply(server, heading))).toEqual(['t3:7'])
    // Removing it (accept or reject) writes a delete set only.
    expect(updateScope(server, edit(alice, (doc) => paragraph(doc, 1).removeAttribute(TYPE_ATTRIBUTE)))).toMatchObject({ suggestions: [], malformedSuggestion: false })
  })

  it('flags malformed format and block type suggestion values', () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    const malformed = (change: (doc: Y.Doc) => void) => updateScope(server, edit(clientOf(server), change)).malformedSuggestion
    const format = (value: unknown, key: string = FORMAT_CHANGE) => malformed((doc) => textOf(doc, 0).format(0, 5, { [key]: value }))
    const retype = (value: unknown) => malformed((doc) => paragraph(doc, 0).setAttribute(TYPE_ATTRIBUTE, value as string))
    expect(format(true)).toBe(true)
    expect(format('f1')).toBe(true)
    expect(format({ authorId: ANN, added: [], removed: [] })).toBe(true)
    expect(format(formatChange('', ANN))).toBe(true)
    expect(format(formatChange('f1', ANN, { authorId: '7' }))).toBe(true)
    expect(format(formatChange('f1', ANN, { authorId: undefined }))).toBe(true)
    expect(format(formatChange('f1', ANN, { added: { type: 'bold' } }))).toBe(true)
    expect(format(formatChange('f1', ANN, { removed: 'italic' }))).toBe(true)
    expect(format(formatChange('f1', ANN, { added: null }))).toBe(true)
    expect(format('x', `${FORMAT_CHANGE}--AbCd1234`)).toBe(true)
    expect(format(formatChange('f1', ANN))).toBe(false)
    expect(format(formatChange('f1', ANN, { added: [], removed: [] }))).toBe(false)
    expect(retype('not json')).toBe(true)
    expect(retype(42)).toBe(true)
    expect(retype(JSON.stringify({ authorId: ANN, from: { type: 'paragraph', attrs: {} } }))).toBe(true)
    expect(retype(typeChange('t1', '7'))).toBe(true)
    expect(retype(typeChange('t1', ANN, null))).toBe(true)
    expect(retype(typeChange('t1', ANN, { type: 'paragraph' }))).toBe(true)
    expect(retype(typeChange('t1', ANN, { type: 1, attrs: {} }))).toBe(true)
    expect(retype(JSON.stringify({ ...JSON.parse(typeChange('t1', ANN)), authorId: undefined }))).toBe(true)
    expect(retype(new Y.XmlText('x'))).toBe(true)
    expect(retype(typeChange('ok', null))).toBe(false)
    expect(retype(typeChange('ok', ANN, { type: 'heading', attrs: { level: 2 } }))).toBe(false)
  })

  it('lists every record of a stacked format suggestion, and flags a malformed one inside', () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    const scope = (value: unknown) => updateScope(server, edit(clientOf(server), (doc) => textOf(doc, 0).format(0, 5, { [FORMAT_CHANGE]: value })))
    const stackedOnAnn = formatChange('b1', BOB, { prior: formatChange('a1', ANN) })
    expect(scope(stackedOnAnn).suggestions).toEqual([
      { id: 'b1', authorId: BOB },
      { id: 'a1', authorId: ANN },
    ])
    expect(scope(stackedOnAnn).malformedSuggestion).toBe(false)
    expect(scope(formatChange('b1', BOB, { prior: { ...formatChange('a1', ANN), authorId: 'Ann' } })).malformedSuggestion).toBe(true)
    // Deeper than any client stacks: refused rather than read in part.
    let deep: Record<string, unknown> = formatChange('x0', ANN)
    for (let depth = 1; depth <= 20; depth++) deep = formatChange(`x${depth}`, ANN, { prior: deep })
    expect(scope(deep).malformedSuggestion).toBe(true)
  })

  it('lists every record of a stacked block type suggestion', () => {
    const server = serverDoc({ paragraphs: ['Hello world'] })
    const scope = (value: string) => updateScope(server, edit(clientOf(server), (doc) => paragraph(doc, 0).setAttribute(TYPE_ATTRIBUTE, value)))
    const annFirst = JSON.parse(typeChange('a1', ANN)) as Record<string, unknown>
    const stacked = JSON.stringify({ ...JSON.parse(typeChange('b1', BOB, { type: 'heading', attrs: { level: 2 } })), prior: annFirst })
    expect(scope(stacked).suggestions).toEqual([
      { id: 'b1', authorId: BOB },
      { id: 'a1', authorId: ANN },
    ])
    expect(scope(JSON.stringify({ ...JSON.parse(stacked), prior: { ...annFirst, from: null } })).malformedSuggestion).toBe(true)
  })

  it('suggestionAuthorsIn reads format and block type suggestions too', () => {
    const server = serverDoc({ paragraphs: ['Hello world', 'Two'] })
    const alice = clientOf(server)
    Y.applyUpdate(server, edit(alice, (doc) => textOf(doc, 0).format(0, 5, { [FORMAT_CHANGE]: formatChange('f1', ANN) })))
    Y.applyUpdate(server, edit(alice, (doc) => textOf(doc, 0).format(2, 5, { [`${FORMAT_CHANGE}--AbCd1234`]: formatChange('f2', BEN) })))
    Y.applyUpdate(server, edit(alice, (doc) => paragraph(doc, 1).setAttribute(TYPE_ATTRIBUTE, typeChange('t1', null))))
    expect(Object.fromEntries(suggestionAuthorsIn(server))).toEqual({ f1: ANN, f2: BEN, t1: null })
  })
})
