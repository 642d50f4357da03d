/**
 * Exports: every format written from real story documents (built through the editor's own schema
 * and the Yjs binding's encoding, with every node, mark and kind of open suggestion), validated
 * against the official IPTC schemas (tests/fixtures/iptc: xmllint for XML, ajv for ninjs), read
 * back where the format can be read back, and served by the route.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { getSchema } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import mammoth from 'mammoth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { exportStory, plainText, type ExportStory } from '../../server/export/model'
import { toDocx } from '../../server/export/docx'
import { EXPORT_FORMATS, toHtml, toMarkdown, toNewsml, toNinjs, toNitf, toText } from '../../server/export/formats'
import type { RunningServer } from '../../server/app'
import { parsePlainTextStory } from '../../src/shared/importText'
import { storyExtensions } from '../../src/shared/schema'
import { getBody, initStoryDoc } from '../../src/shared/storyDoc'
import { readStoryFixture } from '../helpers/fixtures'
import { IPTC_DIR, validateNinjs } from '../helpers/iptc'
import { importStoryVia, signInAs, startTestServer } from '../helpers/server'

const IPTC = IPTC_DIR
const schema = getSchema(storyExtensions())


const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-export-'))
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }))

/** xmllint's verdict on `xml` against an XSD of tests/fixtures/iptc: '' when valid, else its complaint. */
function xmlProblems(xml: string, xsd: string): string {
  const file = path.join(scratch, `doc-${Math.random().toString(36).slice(2)}.xml`)
  fs.writeFileSync(file, xml)
  try {
    execFileSync('xmllint', ['--noout', '--nonet', '--schema', path.join(IPTC, xsd), file], { stdio: ['ignore', 'pipe', 'pipe'] })
    return ''
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error)
    return stderr.split('\n').filter((line) => line && !line.includes('validates') && !line.includes('Skipping import')).join('\n') || stderr
  }
}

const stamp = { id: 'a1b2c3d4e5f60718', authorId: 2, authorName: 'Erin Editor', authorColor: '#336699', time: 1_780_000_000_000 }
const text = (value: string, marks: Array<{ type: string; attrs?: Record<string, unknown> }> = []) => ({ type: 'text', text: value, ...(marks.length ? { marks } : {}) })
const paragraph = (...content: unknown[]) => ({ type: 'paragraph', content })

/** A body with every node and mark the editor allows, and each kind of open suggestion. */
const EVERYTHING = {
  type: 'doc',
  content: [
    paragraph(
      text('Lead with '),
      text('bold', [{ type: 'bold' }]),
      text(', '),
      text('italic', [{ type: 'italic' }]),
      text(', '),
      text('both', [{ type: 'bold' }, { type: 'italic' }]),
      text(' and '),
      text('a link', [{ type: 'link', attrs: { href: 'https://example.org/?a=1&b=<2>' } }]),
      text(' and '),
      text('a bad link', [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]),
      { type: 'hardBreak' },
      text('after the break.'),
      text(' [desk note: check the figure]', [{ type: 'note' }]),
      text(' suggested words', [{ type: 'insertion', attrs: stamp }]),
      text(' kept until accepted', [{ type: 'deletion', attrs: { ...stamp, id: 'b1b2c3d4e5f60718' } }]),
    ),
    { type: 'heading', attrs: { level: 2 }, content: [text('A subhead with <angle> & "quotes"')] },
    { type: 'heading', attrs: { level: 3 }, content: [text('A smaller subhead')] },
    {
      type: 'heading',
      attrs: { level: 2, suggestedType: JSON.stringify({ ...stamp, id: 'c1b2c3d4e5f60718', from: { type: 'paragraph', attrs: {} } }) },
      content: [text('Was a paragraph.')],
    },
    { type: 'paragraph', attrs: { suggestion: JSON.stringify({ ...stamp, id: 'd1b2c3d4e5f60718', kind: 'split' }) }, content: [text(' Split off, suggested.')] },
    {
      type: 'bulletList',
      content: [
        { type: 'listItem', content: [paragraph(text('One'))] },
        {
          type: 'listItem',
          content: [paragraph(text('Two')), { type: 'orderedList', content: [{ type: 'listItem', content: [paragraph(text('Nested'))] }] }],
        },
      ],
    },
    { type: 'orderedList', content: [{ type: 'listItem', content: [paragraph(text('First'))] }, { type: 'listItem', content: [paragraph(text('Second'))] }] },
    { type: 'blockquote', content: [paragraph(text('“A quote,” she said.'))] },
    paragraph(
      text('Bold only by suggestion', [
        { type: 'bold' },
        { type: 'formatChange', attrs: { ...stamp, id: 'e1b2c3d4e5f60718', added: [{ type: 'bold' }], removed: [] } },
      ]),
      text(' and '),
      text('unbolded by suggestion', [{ type: 'formatChange', attrs: { ...stamp, id: 'f1b2c3d4e5f60718', added: [], removed: [{ type: 'bold' }] } }]),
      text('.'),
    ),
  ],
}

const HOSTILE = `Tom & Jerry <script>alert("x")</script> 'quoted' ]]> \u0007end`

/** A story document: metadata as the server makes it, the body written as the editor's binding does. */
function storyDoc(body: unknown, meta: Parameters<typeof initStoryDoc>[1] = {}): Y.Doc {
  const doc = new Y.Doc()
  initStoryDoc(doc, { headline: 'Council approves budget', slug: 'COUNCIL-BUDGET', section: 'News', bylines: ['Ann Lee', 'Bo Chen'], ...meta })
  const fragment = getBody(doc)
  doc.transact(() => fragment.delete(0, fragment.length))
  prosemirrorJSONToYXmlFragment(schema, body, fragment)
  return doc
}

function exported(doc: Y.Doc): ExportStory {
  return exportStory(doc, { id: 'aaaabbbbccccdddd', createdAt: Date.UTC(2026, 8, 4, 9), updatedAt: Date.UTC(2026, 8, 4, 14, 32) })
}

const dateline = { city: 'HANGZHOU', region: '', country: 'China', date: '2026-09-04', source: 'AP' }

describe('the story as it leaves the newsroom', () => {
  it('shows open suggestions rejected and leaves desk notes out', () => {
    const story = exported(storyDoc(EVERYTHING, { dateline }))
    expect(plainText(story.body)).toEqual([
      'Lead with bold, italic, both and a link and a bad link\nafter the break. kept until accepted',
      'A subhead with <angle> & "quotes"',
      'A smaller subhead',
      'Was a paragraph. Split off, suggested.',
      'One',
      'Two',
      'Nested',
      'First',
      'Second',
      '“A quote,” she said.',
      'Bold only by suggestion and unbolded by suggestion.',
    ])
    // The suggested type change is undone (a paragraph again) and the suggested break not made.
    expect(story.body[3]).toMatchObject({ type: 'paragraph' })
    const last = story.body.at(-1)
    expect(last?.type === 'paragraph' && last.content).toEqual([
      { kind: 'text', text: 'Bold only by suggestion and ', bold: false, italic: false, href: null },
      { kind: 'text', text: 'unbolded by suggestion', bold: true, italic: false, href: null },
      { kind: 'text', text: '.', bold: false, italic: false, href: null },
    ])
    const lead = story.body[0]
    expect(lead?.type === 'paragraph' && lead.content.filter((inline) => inline.kind === 'text' && inline.href).map((inline) => inline.kind === 'text' && inline.href)).toEqual([
      'https://example.org/?a=1&b=%3C2%3E',
    ])
    expect(story).toMatchObject({ uri: 'urn:deskline:story:aaaabbbbccccdddd', pubStatus: 'usable', datelineText: 'HANGZHOU, China, Sept. 4 (AP) —', located: 'HANGZHOU, China' })
    expect(story.words).toBeGreaterThan(40)
  })

  it('maps the workflow status to the IPTC pubStatus', () => {
    const statuses = { draft: 'usable', published: 'usable', held: 'withheld', spiked: 'canceled' } as const
    for (const [status, pubStatus] of Object.entries(statuses)) {
      expect(exported(storyDoc(EVERYTHING, { status: status as keyof typeof statuses })).pubStatus).toBe(pubStatus)
    }
  })
})

describe.each([
  ['every node, mark and suggestion', () => storyDoc(EVERYTHING, { dateline })],
  ['a hostile headline, slug, byline and dateline', () => storyDoc(EVERYTHING, { headline: HOSTILE, slug: '<&>', bylines: ['A & B <c>'], dateline: { ...dateline, city: 'A&B <C>', source: '"x"' } })],
  ['an empty story', () => storyDoc({ type: 'doc', content: [{ type: 'paragraph' }] }, { headline: '', slug: '', bylines: [], section: '' })],
  ['the fixture story', () => {
    const parsed = parsePlainTextStory(readStoryFixture('syria-ceasefire.txt'))
    if (!parsed.ok) throw new Error(parsed.reason)
    const doc = new Y.Doc()
    initStoryDoc(doc, { ...parsed.story, bylines: ['Riley Reporter'] })
    return doc
  }],
])('exports of %s', (_name, make) => {
  let story: ExportStory
  beforeAll(() => {
    story = exported(make())
  })

  it('ninjs validates against ninjs 3.1', () => {
    const ninjs = toNinjs(story)
    const valid = validateNinjs(ninjs)
    expect(validateNinjs.errors ?? []).toEqual([])
    expect(valid).toBe(true)
    expect(JSON.parse(JSON.stringify(ninjs))).toMatchObject({ uri: story.uri, type: 'text', pubStatus: story.pubStatus, headlines: [{ role: 'main', value: story.headline }] })
  })

  it('NewsML-G2 validates against NewsML-G2 2.35, its NITF body against NITF 3.6', () => {
    const xml = toNewsml(story)
    expect(xmlProblems(xml, 'newsml-g2/NewsML-G2_2.35-spec-All-Power.xsd')).toBe('')
    expect(xmlProblems(xml, 'newsml-nitf-driver.xsd')).toBe('')
  })

  it('NITF validates against NITF 3.6', () => {
    expect(xmlProblems(toNitf(story), 'nitf/nitf-3-6.xsd')).toBe('')
  })

  it('HTML and Markdown carry the headline escaped, never as markup', () => {
    const html = toHtml(story)
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('javascript:')
    expect(toMarkdown(story)).not.toMatch(/<script>|javascript:/)
  })

  it('the plain-text story format reads back as the same story', () => {
    const parsed = parsePlainTextStory(toText(story))
    const expected = plainText(story.body).map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean)
    // A story with no text is refused by the importer, as it should be.
    expect(parsed.ok).toBe(story.headline.trim() !== '' && expected.length > 0)
    if (!parsed.ok) return
    expect(parsed.story).toMatchObject({ headline: story.headline.replace(/\s+/g, ' ').trim(), section: story.section })
    // A dateline the format can hold (a city in capitals) comes back as the dateline; one it
    // cannot stays at the start of the first paragraph.
    const importable = /^[A-Z]+$/.test(story.dateline.city)
    const [first = '', ...rest] = parsed.story.paragraphs
    expect([importable ? first : first.slice(first.length - (expected[0]?.length ?? 0)), ...rest]).toEqual(expected)
    expect(parsed.story.dateline).toMatchObject(importable ? { city: story.dateline.city, country: story.dateline.country, source: story.dateline.source } : { city: '' })
  })

  it('Word: a valid .docx whose text reads back the same through the Word import (mammoth)', async () => {
    const file = await toDocx(story)
    expect(file.subarray(0, 2).toString()).toBe('PK')
    const { value } = await mammoth.extractRawText({ buffer: file })
    const lines = value.split('\n').map((line) => line.trim()).filter(Boolean)
    const expected = [story.headline, ...plainText(story.body).flatMap((line) => line.split('\n'))].map((line) => line.trim()).filter(Boolean)
    for (const line of expected) expect(lines.join('\n')).toContain(line.replaceAll('\u0007', ''))
  })
})

describe('GET /api/stories/<id>/export', () => {
  let srv: RunningServer
  let token = ''
  let id = ''
  beforeAll(async () => {
    srv = await startTestServer()
    token = await signInAs(srv, 'riley', 'reporter')
    id = await importStoryVia(srv.url, token, readStoryFixture('syria-ceasefire.txt'))
  })
  afterAll(() => srv.close())

  const get = (query: string, story = id, auth = token) => fetch(`${srv.url}/api/stories/${story}/export?${query}`, { headers: auth ? { authorization: `Bearer ${auth}` } : {} })

  it('answers every format to anyone who may read the story, with a file name from the slug', async () => {
    for (const format of EXPORT_FORMATS) {
      const res = await get(`format=${format}`)
      expect(`${format} ${res.status}`).toBe(`${format} 200`)
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="u-s-russia-remain-apart-on-resumption-of-syrian-cease-fire\.(json|xml|html|md|txt|docx)"/)
      const body = Buffer.from(await res.arrayBuffer())
      expect(body.length).toBeGreaterThan(500)
    }
    const ninjs = (await (await get('format=ninjs')).json()) as Record<string, unknown>
    expect(validateNinjs(ninjs)).toBe(true)
    expect(ninjs.uri).toBe(`urn:deskline:story:${id}`)
    expect((await get('format=markdown')).headers.get('content-type')).toBe('text/markdown; charset=utf-8')
  })

  it('400 names the valid formats; 404 for an unknown story; 401 without a session', async () => {
    const bad = await get('format=pdf')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(EXPORT_FORMATS.join(', '))
    expect((await get('')).status).toBe(400)
    expect((await get('format=ninjs', 'zzzzzzzzzzzzzzzz')).status).toBe(404)
    expect((await get('format=ninjs', id, '')).status).toBe(401)
  })
})
