/**
 * Benchmark: key press to next paint in the real app, in Debian's Chromium, while others type in
 * the same story. The built app (`appBuild.ts`) is served by the real server (in this process,
 * port 0); a reporter signs in through the sign-in page, opens a story they lead, puts the caret
 * in its third paragraph and types like a person (one key every 70–130 ms) while `typists.ts`
 * clients type elsewhere in the story. `paintProbe.ts` times each key press in the page.
 *
 * By default each run is made twice: with the copy desk's "Check spelling and style as I type" on
 * (the default) and off, turned off the way a person does it (the switch in the Review tab, which
 * this browser then remembers), so what checking while typing costs is a figure (issue 13).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Browser, CDPSession, Locator, Page } from 'playwright-core'
import type { RunningServer } from '../server/app'
import { launchBrowser } from '../tests/helpers/browser'
import { seededRandom } from '../tests/helpers/random'
import { addUser, importStoryVia, startTestServer } from '../tests/helpers/server'
import { builtApp } from './appBuild'
import { buildEntry, serve } from './browserKeystroke'
import { signIn, VIEWPORT, type SignedIn } from './appBrowser'
import { ScriptMaps, summariseFrames, summariseProfile, summariseTrace, type FrameSummary, type ProfileSummary, type TraceSlice } from './pageProfile'
import { PAINT_PROBE, type ProbeState } from './paintProbe'
import { makeParagraphs, quantile } from './stats'
import { startTypists, type TypistSpec } from './typists'

/** One story size, one condition (alone or with others typing), or the bare page. */
export interface PaintRun {
  /**
   * 'app': the story page; 'bare': a plain contenteditable page in the same browser (the floor);
   * 'editor': TipTap and y-tiptap alone on the same words, others typing in a worker (the stack's
   * floor, `bench/browser/main.ts`).
   */
  page: 'app' | 'bare' | 'editor'
  /** The copy desk's checks as one types: on (the default) or off (false for the bare page). */
  checks: boolean
  words: number
  others: number
  /** Key press → next paint, ms, one per key press. */
  latencies: number[]
  /** Key press → the keydown listener running (waiting for the main thread), ms. */
  inputDelays: number[]
  /**
   * Event Timing's view of the same key presses: for each, the longest `event` entry's end
   * (startTime + duration, to the next paint, 8 ms granularity) after the keydown; 0 when none
   * reached the 16 ms threshold.
   */
  eventTiming: number[]
  /** Key presses whose key did not fire `input` (not typed): should be 0. */
  noInput: number
  longTasks: { count: number; totalMs: number; maxMs: number }
  frames: FrameSummary
  /** Characters the others typed, every one of them seen in the page at the end. */
  othersTyped: number
  /** Sync sockets the page opened while measuring (a dropped socket reopened): should be 0. */
  reopened: number
  /** How the page's sockets closed while measuring: `code reason` → times. */
  closes: Record<string, number>
}

/** All runs. */
export interface PaintResult {
  /** A plain contenteditable page holding the same words, per story size: this browser and machine with no app at all. */
  floors: PaintRun[]
  runs: PaintRun[]
}

/** The profiled extra run: the JS profile, the renderer main thread's trace by event, and its long frames. */
export interface Profiled {
  /** The copy desk's checks on or off in the profiled run. */
  checks: boolean
  words: number
  others: number
  presses: number
  summary: ProfileSummary
  trace: { busyMs: number; slices: TraceSlice[] }
  frames: FrameSummary
}

/** Knobs (defaults: 200 key presses (60 when profiling), 5 others typing one character each 200 ms, checks on and off). */
export interface PaintOptions {
  presses?: number
  others?: number
  everyMs?: number
  /** The copy desk's checks in the app's runs: `[true]` alone measures a build that has no switch. */
  checks?: readonly boolean[]
}

const PASSWORD = 'correct horse'
const COLORS = ['#b4281f', '#1f6fb4', '#2e7d32', '#8e44ad', '#c77c02', '#00796b']
const WARM_UP_PRESSES = 20
const TEXT = 'Officials said late on Tuesday that the talks would resume next week. '

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The goals of issue 12, by story size: p95 and p99 at most (null: no goal). */
export function paintGoal(words: number): { p95: number; p99: number | null } {
  return words <= 10_000 ? { p95: 16, p99: 33 } : { p95: 33, p99: null }
}

/** Whether a run meets the goals of its story size. */
export function meetsPaintGoal(run: PaintRun): boolean {
  const goal = paintGoal(run.words)
  return quantile(run.latencies, 0.95) <= goal.p95 && (goal.p99 === null || quantile(run.latencies, 0.99) <= goal.p99)
}

interface Story {
  id: string
  words: number
  /** Paragraphs in its body. */
  blocks: number
}

interface Setup {
  server: RunningServer
  browser: Browser
  storageState: SignedIn
  /** The same person after turning the copy desk's checks off in the Review tab (kept in this browser's storage); null when not measured. */
  checksOffState: SignedIn | null
  typists: Array<Omit<TypistSpec, 'paragraph'>>
  maps: ScriptMaps
}

/** Type `count` characters of TEXT one key at a time, key presses 70–130 ms apart (seeded), start to start. */
async function typeLikeAPerson(page: Page, count: number, random: () => number, from = 0): Promise<void> {
  for (let i = 0; i < count; i++) {
    const next = Date.now() + 70 + random() * 60
    await page.keyboard.type(TEXT[(from + i) % TEXT.length] ?? 'x')
    await sleep(Math.max(0, next - Date.now()))
  }
}

/** The copy desk's checker workers a page started. */
const CHECK_WORKER = /checkWorker/

/**
 * Open story `id` in a fresh context (checks on or off), wait until all `blocks` are in the editor,
 * caret in the third paragraph.
 */
async function openStory(
  setup: Setup,
  id: string,
  blocks: number,
  checks: boolean,
): Promise<{ page: Page; close: () => Promise<void>; errors: string[]; sockets: { opened: number }; checkers: { started: number } }> {
  const storageState = checks ? setup.storageState : setup.checksOffState
  if (!storageState) throw new Error('checks off were not set up')
  const context = await setup.browser.newContext({ viewport: VIEWPORT, storageState, serviceWorkers: 'block' })
  await context.addInitScript({ content: PAINT_PROBE })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  const sockets = { opened: 0 }
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).pathname.startsWith('/collab')) sockets.opened++
  })
  const checkers = { started: 0 }
  page.on('worker', (worker) => {
    if (CHECK_WORKER.test(worker.url())) checkers.started++
  })
  await page.goto(`${setup.server.url}/stories/${id}`)
  await page.getByRole('status', { name: 'Connection' }).filter({ hasText: 'Connected' }).waitFor({ timeout: 60_000 })
  const body = page.getByRole('textbox', { name: 'Story body' })
  await page.waitForFunction((n) => (document.querySelector('[aria-label="Story body"]')?.querySelectorAll(':scope > p').length ?? 0) >= n, blocks, {
    timeout: 60_000,
    polling: 200,
  })
  await body.locator(':scope > p').nth(2).click()
  await page.keyboard.press('End')
  return { page, close: () => context.close(), errors, sockets, checkers }
}

/**
 * Turn the copy desk's checks off as a person does: the switch in the Review tab of an open story,
 * then back to the Details tab (which the measured pages open on, as with checks on). Returns the
 * browser's storage with the setting kept.
 */
export async function turnChecksOff(browser: Browser, baseUrl: string, storageState: SignedIn, id: string): Promise<SignedIn> {
  const context = await browser.newContext({ viewport: VIEWPORT, storageState, serviceWorkers: 'block' })
  try {
    const page = await context.newPage()
    await page.goto(`${baseUrl}/stories/${id}`)
    await page.getByRole('tab', { name: /^Review\b/ }).click()
    const checks = page.getByRole('switch', { name: 'Check spelling and style as I type' })
    await checks.uncheck()
    await page.getByRole('tab', { name: /^Details\b/ }).click()
    await page.getByRole('tab', { name: /^Details\b/, selected: true }).waitFor()
    return await context.storageState()
  } finally {
    await context.close()
  }
}

/** The page's text of the story body, without collaborators' caret labels. */
function bodyText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const copy = document.querySelector('[aria-label="Story body"]')?.cloneNode(true) as HTMLElement | undefined
    copy?.querySelectorAll('.collab-caret, .part-label').forEach((widget) => widget.remove())
    return copy?.textContent ?? ''
  })
}

/** One run: open, warm up, start the others, record `presses` key presses, check every edit arrived. */
async function measure(
  setup: Setup,
  story: Story,
  others: number,
  presses: number,
  everyMs: number,
  profile: boolean,
  checks = true,
): Promise<{ run: PaintRun; profile: Pick<Profiled, 'summary' | 'trace'> | null }> {
  const { page, close, errors, sockets, checkers } = await openStory(setup, story.id, story.blocks, checks)
  const random = seededRandom(story.words + others)
  try {
    await typeLikeAPerson(page, WARM_UP_PRESSES, random)
    // Typist 0 is in view, three paragraphs below the caret; the rest spread through the story.
    const specs = setup.typists.slice(0, others).map((typist, index) => ({
      ...typist,
      paragraph: index === 0 ? 5 : Math.floor((story.blocks * index) / others),
    }))
    const typists = others > 0 ? await startTypists(setup.server.url, story.id, specs, everyMs) : null
    let typed: string[] = []
    try {
      await sleep(1000)
      const cdp = profile ? await page.context().newCDPSession(page) : null
      if (cdp) {
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
        await cdp.send('Profiler.start')
        await setup.browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
      }
      const socketsBefore = sockets.opened
      await startProbe(page)
      await typeLikeAPerson(page, presses, random, WARM_UP_PRESSES)
      await sleep(300)
      const state = await stopProbe(page)
      const reopened = sockets.opened - socketsBefore
      const summary = cdp ? await stopProfiling(cdp, setup) : null
      typed = typists?.stop() ?? []
      // Every character the others typed reaches this page (a check, not a timing).
      const deadline = Date.now() + 10_000
      for (;;) {
        const text = await bodyText(page)
        if (typed.every((run) => text.includes(run))) break
        if (Date.now() > deadline) throw new Error(`the page did not receive every remote edit (${story.words} words)`)
        await sleep(200)
      }
      if (!(await bodyText(page)).includes(TEXT.slice(WARM_UP_PRESSES, WARM_UP_PRESSES + 40))) throw new Error('the key presses did not type into the story')
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`)
      // The setting held: checks on ran the checker's worker; off, none was started and nothing is marked.
      if (checks !== (checkers.started > 0)) throw new Error(`checks ${checks ? 'on' : 'off'}, yet ${checkers.started} checker workers started`)
      const marked = page.getByRole('textbox', { name: 'Story body' }).locator('[aria-invalid="spelling"], [aria-invalid="grammar"]')
      if (!checks && (await marked.count()) > 0) throw new Error('checks off, yet words are marked')
      return { run: { ...toRun(state, 'app', checks, story.words, others, typed, setup.maps), reopened }, profile: summary }
    } finally {
      typists?.destroy()
    }
  } finally {
    await close()
  }
}

/**
 * Stop the CPU profile and the trace of a profiled run and summarise them. With `PAINT_PROFILE_OUT`
 * set (a path prefix), the raw profile and trace are also written, for DevTools or a script:
 * `<prefix>.cpuprofile` and `<prefix>.trace.json`.
 */
async function stopProfiling(cdp: CDPSession, setup: Setup): Promise<Pick<Profiled, 'summary' | 'trace'>> {
  const { profile } = await cdp.send('Profiler.stop')
  const trace = await setup.browser.stopTracing()
  const prefix = process.env.PAINT_PROFILE_OUT
  if (prefix) {
    writeFileSync(`${prefix}.cpuprofile`, JSON.stringify(profile))
    writeFileSync(`${prefix}.trace.json`, trace)
  }
  return { summary: summariseProfile(profile, setup.maps), trace: summariseTrace(trace) }
}

/** Start recording key presses in the page. */
async function startProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = (window as unknown as { __deskPaint: ProbeState }).__deskPaint
    probe.since = performance.now()
    probe.active = true
  })
}

/** Stop recording; what the probe holds. */
function stopProbe(page: Page): Promise<ProbeState> {
  return page.evaluate(() => {
    const probe = (window as unknown as { __deskPaint: ProbeState }).__deskPaint
    probe.active = false
    probe.until = performance.now()
    return JSON.parse(JSON.stringify(probe)) as ProbeState
  })
}

/** Caret at the end of `paragraph`, warm up, then record `presses` key presses: what the probe holds (for the floors' pages). */
async function recordPresses(page: Page, paragraph: Locator, presses: number, random: () => number): Promise<ProbeState> {
  await paragraph.click()
  await page.keyboard.press('End')
  await typeLikeAPerson(page, WARM_UP_PRESSES, random)
  await startProbe(page)
  await typeLikeAPerson(page, presses, random, WARM_UP_PRESSES)
  await sleep(300)
  return stopProbe(page)
}

/** The floor: the same key presses into a plain contenteditable page of `words` words (no app, no network), same browser. */
async function measureBare(setup: Setup, words: number, presses: number): Promise<PaintRun> {
  const context = await setup.browser.newContext({ viewport: VIEWPORT })
  try {
    await context.addInitScript({ content: PAINT_PROBE })
    const page = await context.newPage()
    const paragraphs = makeParagraphs(words).map((text) => `<p>${text}</p>`)
    await page.goto(`data:text/html,${encodeURIComponent(`<!doctype html><body style="font:18px/1.5 Georgia,serif"><div contenteditable="true" style="max-width:720px;margin:40px auto">${paragraphs.join('')}</div>`)}`)
    const state = await recordPresses(page, page.locator('p').nth(2), presses, seededRandom(1))
    return toRun(state, 'bare', false, words, 0, [], setup.maps)
  } finally {
    await context.close()
  }
}

/** The stack's floor page (`bench/browser`), built and served once for a run; `close` removes it. */
async function editorFloorPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'deskline-bench-floor-'))
  try {
    await buildEntry(outDir)
    const server = await serve(outDir, false)
    return {
      url: server.url,
      close: async () => {
        await server.close()
        rmSync(outDir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true })
    throw error
  }
}

/**
 * The stack's floor: the same key presses into TipTap and y-tiptap alone, holding the same words,
 * with `others` typing as in the app's runs (in a worker, their edits applied in the page).
 */
async function measureEditorFloor(setup: Setup, url: string, words: number, others: number, everyMs: number, presses: number): Promise<PaintRun> {
  const context = await setup.browser.newContext({ viewport: VIEWPORT })
  try {
    await context.addInitScript({ content: PAINT_PROBE })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(url)
    await page.waitForFunction(() => typeof window.deskEditorFloor === 'function')
    await page.evaluate(([paragraphs, count, ms]) => window.deskEditorFloor(paragraphs, { count, everyMs: ms }), [makeParagraphs(words), others, everyMs] as const)
    const body = page.getByRole('textbox', { name: 'Story body' })
    const state = await recordPresses(page, body.locator(':scope > p').nth(2), presses, seededRandom(words + others))
    if (!(await body.innerText()).includes(TEXT.slice(WARM_UP_PRESSES, WARM_UP_PRESSES + 40))) throw new Error('the key presses did not type into the editor floor')
    // The others' edits reached the editor: the first of them types at the start of paragraph 6.
    if (others > 0 && !(await body.locator(':scope > p').nth(5).innerText()).startsWith('abcdefghij')) throw new Error('the others’ edits did not reach the editor floor')
    if (errors.length > 0) throw new Error(`page errors (editor floor): ${errors.join('; ')}`)
    return toRun(state, 'editor', false, words, others, [], setup.maps)
  } finally {
    await context.close()
  }
}

/** What the probe recorded → a run's figures. */
function toRun(state: ProbeState, kind: PaintRun['page'], checks: boolean, words: number, others: number, typed: string[], maps: ScriptMaps): PaintRun {
  const inWindow = (time: number) => time >= state.since && time <= state.until
  const presses = state.presses
  const eventTiming = presses.map((press, index) => {
    const next = presses[index + 1]?.start ?? state.until
    let end = 0
    for (const entry of state.events) {
      if (entry.startTime >= press.start && entry.startTime < next) end = Math.max(end, entry.startTime + entry.duration - press.start)
    }
    return end
  })
  const longTasks = state.longTasks.filter((task) => inWindow(task.startTime))
  return {
    page: kind,
    checks,
    words,
    others,
    latencies: presses.map((press) => press.paintedAt - press.start),
    inputDelays: presses.map((press) => press.keydownAt - press.start),
    eventTiming,
    noInput: state.noInput,
    longTasks: {
      count: longTasks.length,
      totalMs: longTasks.reduce((sum, task) => sum + task.duration, 0),
      maxMs: longTasks.reduce((max, task) => Math.max(max, task.duration), 0),
    },
    frames: summariseFrames(
      state.frames.filter((frame) => inWindow(frame.startTime)),
      maps,
    ),
    othersTyped: typed.reduce((sum, run) => sum + run.length, 0),
    reopened: 0,
    closes: state.closes.filter((close) => inWindow(close.at)).reduce<Record<string, number>>((counts, { code, reason }) => {
      const key = `${code}${reason ? ` ${reason}` : ''}`
      counts[key] = (counts[key] ?? 0) + 1
      return counts
    }, {}),
  }
}

/**
 * The built app on the real server with a reporter, `others` typists and one imported story per
 * size in `words`, Chromium signed in as the reporter: `work` runs with it, then all is closed.
 */
async function withStories<T>(words: readonly number[], others: number, checksOff: boolean, work: (setup: Setup, stories: Story[]) => Promise<T>): Promise<T> {
  const dir = await builtApp()
  const server = await startTestServer({ staticDir: dir })
  let browser: Browser | null = null
  try {
    const writer = await addUser(server, 'writer', 'reporter', PASSWORD)
    const typists = await Promise.all(
      Array.from({ length: others }, async (_, index) => {
        const user = await addUser(server, `typist${index + 1}`, 'editor', PASSWORD)
        return { name: `Typist ${index + 1}`, color: COLORS[index % COLORS.length] ?? '#777', token: user.token }
      }),
    )
    // The reporter imports the stories, so they lead them and type straight (not in suggest mode).
    const stories: Story[] = []
    for (const count of words) {
      const paragraphs = makeParagraphs(count)
      const id = await importStoryVia(server.url, writer.token, `A long story\n\n${paragraphs.join('\n\n')}`)
      stories.push({ id, words: count, blocks: paragraphs.length })
    }
    browser = await launchBrowser()
    const storageState = await signIn(browser, server.url, writer.username, PASSWORD)
    const checksOffState = checksOff ? await turnChecksOff(browser, server.url, storageState, (stories[0] as Story).id) : null
    return await work({ server, browser, storageState, checksOffState, typists, maps: new ScriptMaps(dir) }, stories)
  } finally {
    await browser?.close()
    await server.close()
  }
}

/**
 * For each story size: key press → next paint with `others` typing in the story, alone (the
 * reference), and in a plain contenteditable page of the same words (the floor), each in a fresh
 * browser context; the app's runs with the copy desk's checks on, then off.
 */
export function benchPaint(words: readonly number[], options: PaintOptions = {}): Promise<PaintResult> {
  const { presses = 200, others = 5, everyMs = 200, checks = [true, false] } = options
  return withStories(words, others, checks.includes(false), async (setup, stories) => {
    const floors: PaintRun[] = []
    const runs: PaintRun[] = []
    const floorPage = await editorFloorPage()
    try {
      for (const story of stories) {
        floors.push(await measureBare(setup, story.words, Math.min(presses, 100)))
        floors.push(await measureEditorFloor(setup, floorPage.url, story.words, others, everyMs, presses))
        for (const on of checks) {
          runs.push((await measure(setup, story, others, presses, everyMs, false, on)).run)
          runs.push((await measure(setup, story, 0, presses, everyMs, false, on)).run)
        }
      }
    } finally {
      await floorPage.close()
    }
    return { floors, runs }
  })
}

/**
 * Where the time goes when typing into a `words`-word story with `others` typing: one run under
 * the CDP Profiler and a Chromium trace (both slow the page down, so only the shares count).
 */
export function profilePaint(words: number, options: PaintOptions = {}): Promise<Profiled> {
  const { presses = 60, others = 5, everyMs = 200, checks = [true] } = options
  const on = checks[0] ?? true
  return withStories([words], others, !on, async (setup, [story]) => {
    if (!story) throw new Error('no story')
    const { run, profile } = await measure(setup, story, others, presses, everyMs, true, on)
    if (!profile) throw new Error('the profiled run returned no profile')
    return { checks: on, words, others, presses, ...profile, frames: run.frames }
  })
}
