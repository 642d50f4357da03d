/**
 * Benchmark: the remote-keystroke measurement of `bench/remoteKeystroke.ts`, in headless
 * Chromium. Builds `bench/browser` with Vite into a temporary directory, serves it on
 * 127.0.0.1, and runs each word count's stock and ours variants in a fresh page each.
 */
import fs from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sirv from 'sirv'
import { build } from 'vite'
import { launchBrowser } from '../tests/helpers/browser'
import { DEDUPE } from '../vite.config'
import type { KeystrokeStats, SyncVariant } from './keystrokeCore'
import type { BrowserKeystrokeOptions, BrowserKeystrokeResult } from './browser/main'

/** Knobs of the Chromium run: the page's (jsdom ones + pace, focus), plus how the page is served. */
export interface ChromiumKeystrokeOptions extends BrowserKeystrokeOptions {
  /**
   * Serve with COOP/COEP headers so the page is cross-origin isolated and `performance.now()`
   * ticks in 5 µs instead of 100 µs. Default true.
   */
  crossOriginIsolated?: boolean
}

/** One word count's result in Chromium. */
export interface ChromiumKeystrokeResult {
  words: number
  stock: KeystrokeStats
  ours: KeystrokeStats
  /** Smallest `performance.now()` step the pages saw, in milliseconds. */
  timerResolutionMs: number
}

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))


/** Builds the browser entry (production mode, as users get it) into `outDir`. */
export async function buildEntry(outDir: string): Promise<void> {
  await build({
    root: path.join(BENCH_DIR, 'browser'),
    configFile: false,
    logLevel: 'warn',
    base: './',
    resolve: { dedupe: DEDUPE },
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 },
  })
}

/** Serves `dir` on 127.0.0.1 at a free port. */
export async function serve(dir: string, isolated: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const handler = sirv(dir, {
    dev: true,
    setHeaders: (res) => {
      if (!isolated) return
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp')
    },
  })
  const server = http.createServer((req, res) =>
    handler(req, res, () => {
      res.statusCode = 404
      res.end()
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  }
}

/**
 * For each word count, the synchronous JS time of applying one remote keystroke
 * (`Y.applyUpdate`) into a TipTap editor open on that story in headless Chromium (1300×900),
 * with y-tiptap's stock `_typeChanged` and with ours, each in a fresh page.
 */
export async function benchRemoteKeystrokeChromium(
  words: number[],
  opts: ChromiumKeystrokeOptions = {},
): Promise<ChromiumKeystrokeResult[]> {
  const { crossOriginIsolated = true, ...runOpts } = opts
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'deskline-bench-'))
  try {
    await buildEntry(outDir)
    const server = await serve(outDir, crossOriginIsolated)
    const browser = await launchBrowser()
    try {
      const run = async (count: number, variant: SyncVariant): Promise<BrowserKeystrokeResult> => {
        const context = await browser.newContext({ viewport: { width: 1300, height: 900 } })
        try {
          const page = await context.newPage()
          const errors: string[] = []
          page.on('pageerror', (error) => errors.push(error.message))
          await page.goto(server.url)
          await page.waitForFunction(() => typeof window.deskBench === 'function')
          const result = await page.evaluate(
            ([n, v, o]) => window.deskBench(n, v, o),
            [count, variant, runOpts] as const,
          )
          if (errors.length > 0) throw new Error(`page errors (${variant}, ${count} words): ${errors.join('; ')}`)
          return result
        } finally {
          await context.close()
        }
      }
      const results: ChromiumKeystrokeResult[] = []
      for (const count of words) {
        // Ours first, as in the jsdom run; the pages do not share a heap either way.
        const ours = await run(count, 'ours')
        const stock = await run(count, 'stock')
        const strip = ({ p50, p95, mean }: BrowserKeystrokeResult): KeystrokeStats => ({ p50, p95, mean })
        results.push({
          words: count,
          stock: strip(stock),
          ours: strip(ours),
          timerResolutionMs: Math.min(stock.timerResolutionMs, ours.timerResolutionMs),
        })
      }
      return results
    } finally {
      await browser.close()
      await server.close()
    }
  } finally {
    await fs.rm(outDir, { recursive: true, force: true })
  }
}
