/**
 * A story as it leaves the newsroom: the neutral shape every export format is written from
 * (./formats.ts). Read from the story's Y.Doc as a reader of the finished copy sees it:
 *
 * - open suggestions rejected: suggested insertions absent, suggested deletions present,
 *   suggested formatting and block types undone, suggested paragraph breaks not made;
 * - desk notes, comments and everything else that never prints left out.
 *
 * The walk reads the Yjs XML the editor's binding writes (block elements named after the editor's
 * nodes, text runs whose format attributes are its marks) and stops descending past MAX_DEPTH, so a
 * hostile document cannot exhaust the stack.
 */
import * as Y from 'yjs'
import { formatDateline, type Dateline } from '../../src/shared/dateline.js'
import type { Status } from '../../src/shared/newsroom.js'
import { countWords } from '../../src/shared/newsroom.js'
import { getBody, NOTE, readMeta } from '../../src/shared/storyDoc.js'
import {
  BREAK_ATTRIBUTE,
  DELETION,
  FORMAT_CHANGE,
  formatStack,
  INSERTION,
  markNameOfKey,
  parseBreak,
  parseTypeSuggestion,
  TYPE_ATTRIBUTE,
  type MarkRecord,
} from '../../src/shared/suggestions.js'

/** A run of text with its formatting, or a line break inside a block. */
export type Inline = { kind: 'text'; text: string; bold: boolean; italic: boolean; href: string | null } | { kind: 'break' }

export type Block =
  | { type: 'paragraph'; content: Inline[] }
  | { type: 'heading'; level: 2 | 3 | 4; content: Inline[] }
  | { type: 'list'; ordered: boolean; items: Block[][] }
  | { type: 'quote'; blocks: Block[] }

/** How far an outlet may use the item (IPTC pubStatus). */
export type PubStatus = 'usable' | 'withheld' | 'canceled'

export interface ExportStory {
  id: string
  /** Stable across exports and versions: the story's identity for outlets. */
  uri: string
  headline: string
  slug: string
  section: string
  status: Status
  pubStatus: PubStatus
  bylines: string[]
  dateline: Dateline
  /** The dateline as the editor shows it, AP style ("BEIRUT (AP) —"); '' without a city. */
  datelineText: string
  /** City, region, country as one place name; '' without a city. */
  located: string
  /** BCP 47. */
  language: string
  words: number
  createdAt: number
  updatedAt: number
  /** 1 for the first publication, one more at each republication after a correction. */
  version: number
  /** The correction note of a republication. */
  edNote: string
  body: Block[]
}

/** Deeper nesting than this (lists in quotes in lists…) is read flattened. */
export const MAX_DEPTH = 32

/** What the stored story adds to its document. */
export interface StoryFacts {
  id: string
  createdAt: number
  updatedAt: number
  version?: number
  edNote?: string
  language?: string
}

/** The IPTC pubStatus for a workflow status. */
export function pubStatusOf(status: Status): PubStatus {
  if (status === 'spiked') return 'canceled'
  if (status === 'held') return 'withheld'
  return 'usable'
}

/** Read a story for export: its metadata and its body with open suggestions rejected. */
export function exportStory(doc: Y.Doc, facts: StoryFacts): ExportStory {
  const meta = readMeta(doc)
  const body = readBlocks(getBody(doc), 0)
  return {
    id: facts.id,
    uri: `urn:deskline:story:${facts.id}`,
    headline: meta.headline,
    slug: meta.slug,
    section: meta.section,
    status: meta.status,
    pubStatus: pubStatusOf(meta.status),
    bylines: meta.bylines,
    dateline: meta.dateline,
    datelineText: meta.dateline.city ? formatDateline(meta.dateline) : '',
    located: [meta.dateline.city, meta.dateline.region, meta.dateline.country].map((part) => part.trim()).filter(Boolean).join(', '),
    language: facts.language ?? 'en',
    words: countWords(plainText(body).join(' ')),
    createdAt: facts.createdAt,
    updatedAt: facts.updatedAt,
    version: facts.version ?? 1,
    edNote: facts.edNote ?? '',
    body,
  }
}

/** The text of every block, one string per paragraph or heading, in reading order. */
export function plainText(blocks: readonly Block[]): string[] {
  const out: string[] = []
  for (const block of blocks) {
    if (block.type === 'list') for (const item of block.items) out.push(...plainText(item))
    else if (block.type === 'quote') out.push(...plainText(block.blocks))
    else out.push(inlineText(block.content))
  }
  return out
}

/** The text of inline content, a line break as "\n". */
export function inlineText(content: readonly Inline[]): string {
  return content.map((inline) => (inline.kind === 'break' ? '\n' : inline.text)).join('')
}

/** A block's type as it was before every open type suggestion on it. */
function originalType(element: Y.XmlElement): { type: string; attrs: Record<string, unknown> } {
  let suggestion = parseTypeSuggestion(element.getAttribute(TYPE_ATTRIBUTE))
  const current = { type: element.nodeName, attrs: element.getAttributes() as Record<string, unknown> }
  if (!suggestion) return current
  // Newest first: the oldest record says what the block was before anyone suggested a change.
  let from = suggestion.from
  for (let steps = 0; suggestion && steps < 16; steps++) {
    from = suggestion.from
    suggestion = suggestion.prior ?? null
  }
  return { type: from.type, attrs: from.attrs ?? {} }
}

/** Read the block children of a fragment or element. */
function readBlocks(parent: Y.XmlFragment | Y.XmlElement, depth: number): Block[] {
  const blocks: Block[] = []
  for (const child of parent.toArray()) {
    if (!(child instanceof Y.XmlElement)) continue
    const block = readBlock(child, depth)
    if (!block) continue
    // A paragraph break suggested before this block and not accepted: it joins the one before.
    const joined = parseBreak(child.getAttribute(BREAK_ATTRIBUTE))?.kind === 'split' ? blocks.at(-1) : undefined
    if (joined && 'content' in joined && 'content' in block) {
      joined.content.push(...block.content)
      continue
    }
    blocks.push(block)
  }
  return blocks
}

function readBlock(element: Y.XmlElement, depth: number): Block | null {
  const { type, attrs } = originalType(element)
  if (depth >= MAX_DEPTH) return { type: 'paragraph', content: [{ kind: 'text', text: flatText(element), bold: false, italic: false, href: null }] }
  switch (type) {
    case 'paragraph':
      return { type: 'paragraph', content: readInline(element) }
    case 'heading': {
      const level = Number(attrs.level)
      return { type: 'heading', level: level === 3 || level === 4 ? level : 2, content: readInline(element) }
    }
    case 'bulletList':
    case 'orderedList': {
      const items = element
        .toArray()
        .filter((item): item is Y.XmlElement => item instanceof Y.XmlElement)
        .map((item) => readBlocks(item, depth + 1))
        .filter((item) => item.length > 0)
      return { type: 'list', ordered: type === 'orderedList', items }
    }
    case 'blockquote':
      return { type: 'quote', blocks: readBlocks(element, depth + 1) }
    default:
      // An unknown block (never written by the editor): its text, as a paragraph.
      return { type: 'paragraph', content: readInline(element) }
  }
}

/**
 * The text of every block under `element`, joined by spaces, read with an explicit stack: what
 * nests past MAX_DEPTH may go thousands deeper (a story stored before the depth limit, issue 11).
 */
function flatText(element: Y.XmlElement): string {
  const texts: string[] = []
  const stack = [element]
  for (let node = stack.pop(); node; node = stack.pop()) {
    const text = inlineText(readInline(node))
    if (text) texts.push(text)
    const children = node.toArray()
    for (let index = children.length - 1; index >= 0; index--) {
      const child = children[index]
      if (child instanceof Y.XmlElement) stack.push(child)
    }
  }
  return texts.join(' ')
}

/** The marks of a run as the finished copy has them: format suggestions undone, newest first. */
function finalMarks(attributes: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const marks = new Map<string, Record<string, unknown>>()
  const changes: unknown[] = []
  for (const [key, value] of Object.entries(attributes)) {
    const name = markNameOfKey(key)
    if (name === FORMAT_CHANGE) changes.push(...formatStack(value))
    else marks.set(name, (value ?? {}) as Record<string, unknown>)
  }
  for (const change of changes) {
    const record = change as { added?: MarkRecord[]; removed?: MarkRecord[] }
    for (const added of record.added ?? []) marks.delete(added.type)
    for (const removed of record.removed ?? []) marks.set(removed.type, removed.attrs ?? {})
  }
  return marks
}

/** Only links a reader can follow safely. */
function safeHref(value: unknown): string | null {
  if (typeof value !== 'string') return null
  try {
    const url = new URL(value)
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.toString() : null
  } catch {
    return null
  }
}

function readInline(element: Y.XmlElement): Inline[] {
  const content: Inline[] = []
  for (const child of element.toArray()) {
    if (child instanceof Y.XmlElement) {
      if (child.nodeName === 'hardBreak') content.push({ kind: 'break' })
      continue
    }
    if (!(child instanceof Y.XmlText)) continue
    for (const op of child.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
      if (typeof op.insert !== 'string' || op.insert === '') continue
      const marks = finalMarks(op.attributes ?? {})
      // Suggested text that was never accepted, and desk notes, are not copy.
      if (marks.has(INSERTION) || marks.has(NOTE)) continue
      marks.delete(DELETION)
      const run: Inline = { kind: 'text', text: op.insert, bold: marks.has('bold'), italic: marks.has('italic'), href: safeHref(marks.get('link')?.href) }
      const last = content.at(-1)
      if (last?.kind === 'text' && last.bold === run.bold && last.italic === run.italic && last.href === run.href) last.text += run.text
      else content.push(run)
    }
  }
  return content
}
