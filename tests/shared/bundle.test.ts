/**
 * The route split (issue 12), read from the build: the pages people open all day without a story
 * (sign-in, the story list, the budget) load no editor. `npm test` builds before it tests; run
 * `npm run build` first when running this file alone.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../helpers/server'

interface ManifestChunk {
  file: string
  imports?: string[]
  dynamicImports?: string[]
}

const DIST = path.join(ROOT, 'dist')
let manifest: Record<string, ManifestChunk>

/** The files a chunk loads before it runs: itself and its static imports, transitively. */
function staticGraph(key: string, seen = new Set<string>()): string[] {
  if (seen.has(key)) return []
  seen.add(key)
  const chunk = manifest[key]!
  return [chunk.file, ...(chunk.imports ?? []).flatMap((next) => staticGraph(next, seen))]
}

/** The source modules bundled into a built file, from its sourcemap. */
function sourcesOf(file: string): string[] {
  const map = JSON.parse(fs.readFileSync(path.join(DIST, `${file}.map`), 'utf8')) as { sources: string[] }
  return map.sources
}

function gzipBytes(files: string[]): number {
  return files.reduce((sum, file) => sum + zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length, 0)
}

beforeAll(() => {
  const file = path.join(DIST, '.vite', 'manifest.json')
  if (!fs.existsSync(file)) throw new Error('Build the app first: npm run build')
  manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ManifestChunk>
})

describe('the built app', () => {
  it('loads no TipTap, ProseMirror or Yjs on the pages without a story, and the story page loads them on demand', () => {
    const shell = staticGraph('index.html')
    const modules = shell.flatMap(sourcesOf)
    expect(modules.length).toBeGreaterThan(10)
    expect(modules.filter((source) => /node_modules\/(yjs|y-websocket|y-protocols|@tiptap|prosemirror-|zod)\//.test(source))).toEqual([])
    expect(manifest['index.html']!.dynamicImports).toContain('src/story/StoryPage.tsx')
    const storyModules = staticGraph('src/story/StoryPage.tsx').flatMap(sourcesOf)
    expect(storyModules.some((source) => source.includes('node_modules/@tiptap/core/'))).toBe(true)
    expect(storyModules.some((source) => source.includes('node_modules/yjs/'))).toBe(true)
  })

  it('keeps the script of the pages without a story within 120 KB gzip', () => {
    expect(gzipBytes(staticGraph('index.html'))).toBeLessThanOrEqual(120 * 1024)
  })
})
