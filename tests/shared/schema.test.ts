/**
 * The story schema built in Node, as the server builds it: the same nodes, marks and block
 * attributes as the editor's, and the names the server reads a story's Y.Doc by are the schema's.
 */
import { describe, expect, it } from 'vitest'
import { getSchema } from '@tiptap/core'
import { Schema } from '@tiptap/pm/model'
import { prosemirrorToYDoc } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { DELETION } from '../../src/shared/schema/deletionMark'
import { FORMAT_CHANGE } from '../../src/shared/schema/formatChangeMark'
import { HEADING_LEVELS, storyExtensions, SUGGESTION_MARKS } from '../../src/shared/schema/index'
import { INSERTION } from '../../src/shared/schema/insertionMark'
import { NOTE } from '../../src/shared/schema/noteMark'
import { BREAK_ATTRIBUTE } from '../../src/shared/schema/suggestedBreaks'
import { TYPE_ATTRIBUTE } from '../../src/shared/schema/suggestedTypes'
import { markNameOfKey } from '../../src/shared/suggestions'

describe('story schema in Node', () => {
  it('builds without a DOM', () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined')
    const schema = getSchema(storyExtensions())
    expect(schema.topNodeType.name).toBe('doc')
  })

  it('has the story nodes and no others', () => {
    const schema = getSchema(storyExtensions())
    expect(Object.keys(schema.nodes).sort()).toEqual(
      ['blockquote', 'bulletList', 'doc', 'hardBreak', 'heading', 'listItem', 'orderedList', 'paragraph', 'text'].sort(),
    )
    // Headings 2-4 only: h1 is the headline, in the panel.
    expect(schema.nodes.heading?.spec.parseDOM?.map((rule) => rule.tag)).toEqual(HEADING_LEVELS.map((level) => `h${level}`))
  })

  it('has the formatting marks, the desk note and the suggestion marks, by the exported names', () => {
    const schema = getSchema(storyExtensions())
    expect(Object.keys(schema.marks).sort()).toEqual(['bold', 'italic', 'link', NOTE, INSERTION, DELETION, FORMAT_CHANGE].sort())
    expect([NOTE, INSERTION, DELETION, FORMAT_CHANGE]).toEqual(['note', 'insertion', 'deletion', 'formatChange'])
    for (const name of SUGGESTION_MARKS) expect(schema.marks[name]).toBeDefined()
    expect([...SUGGESTION_MARKS].sort()).toEqual([DELETION, FORMAT_CHANGE, INSERTION].sort())
  })

  it('keeps text either suggested in or out, and a format record per text', () => {
    const { marks } = getSchema(storyExtensions())
    const [insertion, deletion, format, bold] = [marks[INSERTION]!, marks[DELETION]!, marks[FORMAT_CHANGE]!, marks.bold!]
    expect(insertion.excludes(deletion) && deletion.excludes(insertion)).toBe(true)
    expect(insertion.excludes(insertion) && deletion.excludes(deletion) && format.excludes(format)).toBe(true)
    for (const type of [insertion, deletion]) {
      expect(type.excludes(format) || format.excludes(type)).toBe(false)
      expect(type.excludes(bold)).toBe(false)
    }
  })

  it('puts the suggestion block attributes on paragraphs and headings only', () => {
    const schema = getSchema(storyExtensions())
    for (const name of ['paragraph', 'heading']) {
      const attrs = schema.nodes[name]?.spec.attrs ?? {}
      expect(attrs[BREAK_ATTRIBUTE]?.default).toBeNull()
      expect(attrs[TYPE_ATTRIBUTE]?.default).toBeNull()
    }
    for (const name of ['blockquote', 'bulletList', 'listItem', 'orderedList']) {
      expect(Object.keys(schema.nodes[name]?.spec.attrs ?? {})).not.toContain(BREAK_ATTRIBUTE)
    }
  })

  it('stores a story document in Yjs under the schema names', () => {
    const schema = getSchema(storyExtensions())
    const by = { id: 's1', authorId: 1, authorName: 'Ann', authorColor: null, time: 1 }
    const paragraph = schema.nodes.paragraph!.create({ [BREAK_ATTRIBUTE]: JSON.stringify({ kind: 'split', ...by }) }, [
      schema.text('note ', [schema.marks[NOTE]!.create()]),
      schema.text('in', [schema.marks[INSERTION]!.create(by)]),
    ])
    const ydoc = prosemirrorToYDoc(schema.nodes.doc!.create(null, [paragraph]), 'body')
    const block = ydoc.getXmlFragment('body').get(0) as Y.XmlElement
    expect(block.nodeName).toBe('paragraph')
    expect(block.getAttribute(BREAK_ATTRIBUTE)).toContain('"split"')
    const delta = (block.get(0) as Y.XmlText).toDelta() as Array<{ attributes?: Record<string, unknown> }>
    expect(delta.map((op) => Object.keys(op.attributes ?? {}))).toEqual([[NOTE], [INSERTION]])
  })
})

describe('markNameOfKey', () => {
  it('reads the keys y-tiptap writes back into mark names, hashed ones too', () => {
    // A mark that may overlap itself is stored under `name--<hash>`; the story's marks never are.
    const schema = new Schema({
      nodes: { doc: { content: 'paragraph+' }, paragraph: { content: 'text*' }, text: {} },
      marks: { comment: { attrs: { id: {} }, excludes: '' } },
    })
    const comment = (id: string) => schema.marks.comment!.create({ id })
    const doc = schema.node('doc', null, [schema.node('paragraph', null, [schema.text('both', [comment('a'), comment('b')])])])
    const ydoc = prosemirrorToYDoc(doc, 'body')
    const [op] = ((ydoc.getXmlFragment('body').get(0) as Y.XmlElement).get(0) as Y.XmlText).toDelta() as Array<{ attributes: Record<string, unknown> }>
    const keys = Object.keys(op!.attributes)
    expect(keys).toHaveLength(2)
    for (const key of keys) {
      expect(key).not.toBe('comment')
      expect(markNameOfKey(key)).toBe('comment')
    }
    for (const name of [INSERTION, DELETION, FORMAT_CHANGE, NOTE, 'bold']) expect(markNameOfKey(name)).toBe(name)
  })
})
