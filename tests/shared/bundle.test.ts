/**
 * The route split (issue 12), read from the build: the pages people open all day without a story
 * (sign-in, the story list, the budget) load no editor. `npm test` builds before it tests; run
 * `npm run build` first when running this file alone.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { DIST, readManifest, sourcesOf, staticGraph as staticGraphOf, type Manifest } from '../helpers/build'

let manifest: Manifest

const staticGraph = (key: string) => staticGraphOf(manifest, key)

function gzipBytes(files: string[]): number {
  return files.reduce((sum, file) => sum + zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length, 0)
}

beforeAll(() => {
  manifest = readManifest()
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
