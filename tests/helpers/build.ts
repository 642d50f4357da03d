/** The built app as the bundle tests read it: Vite's manifest, each chunk's static graph, its sources. */
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from './server'

/** One entry of `dist/.vite/manifest.json`. */
export interface ManifestChunk {
  file: string
  src?: string
  imports?: string[]
  dynamicImports?: string[]
  assets?: string[]
}

export type Manifest = Record<string, ManifestChunk>

/** The build under test: `dist/`, or `DESKLINE_TEST_DIST` when several builds are tested side by side. */
export const DIST = process.env.DESKLINE_TEST_DIST ? path.resolve(process.env.DESKLINE_TEST_DIST) : path.join(ROOT, 'dist')

/** The build's manifest; throws when the app is not built. */
export function readManifest(): Manifest {
  const file = path.join(DIST, '.vite', 'manifest.json')
  if (!fs.existsSync(file)) throw new Error('Build the app first: npm run build')
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest
}

/** The files a chunk loads before it runs: itself and its static imports, transitively. */
export function staticGraph(manifest: Manifest, key: string, seen = new Set<string>()): string[] {
  if (seen.has(key)) return []
  seen.add(key)
  const chunk = manifest[key]!
  return [chunk.file, ...(chunk.imports ?? []).flatMap((next) => staticGraph(manifest, next, seen))]
}

/** The source modules bundled into a built file, from its sourcemap. */
export function sourcesOf(file: string): string[] {
  return (JSON.parse(fs.readFileSync(path.join(DIST, `${file}.map`), 'utf8')) as { sources: string[] }).sources
}
