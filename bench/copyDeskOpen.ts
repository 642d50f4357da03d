/**
 * Benchmark (issue 13): "a 10,000-word story is fully checked in under a second after opening".
 * The built app (`appBuild.ts`) on the real server (this process, port 0); a reporter signed in
 * through the sign-in page opens a 10,000-word story (news copy with planted misspellings,
 * imported through the API) in a fresh Chromium context each time: fresh cache, fresh IndexedDB,
 * so the story and the checker's worker come from the server as on a first visit.
 *
 * A script put in the page before the app's looks at every frame from navigation start: the
 * first frame holding every paragraph of the body (shown), and the first whose copy desk progress
 * counts every paragraph checked with its result drawn (checked): what the Review tab's status
 * shows, read from the editor (`storage.copyDesk.progress`, through the body element's `editor`),
 * as the status is not mounted until that tab is first shown. Each time is taken after that
 * frame's paint (a message posted from its requestAnimationFrame). At that frame it also counts the planted misspellings
 * marked: all of them, or the run fails. The reference: the same story opened with "Check
 * spelling and style as I type" turned off (the Review tab's switch, kept by the browser).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { launchBrowser } from '../tests/helpers/browser'
import { seededRandom } from '../tests/helpers/random'
import { addUser, importStoryVia, ROOT, startTestServer } from '../tests/helpers/server'
import { builtApp } from './appBuild'
import { signIn, VIEWPORT, type SignedIn } from './appBrowser'
import { turnChecksOff } from './paint'

/** The goal: the whole story checked within this long of opening it (ms). */
export const COPY_DESK_OPEN_GOAL_MS = 1000

export interface CopyDeskOpenResult {
  words: number
  paragraphs: number
  /** Misspellings planted in the story, every one found marked in every checked run. */
  planted: number
  /** Checks on: navigation start → every paragraph of the body painted, one per page load (ms). */
  shownMs: number[]
  /** Checks on: navigation start → every paragraph's result drawn and painted (ms). */
  checkedMs: number[]
  /** Checks off: navigation start → body painted (ms). */
  offShownMs: number[]
}

/** What the page script records (performance.now(): ms since navigation start). */
interface OpenProbe {
  shownAt: number | null
  checkedAt: number | null
  /** The planted misspellings marked in the frame the story was first all checked. */
  plantedMarked: number
}

const PASSWORD = 'correct horse'
const CHECK_WORKER = /checkWorker/
/** Words to misspell, in order of preference, and how. */
const TYPOS: ReadonlyArray<readonly [string, string]> = [
  ['government', 'goverment'],
  ['agreement', 'agreemnet'],
  ['officials', 'offcials'],
  ['said', 'siad'],
  ['would', 'woudl'],
  ['their', 'thier'],
  ['which', 'whcih'],
  ['with', 'wiht'],
]

/**
 * About `count` words of real news copy: paragraphs of one or two sentences of
 * tests/fixtures/stories/syria-ceasefire.txt in a seeded order, no two alike (the checker keeps
 * results by paragraph text, so repeated paragraphs would be checked once), every eighth with one
 * word misspelled.
 */
export function newsStory(count: number, seed = 13): { paragraphs: string[]; planted: number } {
  const text = fs.readFileSync(path.join(ROOT, 'tests/fixtures/stories/syria-ceasefire.txt'), 'utf8')
  // The section line and the headline first, then the body.
  const body = text.split(/\n\s*\n/).slice(2).map((block) => block.replace(/\s+/g, ' ').trim())
  const sentences = body.flatMap((block) => block.split(/(?<=[.?!]["”]?) (?=["“A-Z])/)).filter((sentence) => sentence.length > 0)
  const random = seededRandom(seed)
  const paragraphs: string[] = []
  const seen = new Set<string>()
  let words = 0
  let planted = 0
  while (words < count) {
    // One or two different sentences, as the wire's paragraphs run.
    const size = 1 + Math.floor(random() * 2)
    const chosen = new Set<string>()
    while (chosen.size < size) chosen.add(sentences[Math.floor(random() * sentences.length)] ?? '')
    let paragraph = [...chosen].join(' ')
    if (seen.has(paragraph)) continue
    seen.add(paragraph)
    if (paragraphs.length % 8 === 3) {
      const typo = TYPOS.find(([word]) => new RegExp(`\\b${word}\\b`).test(paragraph))
      if (typo) {
        paragraph = paragraph.replace(new RegExp(`\\b${typo[0]}\\b`), typo[1])
        planted++
      }
    }
    paragraphs.push(paragraph)
    words += paragraph.split(/\s+/).length
  }
  return { paragraphs, planted }
}

/** The page script: watches every frame until the body is shown and (checks on) the story checked. */
function probeScript(blocks: number, checks: boolean): string {
  const typos = JSON.stringify(TYPOS.map(([, typo]) => typo))
  return `(() => {
  const probe = { shownAt: null, checkedAt: null, plantedMarked: 0 }
  window.__deskOpen = probe
  const typos = new Set(${typos})
  // The time after this frame's paint: a message posted from its requestAnimationFrame runs next.
  const afterPaint = (record) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => record(performance.now())
    channel.port2.postMessage(0)
  }
  let shown = false
  let checked = ${checks ? 'false' : 'true'}
  const frame = () => {
    const body = document.querySelector('[aria-label="Story body"]')
    if (!shown && body && body.childElementCount >= ${blocks}) {
      shown = true
      afterPaint((at) => (probe.shownAt = at))
    }
    if (!checked && body) {
      // What the Review tab's status shows (its data-checked and data-paragraphs), read from the editor.
      const progress = body.editor?.storage?.copyDesk?.progress?.get()
      const total = progress?.total ?? 0
      if (total >= ${blocks} && progress.checked === total) {
        checked = true
        probe.plantedMarked = [...body.querySelectorAll('[aria-invalid="spelling"]')].filter((mark) => typos.has(mark.textContent)).length
        afterPaint((at) => (probe.checkedAt = at))
      }
    }
    if (!shown || !checked) requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
})()`
}

/** One fresh page load of story `id`: the probe's times, and the checker workers the page started. */
async function openOnce(browser: Browser, url: string, storageState: SignedIn, blocks: number, checks: boolean): Promise<OpenProbe & { workers: number }> {
  const context = await browser.newContext({ viewport: VIEWPORT, storageState, serviceWorkers: 'block' })
  try {
    await context.addInitScript({ content: probeScript(blocks, checks) })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    let workers = 0
    page.on('worker', (worker) => {
      if (CHECK_WORKER.test(worker.url())) workers++
    })
    await page.goto(url)
    await page.waitForFunction(
      (on) => {
        const probe = (window as unknown as { __deskOpen: OpenProbe }).__deskOpen
        return probe.shownAt !== null && (!on || probe.checkedAt !== null)
      },
      checks,
      { timeout: 60_000, polling: 100 },
    )
    const probe = await page.evaluate(() => (window as unknown as { __deskOpen: OpenProbe }).__deskOpen)
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`)
    return { ...probe, workers }
  } finally {
    await context.close()
  }
}

/**
 * Open a `words`-word story `runs` times with checks on and `runs` times off (alternating, after
 * one unmeasured load of each), each a fresh page load.
 */
export async function benchCopyDeskOpen(words = 10_000, runs = 7): Promise<CopyDeskOpenResult> {
  const { paragraphs, planted } = newsStory(words)
  const dir = await builtApp()
  const server = await startTestServer({ staticDir: dir })
  let browser: Browser | null = null
  try {
    const writer = await addUser(server, 'writer', 'reporter', PASSWORD)
    const id = await importStoryVia(server.url, writer.token, `Talks on Syria stall again\n\n${paragraphs.join('\n\n')}`)
    browser = await launchBrowser()
    const on = await signIn(browser, server.url, writer.username, PASSWORD)
    const off = await turnChecksOff(browser, server.url, on, id)
    const url = `${server.url}/stories/${id}`
    const result: CopyDeskOpenResult = { words: paragraphs.join(' ').split(/\s+/).length, paragraphs: paragraphs.length, planted, shownMs: [], checkedMs: [], offShownMs: [] }
    for (let run = -1; run < runs; run++) {
      const checked = await openOnce(browser, url, on, paragraphs.length, true)
      // The story was checked whole: every planted misspelling marked, by the one worker.
      if (checked.plantedMarked !== planted) throw new Error(`${checked.plantedMarked} of ${planted} planted misspellings marked when the story said it was checked`)
      if (checked.workers !== 1) throw new Error(`checks on, yet ${checked.workers} checker workers started`)
      const unchecked = await openOnce(browser, url, off, paragraphs.length, false)
      if (unchecked.workers !== 0) throw new Error(`checks off, yet ${unchecked.workers} checker workers started`)
      if (run < 0) continue
      result.shownMs.push(checked.shownAt ?? Number.NaN)
      result.checkedMs.push(checked.checkedAt ?? Number.NaN)
      result.offShownMs.push(unchecked.shownAt ?? Number.NaN)
    }
    return result
  } finally {
    await browser?.close()
    await server.close()
  }
}
