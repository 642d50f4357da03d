/**
 * Export formats, each written from an ExportStory (./model.ts): IPTC ninjs 3.1, a NewsML-G2 2.35
 * newsItem with an NITF body, NITF 3.6, clean HTML, Markdown and our plain-text story format.
 * Word is in ./docx.ts. Every value is escaped for its format where it is written.
 */
import { plainText, type Block, type ExportStory, type Inline } from './model.js'

export const EXPORT_FORMATS = ['ninjs', 'newsml', 'nitf', 'html', 'markdown', 'text', 'docx'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value)
}

/** Media type and file extension of each format. */
export const FORMAT_FILES: Record<ExportFormat, { type: string; extension: string }> = {
  ninjs: { type: 'application/json; charset=utf-8', extension: 'json' },
  newsml: { type: 'application/vnd.iptc.g2.newsitem+xml; charset=utf-8', extension: 'xml' },
  nitf: { type: 'application/nitf+xml; charset=utf-8', extension: 'xml' },
  html: { type: 'text/html; charset=utf-8', extension: 'html' },
  markdown: { type: 'text/markdown; charset=utf-8', extension: 'md' },
  text: { type: 'text/plain; charset=utf-8', extension: 'txt' },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' },
}

/** A file name from the slug (or the headline), safe in any file system: `council-budget.xml`. */
export function exportFileName(story: ExportStory, format: ExportFormat): string {
  const base =
    (story.slug || story.headline)
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || `story-${story.id}`
  return `${base}.${FORMAT_FILES[format].extension}`
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The byline as printed: "By Ann Lee and Bo Chen". */
export function bylineText(bylines: readonly string[]): string {
  const names = bylines.map((name) => name.trim()).filter(Boolean)
  if (names.length === 0) return ''
  const joined = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
  return `By ${joined}`
}

// ---------------------------------------------------------------- XML and HTML

/** Escape text for XML and HTML content and attribute values; drops characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return (
    text
      // XML 1.0's characters: tab, newline, carriage return and the printable planes; the rest
      // (NUL, bell…) cannot be written at all, escaped or not.
      // oxlint-disable-next-line no-control-regex
      .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  )
}

type Attrs = Record<string, string | number | null | undefined>

function attrs(values: Attrs = {}): string {
  return Object.entries(values)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('')
}

/** An element with already-written children (empty children: self-closed). */
function el(name: string, attributes: Attrs, ...children: string[]): string {
  const inner = children.join('')
  return inner === '' ? `<${name}${attrs(attributes)}/>` : `<${name}${attrs(attributes)}>${inner}</${name}>`
}

/** How a markup language writes inline formatting. */
interface InlineMarkup {
  bold(inner: string): string
  italic(inner: string): string
  link(inner: string, href: string): string
  lineBreak: string
}

function writeInline(content: readonly Inline[], markup: InlineMarkup): string {
  return content
    .map((inline) => {
      if (inline.kind === 'break') return markup.lineBreak
      let out = escapeXml(inline.text)
      if (inline.italic) out = markup.italic(out)
      if (inline.bold) out = markup.bold(out)
      if (inline.href) out = markup.link(out, inline.href)
      return out
    })
    .join('')
}

const HTML_INLINE: InlineMarkup = {
  bold: (inner) => `<strong>${inner}</strong>`,
  italic: (inner) => `<em>${inner}</em>`,
  link: (inner, href) => `<a href="${escapeXml(href)}">${inner}</a>`,
  lineBreak: '<br/>',
}

/** The body as (X)HTML elements: p, h2-h4, ul/ol/li, blockquote. */
function htmlBlocks(blocks: readonly Block[]): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'paragraph':
          return `<p>${writeInline(block.content, HTML_INLINE)}</p>`
        case 'heading':
          return `<h${block.level}>${writeInline(block.content, HTML_INLINE)}</h${block.level}>`
        case 'list': {
          const tag = block.ordered ? 'ol' : 'ul'
          return `<${tag}>${block.items.map((item) => `<li>${htmlBlocks(item)}</li>`).join('')}</${tag}>`
        }
        case 'quote':
          return `<blockquote>${htmlBlocks(block.blocks)}</blockquote>`
      }
    })
    .join('\n')
}

/** A clean, semantic HTML5 document. */
export function toHtml(story: ExportStory): string {
  const head = [
    '<meta charset="utf-8"/>',
    `<title>${escapeXml(story.headline)}</title>`,
    `<meta name="generator" content="Deskline"/>`,
    story.bylines.length ? `<meta name="author" content="${escapeXml(story.bylines.join(', '))}"/>` : '',
    `<link rel="canonical" href="${escapeXml(story.uri)}"/>`,
  ].filter(Boolean)
  const byline = bylineText(story.bylines)
  const article = [
    '<header>',
    `<h1>${escapeXml(story.headline)}</h1>`,
    byline ? `<p class="byline">${escapeXml(byline)}</p>` : '',
    `<p class="meta"><time datetime="${iso(story.updatedAt)}">${escapeXml(new Date(story.updatedAt).toUTCString())}</time>${story.section ? ` · ${escapeXml(story.section)}` : ''}</p>`,
    '</header>',
    story.datelineText ? `<p class="dateline">${escapeXml(story.datelineText)}</p>` : '',
    htmlBlocks(story.body),
  ].filter(Boolean)
  return `<!doctype html>\n<html lang="${escapeXml(story.language)}">\n<head>\n${head.join('\n')}\n</head>\n<body>\n<article>\n${article.join('\n')}\n</article>\n</body>\n</html>\n`
}

// ---------------------------------------------------------------- NITF

const NITF_NS = 'http://iptc.org/std/NITF/2006-10-18/'

const NITF_INLINE: InlineMarkup = {
  bold: (inner) => `<em class="bold">${inner}</em>`,
  italic: (inner) => `<em class="italic">${inner}</em>`,
  link: (inner, href) => `<a href="${escapeXml(href)}">${inner}</a>`,
  lineBreak: '<br/>',
}

function nitfBlocks(blocks: readonly Block[]): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'paragraph':
          return `<p>${writeInline(block.content, NITF_INLINE)}</p>`
        case 'heading':
          // NITF has one subhead element; the level goes in its class.
          return `<hl2${attrs({ class: block.level === 2 ? null : `h${block.level}` })}>${writeInline(block.content, NITF_INLINE)}</hl2>`
        case 'list': {
          const tag = block.ordered ? 'ol' : 'ul'
          return el(tag, {}, ...block.items.map((item) => el('li', {}, nitfBlocks(item))))
        }
        case 'quote':
          return el('bq', {}, el('block', {}, nitfBlocks(block.blocks)))
      }
    })
    .join('')
}

/** NITF's compact ISO 8601 (`20260905T143200Z`). */
const nitfDate = (ms: number) => iso(ms).replace(/[-:]/g, '')

/** The NITF `<nitf>` element (namespace declared on it). */
export function nitfElement(story: ExportStory): string {
  const { dateline } = story
  const byline = bylineText(story.bylines)
  const location = dateline.city
    ? el('location', {}, el('city', {}, escapeXml(dateline.city)), dateline.region ? el('state', {}, escapeXml(dateline.region)) : '', dateline.country ? el('country', {}, escapeXml(dateline.country)) : '')
    : ''
  const datelineElement = story.datelineText ? el('dateline', {}, location, dateline.date ? el('story.date', { norm: dateline.date.replace(/-/g, '') }, escapeXml(dateline.date)) : '') : ''
  const docdata = el(
    'docdata',
    {},
    story.edNote ? el('correction', { info: story.edNote, 'id-string': `${story.id}-${story.version}` }) : '',
    el('doc-id', { 'id-string': story.uri, regsrc: 'Deskline' }),
    el('date.issue', { norm: nitfDate(story.updatedAt) }),
    story.slug ? el('du-key', { key: story.slug, version: story.version }) : '',
  )
  const head = el(
    'head',
    {},
    el('title', {}, escapeXml(story.headline)),
    docdata,
    el('pubdata', { type: 'web', 'position.section': story.section || null, 'item-length': story.words, 'unit-of-measure': 'word' }),
  )
  const bodyHead = el(
    'body.head',
    {},
    el('hedline', {}, el('hl1', {}, escapeXml(story.headline))),
    byline ? el('byline', {}, escapeXml(byline)) : '',
    datelineElement,
  )
  return el(
    'nitf',
    { xmlns: NITF_NS, version: '-//IPTC//DTD NITF 3.6//EN', 'change.date': 'September 11, 2009', 'change.time': '12:26' },
    head,
    el('body', {}, bodyHead, el('body.content', {}, nitfBlocks(story.body))),
  )
}

/** A standalone NITF 3.6 document. */
export function toNitf(story: ExportStory): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${nitfElement(story)}\n`
}

// ---------------------------------------------------------------- NewsML-G2

/** A NewsML-G2 2.35 newsItem (power conformance) whose content is the story in NITF. */
export function toNewsml(story: ExportStory): string {
  const byline = bylineText(story.bylines)
  const itemMeta = el(
    'itemMeta',
    {},
    el('itemClass', { qcode: 'ninat:text' }),
    el('provider', { literal: 'Deskline' }),
    el('versionCreated', {}, iso(story.updatedAt)),
    el('firstCreated', {}, iso(story.createdAt)),
    el('pubStatus', { qcode: `stat:${story.pubStatus}` }),
    story.edNote ? el('edNote', {}, escapeXml(story.edNote)) : '',
  )
  const contentMeta = el(
    'contentMeta',
    {},
    el('contentCreated', {}, iso(story.createdAt)),
    el('contentModified', {}, iso(story.updatedAt)),
    story.located ? el('located', { type: 'cptype:city' }, el('name', {}, escapeXml(story.located))) : '',
    ...story.bylines.map((name) => el('creator', { role: 'crol:author' }, el('name', {}, escapeXml(name)))),
    el('language', { tag: story.language }),
    story.section ? el('subject', { type: 'cpnat:abstract', literal: `section:${story.section}` }, el('name', {}, escapeXml(story.section))) : '',
    story.slug ? el('slugline', {}, escapeXml(story.slug)) : '',
    el('headline', {}, escapeXml(story.headline)),
    story.datelineText ? el('dateline', {}, escapeXml(story.datelineText)) : '',
    byline ? el('by', {}, escapeXml(byline)) : '',
  )
  return `<?xml version="1.0" encoding="UTF-8"?>\n${el(
    'newsItem',
    {
      xmlns: 'http://iptc.org/std/nar/2006-10-01/',
      guid: story.uri,
      version: story.version,
      standard: 'NewsML-G2',
      standardversion: '2.35',
      conformance: 'power',
      'xml:lang': story.language,
    },
    el('catalogRef', { href: 'http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml' }),
    itemMeta,
    contentMeta,
    el('contentSet', {}, el('inlineXML', { contenttype: 'application/nitf+xml', wordcount: story.words }, nitfElement(story))),
  )}\n`
}

// ---------------------------------------------------------------- ninjs

/** An IPTC ninjs 3.1 object. */
export function toNinjs(story: ExportStory): Record<string, unknown> {
  const byline = bylineText(story.bylines)
  const richtext = `${story.datelineText ? `<p>${escapeXml(story.datelineText)}</p>` : ''}${htmlBlocks(story.body).replace(/\n/g, '')}`
  const text = [story.datelineText, ...plainText(story.body)].filter(Boolean).join('\n\n')
  const ninjs: Record<string, unknown> = {
    uri: story.uri,
    type: 'text',
    representationType: 'full',
    version: String(story.version),
    firstCreated: iso(story.createdAt),
    versionCreated: iso(story.updatedAt),
    contentCreated: iso(story.createdAt),
    pubStatus: story.pubStatus,
    language: story.language,
    headlines: [{ role: 'main', value: story.headline }],
    bodies: [
      { role: 'main', contentType: 'text/plain', value: text, charCount: text.length, wordCount: story.words },
      { role: 'richtext', contentType: 'application/xhtml+xml', value: richtext, wordCount: story.words },
    ],
    standard: { name: 'ninjs', version: '3.1', schema: 'http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#' },
  }
  if (story.slug) ninjs.slugline = story.slug
  if (byline) ninjs.by = byline
  if (story.located) ninjs.located = story.located
  if (story.edNote) ninjs.edNote = story.edNote
  if (story.located) ninjs.places = [{ name: story.located, rel: 'located' }]
  if (story.section) ninjs.subjects = [{ name: story.section, rel: 'section', literal: `section:${story.section}` }]
  return ninjs
}

// ---------------------------------------------------------------- Markdown

/** Escape what Markdown would read as syntax. */
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1').replace(/^(\s*)(\d+)\./gm, '$1$2\\.').replace(/^(\s*)-/gm, '$1\\-')
}

function markdownInline(content: readonly Inline[]): string {
  return content
    .map((inline) => {
      if (inline.kind === 'break') return '  \n'
      // Markdown emphasis cannot wrap surrounding spaces: keep them outside the markers.
      const [, lead = '', core = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(inline.text) ?? []
      if (!core) return inline.text
      let out = escapeMarkdown(core)
      if (inline.italic) out = `*${out}*`
      if (inline.bold) out = `**${out}**`
      if (inline.href) out = `[${out}](<${inline.href.replace(/[<>]/g, encodeURIComponent)}>)`
      return `${lead}${out}${trail}`
    })
    .join('')
}

function markdownBlocks(blocks: readonly Block[], indent = ''): string[] {
  const out: string[] = []
  for (const block of blocks) {
    switch (block.type) {
      case 'paragraph':
        out.push(indent + markdownInline(block.content).replace(/\n/g, `\n${indent}`))
        break
      case 'heading':
        out.push(`${indent}${'#'.repeat(block.level)} ${markdownInline(block.content).replace(/\s*\n\s*/g, ' ')}`)
        break
      case 'list':
        block.items.forEach((item, index) => {
          const marker = block.ordered ? `${index + 1}. ` : '- '
          const inner = markdownBlocks(item, ' '.repeat(marker.length)).join('\n\n')
          out.push(indent + marker + inner.trimStart().replace(/\n/g, `\n${indent}`))
        })
        break
      case 'quote':
        out.push(
          markdownBlocks(block.blocks)
            .join('\n\n')
            .split('\n')
            .map((line) => `${indent}> ${line}`.trimEnd())
            .join('\n'),
        )
        break
    }
  }
  return out
}

/** Markdown (CommonMark): headline as `#`, byline and dateline in italics, then the body. */
export function toMarkdown(story: ExportStory): string {
  const byline = bylineText(story.bylines)
  const parts = [`# ${escapeMarkdown(story.headline)}`]
  if (byline) parts.push(`*${escapeMarkdown(byline)}*`)
  const body = markdownBlocks(story.body)
  if (story.datelineText && body.length > 0 && story.body[0]?.type === 'paragraph') body[0] = `${escapeMarkdown(story.datelineText)} ${body[0]}`
  else if (story.datelineText) parts.push(escapeMarkdown(story.datelineText))
  return `${[...parts, ...body].join('\n\n')}\n`
}

// ---------------------------------------------------------------- plain text

/**
 * Our plain-text story format (src/shared/importText.ts): the section line, the headline, then
 * paragraphs separated by blank lines, the first opening with the dateline. Subheads, list items
 * and quotes become paragraphs; formatting is dropped.
 */
export function toText(story: ExportStory): string {
  const lines: string[] = []
  if (story.section) lines.push(`1. ${story.section}`)
  lines.push(story.headline.replace(/\s+/g, ' ').trim())
  const paragraphs = plainText(story.body)
    .map((text) => text.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
  const { dateline } = story
  const place = dateline.region || dateline.country
  const opening = dateline.city ? `${dateline.city.toUpperCase()}${place ? `, ${place}` : ''}${dateline.source ? ` (${dateline.source})` : ''} — ` : ''
  if (opening && paragraphs.length > 0) paragraphs[0] = opening + paragraphs[0]
  return `${[...lines, ...paragraphs].join('\n\n')}\n`
}

