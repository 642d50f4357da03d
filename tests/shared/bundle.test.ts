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

/** The chunks each page without a story starts from: the entry, and the page's own chunk. */
const PAGES_WITHOUT_STORY: Record<string, string[]> = {
  '/login': ['index.html'],
  '/': ['index.html', 'src/app/StoryListPage.tsx'],
  '/budget': ['index.html', 'src/app/BudgetPage.tsx'],
}

/** The files a page loads before it shows: its chunks and their static imports, once each. */
const pageGraph = (keys: string[]) => [...new Set(keys.flatMap(staticGraph))]

function gzipBytes(files: string[]): number {
  return files.reduce((sum, file) => sum + zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length, 0)
}

beforeAll(() => {
  manifest = readManifest()
})

describe('the built app', () => {
  it.each(Object.entries(PAGES_WITHOUT_STORY))('loads no TipTap, ProseMirror or Yjs on %s', (_page, keys) => {
    const modules = pageGraph(keys).flatMap(sourcesOf)
    expect(modules.length).toBeGreaterThan(10)
    expect(modules.filter((source) => /node_modules\/(yjs|y-websocket|y-protocols|@tiptap|prosemirror-|zod)\//.test(source))).toEqual([])
  })

  it('loads the editor on demand, and with it no other page nor what the story page loads later', () => {
    expect(manifest['index.html']!.dynamicImports).toContain('src/story/StoryPage.tsx')
    const storyModules = staticGraph('src/story/StoryPage.tsx').flatMap(sourcesOf)
    expect(storyModules.some((source) => source.includes('node_modules/@tiptap/core/'))).toBe(true)
    expect(storyModules.some((source) => source.includes('node_modules/yjs/'))).toBe(true)
    const elsewhere = /src\/(app\/(StoryListPage|BudgetPage|AdminPage|SetupPage)|review\/versions\/VersionsPanel|panel\/PublicationsPanel)\.tsx$/
    expect(storyModules.filter((source) => elsewhere.test(source))).toEqual([])
    // Not before the story shows: the History tab, the Review tab's suggestion list and copy desk
    // panel (the tab's comments load with the page), the menu of a word the copy desk marked.
    const later = /src\/(story\/(HistoryTab|ReviewTools)|review\/suggest\/SuggestionsPanel|review\/copydesk\/(CopyDeskPanel|IssueMenu))\.tsx$/
    expect(storyModules.filter((source) => later.test(source))).toEqual([])
    expect(storyModules.some((source) => source.endsWith('src/review/comments/CommentsPanel.tsx'))).toBe(true)
    const onDemand = staticGraph('src/story/onDemand.ts').flatMap(sourcesOf)
    for (const name of ['story/HistoryTab', 'story/ReviewTools', 'review/suggest/SuggestionsPanel', 'review/copydesk/CopyDeskPanel', 'review/copydesk/IssueMenu']) {
      expect(onDemand.some((source) => source.endsWith(`src/${name}.tsx`))).toBe(true)
    }
  })

  it('loads the copy desk’s checking on demand: the story page starts with its plugin, keys and readers only', () => {
    const storyModules = staticGraph('src/story/StoryPage.tsx').flatMap(sourcesOf)
    // There from the start: the plugin (its key, empty state, commands, Ctrl/⌘+.), the menu's
    // mount, the Review tab badge's count, and the switch that decides whether to load the rest.
    for (const name of ['review/copydesk/CopyDesk.ts', 'review/copydesk/CopyDeskMenu.tsx', 'review/copydesk/useCopyDeskIssueCount.ts', 'store/checkAsYouType.ts']) {
      expect(storyModules.some((source) => source.endsWith(`src/${name}`))).toBe(true)
    }
    // Loaded when checks first start: the checking, the worker's client, the newsroom dictionary,
    // the settings' store (and zustand's persistence with it).
    const engine =
      /src\/(review\/copydesk\/(copyDeskEngine|storyCopyDeskEngine|incrementalChecker|issueDecorations|storyParagraphs|typingHold|knownWords|checkerClient|newsroomDictionary|storyWords)|store\/copyDeskSettings)\.ts$|node_modules\/zustand\/esm\/middleware/
    expect(storyModules.filter((source) => engine.test(source))).toEqual([])
    const onDemand = staticGraph('src/story/onDemand.ts').flatMap(sourcesOf)
    for (const name of ['copyDeskEngine', 'storyCopyDeskEngine', 'incrementalChecker', 'issueDecorations', 'checkerClient', 'newsroomDictionary']) {
      expect(onDemand.some((source) => source.endsWith(`src/review/copydesk/${name}.ts`))).toBe(true)
    }
  })

  it('keeps the story page in one chunk: one on-demand import under it, its libraries in its own file', () => {
    // Two or more dynamic imports under a lazily loaded page make Rolldown move what they share
    // with the page into a common chunk (rolldown/rolldown#10731): the page then loads its
    // libraries from a second file, which compresses worse (src/story/onDemand.ts).
    expect(manifest['src/story/StoryPage.tsx']!.dynamicImports).toEqual(['src/story/onDemand.ts'])
    const ownSources = sourcesOf(manifest['src/story/StoryPage.tsx']!.file)
    for (const library of ['yjs', 'prosemirror-view', '@tiptap/core', '@tiptap/react']) {
      expect(ownSources.some((source) => source.includes(`node_modules/${library}/`))).toBe(true)
    }
  })

  it('leaves TipTap’s Markdown support, which nothing here reads, out of the story page (scripts/stripTiptapMarkdown.ts)', () => {
    const story = staticGraph('src/story/StoryPage.tsx').filter((file) => file.endsWith('.js'))
    expect(story.filter((file) => /\b(parseMarkdown|renderMarkdown|markdownTokenizer)\b/.test(fs.readFileSync(path.join(DIST, file), 'utf8')))).toEqual([])
  })

  it.each(Object.entries(PAGES_WITHOUT_STORY))('keeps the script of %s within 120 KB gzip', (_page, keys) => {
    expect(gzipBytes(pageGraph(keys))).toBeLessThanOrEqual(120 * 1024)
  })
})
