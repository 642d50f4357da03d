/**
 * Word files in: .docx documents written for the tests with the `docx` package (every structure a
 * story keeps, and what it cannot: pictures, comments, tracked changes, colours), our own Word
 * export read back, bad files refused with their reason, and the import route.
 */
import { getSchema } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import {
  AlignmentType,
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  DeletedTextRun,
  Document,
  ExternalHyperlink,
  HeadingLevel,
  ImageRun,
  InsertedTextRun,
  LevelFormat,
  Packer,
  Paragraph,
  TextRun,
} from 'docx'
import JSZip from 'jszip'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { toDocx } from '../../server/export/docx'
import { exportStory, plainText } from '../../server/export/model'
import { DOCX_TYPE, importWord } from '../../server/import/word'
import { storyExtensions } from '../../src/shared/schema'
import { getBody, initStoryDoc } from '../../src/shared/storyDoc'
import { getJson, signInAs, startTestServer } from '../helpers/server'

const schema = getSchema(storyExtensions())
/** A 1×1 PNG. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

/** What a stringer's Word file looks like: everything a story keeps, and some it cannot. */
async function stringerFile(): Promise<Buffer> {
  const document = new Document({
    numbering: {
      config: [{ reference: 'numbers', levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START }] }],
    },
    comments: { children: [{ id: 0, author: 'Desk', date: new Date(), children: [new Paragraph('Check this figure')] }] },
    // Word's built-in Quote style, as every Word file defines it.
    styles: { paragraphStyles: [{ id: 'Quote', name: 'Quote', basedOn: 'Normal', run: { italics: true } }] },
    sections: [
      {
        children: [
          new Paragraph({ text: 'Council & mayor agree <budget>', heading: HeadingLevel.TITLE }),
          new Paragraph({
            children: [
              new TextRun('BEIRUT, Lebanon — The council '),
              new TextRun({ text: 'voted', bold: true }),
              new TextRun(' on a '),
              new TextRun({ text: 'late', italics: true }),
              new TextRun(' budget, '),
              new ExternalHyperlink({ link: 'https://example.org/budget', children: [new TextRun({ text: 'the papers show', style: 'Hyperlink' })] }),
              new TextRun({ text: ' in red', color: 'FF0000', font: 'Comic Sans MS', size: 40 }),
              new TextRun('.'),
            ],
          }),
          new Paragraph({ text: 'Reaction', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ text: 'Smaller subhead', heading: HeadingLevel.HEADING_3 }),
          new Paragraph({ text: 'First point', bullet: { level: 0 } }),
          new Paragraph({ text: 'Second point', bullet: { level: 0 } }),
          new Paragraph({ text: 'Step one', numbering: { reference: 'numbers', level: 0 } }),
          new Paragraph({ text: '“We will pay,” the mayor said.', style: 'Quote' }),
          new Paragraph({
            children: [
              new CommentRangeStart(0),
              new TextRun('The vote was 7 to 2'),
              new CommentRangeEnd(0),
              new TextRun({ children: [new CommentReference(0)] }),
              new InsertedTextRun({ text: ' after a long night', id: 1, author: 'Editor', date: '2026-09-04T10:00:00Z' }),
              new DeletedTextRun({ text: ' quickly', id: 2, author: 'Editor', date: '2026-09-04T10:00:00Z' }),
              new TextRun('.'),
            ],
          }),
          new Paragraph({ children: [new ImageRun({ type: 'png', data: PIXEL, transformation: { width: 10, height: 10 } })] }),
        ],
      },
    ],
  })
  return Packer.toBuffer(document)
}

type Node = { type: string; attrs?: Record<string, unknown>; text?: string; marks?: Array<{ type: string; attrs?: Record<string, unknown> }>; content?: Node[] }
const flat = (node: Node): Node[] => [node, ...(node.content ?? []).flatMap(flat)]
/** The text of each paragraph and heading under a node. */
const plainTextOf = (node: Node): string[] =>
  node.type === 'paragraph' || node.type === 'heading' ? [flat(node).map((inner) => inner.text ?? '').join('')] : (node.content ?? []).flatMap(plainTextOf)

describe('importing Word', () => {
  it('keeps headline, dateline, subheads, lists, quotes, links, bold and italic, and says what it left out', async () => {
    const story = await importWord(await stringerFile())
    expect(story.headline).toBe('Council & mayor agree <budget>')
    expect(story.dateline).toMatchObject({ city: 'BEIRUT', country: 'Lebanon' })
    const body = story.body as Node
    expect((body.content ?? []).map((node) => `${node.type}${node.attrs?.level ?? ''}`)).toEqual([
      'paragraph',
      'heading2',
      'heading3',
      'bulletList',
      'orderedList',
      'blockquote',
      'paragraph',
    ])
    const texts = flat(body).filter((node) => node.type === 'text')
    expect(texts[0]?.text).toBe('The council ')
    expect(texts.find((node) => node.text === 'voted')?.marks).toEqual([{ type: 'bold' }])
    expect(texts.find((node) => node.text === 'late')?.marks).toEqual([{ type: 'italic' }])
    expect(texts.find((node) => node.text === 'the papers show')?.marks?.[0]).toMatchObject({ type: 'link', attrs: { href: 'https://example.org/budget' } })
    // Tracked changes come in accepted: the insertion is there, the deletion is not.
    const last = (body.content ?? []).at(-1) as Node
    expect(flat(last).map((node) => node.text ?? '').join('')).toBe('The vote was 7 to 2 after a long night.')
    expect(story.warnings.join('\n')).toMatch(/picture was left out/)
    expect(story.warnings.join('\n')).toMatch(/tracked changes/)
    expect(story.warnings.join('\n')).toMatch(/comments were left out/)
  })

  it('reads our own Word export back to the same text', async () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { headline: 'Talks resume', bylines: ['Ann Lee'], dateline: { city: 'HANGZHOU', region: '', country: 'China', date: '', source: '' } })
    const fragment = getBody(doc)
    doc.transact(() => fragment.delete(0, fragment.length))
    const p = (text: string) => ({ type: 'paragraph', content: [{ type: 'text', text }] })
    prosemirrorJSONToYXmlFragment(
      schema,
      {
        type: 'doc',
        content: [
          p('Delegates met again.'),
          { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'What was said' }] },
          { type: 'bulletList', content: [{ type: 'listItem', content: [p('One')] }, { type: 'listItem', content: [p('Two')] }] },
          { type: 'blockquote', content: [p('“Progress,” he said.')] },
        ],
      },
      fragment,
    )
    const story = exportStory(doc, { id: 'aaaabbbbccccdddd', createdAt: 0, updatedAt: 0 })
    const back = await importWord(await toDocx(story))
    expect(back.headline).toBe('Talks resume')
    expect(back.bylines).toEqual(['Ann Lee'])
    expect(back.dateline).toMatchObject({ city: 'HANGZHOU', country: 'China' })
    const texts = (back.body.content ?? []).flatMap((node) => plainTextOf(node as Node))
    expect(texts).toEqual(plainText(story.body))
    expect((back.body.content ?? []).map((node) => node.type)).toEqual(['paragraph', 'heading', 'bulletList', 'blockquote'])
  })

  it('refuses what is not a usable Word document, with the reason', async () => {
    const zip = async (files: Record<string, string>) => {
      const archive = new JSZip()
      for (const [name, content] of Object.entries(files)) archive.file(name, content)
      return archive.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
    }
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.alloc(0), /empty/],
      [Buffer.from('Just some text, not Word.'), /not a Word document/],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), /encrypted or in the old Word format/],
      [await zip({ 'hello.txt': 'hi' }), /no document part/],
      // A zip bomb: 60 MB of document that packs into a few kilobytes.
      [await zip({ 'word/document.xml': `<w:document>${' '.repeat(60 * 1024 * 1024)}</w:document>` }), /too large/],
      [Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)]), /not a readable Word document/],
    ]
    for (const [file, reason] of cases) await expect(importWord(file)).rejects.toThrow(reason)
  })
})

describe('POST /api/stories/import with a Word file', () => {
  let srv: RunningServer
  let token = ''
  beforeAll(async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'riley', 'reporter')
  })
  afterAll(() => srv.close())

  const post = (body: Buffer, type = DOCX_TYPE) =>
    fetch(`${srv.url}/api/stories/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: new Uint8Array(body) })

  it('creates the story with its structure and answers the warnings', async () => {
    const res = await post(await stringerFile())
    expect(res.status).toBe(201)
    const answer = (await res.json()) as { id: string; story: { headline: string; words: number }; warnings: string[] }
    expect(answer.story.headline).toBe('Council & mayor agree <budget>')
    expect(answer.warnings.length).toBeGreaterThanOrEqual(3)
    const markdown = await (await fetch(`${srv.url}/api/stories/${answer.id}/export?format=markdown`, { headers: { authorization: `Bearer ${token}` } })).text()
    expect(markdown).toContain('BEIRUT — The council **voted** on a *late* budget, [the papers show](<https://example.org/budget>) in red.')
    expect(markdown).toContain('## Reaction')
    expect(markdown).toContain('- First point')
    expect(markdown).toContain('> “We will pay,” the mayor said.')
  })

  it('refuses a bad file with its reason and creates nothing', async () => {
    const before = ((await getJson(`${srv.url}/api/stories`, token)).body.stories as unknown[]).length
    const res = await post(Buffer.from('not a word file'))
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/not a Word document/)
    expect((await post(Buffer.from('x'), 'application/pdf')).status).toBe(415)
    expect(((await getJson(`${srv.url}/api/stories`, token)).body.stories as unknown[]).length).toBe(before)
  })
})
