/**
 * Word files in: a .docx becomes a story. `mammoth` turns the document into clean HTML (styles
 * mapped to headings, lists, quotes, links, bold and italic), and the editor's own schema
 * (`generateJSON(html, storyExtensions())`, @tiptap/html's server build) keeps exactly what a story
 * may hold. The first Title or Heading 1 is the headline; an opening dateline moves into the
 * metadata as with plain text. What cannot come across (pictures, tracked changes, comments,
 * fonts and colours) is dropped with a warning for the person importing.
 */
import { generateJSON } from '@tiptap/html/server'
import type { JSONContent } from '@tiptap/core'
import JSZip from 'jszip'
import mammoth from 'mammoth'
import { EMPTY_DATELINE, type Dateline } from '../../src/shared/dateline.js'
import { splitDateline } from '../../src/shared/importText.js'
import { storyExtensions } from '../../src/shared/schema/index.js'
import { MAX_BODY_DEPTH } from '../../src/shared/storyDoc.js'
import { jsonBodyDepth } from '../bodyStructure.js'

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
/** Largest Word file taken (pictures make them big; they are dropped). */
export const MAX_DOCX_BYTES = 20 * 1024 * 1024
/** Largest document.xml unpacked (a zip bomb stops here). */
const MAX_DOCUMENT_XML_BYTES = 50 * 1024 * 1024

/** A file that cannot become a story, with the reason in plain words. */
export class ImportRefused extends Error {
  override name = 'ImportRefused'
}

export interface WordStory {
  headline: string
  /** From a "By …" line under the headline, when there is one. */
  bylines: string[]
  dateline: Dateline
  /** The body as editor JSON (a `doc`). */
  body: JSONContent
  warnings: string[]
}

/** Word styles to story blocks; what is not here is a paragraph (and, if styled, a warning). */
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='Subtitle'] => p:fresh",
  "p[style-name='Heading 5'] => h4:fresh",
  "p[style-name='Heading 6'] => h4:fresh",
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  "p[style-name='Block Text'] => blockquote > p:fresh",
  "r[style-name='Strong'] => strong",
  "r[style-name='Emphasis'] => em",
  // Comments are never copy.
  'comment-reference => !',
]

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04])
/** OLE compound files: Word 97-2003 .doc, and every password-protected .docx. */
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])

const schemaExtensions = storyExtensions()

/** The text of an HTML fragment, as the editor would read it. */
function textOf(html: string): string {
  const json = generateJSON(`<p>${html}</p>`, schemaExtensions)
  const collect = (node: JSONContent): string => (node.text ?? '') + (node.content ?? []).map(collect).join('')
  return collect(json).replace(/\s+/g, ' ').trim()
}

/** Take the opening dateline off the first paragraph, if it has one. */
function takeDateline(body: JSONContent): Dateline {
  const first = body.content?.[0]
  const run = first?.type === 'paragraph' ? first.content?.[0] : undefined
  if (!run?.text) return { ...EMPTY_DATELINE }
  const split = splitDateline(run.text)
  if (!split) return { ...EMPTY_DATELINE }
  run.text = split.text
  return split.dateline
}

/** A paragraph's text. */
function paragraphText(node: JSONContent | undefined): string {
  return (node?.content ?? []).map((child) => child.text ?? '').join('')
}

/** A "By Ann Lee and Bo Chen" line opening the body: the bylines, taken off the body. */
function takeBylines(body: JSONContent): string[] {
  const first = body.content?.[0]
  if (first?.type !== 'paragraph') return []
  const match = /^By\s+(.{1,200})$/.exec(paragraphText(first).trim())
  if (!match) return []
  body.content?.shift()
  return (match[1] ?? '')
    .split(/\s*,\s*|\s+and\s+/)
    .map((name) => name.trim())
    .filter(Boolean)
}

/** What the package holds that will not come across, for warnings. */
async function inspect(file: Buffer): Promise<{ trackedChanges: boolean; comments: boolean }> {
  const zip = await JSZip.loadAsync(file)
  const document = zip.file('word/document.xml')
  if (!document) throw new ImportRefused('The file is not a Word document (.docx): it has no document part.')
  const xml = await unpackCapped(document, MAX_DOCUMENT_XML_BYTES)
  return { trackedChanges: /<w:(ins|del|moveFrom|moveTo)\b/.test(xml), comments: zip.file('word/comments.xml') !== null }
}

/** A zip entry's text, refused past `max` bytes unpacked (a small file can unpack to gigabytes). */
function unpackCapped(entry: JSZip.JSZipObject, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const stream = entry.nodeStream('nodebuffer')
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > max) {
        stream.removeAllListeners('data')
        stream.pause()
        reject(new ImportRefused('The Word document is too large to import.'))
        return
      }
      chunks.push(chunk)
    })
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    stream.on('error', reject)
  })
}

/** Read a .docx; throws ImportRefused with the reason when it cannot become a story. */
export async function importWord(file: Buffer): Promise<WordStory> {
  if (file.length === 0) throw new ImportRefused('The file is empty.')
  if (file.subarray(0, 8).equals(OLE)) {
    throw new ImportRefused('The file is encrypted or in the old Word format (.doc): save it from Word as an unprotected .docx and import that.')
  }
  if (!file.subarray(0, 4).equals(ZIP)) throw new ImportRefused('The file is not a Word document (.docx).')
  let found: Awaited<ReturnType<typeof inspect>>
  try {
    found = await inspect(file)
  } catch (error) {
    if (error instanceof ImportRefused) throw error
    throw new ImportRefused('The file is not a readable Word document (.docx).')
  }
  let images = 0
  let converted: { value: string; messages: Array<{ type: string; message: string }> }
  try {
    converted = await mammoth.convertToHtml(
      { buffer: file },
      {
        styleMap: STYLE_MAP,
        includeDefaultStyleMap: true,
        ignoreEmptyParagraphs: true,
        convertImage: mammoth.images.imgElement(async () => {
          images++
          return { src: '' }
        }),
      },
    )
  } catch {
    throw new ImportRefused('The file is not a readable Word document (.docx).')
  }
  let html = converted.value
  let headline = ''
  const heading = /<h1>([\s\S]*?)<\/h1>/.exec(html)
  if (heading) {
    headline = textOf(heading[1] ?? '')
    html = html.slice(0, heading.index) + html.slice(heading.index + heading[0].length)
  }
  // A story's own subheads start at level 2: further Heading 1s become subheads.
  html = html.replace(/<(\/?)h1>/g, '<$1h2>')
  let body: JSONContent
  try {
    body = generateJSON(html, schemaExtensions)
  } catch {
    // The HTML parser and ProseMirror's DOM reader recurse: a document nested thousands deep
    // (tables in tables…) overflows the stack here, and is refused rather than answered with a 500.
    throw new ImportRefused('The Word document could not be converted: it is nested too deeply or malformed.')
  }
  if (jsonBodyDepth(body) > MAX_BODY_DEPTH) {
    throw new ImportRefused(`The Word document nests lists or quotes more than ${MAX_BODY_DEPTH} deep: a story cannot hold that.`)
  }
  // Paragraphs left empty (one that held only a picture).
  body.content = (body.content ?? []).filter((node: JSONContent) => node.type !== 'paragraph' || paragraphText(node).trim() !== '' || (node.content ?? []).some((child: JSONContent) => child.type === 'hardBreak'))
  const bylines = takeBylines(body)
  if (body.content.length === 0) {
    if (!headline) throw new ImportRefused('The Word document is empty.')
    body.content = [{ type: 'paragraph' }]
  }
  const dateline = takeDateline(body)

  const warnings: string[] = []
  if (!headline) warnings.push('The document has no Title or Heading 1: the story has no headline yet.')
  if (images > 0) warnings.push(`${images === 1 ? 'A picture was' : `${images} pictures were`} left out: stories hold text only.`)
  if (found.trackedChanges) warnings.push('The document had tracked changes: they came in accepted. Check the text against the original.')
  if (found.comments) warnings.push('Word comments were left out.')
  const unknown = new Set(
    converted.messages
      .filter((message) => message.type === 'warning' && /Unrecognised (paragraph|run) style/.test(message.message))
      .map((message) => /'([^']+)'/.exec(message.message)?.[1] ?? ''),
  )
  unknown.delete('')
  if (unknown.size > 0) warnings.push(`Styles the story has no place for were dropped (${[...unknown].slice(0, 5).join(', ')}): fonts, colours and sizes never come across.`)
  return { headline, bylines, dateline, body, warnings }
}
