/**
 * Benchmark: JavaScript each route loads. From the build's manifest: the entry chunk and its
 * static imports for the pages without a story, plus the story page's dynamic chunk and its static
 * imports for `/stories/<id>`, each file compressed as a server would pre-compress it (gzip -9,
 * brotli -11). Then each route loaded in Chromium from the real server, to confirm it fetches
 * exactly those scripts (Resource Timing: bytes on the wire and decoded).
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser } from '../tests/helpers/browser'
import { addUser, importStoryVia, startTestServer } from '../tests/helpers/server'
import { signIn, VIEWPORT, type SignedIn } from './appBrowser'
import { builtApp, readManifest, type Manifest } from './appBuild'
import { makeParagraphs, printTable } from './stats'

/** Bytes of a set of files: as built, gzip and brotli (each file compressed on its own). */
export interface Sizes {
  files: number
  raw: number
  gzip: number
  brotli: number
}

/** What a route loaded in Chromium. */
export interface LoadedScripts {
  /** Script files fetched (paths), in the order Resource Timing lists them. */
  files: string[]
  /** Bytes received (`encodedBodySize`) and after decoding (`decodedBodySize`). */
  encoded: number
  decoded: number
  /** `Content-Encoding` of the script responses (`identity` when none). */
  encodings: string[]
  /** Fetched but not in the manifest's set for the route, and in the set but not fetched. */
  extra: string[]
  missing: string[]
}

/** One route: its chunk set from the manifest, their sizes, and what Chromium loaded. */
export interface RouteBundle {
  route: string
  chunks: string[]
  sizes: Sizes
  loaded: LoadedScripts
}

export interface BundleResult {
  routes: RouteBundle[]
  /** Every JavaScript chunk of the app (the reference). */
  whole: Sizes
}

/** The goal of issue 12 for a route, gzip bytes (kB as Vite prints them: 1,000 bytes). */
export function bundleGoal(route: string): number {
  return route.startsWith('/stories/') ? 250_000 : 120_000
}

const STORY_CHUNK = 'src/story/StoryPage.tsx'
const PASSWORD = 'correct horse'

/** The files of `keys` and everything they import statically, depth first. */
function staticClosure(manifest: Manifest, keys: readonly string[]): string[] {
  const files: string[] = []
  const seen = new Set<string>()
  const visit = (key: string) => {
    const chunk = manifest[key]
    if (!chunk || seen.has(key)) return
    seen.add(key)
    files.push(chunk.file)
    for (const imported of chunk.imports ?? []) visit(imported)
  }
  for (const key of keys) visit(key)
  return files.filter((file) => file.endsWith('.js'))
}

/** Sizes of `files` under `dir`. */
function sizesOf(dir: string, files: readonly string[]): Sizes {
  const sizes: Sizes = { files: files.length, raw: 0, gzip: 0, brotli: 0 }
  for (const file of files) {
    const bytes = fs.readFileSync(path.join(dir, file))
    sizes.raw += bytes.length
    sizes.gzip += zlib.gzipSync(bytes, { level: 9 }).length
    sizes.brotli += zlib.brotliCompressSync(bytes, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length
  }
  return sizes
}

/** Open `url` in a fresh context, wait for `ready`, then a second for late chunks; the scripts it fetched. */
async function scriptsLoaded(browser: Browser, url: string, storageState: SignedIn | undefined, ready: (page: Page) => Promise<void>, expected: readonly string[]): Promise<LoadedScripts> {
  // No service worker: it precaches every chunk after the first load, which is not what the route needs.
  const context = await browser.newContext({ viewport: VIEWPORT, storageState, serviceWorkers: 'block' })
  try {
    const page = await context.newPage()
    const encodings = new Set<string>()
    page.on('response', (response) => {
      if (response.request().resourceType() === 'script') encodings.add(response.headers()['content-encoding'] ?? 'identity')
    })
    await page.goto(url)
    await ready(page)
    await page.waitForTimeout(1000)
    const entries = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => entry as PerformanceResourceTiming)
        .filter((entry) => new URL(entry.name).pathname.endsWith('.js'))
        .map((entry) => ({ path: new URL(entry.name).pathname.slice(1), encoded: entry.encodedBodySize, decoded: entry.decodedBodySize })),
    )
    const files = entries.map((entry) => entry.path)
    return {
      files,
      encoded: entries.reduce((sum, entry) => sum + entry.encoded, 0),
      decoded: entries.reduce((sum, entry) => sum + entry.decoded, 0),
      encodings: [...encodings],
      extra: files.filter((file) => !expected.includes(file)),
      missing: expected.filter((file) => !files.includes(file)),
    }
  } finally {
    await context.close()
  }
}

/** The JavaScript of `/login`, `/`, `/budget` and `/stories/<id>`, from the manifest and in Chromium, and the whole app's. */
export async function benchBundle(): Promise<BundleResult> {
  const dir = await builtApp()
  const manifest = readManifest(dir)
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry)?.[0]
  if (!entry) throw new Error('the build manifest has no entry')
  // A page split off from the entry adds its own chunk; without the split it is in the entry itself.
  const pageKeys = (page: string) => (manifest[page] ? [entry, page] : [entry])
  const storyKeys = pageKeys(STORY_CHUNK)
  const whole = [...new Set(Object.values(manifest).map((chunk) => chunk.file))].filter((file) => file.endsWith('.js'))

  const server = await startTestServer({ staticDir: dir })
  let browser: Browser | null = null
  try {
    const writer = await addUser(server, 'writer', 'reporter', PASSWORD)
    const story = await importStoryVia(server.url, writer.token, `A short story\n\n${makeParagraphs(300).join('\n\n')}`)
    browser = await launchBrowser()
    const signedIn = await signIn(browser, server.url, writer.username, PASSWORD)
    const routes: Array<{ route: string; keys: string[]; signedIn: boolean; ready: (page: Page) => Promise<void> }> = [
      { route: '/login', keys: [entry], signedIn: false, ready: (page) => page.getByLabel('Username').waitFor() },
      { route: '/', keys: pageKeys('src/app/StoryListPage.tsx'), signedIn: true, ready: (page) => page.getByRole('heading', { name: 'Stories', level: 1 }).waitFor() },
      { route: '/budget', keys: pageKeys('src/app/BudgetPage.tsx'), signedIn: true, ready: (page) => page.getByRole('heading', { name: 'Budget', level: 1 }).waitFor() },
      { route: `/stories/${story}`, keys: storyKeys, signedIn: true, ready: (page) => page.getByRole('textbox', { name: 'Story body' }).waitFor() },
    ]
    const results: RouteBundle[] = []
    for (const { route, keys, signedIn: withSession, ready } of routes) {
      const chunks = staticClosure(manifest, keys)
      const loaded = await scriptsLoaded(browser, `${server.url}${route}`, withSession ? signedIn : undefined, ready, chunks)
      results.push({ route: route.startsWith('/stories/') ? '/stories/<id>' : route, chunks, sizes: sizesOf(dir, chunks), loaded })
    }
    return { routes: results, whole: sizesOf(dir, whole) }
  } finally {
    await browser?.close()
    await server.close()
  }
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`

/** Print the bundle table of `result`. */
export function printBundleTable(result: BundleResult): void {
  const rows = result.routes.map(({ route, chunks, sizes, loaded }) => [
    route,
    String(chunks.length),
    kB(sizes.raw),
    kB(sizes.gzip),
    kB(sizes.brotli),
    `≤ ${bundleGoal(route) / 1000} kB: ${sizes.gzip <= bundleGoal(route) ? 'met' : 'MISSED'}`,
    `${loaded.files.length} (${loaded.encodings.join(', ') || '–'})`,
    `${kB(loaded.encoded)} / ${kB(loaded.decoded)}`,
    loaded.extra.length === 0 && loaded.missing.length === 0 ? 'yes' : `no: +${loaded.extra.join(' +')} −${loaded.missing.join(' −')}`,
  ])
  rows.push(['reference: the whole app (every chunk)', String(result.whole.files), kB(result.whole.raw), kB(result.whole.gzip), kB(result.whole.brotli), '', '', '', ''])
  printTable(
    'JavaScript per route, from the build manifest (entry + static imports; the story page adds its dynamic chunk + static imports), each file compressed on its own (gzip -9, brotli -11), ' +
      'and as Chromium loaded each route from the real server (Resource Timing, no service worker). kB = 1,000 bytes. Goals: ≤ 120 kB gzip without a story, ≤ 250 kB gzip with one.',
    ['route', 'chunks', 'raw', 'gzip', 'brotli', 'goal (gzip)', 'Chromium: scripts (encoding)', 'received / decoded', 'as manifest'],
    rows,
  )
}
