/** Restoring a story to an earlier state of itself (see ./versions.ts, ./versionDiff.ts). */
import * as Y from 'yjs'
import { bodyDepth, DATELINE_FIELDS, getBody, getBylines, getDatelineMap, getMetaText, MAX_BODY_DEPTH } from '../src/shared/storyDoc.js'
import { HttpError } from './errors.js'
import { alignedSegments, commonEnds, matchNodes, nodeKey, sameJson, sameType, segmentText, slicePieces, type ItemChain, type SharedType } from './versionDiff.js'
import type { DeleteSet } from './versions.js'

/**
 * Make `doc`'s body, headline, slug, bylines and dateline equal to `version`'s (an earlier state
 * of the same story) with the fewest edits, matched by item id: what both have stays, what only
 * `doc` has is deleted, what was deleted since is inserted again as a copy (new items; history
 * keeps everything). Blocks that did not change are not touched, so someone typing in one while
 * the restore happens keeps every character. Desk fields (section, status, planned length,
 * assignment) are not restored. Returns the deletions made, for attribution.
 */
export function restoreDoc(doc: Y.Doc, version: Y.Doc): DeleteSet {
  // Refused before anything changes. A body nested past the limit (stored before the server
  // checked, issue 11) would be brought back to every reader, and Yjs itself recurses through
  // the depth of a type it deletes or garbage-collects: no restore can clear such a body safely.
  if (bodyDepth(version) > MAX_BODY_DEPTH || bodyDepth(doc) > MAX_BODY_DEPTH) {
    throw new HttpError(422, 'too_deep', `This story nests blocks more than ${MAX_BODY_DEPTH} deep: it cannot be restored.`)
  }
  let deleted: DeleteSet | null = null
  doc.transact((transaction) => {
    restoreBody(getBody(doc), getBody(version), version)
    for (const key of ['headline', 'slug'] as const) {
      const text = getMetaText(doc, key)
      const source = getMetaText(version, key)
      if (text && source) restoreText(text, source, version)
    }
    const bylines = getBylines(doc)
    const oldBylines = getBylines(version)
    if (bylines && oldBylines) restoreArray(bylines, oldBylines, version)
    const dateline = getDatelineMap(doc)
    const oldDateline = getDatelineMap(version)
    if (dateline && oldDateline) {
      for (const field of DATELINE_FIELDS) {
        const value = oldDateline.get(field)
        if (typeof value === 'string' && dateline.get(field) !== value) dateline.set(field, value)
      }
    }
    deleted = transaction.deleteSet
  })
  return deleted ?? Y.createDeleteSet()
}

/**
 * Restore a body level by level with an explicit stack of (element, its version) pairs, and fill
 * copies of re-inserted blocks the same way: no recursion on the document's depth (issue 11).
 */
function restoreBody(body: Y.XmlFragment, source: Y.XmlFragment, version: Y.Doc): void {
  const levels: Array<[Y.XmlFragment, Y.XmlFragment]> = [[body, source]]
  const copies: Array<[Y.XmlElement, Y.XmlElement]> = []
  for (let level = levels.pop(); level; level = levels.pop()) {
    restoreChildren(level[0], level[1], version, levels, copies)
    fillCopies(copies)
  }
}

/** One level: `type`'s children made `source`'s; kept elements go on `levels`, inserted copies on `copies`. */
function restoreChildren(
  type: Y.XmlFragment,
  source: Y.XmlFragment,
  version: Y.Doc,
  levels: Array<[Y.XmlFragment, Y.XmlFragment]>,
  copies: Array<[Y.XmlElement, Y.XmlElement]>,
): void {
  if (!sameType(type, source)) throw new Error('restore: the version is not a state of this document')
  type Step = { kind: 'keep'; node: SharedType; source: SharedType } | { kind: 'skip' } | { kind: 'delete' } | { kind: 'insert'; source: SharedType }
  const steps: Step[] = []
  let removed: SharedType[] = []
  let missing: SharedType[] = []
  const flush = (): void => {
    for (const step of matchNodes(removed, missing, nodeKey)) {
      if (step.current && step.other) steps.push({ kind: 'skip' })
      else if (step.current) steps.push({ kind: 'delete' })
      else if (step.other) steps.push({ kind: 'insert', source: step.other })
    }
    removed = []
    missing = []
  }
  // Plan first, edit after: the walk reads the item chain that the edits change.
  for (const s of alignedSegments(type, version)) {
    if (s.here && s.item.content instanceof Y.ContentType) {
      if (s.thereVisible && s.there?.content instanceof Y.ContentType) {
        flush()
        steps.push({ kind: 'keep', node: s.item.content.type, source: s.there.content.type })
      } else removed.push(s.item.content.type)
    } else if (!s.here && s.thereVisible && s.there?.content instanceof Y.ContentType) missing.push(s.there.content.type)
  }
  flush()
  let index = 0
  for (const step of steps) {
    if (step.kind === 'delete') {
      type.delete(index, 1)
      continue
    }
    if (step.kind === 'insert') {
      const copy = copyNode(step.source)
      if (copy) type.insert(index, [copy])
      if (copy instanceof Y.XmlElement) copies.push([copy, step.source as Y.XmlElement])
    } else if (step.kind === 'keep') {
      if (step.node instanceof Y.XmlText && step.source instanceof Y.XmlText) restoreText(step.node, step.source, version)
      else if (step.node instanceof Y.XmlElement && step.source instanceof Y.XmlElement) {
        restoreAttributes(step.node, step.source)
        levels.push([step.node, step.source])
      }
    }
    index++
  }
}

/**
 * A fresh copy of a node of the version: text with its formatting, or an element's name and
 * attributes without its children (`fillCopies` adds them once it is in the document: Yjs
 * integrates a preliminary tree recursively).
 */
function copyNode(source: SharedType): Y.XmlElement | Y.XmlText | null {
  if (source instanceof Y.XmlText) {
    const copy = new Y.XmlText()
    copy.applyDelta(source.toDelta())
    return copy
  }
  if (!(source instanceof Y.XmlElement)) return null
  const copy = new Y.XmlElement(source.nodeName)
  for (const [key, value] of Object.entries(source.getAttributes())) if (value !== undefined) copy.setAttribute(key, value)
  return copy
}

/** Give each inserted element copy its source's children, one level at a time, deepest last. */
function fillCopies(copies: Array<[Y.XmlElement, Y.XmlElement]>): void {
  for (let entry = copies.pop(); entry; entry = copies.pop()) {
    const [copy, source] = entry
    const children: Array<Y.XmlElement | Y.XmlText> = []
    for (const child of source.toArray()) {
      const childCopy = copyNode(child)
      if (!childCopy) continue
      children.push(childCopy)
      // Filled on a later turn of the loop, once the insert below has put it in the document.
      if (childCopy instanceof Y.XmlElement) copies.push([childCopy, child as Y.XmlElement])
    }
    copy.insert(0, children)
  }
}

function restoreAttributes(node: Y.XmlElement, source: Y.XmlElement): void {
  const want = source.getAttributes()
  const have = node.getAttributes()
  for (const [key, value] of Object.entries(want)) if (value !== undefined && !sameJson(have[key], value)) node.setAttribute(key, value)
  for (const key of Object.keys(have)) if (!(key in want)) node.removeAttribute(key)
}

type Attributes = Record<string, unknown>

/** The formatting each visible text item of `text` has. */
function formatsOf(text: ItemChain): Map<Y.Item, Attributes> {
  const formats = new Map<Y.Item, Attributes>()
  let current: Attributes = {}
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted) continue
    if (item.content instanceof Y.ContentFormat) {
      const { key, value } = item.content
      current = { ...current }
      if (value === null) delete current[key]
      else current[key] = value
    } else formats.set(item, current)
  }
  return formats
}

function restoreText(text: Y.Text, source: Y.Text, version: Y.Doc): void {
  if (!sameType(text, source)) {
    // Not the same shared text (never so for stories: their texts are created once): replace.
    text.delete(0, text.length)
    text.applyDelta(source.toDelta())
    return
  }
  const formats = formatsOf(source)
  type Op = { kind: 'keep'; len: number } | { kind: 'delete'; len: number } | { kind: 'insert'; text: string; attributes: Attributes }
  const ops: Op[] = []
  let removed = ''
  let missing: Array<{ text: string; attributes: Attributes }> = []
  const flush = (): void => {
    const missingText = missing.map((piece) => piece.text).join('')
    const [start, end] = commonEnds(removed, missingText)
    if (start > 0) ops.push({ kind: 'keep', len: start })
    if (removed.length - start - end > 0) ops.push({ kind: 'delete', len: removed.length - start - end })
    for (const piece of slicePieces(missing, start, missingText.length - end)) ops.push({ kind: 'insert', ...piece })
    if (end > 0) ops.push({ kind: 'keep', len: end })
    removed = ''
    missing = []
  }
  for (const s of alignedSegments(text, version)) {
    if (s.here && s.item.countable) {
      if (s.thereVisible) {
        flush()
        ops.push({ kind: 'keep', len: s.len })
      } else removed += segmentText(s) ?? '\uFFFC'.repeat(s.len)
    } else if (!s.here && s.thereVisible && s.there) {
      const piece = segmentText(s, true)
      if (piece !== null) missing.push({ text: piece, attributes: formats.get(s.there) ?? {} })
    }
  }
  flush()
  let index = 0
  for (const op of ops) {
    if (op.kind === 'keep') index += op.len
    else if (op.kind === 'delete') text.delete(index, op.len)
    else {
      // Exactly the version's formatting: marks active here but not given are ended.
      text.insert(index, op.text, { ...op.attributes })
      index += op.text.length
    }
  }
  restoreFormatting(text, source)
}

type DeltaOp = { insert?: unknown; attributes?: Attributes }

/** Runs of equal formatting, by length. */
function spans(delta: DeltaOp[]): Array<{ len: number; attributes: Attributes }> {
  return delta.map((op) => ({ len: typeof op.insert === 'string' ? op.insert.length : 1, attributes: op.attributes ?? {} }))
}

/** With the characters equal, give every range the version's marks (bold added since is removed…). */
function restoreFormatting(text: Y.Text, source: Y.Text): void {
  const have = spans(text.toDelta() as DeltaOp[])
  const want = spans(source.toDelta() as DeltaOp[])
  let index = 0
  let i = 0
  let j = 0
  let leftHave = have[0]?.len ?? 0
  let leftWant = want[0]?.len ?? 0
  while (i < have.length && j < want.length) {
    const len = Math.min(leftHave, leftWant)
    const a = have[i]?.attributes ?? {}
    const b = want[j]?.attributes ?? {}
    if (len > 0 && !sameJson(a, b)) {
      const patch: Attributes = { ...b }
      for (const key of Object.keys(a)) if (!(key in b)) patch[key] = null
      text.format(index, len, patch)
    }
    index += len
    leftHave -= len
    leftWant -= len
    if (leftHave === 0) leftHave = have[++i]?.len ?? 0
    if (leftWant === 0) leftWant = want[++j]?.len ?? 0
  }
}

function restoreArray(array: Y.Array<string>, source: Y.Array<string>, version: Y.Doc): void {
  if (!sameType(array, source)) {
    array.delete(0, array.length)
    array.insert(0, source.toArray())
    return
  }
  type Op = { kind: 'keep'; len: number } | { kind: 'delete'; len: number } | { kind: 'insert'; values: string[] }
  const ops: Op[] = []
  let removed: unknown[] = []
  let missing: string[] = []
  const flush = (): void => {
    for (const step of matchNodes(removed, missing, (value) => JSON.stringify(value))) {
      if (step.current !== undefined && step.other !== undefined) ops.push({ kind: 'keep', len: 1 })
      else if (step.current !== undefined) ops.push({ kind: 'delete', len: 1 })
      else if (step.other !== undefined) ops.push({ kind: 'insert', values: [step.other] })
    }
    removed = []
    missing = []
  }
  for (const s of alignedSegments(array, version)) {
    if (s.here && s.item.content instanceof Y.ContentAny) {
      if (s.thereVisible) {
        flush()
        ops.push({ kind: 'keep', len: s.len })
      } else removed.push(...s.item.content.arr.slice(s.offset, s.offset + s.len))
    } else if (!s.here && s.thereVisible && s.there?.content instanceof Y.ContentAny) {
      const values: unknown[] = s.there.content.arr.slice(s.thereOffset, s.thereOffset + s.len)
      missing.push(...values.filter((value): value is string => typeof value === 'string'))
    }
  }
  flush()
  let index = 0
  for (const op of ops) {
    if (op.kind === 'keep') index += op.len
    else if (op.kind === 'delete') array.delete(index, op.len)
    else {
      array.insert(index, op.values)
      index += op.values.length
    }
  }
}
