/**
 * The built app for the browser benchmarks (`paint`, `bundle`): the project's own Vite config
 * (`npm run build`: production mode, route chunks, manifest, source maps, service worker) built
 * into a temporary folder once per bench process. Not `dist/` itself: others rebuild `dist/`
 * while they work, and a rebuild in the middle of a run would pull the files from under the page.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'vite'
import { ROOT } from '../tests/helpers/server'

/** One chunk of `.vite/manifest.json` (the fields the benchmarks read). */
export interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  isDynamicEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
}

/** Vite's build manifest: source id → chunk. */
export type Manifest = Record<string, ManifestChunk>

let built: Promise<string> | null = null

/**
 * Builds the app once per process (about 12 s here) and resolves with the folder; removed at exit.
 * `DESKLINE_BENCH_DIST=<folder>` benches a build made beforehand instead (kept), so two builds can
 * be compared on the same bench code (`npx vite build --outDir <folder>`).
 */
export function builtApp(): Promise<string> {
  const prebuilt = process.env.DESKLINE_BENCH_DIST
  if (prebuilt) {
    if (!fs.existsSync(path.join(prebuilt, 'index.html'))) return Promise.reject(new Error(`DESKLINE_BENCH_DIST: no build in ${prebuilt}`))
    return Promise.resolve(path.resolve(prebuilt))
  }
  built ??= (async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-bench-app-'))
    process.once('exit', () => fs.rmSync(outDir, { recursive: true, force: true }))
    await build({ root: ROOT, configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } })
    return outDir
  })()
  return built
}

/** The build's manifest. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, '.vite', 'manifest.json'), 'utf8')) as Manifest
}
