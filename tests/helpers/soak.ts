/**
 * The soak workload (issue 11), shared by tests/integration/soak.test.ts (CI-sized) and
 * bench/soak.ts (200 clients over 50 stories): stock y-websocket providers, each a signed-in
 * person who may write (the reporter who leads the story, or an editor), type words one keystroke
 * at a time at human speed into a child-process server behind a TCP relay; they drop off and come
 * back at random, now and then close their tab for good (the same person opens the story again in a
 * new one), and the server is killed with SIGKILL in the middle and restarted on the same data.
 * Each tab asks the server, as the app does, whether what it typed is saved (`[saved, n]`) and
 * notes which of its words each acknowledgement covers.
 *
 * At the end: every story converges (all its tabs, a fresh reader and the stored copy, read after a
 * clean shutdown straight from the store), no acknowledged word is lost (nor any word of a tab
 * still open), and the server's memory (RSS) is sampled before, during and after the clients leave.
 * No vitest here, so the bench can run it too.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebSocket } from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { isPermanentClose, MessageType } from '../../src/shared/protocol'
import { getBody } from '../../src/shared/storyDoc'
import { startProxy } from './proxy'
import { seededRandom } from './random'
import { addUser, importStoryVia, ROOT, startChildServer, startTestServer, tempDataDir, type ChildServer } from './server'

export interface SoakOptions {
  clients: number
  stories: number
  /** How long the clients type before the server is killed with SIGKILL (and restarted at once). */
  typeBeforeKillMs: number
  /** How long they type on once the restarted server listens (they type on while it is down, too). */
  typeAfterRestartMs: number
  /** Delay between one tab's keystrokes: a few a second. */
  keystrokeMs: readonly [number, number]
  /** How often a tab asks whether its words are saved (the app asks 150 ms after typing). */
  savedEveryMs: number
  /** Mean time between a tab's disconnects. */
  disconnectEveryMs: number
  /** How long a disconnected tab stays away. */
  offlineMs: readonly [number, number]
  /** Chance that a disconnect is the tab closed for good (a new tab of the same person opens). */
  closeTabChance: number
  /** Longest wait for every story to converge after typing stops. */
  convergeMs: number
  /** Longest wait for memory to come down after the clients leave. */
  settleMs: number
  /** Stop waiting for memory once this holds (RSS in KiB against the restarted server's baseline). */
  settled?: (rssKb: number, baselineKb: number) => boolean
  seed: number
  log?: (line: string) => void
}

export interface SoakResult {
  keystrokes: number
  words: number
  savedRequests: number
  acks: number
  notSaved: number
  reconnects: number
  tabsClosed: number
  /** Close codes that stop the stock provider for good (4400–4499): must be none. */
  permanentCloses: number[]
  /** From the kill to the restarted server listening behind the relay. */
  downtimeMs: number
  storiesConverged: number
  /** Stories whose tabs did not all converge with a fresh reader in time. */
  unconverged: string[]
  /** Acknowledged words missing from the stored copy: must be none. */
  lostAcked: string[]
  /** Words of tabs open at the end missing from the stored copy: must be none. */
  lostTyped: string[]
  /** Words of tabs closed before any acknowledgement covered them that are not stored (allowed). */
  unackedGone: number
  memory: {
    /** The first server process, warmed by one client, before the clients come. */
    firstBaselineKb: number
    /** The restarted process, warmed the same way, before the clients come back: the baseline. */
    baselineKb: number
    peakKb: number
    afterLeaveKb: number
    /** How long after the last client left `afterLeaveKb` was read. */
    settledMs: number
    /** RSS once a full garbage collection has run after everyone left. */
    rssAfterGcKb: number
    /** Live heap after a full garbage collection: idle (restarted, warmed) and after everyone left (null: no answer). */
    heapBaselineKb: number | null
    heapAfterLeaveKb: number | null
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (!check()) {
    if (performance.now() > deadline) return false
    await pause(50)
  }
  return true
}

/** Resident memory of a process in KiB (Linux /proc, else `ps`); 0 once it is gone. */
export function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    if (match) return Number(match[1])
  } catch {
    // Not Linux, or the process is gone.
  }
  try {
    return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || 0
  } catch {
    return 0
  }
}

/**
 * The live heap of a child server started with tests/helpers/memoryProbe.mjs, in KiB, after a full
 * garbage collection; null when it does not answer within 5 s.
 */
export function heapAfterGcKb(server: ChildServer): Promise<number | null> {
  const stdout = server.process.stdout
  if (!stdout || server.process.exitCode !== null) return Promise.resolve(null)
  return new Promise((resolve) => {
    let buffer = ''
    const done = (value: number | null) => {
      clearTimeout(timer)
      stdout.off('data', listen)
      resolve(value)
    }
    const listen = (chunk: Buffer) => {
      buffer += chunk.toString()
      const match = /"memoryProbe":\{[^}]*"heapUsed":(\d+)/.exec(buffer)
      if (match) done(Math.round(Number(match[1]) / 1024))
    }
    const timer = setTimeout(() => done(null), 5_000)
    stdout.on('data', listen)
    server.process.kill('SIGUSR2')
  })
}

/** Start the server as a child process with the memory probe preloaded. */
async function startProbedServer(dataDir: string, env: Record<string, string>): Promise<ChildServer> {
  const probe = pathToFileURL(`${ROOT}tests/helpers/memoryProbe.mjs`).href
  return startChildServer(dataDir, { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --import=${probe}`.trim() })
}

function connect(url: string, id: string, token: string): { doc: Y.Doc; provider: WebsocketProvider } {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/collab', id, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    // Tabs of one process would otherwise share edits around the server.
    disableBc: true,
    params: { token },
  })
  return { doc, provider }
}

/** The text of a story's first paragraph (an imported story has one). */
function paragraphText(doc: Y.Doc): Y.XmlText | null {
  const paragraph = getBody(doc).get(0)
  const text = paragraph instanceof Y.XmlElement ? paragraph.get(0) : null
  return text instanceof Y.XmlText ? text : null
}

/** One browser tab of one person on one story, typing. */
class Tab {
  readonly doc: Y.Doc
  readonly provider: WebsocketProvider
  /**
   * Words completed (their trailing space typed), in order. Each is `p<person>t<tab>w<n>.`: a word
   * that starts with `p` and ends with `.` is found as a substring even when a closed tab's word cut
   * short (its last keystrokes never sent) runs into it, and never inside another word.
   */
  readonly words: string[] = []
  /** How many of `words` an acknowledgement from the server covers. */
  acked = 0
  closed = false
  private current = ''
  private next = 0
  /** Just after the last character typed: where the next one goes. */
  private caret: Y.RelativePosition | null = null
  private request = 0
  /** Words completed when each `[saved, n]` went out. */
  private readonly covers = new Map<number, number>()
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(
    private readonly run: SoakRun,
    readonly storyId: string,
    readonly token: string,
    readonly name: string,
  ) {
    ;({ doc: this.doc, provider: this.provider } = connect(run.proxyUrl, storyId, token))
    this.provider.messageHandlers[MessageType.saved] = (_encoder, decoder) => {
      const covered = this.covers.get(decoding.readVarUint(decoder))
      run.stats.acks++
      if (covered !== undefined) this.acked = Math.max(this.acked, covered)
    }
    this.provider.messageHandlers[MessageType.notSaved] = () => {
      run.stats.notSaved++
    }
    this.provider.on('connection-close', (event) => {
      if (event && isPermanentClose(event.code)) run.stats.permanentCloses.push(event.code)
    })
    this.provider.on('status', ({ status }: { status: string }) => {
      if (status === 'connected') run.stats.connects++
    })
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.closed) action()
    }, ms)
    this.timers.add(timer)
  }

  /** Type, ask, and drop off at random until `stop`. */
  start(): void {
    const { random, options } = this.run
    const [low, high] = options.keystrokeMs
    const key = () => {
      this.keystroke()
      if (this.run.typing) this.later(low + random() * (high - low), key)
    }
    this.later(random() * high, key)
    const ask = () => {
      this.askSaved()
      if (this.run.typing) this.later(options.savedEveryMs * (0.5 + random()), ask)
    }
    this.later(options.savedEveryMs * random(), ask)
    const drop = () => {
      if (!this.run.typing) return
      if (random() < options.closeTabChance) {
        this.run.replace(this)
        return
      }
      this.provider.disconnect()
      const [away, back] = options.offlineMs
      this.later(away + random() * (back - away), () => this.provider.connect())
      this.later(-Math.log(1 - random()) * options.disconnectEveryMs, drop)
    }
    this.later(-Math.log(1 - random()) * options.disconnectEveryMs, drop)
  }

  /** One character of the current word, or its closing space; a new word starts at a random word boundary. */
  keystroke(): void {
    const text = paragraphText(this.doc)
    // Before the first sync the tab has no paragraph to type into.
    if (!text) return
    if (this.current === '') {
      this.current = `${this.name}w${this.next++}. `
      const content = text.toString()
      const boundaries = [0]
      for (let index = 0; index < content.length; index++) if (content[index] === ' ') boundaries.push(index + 1)
      const at = boundaries[Math.floor(this.run.random() * boundaries.length)] ?? 0
      this.type(text, at)
      return
    }
    const position = this.caret ? Y.createAbsolutePositionFromRelativePosition(this.caret, this.doc) : null
    this.type(text, position?.index ?? text.length)
  }

  private type(text: Y.XmlText, at: number): void {
    const char = this.current[0] as string
    text.insert(at, char)
    this.caret = Y.createRelativePositionFromTypeIndex(text, at + 1, -1)
    this.current = this.current.slice(1)
    this.run.stats.keystrokes++
    if (this.current === '') this.words.push(`${this.name}w${this.next - 1}.`)
  }

  /** Finish the word being typed (typing stops between words). */
  finishWord(): void {
    while (this.current !== '' && paragraphText(this.doc)) this.keystroke()
  }

  /**
   * `[saved, n]`, sent only once synced on this connection: the provider answers the server's sync
   * step 1 (with what the server lacks) before the server's own sync step 2 makes it synced, so the
   * request follows every word typed so far on the same socket.
   */
  askSaved(): void {
    const ws = this.provider.ws
    if (!ws || ws.readyState !== ws.OPEN || !this.provider.synced) return
    const request = ++this.request
    this.covers.set(request, this.words.length)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MessageType.saved)
    encoding.writeVarUint(encoder, request)
    ws.send(encoding.toUint8Array(encoder))
    this.run.stats.savedRequests++
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }

  close(): void {
    this.stop()
    this.closed = true
    this.provider.destroy()
  }
}

/** What a run shares with its tabs. */
interface SoakRun {
  options: SoakOptions
  random: () => number
  proxyUrl: string
  typing: boolean
  stats: { keystrokes: number; savedRequests: number; acks: number; notSaved: number; connects: number; permanentCloses: number[] }
  replace(tab: Tab): void
}

/** Run the soak and measure it; throws only when the setup itself fails. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined)
  // Every provider watches process exit.
  process.setMaxListeners(Math.max(process.getMaxListeners(), options.clients * 2 + 100))
  const random = seededRandom(options.seed)
  const dataDir = tempDataDir()

  // People and stories, made in process on the data folder the child server then opens.
  const setup = await startTestServer({ dataDir })
  const reporters: Array<{ token: string }> = []
  const editors: Array<{ token: string }> = []
  const made = Array.from({ length: options.clients }, (_, index) => index)
  for (let start = 0; start < made.length; start += 8) {
    const batch = await Promise.all(
      made.slice(start, start + 8).map((index) => (index < options.stories ? addUser(setup, `soak-reporter-${index}`, 'reporter') : addUser(setup, `soak-editor-${index}`, 'editor'))),
    )
    for (const [offset, person] of batch.entries()) (start + offset < options.stories ? reporters : editors).push(person)
  }
  // A reporter who starts a story leads it, and so may write it.
  const storyIds: string[] = []
  for (const [index, reporter] of reporters.entries()) storyIds.push(await importStoryVia(setup.url, reporter.token, `Soak story ${index}\n\nStart ${index}.\n`))
  await setup.close()
  log(`soak: ${options.clients} people and ${options.stories} stories made`)

  const env = { MAX_CONNECTIONS_PER_ADDRESS: String(options.clients * 10 + 100) }
  let server: ChildServer = await startProbedServer(dataDir, env)
  const proxy = await startProxy(server.port)
  const stopServer = () => server.process.exitCode === null && server.process.kill('SIGKILL')
  const tabs: Tab[] = []
  const readers: Array<{ doc: Y.Doc; provider: WebsocketProvider }> = []
  let sampler: NodeJS.Timeout | undefined
  try {
    /** One client opens story 0 directly, types, and leaves; then the idle server's memory. */
    const warmBaseline = async (): Promise<{ rssKb: number; heapKb: number | null }> => {
      const { doc, provider } = connect(server.url, storyIds[0] as string, reporters[0]?.token as string)
      await until(() => provider.synced, 20_000)
      paragraphText(doc)?.insert(0, 'warm ')
      await pause(500)
      provider.destroy()
      doc.destroy()
      await pause(1_500)
      const heapKb = await heapAfterGcKb(server)
      return { rssKb: rssKb(server.process.pid ?? 0), heapKb }
    }
    const first = await warmBaseline()
    let peakKb = first.rssKb
    sampler = setInterval(() => {
      peakKb = Math.max(peakKb, rssKb(server.process.pid ?? 0))
    }, 250)

    const tabNumbers = new Map<string, number>()
    const run: SoakRun = {
      options,
      random,
      proxyUrl: proxy.url,
      typing: true,
      stats: { keystrokes: 0, savedRequests: 0, acks: 0, notSaved: 0, connects: 0, permanentCloses: [] },
      replace(tab) {
        tab.close()
        const person = tab.name.replace(/t\d+$/, '')
        const number = (tabNumbers.get(person) ?? 0) + 1
        tabNumbers.set(person, number)
        setTimeout(() => {
          if (!run.typing) return
          const fresh = new Tab(run, tab.storyId, tab.token, `${person}t${number}`)
          tabs.push(fresh)
          fresh.start()
        }, 200 + random() * 800)
      },
    }
    for (let index = 0; index < options.clients; index++) {
      const person = index < options.stories ? reporters[index] : editors[index - options.stories]
      tabs.push(new Tab(run, storyIds[index % options.stories] as string, person?.token as string, `p${index}t0`))
    }
    for (const tab of tabs) tab.start()
    log(`soak: ${tabs.length} tabs typing`)

    // kill -9 in the middle, restart on the same data; the relay keeps the clients' address.
    await pause(options.typeBeforeKillMs)
    const killedAt = performance.now()
    stopServer()
    await server.exited
    server = await startProbedServer(dataDir, env)
    log(`soak: restarted server listening after ${Math.round(performance.now() - killedAt)} ms`)
    const restarted = await warmBaseline()
    const baselineKb = restarted.rssKb
    proxy.setTarget(server.port)
    const downtimeMs = performance.now() - killedAt
    log(`soak: killed with SIGKILL and restarted in ${Math.round(downtimeMs)} ms`)
    await pause(options.typeAfterRestartMs)
    run.typing = false
    for (const tab of tabs) tab.stop()
    const open = tabs.filter((tab) => !tab.closed)
    for (const tab of open) {
      tab.finishWord()
      if (!tab.provider.shouldConnect) tab.provider.connect()
    }
    log(`soak: typing stopped, ${run.stats.keystrokes} keystrokes; converging`)

    // Every story: each open tab, and a fresh reader of the server, hold the same document.
    for (const [index, id] of storyIds.entries()) readers.push(connect(server.url, id, (reporters[index] as { token: string }).token))
    const unconverged: string[] = []
    for (const [index, id] of storyIds.entries()) {
      const reader = readers[index] as { doc: Y.Doc; provider: WebsocketProvider }
      const mine = open.filter((tab) => tab.storyId === id)
      const same = (doc: Y.Doc) => Y.equalSnapshots(Y.snapshot(doc), Y.snapshot(reader.doc))
      if (!(await until(() => reader.provider.synced && mine.every((tab) => tab.provider.synced && same(tab.doc)), options.convergeMs))) unconverged.push(id)
    }
    for (const tab of open) tab.askSaved()
    await pause(1_000)
    const texts = readers.map((reader) => paragraphText(reader.doc)?.toString() ?? '')

    // Everyone leaves; the server unloads each story as its last connection closes.
    for (const tab of open) tab.close()
    for (const reader of readers) reader.provider.destroy()
    const leftAt = performance.now()
    let afterLeaveKb = 0
    await until(() => {
      afterLeaveKb = rssKb(server.process.pid ?? 0)
      return options.settled?.(afterLeaveKb, baselineKb) ?? false
    }, options.settleMs)
    const settledMs = performance.now() - leftAt
    const heapAfterLeaveKb = await heapAfterGcKb(server)
    const rssAfterGcKb = rssKb(server.process.pid ?? 0)
    clearInterval(sampler)
    log(`soak: RSS ${Math.round(baselineKb / 1024)} MiB before, ${Math.round(peakKb / 1024)} MiB peak, ${Math.round(afterLeaveKb / 1024)} MiB after leaving`)

    // The stored copy, read after a clean shutdown straight from the store.
    server.process.kill('SIGTERM')
    await server.exited
    const store = await startTestServer({ dataDir })
    let storiesConverged = 0
    const stored = new Map<string, string>()
    try {
      for (const [index, id] of storyIds.entries()) {
        const loaded = await store.storage.loadDoc(id)
        const text = loaded ? (paragraphText(loaded.doc)?.toString() ?? '') : ''
        stored.set(id, text)
        const reader = readers[index] as { doc: Y.Doc }
        if (loaded && !unconverged.includes(id) && text === texts[index] && Y.equalSnapshots(Y.snapshot(loaded.doc), Y.snapshot(reader.doc))) storiesConverged++
      }
    } finally {
      await store.close()
    }
    const lostAcked: string[] = []
    const lostTyped: string[] = []
    let unackedGone = 0
    for (const tab of tabs) {
      const text = stored.get(tab.storyId) ?? ''
      tab.words.forEach((word, index) => {
        if (text.includes(word)) return
        if (index < tab.acked) lostAcked.push(word)
        else if (!open.includes(tab)) unackedGone++
        else lostTyped.push(word)
      })
    }
    return {
      keystrokes: run.stats.keystrokes,
      words: tabs.reduce((sum, tab) => sum + tab.words.length, 0),
      savedRequests: run.stats.savedRequests,
      acks: run.stats.acks,
      notSaved: run.stats.notSaved,
      reconnects: run.stats.connects - tabs.length,
      tabsClosed: tabs.filter((tab) => !open.includes(tab)).length,
      permanentCloses: run.stats.permanentCloses,
      downtimeMs,
      storiesConverged,
      unconverged,
      lostAcked,
      lostTyped,
      unackedGone,
      memory: {
        firstBaselineKb: first.rssKb,
        baselineKb,
        peakKb,
        afterLeaveKb,
        settledMs,
        rssAfterGcKb,
        heapBaselineKb: restarted.heapKb,
        heapAfterLeaveKb,
      },
    }
  } finally {
    for (const tab of tabs) if (!tab.closed) tab.close()
    for (const reader of readers) if (reader.provider.shouldConnect) reader.provider.destroy()
    // The provider's awareness keeps a timer until its document is destroyed.
    for (const doc of [...tabs, ...readers].map((holder) => holder.doc)) doc.destroy()
    clearInterval(sampler)
    stopServer()
    await proxy.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}
