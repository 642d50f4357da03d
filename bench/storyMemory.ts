/**
 * Server memory per open story against a bare Y.Doc holding the same story, in the same run.
 *
 * The server (child process, the memory probe preloaded) is asked for its live heap after a full
 * GC with no story open, then with one reader in the story; the reference is a fresh process that
 * loads the same stored bytes into a plain Y.Doc, measured the same way. Live heap plus the
 * memory of ArrayBuffers (the server keeps the encoded story for new readers).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import * as Y from 'yjs'
import { FULL_STATE_KEEP_MS } from '../server/room'
import { getBody } from '../src/shared/storyDoc'
import { seededRandom } from '../tests/helpers/random'
import { createStoryVia, importStoryVia, startChildServer, tempDataDir, tokenFor, type ChildServer } from '../tests/helpers/server'
import { connect, editHeavily, untilStored } from './coldOpen'
import { makeParagraphs } from './stats'

const ROOT = path.resolve(import.meta.dirname, '..')

export interface StoryMemory {
  story: string
  words: number
  /** Live heap + ArrayBuffers the open story adds to the server, in KiB, once no new reader has come for a while. */
  serverKb: number
  /** The same just after a new reader was sent the whole story (kept encoded for the next: server/room.ts keepFullState). */
  servingKb: number
  /** The same for a bare Y.Doc loaded from the same bytes in a fresh process, in KiB. */
  bareKb: number
}

interface Probe {
  heapUsed: number
  arrayBuffers: number
}

/** Ask a probed child for its memory after a full GC (tests/helpers/memoryProbe.mjs). */
function probe(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => reject(new Error('the memory probe did not answer')), 10_000)
    const listen = (chunk: Buffer) => {
      buffer += chunk.toString()
      for (const line of buffer.split('\n')) {
        if (!line.includes('"memoryProbe":{')) continue
        clearTimeout(timer)
        child.stdout?.off('data', listen)
        const { memoryProbe } = JSON.parse(line) as { memoryProbe: Probe }
        resolve((memoryProbe.heapUsed + memoryProbe.arrayBuffers) / 1024)
        return
      }
    }
    child.stdout?.on('data', listen)
    child.kill('SIGUSR2')
  })
}

const PROBE = pathToFileURL(path.join(ROOT, 'tests/helpers/memoryProbe.mjs')).href

async function importStory(server: ChildServer, token: string, words: number): Promise<string> {
  return importStoryVia(server.url, token, `1. News\n\nA long story\n\n${makeParagraphs(words).join('\n\n')}`)
}

/** Type `words` words one keystroke per transaction into a new story, paragraph after paragraph. */
function typeStraight(doc: Y.Doc, words: number): void {
  const random = seededRandom(5)
  const body = getBody(doc)
  for (const paragraph of makeParagraphs(words, 11)) {
    const element = new Y.XmlElement('paragraph')
    body.insert(body.length, [element])
    const text = new Y.XmlText()
    element.insert(0, [text])
    for (const char of paragraph) {
      doc.transact(() => text.insert(text.length, char))
      // Now and then a typo, taken back at once.
      if (random() < 0.02) {
        doc.transact(() => text.insert(text.length, 'q'))
        doc.transact(() => text.delete(text.length - 1, 1))
      }
    }
  }
}

/** The reference: a fresh process loads `id`'s stored rows into a plain Y.Doc; its memory before and after. */
function bareMemory(dataDir: string, id: string): Promise<number> {
  const script = `
    const Database = require('better-sqlite3'); const Y = require('yjs')
    const db = new Database(process.argv[1], { readonly: true })
    const snapshot = db.prepare('select state from story_snapshots where story_id = ?').get(process.argv[2]).state
    const tail = db.prepare('select data from story_updates where story_id = ? order by seq').all(process.argv[2]).map((row) => row.data)
    db.close()
    const measure = () => { gc(); gc(); const m = process.memoryUsage(); return (m.heapUsed + m.arrayBuffers) / 1024 }
    const rows = [snapshot, ...tail].map((row) => new Uint8Array(row))
    const before = measure()
    const doc = new Y.Doc()
    doc.transact(() => { for (const row of rows) Y.applyUpdate(doc, row) })
    rows.length = 0
    const after = measure()
    process.stdout.write(JSON.stringify({ kb: after - before + 0 * doc.clientID }))`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '-e', script, path.join(dataDir, 'deskline.db'), id], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { kb: number }).kb) : reject(new Error(`bare memory exited with ${code}`))))
  })
}

/** Memory of three 50,000-word stories open on the server (pasted, typed, heavily edited) vs bare. */
export async function benchStoryMemory(words = 50_000): Promise<StoryMemory[]> {
  const dataDir = tempDataDir()
  const stories: Array<{ story: string; id: string }> = []
  let server = await startChildServer(dataDir)
  try {
    const token = await tokenFor(server.url, 'chief', 'newsroom')
    stories.push({ story: 'pasted (imported)', id: await importStory(server, token, words) })

    const typed = await createStoryVia(server.url, token, { headline: 'Typed' })
    const typist = connect(server, typed, token)
    await typist.synced
    typeStraight(typist.doc, words)
    await untilStored(server, typed, token, typist.doc)
    typist.provider.destroy()
    // The document's presence keeps an interval running until the document goes: the run would never end.
    typist.doc.destroy()
    stories.push({ story: 'typed keystroke by keystroke', id: typed })

    const edited = await importStory(server, token, words)
    const editor = connect(server, edited, token)
    await editor.synced
    editHeavily(editor.doc, 20_000)
    await untilStored(server, edited, token, editor.doc)
    editor.provider.destroy()
    editor.doc.destroy()
    stories.push({ story: 'heavily edited (20,000 word edits)', id: edited })
  } finally {
    server.process.kill('SIGTERM')
    await server.exited
  }

  const results: StoryMemory[] = []
  for (const { story, id } of stories) {
    server = await startChildServer(dataDir, { NEWSROOM_DEMO: '1', NODE_OPTIONS: `--expose-gc --import=${PROBE}` })
    try {
      const token = await tokenFor(server.url, 'chief', 'newsroom')
      // Warm the paths a reader takes on another story first, so the baseline has their code.
      const other = stories.find((each) => each.id !== id)?.id as string
      const warm = connect(server, other, token)
      await warm.synced
      warm.provider.destroy()
      warm.doc.destroy()
      await new Promise((resolve) => setTimeout(resolve, 500))
      const before = await probe(server.process)
      const reader = connect(server, id, token)
      await reader.synced
      const serving = await probe(server.process)
      await new Promise((resolve) => setTimeout(resolve, FULL_STATE_KEEP_MS + 500))
      const open = await probe(server.process)
      reader.provider.destroy()
      reader.doc.destroy()
      results.push({ story, words, serverKb: open - before, servingKb: serving - before, bareKb: await bareMemory(dataDir, id) })
    } finally {
      server.process.kill('SIGTERM')
      await server.exited
    }
  }
  return results
}
