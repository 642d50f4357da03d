/**
 * Every server walk of a story survives a body nested far past any call stack (issue 11): a
 * 100,000-level document, built straight on a Y.Doc as a story stored before the depth check might
 * be. Word counts, the review gate's suggestion count, exports, compare and the update check read
 * it without a RangeError; what cannot be done safely (restoring it, writing it from JSON) is
 * refused with a clear error.
 */
import type { JSONContent } from '@tiptap/core'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { bodyStructureProblem, jsonBodyDepth } from '../../server/bodyStructure'
import { toDocx } from '../../server/export/docx'
import { toHtml, toMarkdown, toNewsml, toNinjs, toNitf, toText } from '../../server/export/formats'
import { exportStory, MAX_DEPTH } from '../../server/export/model'
import type { Storage } from '../../server/storage'
import { createStory } from '../../server/stories'
import type { StoryEvents } from '../../server/storyEvents'
import { suggestionAuthorsIn, updateScope } from '../../server/updateScope'
import { compareDocs, nodeKey, type Attribution } from '../../server/versionDiff'
import { restoreDoc } from '../../server/versionRestore'
import { bodyBlocks, bodyDepth, bodyWordCount, getBody, initStoryDoc, MAX_BODY_DEPTH } from '../../src/shared/storyDoc'
import { countOpenSuggestions } from '../../src/shared/suggestions'

const LEVELS = 100_000

const nobody: Attribution = { insertedBy: () => null, deletedBy: (_client, _clock, len) => [{ len, by: null }] }
const suggestion = { id: 'deep-1', authorId: 7, authorName: 'Ann', authorColor: '#c00', time: 1 }

function story(): Y.Doc {
  const doc = new Y.Doc()
  initStoryDoc(doc, { headline: 'Deep', paragraphs: ['Top words'] })
  return doc
}

/** `levels` quotes nested at the end of the body, a paragraph with a suggestion at the bottom. */
function nestQuotes(doc: Y.Doc, levels: number): void {
  doc.transact(() => {
    let parent: Y.XmlFragment = getBody(doc)
    for (let level = 0; level < levels; level++) {
      const quote = new Y.XmlElement('blockquote')
      parent.insert(parent.length, [quote])
      parent = quote
    }
    const paragraph = new Y.XmlElement('paragraph')
    parent.insert(0, [paragraph])
    const text = new Y.XmlText()
    paragraph.insert(0, [text])
    text.insert(0, 'bottom words')
    text.insert(text.length, ' suggested', { insertion: suggestion })
  })
}

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc()
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc))
  return copy
}

describe(`walks of a body nested ${LEVELS.toLocaleString('en-US')} deep`, () => {
  const older = story()
  const deep = copyOf(older)
  nestQuotes(deep, LEVELS)

  it('word count, blocks, depth and the review gate read it', () => {
    expect(bodyDepth(deep)).toBe(LEVELS + 1)
    expect(bodyBlocks(deep)).toEqual(['Top words', 'bottom words suggested'])
    expect(bodyWordCount(deep)).toBe(5)
    expect(countOpenSuggestions(deep)).toBe(1)
    expect(suggestionAuthorsIn(deep)).toEqual(new Map([['deep-1', 7]]))
  })

  it(`exports flatten what nests past ${MAX_DEPTH}, in every format`, async () => {
    const exported = exportStory(deep, { id: 'deep', createdAt: 0, updatedAt: 0 })
    // "Top words" and "bottom words": the open suggested insertion is not copy.
    expect(exported.words).toBe(4)
    for (const text of [toHtml(exported), toNitf(exported), toNewsml(exported), toMarkdown(exported), toText(exported), JSON.stringify(toNinjs(exported))]) {
      expect(text).toContain('bottom words')
      expect(text).not.toContain('suggested')
    }
    expect((await toDocx(exported)).byteLength).toBeGreaterThan(0)
  })

  it('compare reads it, added and unchanged', () => {
    const added = compareDocs(older, deep, nobody)
    expect(added.blocks.map((block) => [block.type, block.change])).toEqual([['paragraph', 'same'], ['blockquote', 'added']])
    expect(added.blocks[1]?.runs.map((run) => run.text).join('')).toContain('bottom words suggested')
    const same = compareDocs(deep, deep, nobody)
    expect(same.blocks.map((block) => block.change)).toEqual(['same', 'same'])
    expect(same.blocks[1]?.runs.map((run) => run.text).join('')).toContain('bottom words')
    expect(nodeKey(getBody(deep).get(1) as Y.XmlElement)).toMatch(/^YXmlElement:<blockquote><blockquote>.*bottom words.*<\/blockquote>$/)
  })

  it('restoring it, or restoring over it, is refused before anything changes', () => {
    const current = copyOf(deep)
    const before = Y.encodeStateVector(current)
    expect(() => restoreDoc(current, older)).toThrow(/more than 64 deep/)
    expect(() => restoreDoc(copyOf(older), deep)).toThrow(/more than 64 deep/)
    expect(Y.encodeStateAsUpdate(current, before).byteLength).toBeLessThan(3)
  })

  it('an update carrying it is refused by the structure check', () => {
    const update = Y.encodeStateAsUpdate(deep, Y.encodeStateVector(older))
    const scope = updateScope(older, update)
    expect(scope.unresolved).toBe(false)
    expect(bodyStructureProblem(scope.bodyItems)).toMatch(/deeper than 64/)
  })

  it('editor JSON that deep is measured, and never written into a story', async () => {
    const json: JSONContent & { content: JSONContent[] } = { type: 'doc', content: [] }
    let inner = json
    for (let level = 0; level < LEVELS; level++) {
      const quote = { type: 'blockquote', content: [] as JSONContent[] }
      inner.content.push(quote)
      inner = quote
    }
    inner.content.push({ type: 'paragraph', content: [{ type: 'text', text: 'bottom' }] })
    expect(jsonBodyDepth(json)).toBe(LEVELS + 1)
    await expect(createStory({} as Storage, {} as StoryEvents, {}, json)).rejects.toThrow(/nests deeper than 64/)
  })
})

describe(`a body at the limit (${MAX_BODY_DEPTH})`, () => {
  it('restores level by level: a deleted deep block comes back whole', () => {
    const version = story()
    nestQuotes(version, MAX_BODY_DEPTH - 1)
    expect(bodyDepth(version)).toBe(MAX_BODY_DEPTH)
    const current = copyOf(version)
    current.transact(() => getBody(current).delete(1, 1))
    expect(bodyBlocks(current)).toEqual(['Top words'])
    restoreDoc(current, version)
    expect(bodyBlocks(current)).toEqual(['Top words', 'bottom words suggested'])
    expect(bodyDepth(current)).toBe(MAX_BODY_DEPTH)
    expect(countOpenSuggestions(current)).toBe(1)
  })
})
