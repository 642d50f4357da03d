/**
 * The story document: the public layout of a story's Y.Doc (documented in README.md).
 *
 *   body  Y.XmlFragment   the article, edited by TipTap (paragraphs, headings, lists, quotes)
 *   meta  Y.Map           the side panel:
 *     headline      Y.Text            character-level merge of concurrent edits
 *     slug          Y.Text
 *     section       string            one of SECTIONS, or ''
 *     status        string            one of STATUSES
 *     bylines       Y.Array<string>   ordered author names
 *     dateline      Y.Map<string>     city, region, country, date (YYYY-MM-DD), source
 *     plannedWords  number | null     the desk's commission
 *
 * Every field is its own key or its own Y type, so concurrent edits of different fields never
 * overwrite each other. The nested types are created once, by the server, when the story is
 * created: clients only ever edit them, never replace them, so two clients cannot race to
 * create a `dateline` map and lose one side's edits.
 */
import * as Y from 'yjs'
import { EMPTY_DATELINE, type Dateline } from './dateline.js'
import { countWords, isSection, isStatus, type Section, type Status } from './newsroom.js'
import type { Assignment } from './permissions.js'
import { NOTE } from './schema/noteMark.js'
import { BODY, DESK, META, MetaKey } from './docKeys.js'

/** The desk-note mark's name, for readers of the Y.Doc (the schema's: src/shared/schema/noteMark.ts). */
export { NOTE }
/** The document's names live in docKeys.ts (no Yjs there); here for readers of the document. */
export { BODY, DESK, META, MetaKey }

/**
 * Deepest element nesting the body may hold: a block directly in `body` is at depth 1, a paragraph
 * in a list item in a list at 3. Real stories stay under ten; a document nested thousands deep
 * (issue 11: 8,000 quotes in 160 KB) overflows the stack of every recursive reader, the editor's
 * binding and ProseMirror first. The server refuses updates that build deeper
 * (server/bodyStructure.ts) and its own walks are iterative.
 */
export const MAX_BODY_DEPTH = 64

export const DATELINE_FIELDS = ['city', 'region', 'country', 'date', 'source'] as const
export type DatelineField = (typeof DATELINE_FIELDS)[number]

/** The side panel's data as plain values. */
export interface StoryMeta {
  headline: string
  slug: string
  section: Section | ''
  status: Status
  bylines: string[]
  dateline: Dateline
  plannedWords: number | null
}

/** What a new story may start with. */
export interface StoryInit {
  headline?: string
  slug?: string
  section?: Section | ''
  status?: Status
  bylines?: string[]
  dateline?: Partial<Dateline>
  plannedWords?: number | null
  /** Body paragraphs as plain text. */
  paragraphs?: string[]
  /** The desk's assignment. */
  desk?: Partial<Omit<StoryDesk, 'parts'>>
}

/** The article fragment TipTap binds to. */
export function getBody(doc: Y.Doc): Y.XmlFragment {
  return doc.getXmlFragment(BODY)
}

/** The metadata map. */
export function getMeta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META)
}

/** A Y.Text field of the metadata (headline or slug), if the document has it. */
export function getMetaText(doc: Y.Doc, key: 'headline' | 'slug'): Y.Text | null {
  const value = getMeta(doc).get(key)
  return value instanceof Y.Text ? value : null
}

/** The byline list, if the document has it. */
export function getBylines(doc: Y.Doc): Y.Array<string> | null {
  const value = getMeta(doc).get(MetaKey.bylines)
  return value instanceof Y.Array ? (value as Y.Array<string>) : null
}

/** The dateline map, if the document has it. */
export function getDatelineMap(doc: Y.Doc): Y.Map<string> | null {
  const value = getMeta(doc).get(MetaKey.dateline)
  return value instanceof Y.Map ? (value as Y.Map<string>) : null
}

/**
 * Fill an empty document with the story layout. Called by the server once per story, inside
 * one transaction, so the structure arrives at every client as a single update.
 */
export function initStoryDoc(doc: Y.Doc, init: StoryInit = {}): void {
  doc.transact(() => {
    const meta = getMeta(doc)
    meta.set(MetaKey.headline, new Y.Text(init.headline ?? ''))
    meta.set(MetaKey.slug, new Y.Text(init.slug ?? ''))
    meta.set(MetaKey.section, init.section ?? '')
    meta.set(MetaKey.status, init.status ?? 'draft')
    const bylines = new Y.Array<string>()
    bylines.push(init.bylines ?? [])
    meta.set(MetaKey.bylines, bylines)
    const dateline = new Y.Map<string>()
    for (const field of DATELINE_FIELDS) dateline.set(field, init.dateline?.[field] ?? '')
    meta.set(MetaKey.dateline, dateline)
    meta.set(MetaKey.plannedWords, init.plannedWords ?? null)
    const desk = getDesk(doc)
    desk.set('lead', init.desk?.lead ?? null)
    desk.set('contributors', init.desk?.contributors ?? [])
    desk.set('editor', init.desk?.editor ?? null)
    desk.set('deadline', init.desk?.deadline ?? null)
    desk.set('parts', [])
    const body = getBody(doc)
    const paragraphs = init.paragraphs?.length ? init.paragraphs : ['']
    body.insert(
      0,
      paragraphs.map((text) => {
        const paragraph = new Y.XmlElement('paragraph')
        if (text) paragraph.insert(0, [new Y.XmlText(text)])
        return paragraph
      }),
    )
  })
}

/** Read the metadata as plain values; missing or ill-typed fields read as empty. */
export function readMeta(doc: Y.Doc): StoryMeta {
  const meta = getMeta(doc)
  const section = meta.get(MetaKey.section)
  const status = meta.get(MetaKey.status)
  const planned = meta.get(MetaKey.plannedWords)
  const datelineMap = getDatelineMap(doc)
  const dateline: Dateline = { ...EMPTY_DATELINE }
  for (const field of DATELINE_FIELDS) {
    const value = datelineMap?.get(field)
    if (typeof value === 'string') dateline[field] = value
  }
  return {
    headline: getMetaText(doc, 'headline')?.toString() ?? '',
    slug: getMetaText(doc, 'slug')?.toString() ?? '',
    section: isSection(section) ? section : '',
    status: isStatus(status) ? status : 'draft',
    bylines: (getBylines(doc)?.toArray() ?? []).filter((name) => typeof name === 'string'),
    dateline,
    plannedWords: typeof planned === 'number' && Number.isFinite(planned) ? planned : null,
  }
}

/** Printed text of a text node: its string inserts, without marks, embeds or desk notes. */
function xmlTextContent(text: Y.XmlText): string {
  let out = ''
  for (const op of text.toDelta() as Array<{ insert?: unknown; attributes?: Record<string, unknown> }>) {
    // Desk notes never print, so they are not words of the story.
    if (typeof op.insert === 'string' && !op.attributes?.[NOTE]) out += op.insert
  }
  return out
}

/** A block being read by `collectBlocks`: its children, the next one to read, its text so far. */
interface BlockFrame {
  node: Y.XmlFragment | Y.XmlElement
  children: unknown[]
  next: number
  text: string
  hasText: boolean
}

const blockFrame = (node: Y.XmlFragment | Y.XmlElement): BlockFrame => ({ node, children: node.toArray(), next: 0, text: '', hasText: false })

/**
 * Collect the text of every leaf block (paragraph, heading…) under `node`, in order. An explicit
 * stack, not recursion: a document stored before the depth limit may nest far deeper (issue 11).
 */
function collectBlocks(node: Y.XmlFragment | Y.XmlElement, out: string[]): void {
  const stack = [blockFrame(node)]
  for (let frame = stack.at(-1); frame; frame = stack.at(-1)) {
    if (frame.next === frame.children.length) {
      stack.pop()
      if (frame.hasText || (frame.node instanceof Y.XmlElement && frame.node.length === 0)) out.push(frame.text)
      continue
    }
    const child = frame.children[frame.next++]
    if (child instanceof Y.XmlText) {
      frame.text += xmlTextContent(child)
      frame.hasText = true
    } else if (!(child instanceof Y.XmlElement)) {
      // Anything else a forged update put there (a string, a map) holds no blocks.
      continue
    } else if (child.nodeName === 'hardBreak') {
      frame.text += '\n'
      frame.hasText = true
    } else {
      stack.push(blockFrame(child))
    }
  }
}

/** The deepest element nesting in the body (0 when empty), measured without recursion. */
export function bodyDepth(doc: Y.Doc): number {
  let deepest = 0
  const stack: Array<[Y.XmlFragment | Y.XmlElement, number]> = [[getBody(doc), 0]]
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [node, depth] = entry
    deepest = Math.max(deepest, depth)
    for (const child of node.toArray()) if (child instanceof Y.XmlElement) stack.push([child, depth + 1])
  }
  return deepest
}

/** The body as plain text, one string per block. */
export function bodyBlocks(doc: Y.Doc): string[] {
  const out: string[] = []
  collectBlocks(getBody(doc), out)
  return out
}

/** Words in the body. */
export function bodyWordCount(doc: Y.Doc): number {
  let words = 0
  for (const block of bodyBlocks(doc)) words += countWords(block)
  return words
}

/**
 * Words in one element of the body and everything under it, counted as `bodyWordCount` counts
 * them: the body's words are the sum of its elements' when the body holds only elements (no loose
 * text, no hard break at the top).
 */
export function elementWordCount(element: Y.XmlElement): number {
  const out: string[] = []
  collectBlocks(element, out)
  let words = 0
  for (const block of out) words += countWords(block)
  return words
}

/**
 * `desk`: the desk's assignment of the story, written by the server only (through the API, after
 * checking the desk chief's right); clients read it live like the rest of the document.
 *
 *   lead          number | null     user id of the lead reporter
 *   contributors  number[]          user ids of contributing reporters
 *   editor        number | null     user id of the assigned editor
 *   deadline      number | null     ms since the epoch
 *   parts         StoryPart[]       runs of body blocks assigned to someone
 *   correction    string            the note a published story was reopened with (issue 15), until
 *                                   it is published again, carrying it as the correction (edNote)
 */
/** A run of body blocks assigned to a reporter, anchored by Yjs relative positions. */
export interface StoryPart {
  id: string
  /** Base64 of an encoded `Y.RelativePosition` in `body` before the part's first block. */
  start: string
  /** Base64 of an encoded `Y.RelativePosition` in `body` after the part's last block. */
  end: string
  assignee: number | null
  label: string
}

export interface StoryDesk {
  lead: number | null
  contributors: number[]
  editor: number | null
  deadline: number | null
  parts: StoryPart[]
}

export const EMPTY_DESK: Readonly<StoryDesk> = Object.freeze({ lead: null, contributors: [], editor: null, deadline: null, parts: [] })

/** The desk map. */
export function getDesk(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(DESK)
}

const idOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null)

function isPart(value: unknown): value is StoryPart {
  if (typeof value !== 'object' || value === null) return false
  const part = value as Record<string, unknown>
  return typeof part.id === 'string' && typeof part.start === 'string' && typeof part.end === 'string' && typeof part.label === 'string'
}

/** The desk map's key for the pending correction note (set and cleared by server/workflow.ts). */
export const CORRECTION_KEY = 'correction'

/** The note the story was reopened for a correction with, not yet published; '' when none. */
export function readCorrection(doc: Y.Doc): string {
  const note = getDesk(doc).get(CORRECTION_KEY)
  return typeof note === 'string' ? note : ''
}

/** Read the desk map as plain values; anything malformed reads as unassigned. */
export function readDesk(doc: Y.Doc): StoryDesk {
  const desk = getDesk(doc)
  const contributors = desk.get('contributors')
  const parts = desk.get('parts')
  return {
    lead: idOrNull(desk.get('lead')),
    contributors: Array.isArray(contributors) ? contributors.filter((id): id is number => Number.isInteger(id)) : [],
    editor: idOrNull(desk.get('editor')),
    deadline: idOrNull(desk.get('deadline')),
    parts: Array.isArray(parts)
      ? parts.filter(isPart).map((part) => ({ ...part, assignee: idOrNull(part.assignee) }))
      : [],
  }
}

/** Encode a relative position for `StoryPart.start`/`end`. */
export function encodeAnchor(position: Y.RelativePosition): string {
  let binary = ''
  for (const byte of Y.encodeRelativePosition(position)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** Decode a `StoryPart` anchor; null when it is not one. */
export function decodeAnchor(anchor: string): Y.RelativePosition | null {
  try {
    const binary = atob(anchor)
    const bytes = new Uint8Array(binary.length)
    for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
    return Y.decodeRelativePosition(bytes)
  } catch {
    return null
  }
}

/** The body block indexes [from, to) a part covers now, or null when its text is gone. */
export function resolvePart(doc: Y.Doc, part: StoryPart): { from: number; to: number } | null {
  const start = decodeAnchor(part.start)
  const end = decodeAnchor(part.end)
  if (!start || !end) return null
  const body = getBody(doc)
  const from = Y.createAbsolutePositionFromRelativePosition(start, doc)
  const to = Y.createAbsolutePositionFromRelativePosition(end, doc)
  if (!from || !to || from.type !== body || to.type !== body || to.index <= from.index) return null
  return { from: from.index, to: to.index }
}

/** Words in the body blocks a part covers. */
export function partWordCount(doc: Y.Doc, part: StoryPart): number {
  const range = resolvePart(doc, part)
  if (!range) return 0
  const out: string[] = []
  const blocks = getBody(doc).toArray().slice(range.from, range.to)
  for (const block of blocks) if (block instanceof Y.XmlElement) collectBlocks(block, out)
  return out.reduce((sum, text) => sum + countWords(text), 0)
}

/** The assignment a permission check needs, from the desk map. */
export function assignmentOf(desk: StoryDesk): Assignment {
  return {
    lead: desk.lead,
    contributors: desk.contributors,
    editor: desk.editor,
    partAssignees: desk.parts.flatMap((part) => (part.assignee === null ? [] : [part.assignee])),
  }
}
