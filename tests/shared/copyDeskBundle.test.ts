/**
 * Where the copy desk's checker lands in the build (issue 13): the dictionary and spelling code
 * only in the checker worker's own file, never in the script of the pages without a story nor in
 * what the story page loads before it runs; the page side of the checks stays small. Run
 * `npm run build` first when running this file alone.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { DIST, readManifest, sourcesOf, staticGraph as staticGraphOf, type Manifest } from '../helpers/build'

let manifest: Manifest

const staticGraph = (key: string) => staticGraphOf(manifest, key)

/** The manifest key of the story page, wherever the page lives. */
const storyPageKey = () => Object.keys(manifest).find((key) => key.endsWith('/StoryPage.tsx'))!

beforeAll(() => {
  manifest = readManifest()
})

describe('the copy desk in the build', () => {
  const CHECKER = /node_modules\/(nspell|dictionary-en)\/|src\/shared\/style\/|src\/review\/copydesk\/(checkWorker|speller|checkParagraph|spellingWords)\.ts/

  it('keeps the checker out of the pages without a story and out of the story page’s static imports', () => {
    const shell = staticGraph('index.html').flatMap(sourcesOf)
    expect(shell.filter((source) => /node_modules\/(nspell|dictionary-en)\/|src\/review\/copydesk\//.test(source))).toEqual([])
    const story = staticGraph(storyPageKey()).flatMap(sourcesOf)
    expect(story.some((source) => source.includes('src/review/copydesk/CopyDesk.ts'))).toBe(true)
    expect(story.filter((source) => CHECKER.test(source))).toEqual([])
  })

  it('builds the checker as a worker file of its own, which the story page names but does not import', () => {
    // Named by the checking, which the story page loads on demand (src/story/onDemand.ts).
    const onDemandKey = Object.keys(manifest).find((key) => key.endsWith('/onDemand.ts'))!
    const workers = manifest[onDemandKey]!.assets?.filter((asset) => /checkWorker-[\w-]+\.js$/.test(asset)) ?? []
    expect(workers).toHaveLength(1)
    const worker = workers[0]!
    const text = fs.readFileSync(path.join(DIST, worker), 'utf8')
    // The dictionary is in it, as text: no fetch at run time, so it works offline once cached.
    expect(text).toContain('SFX')
    expect(text.length).toBeGreaterThan(500_000)
    expect(staticGraph(storyPageKey())).not.toContain(worker)
    // The service worker precaches it with the app.
    expect(fs.readFileSync(path.join(DIST, 'sw.js'), 'utf8')).toContain(worker)
    // About 200 KB gzip, all of it off the page's first load.
    expect(zlib.gzipSync(text, { level: 9 }).length).toBeLessThan(260 * 1024)
  })
})
