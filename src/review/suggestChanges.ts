/**
 * Suggest mode (track changes): while it is on, local typing and deleting become suggestions —
 * inserted text carries an `insertion` mark, deleted text stays in the story with a `deletion`
 * mark — which anyone who may edit the story accepts or rejects, one by one or all at once.
 *
 * Why our own transform and not `@handlewithcare/prosemirror-suggest-changes` (which installs
 * cleanly here): it marks whole inserted or deleted blocks with *node* marks, which
 * `@tiptap/y-tiptap` 3.0.9 never writes to Yjs (it syncs node attributes only), so peers and the
 * stored story would diverge; it joins a change to any adjacent suggestion and re-ids that
 * neighbour, whoever wrote it, and really deletes other people's suggested insertions, where the
 * newsroom rule is that nobody edits another person's suggestion; its ids are "highest id in the
 * document + 1", which two clients suggesting at once both pick; and its marks carry no author.
 *
 * The rules here:
 * - Text: inserted inline content gets *my* insertion mark (one id per run of typing; a
 *   replacement's deletion and insertion share an id). Deleted text gets my deletion mark; my own
 *   suggested insertions are really deleted (that is withdrawing them); other people's suggested
 *   insertions and text already marked deleted are left alone.
 * - Paragraph breaks: a new break (Enter, a pasted paragraph) is made and the block after it is
 *   marked as a suggested `split`; removing a break (Backspace at the start of a paragraph, Delete
 *   at its end, a deletion across paragraphs) keeps it and marks the block after it as a
 *   suggested `join`. Marks cannot sit on a break and `@tiptap/y-tiptap` does not sync node marks,
 *   so the suggestion is a block attribute (`BREAK_ATTRIBUTE`, src/shared/schema/suggestedBreaks.ts).
 *   Rejecting a split, or accepting a join, removes the break; the others just drop the attribute.
 * - Formatting (bold, italic, links, notes) and block types (paragraph, heading levels) apply at
 *   once and are recorded so that rejecting puts them back (src/review/suggestFormats.ts).
 * - Not tracked, applied directly as outside suggest mode: wrapping in or lifting out of lists
 *   and quotes, and list nesting.
 * - Transactions from Yjs (remote changes, and undo/redo by the Yjs undo manager, which arrive
 *   through y-sync with `isChangeOrigin`) and our own accept/reject commands are never touched.
 * - Outside suggest mode, text typed inside someone's suggestion does not join it (it would be
 *   attributed to them): inherited suggestion marks are stripped from local insertions.
 */
import { Extension } from '@tiptap/core'
import { Slice, type Fragment, type Mark as PMMark, type MarkType, type Node as PMNode, type Schema } from '@tiptap/pm/model'
import { Plugin, PluginKey, Selection, TextSelection, type EditorState, type Transaction } from '@tiptap/pm/state'
import { Mapping, ReplaceAroundStep, ReplaceStep, Transform } from '@tiptap/pm/transform'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { DELETION } from '../shared/schema/deletionMark.js'
import { describeMarkChanges, FORMAT_CHANGE } from '../shared/schema/formatChangeMark.js'
import { INSERTION } from '../shared/schema/insertionMark.js'
import { BREAK_ATTRIBUTE } from '../shared/schema/suggestedBreaks.js'
import { TYPE_ATTRIBUTE } from '../shared/schema/suggestedTypes.js'
import { BREAK_SIGN, encodeBreak, parseBreak, type BreakSuggestion, type SuggestionAttrs } from '../shared/schema/suggestionValues.js'
import {
  formatChangesOn,
  isMarkStep,
  isOwnRecord,
  keepBlockSuggestions,
  recordTypeChanges,
  settleFormatChanges,
  settleTypeChanges,
  suggestMarkStep,
  typeChangeOf,
  typeChangesOn,
  type Stamp,
} from './suggestFormats.js'

/** Who is suggesting: stored on every mark they make. */
export interface SuggestionAuthor {
  id: number | null
  name: string
  color: string | null
}

export interface SuggestChangesOptions {
  author: SuggestionAuthor
  /** Suggest mode when the editor opens. */
  suggesting: boolean
  /** New suggestion ids: unique across clients (random by default). */
  generateId: () => string
  /** The story, so the decisions the server recorded on it can be listed. */
  storyId: string | null
}

export interface SuggestChangesStorage {
  author: SuggestionAuthor
  storyId: string | null
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    suggestChanges: {
      /** Turn suggest mode on or off. */
      toggleSuggesting: () => ReturnType
      /** Set suggest mode. */
      setSuggesting: (on: boolean) => ReturnType
      /** Change who new suggestions are attributed to (name or colour changed). */
      setSuggestionAuthor: (author: SuggestionAuthor) => ReturnType
      /** Accept one suggestion: its insertions become story text, its deletions go. */
      acceptSuggestion: (id: string) => ReturnType
      /** Reject (or withdraw) one suggestion: its insertions go, its deletions become plain again. */
      rejectSuggestion: (id: string) => ReturnType
      acceptAllSuggestions: () => ReturnType
      rejectAllSuggestions: () => ReturnType
    }
  }
  interface Storage {
    suggestChanges: SuggestChangesStorage
  }
}

/** Meta that marks a transaction this module made or that must pass untouched. */
export const SKIP_SUGGESTING = 'suggestChanges.skip'

/** Suggest mode lives in editor state, so toolbars read it like any other state. */
export const suggestingKey = new PluginKey<{ on: boolean }>('suggesting')

/** Whether suggest mode is on in this state. */
export function isSuggesting(state: EditorState): boolean {
  return suggestingKey.getState(state)?.on ?? false
}

interface SuggestionTypes {
  insertion: MarkType
  deletion: MarkType
  format: MarkType | undefined
}

function typesOf(schema: Schema): SuggestionTypes | null {
  const insertion = schema.marks[INSERTION]
  const deletion = schema.marks[DELETION]
  return insertion && deletion ? { insertion, deletion, format: schema.marks[FORMAT_CHANGE] } : null
}

/**
 * The suggestion marks on an inline node. Usually one (they exclude each other in the schema), but
 * text a collaborator typed inside a suggestion at the same moment takes on that suggestion's
 * format in Yjs, so text can arrive both suggested in (by one) and out (by another).
 */
function suggestionsOf(node: PMNode, types: SuggestionTypes): PMMark[] {
  return node.marks.filter((mark) => mark.type === types.insertion || mark.type === types.deletion)
}

/** The first suggestion mark on an inline node, if any. */
export function suggestionOf(node: PMNode | null | undefined, types: SuggestionTypes): PMMark | null {
  if (!node) return null
  return node.marks.find((mark) => mark.type === types.insertion || mark.type === types.deletion) ?? null
}

function isOwn(suggestion: PMMark | SuggestionAttrs, author: SuggestionAuthor): boolean {
  const attrs = ('attrs' in suggestion ? suggestion.attrs : suggestion) as SuggestionAttrs
  return isOwnRecord(attrs, { authorId: author.id, authorName: author.name })
}

/** The suggested break a block carries, if any. */
export function breakOf(node: PMNode | null | undefined): BreakSuggestion | null {
  return node?.isTextblock ? parseBreak(node.attrs[BREAK_ATTRIBUTE]) : null
}

/** Positions of the textblocks in [from, to] that `pick` (given a block's start and size) chooses. */
function textblocksIn(doc: PMNode, from: number, to: number, pick: (pos: number, size: number) => boolean): number[] {
  const found: number[] = []
  doc.nodesBetween(from, to, (node, pos) => {
    if (node.isInline) return false
    if (node.isTextblock) {
      if (node.type.spec.attrs?.[BREAK_ATTRIBUTE] !== undefined && pick(pos, node.nodeSize)) found.push(pos)
      return false
    }
    return true
  })
  return found
}

/** Positions of the textblocks that start strictly inside (from, to): the breaks before them lie in the range. */
function blocksStartingIn(doc: PMNode, from: number, to: number): number[] {
  return to - from < 2 ? [] : textblocksIn(doc, from, to, (pos) => pos > from && pos < to)
}

/** Positions of the textblocks that lie wholly inside [from, to] (a step deleting them whole). */
function wholeBlocksIn(doc: PMNode, from: number, to: number): number[] {
  return textblocksIn(doc, from, to, (pos, size) => pos >= from && pos + size <= to)
}

/**
 * Remove the paragraph break before the textblock at `pos`, the inverse of the split that made
 * it: a block that opens its list item (or other wrapper) takes the wrapper's break with it.
 * False when there is no such break to remove (the story's first block, different wrappers).
 */
function removeBreakBefore(tr: Transaction, pos: number): boolean {
  let at = pos
  let $at = tr.doc.resolve(at)
  let depth = 1
  while ($at.index() === 0 && $at.depth > 0) {
    at = $at.before()
    $at = tr.doc.resolve(at)
    depth++
  }
  if ($at.index() === 0 || at - depth < 0) return false
  const $end = tr.doc.resolve(at - depth)
  if ($end.parent.isTextblock && $end.depth === $at.depth + depth && $end.parentOffset === $end.parent.content.size) {
    return !tr.maybeStep(new ReplaceStep(at - depth, at + depth, Slice.empty)).failed
  }
  // The paragraph before sits in another wrapper (a list item, a quote): join into it the way
  // ProseMirror deletes across blocks, and keep it only if no text went with the wrappers.
  const before = Selection.findFrom(tr.doc.resolve(pos), -1, true)?.$head
  if (!before?.parent.isTextblock || before.parentOffset !== before.parent.content.size) return false
  const trial = new Transform(tr.doc)
  try {
    trial.delete(before.pos, pos + 1)
  } catch {
    return false
  }
  if (trial.steps.length === 0 || trial.doc.textContent !== tr.doc.textContent) return false
  for (const step of trial.steps) tr.step(step)
  return true
}

/** A random id: `crypto.getRandomValues` works in insecure contexts too (unlike randomUUID). */
export function randomSuggestionId(): string {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** Whether a ReplaceAroundStep removes inline content (outside its gap, which it keeps). */
function removesText(doc: PMNode, step: ReplaceAroundStep): boolean {
  let found = false
  const look = (from: number, to: number) =>
    from < to &&
    doc.nodesBetween(from, to, (node) => {
      if (node.isInline) found = true
      return !found
    })
  look(step.from, step.gapFrom)
  look(step.gapTo, step.to)
  return found
}

function hasInline(fragment: Fragment): boolean {
  let found = false
  fragment.descendants((node) => {
    if (node.isInline) found = true
    return !found
  })
  return found
}

/** Move `pos` out of the middle of a run of deleted text (insertions go after it, as in Word). */
function afterDeletionRun(doc: PMNode, pos: number, deletion: MarkType): number {
  let $pos = doc.resolve(pos)
  if (!deletion.isInSet($pos.nodeBefore?.marks ?? [])) return pos
  while ($pos.nodeAfter && deletion.isInSet($pos.nodeAfter.marks)) {
    pos += $pos.nodeAfter.nodeSize
    $pos = doc.resolve(pos)
  }
  return pos
}

/**
 * Backspace at the start of a paragraph that follows a list or a quote (or Delete at the end of
 * one before it) moves the paragraph's text into the wrapper, in several steps. As a suggestion
 * that is one suggested join: the block whose break goes, and where the caret steps to. Only such
 * transactions pay for the whole-story checks: a caret at a paragraph edge, and structure steps.
 */
function movedJoin(tr: Transaction, state: EditorState): { block: number; caret: (doc: PMNode) => Selection } | null {
  const { selection } = state
  const $head = selection.$head
  if (!selection.empty || !$head.parent.isTextblock || $head.depth === 0) return null
  const atStart = $head.parentOffset === 0
  if (!atStart && $head.parentOffset !== $head.parent.content.size) return null
  const [first] = tr.steps
  const simple = tr.steps.length === 1 && first instanceof ReplaceStep && first.slice.size === 0
  if (simple || tr.steps.some((step) => !(step instanceof ReplaceStep) && !(step instanceof ReplaceAroundStep))) return null
  // A join only takes structure away: anything that grows the story (Enter, typing) is not one.
  if (tr.doc.content.size >= state.doc.content.size) return null
  if (tr.doc.textContent !== state.doc.textContent || countTextblocks(tr.doc) !== countTextblocks(state.doc) - 1) return null
  if (atStart) {
    const block = $head.before()
    return { block, caret: (doc) => Selection.near(doc.resolve(block), -1) }
  }
  const next = Selection.findFrom(state.doc.resolve($head.after()), 1, true)
  if (!next) return null
  const block = next.$head.before()
  return { block, caret: (doc) => Selection.near(doc.resolve(block + 1), 1) }
}

function countTextblocks(doc: PMNode): number {
  let count = 0
  doc.descendants((node) => {
    if (node.isTextblock) count++
    return !node.isTextblock
  })
  return count
}

/** Private transaction state we carry over to the replacement transaction. */
interface TransactionMeta {
  meta: Record<string, unknown>
}

interface SuggestContext {
  author: SuggestionAuthor
  generateId: () => string
  now: number
}

/**
 * The transaction that suggests what `tr` does, built on `state` (which `tr` started from).
 * Each step is rebased onto what we built so far: back through the earlier original steps,
 * forward through ours (where deleted text is still there).
 */
export function toSuggestion(tr: Transaction, state: EditorState, context: SuggestContext): Transaction {
  const types = typesOf(state.schema)
  if (!types) return tr
  const { insertion, deletion } = types
  const { author } = context
  const out = state.tr
  let freshId: string | null = null
  let caret: number | null = null
  /** Who is suggesting, and when: on every record this transaction makes. */
  const stamp: Stamp = { authorId: author.id, authorName: author.name, authorColor: author.color, time: context.now }
  const newId = () => (freshId ??= context.generateId())

  const joined = movedJoin(tr, state)
  if (joined) {
    const suggested = breakOf(state.doc.nodeAt(joined.block))
    // My own suggested break is withdrawn for real; anyone else's stays as it is.
    if (suggested?.kind === 'split' && isOwn(suggested, author)) return tr
    if (!suggested) out.setNodeAttribute(joined.block, BREAK_ATTRIBUTE, encodeBreak({ kind: 'join', id: newId(), ...stamp }))
    out.setSelection(joined.caret(out.doc))
    Object.assign((out as unknown as TransactionMeta).meta, (tr as unknown as TransactionMeta).meta)
    return out
  }

  /**
   * My mark of `type`, continuing my adjacent suggestion when there is one: a run of Backspaces
   * or of typing stays one suggestion, and so does text typed right after (or before) text I
   * struck out, a replacement. A deletion never joins my adjacent insertion: both stay separate.
   */
  const markFor = (type: MarkType, neighbours: Array<PMNode | null | undefined>, fallbackId: string | null = null): PMMark => {
    const own =
      neighbours
        .map((node) => suggestionOf(node, types))
        .find((mark) => mark !== null && isOwn(mark, author) && (type === insertion || mark.type === type)) ?? null
    if (own && own.type === type) return own
    const id = own ? String(own.attrs.id) : (fallbackId ?? newId())
    const attrs: SuggestionAttrs = { id, ...stamp }
    return type.create(attrs)
  }
  const breakValue = (kind: BreakSuggestion['kind'], id: string) => encodeBreak({ kind, id, ...stamp })
  /** Mark the blocks that start inside (from, to) as split off by me: the breaks before them are new. */
  const markSplits = (from: number, to: number, id: string) => {
    for (const pos of blocksStartingIn(out.doc, from, to)) out.setNodeAttribute(pos, BREAK_ATTRIBUTE, breakValue('split', id))
  }
  /** Suggest removing the breaks before these blocks (unless someone already suggested something there). */
  const markJoins = (positions: number[], id: string) => {
    for (const pos of positions) {
      if (!breakOf(out.doc.nodeAt(pos))) out.setNodeAttribute(pos, BREAK_ATTRIBUTE, breakValue('join', id))
    }
  }

  for (let index = 0; index < tr.steps.length; index++) {
    const step = tr.steps[index]!
    const rebase = new Mapping()
    for (let earlier = index - 1; earlier >= 0; earlier--) rebase.appendMap(tr.steps[earlier]!.getMap().invert())
    rebase.appendMapping(out.mapping)
    const rebased = step.map(rebase)
    if (!rebased) continue
    // A deletion across lists or quotes is one ReplaceAroundStep: the text it removes is struck
    // out like any other, and the text it moves (its gap) stays where it is.
    const aroundText = rebased instanceof ReplaceAroundStep && removesText(out.doc, rebased) ? rebased : null
    if (!(rebased instanceof ReplaceStep) && !aroundText) {
      if (isMarkStep(rebased)) {
        suggestMarkStep(out, rebased, stamp, newId)
        continue
      }
      // Block types are recorded; wrapping and lifting (lists, quotes) apply as they are.
      const before = out.doc
      const stepIndex = out.steps.length
      if (!out.maybeStep(rebased).failed) recordTypeChanges(out, before, out.mapping.slice(stepIndex), rebased, stamp, newId)
      continue
    }
    const { from, to } = rebased as ReplaceStep | ReplaceAroundStep
    const slice = aroundText ? Slice.empty : (rebased as ReplaceStep).slice
    const gap = aroundText ? { from: aroundText.gapFrom, to: aroundText.gapTo } : null
    const segments: Array<{ from: number; to: number; node: PMNode }> = []
    out.doc.nodesBetween(from, to, (node, pos) => {
      if (!node.isInline) return true
      // An empty range still visits the text around it: only what the step really removes counts.
      const start = Math.max(pos, from)
      const end = Math.min(pos + node.nodeSize, to)
      if (!gap) {
        if (from < to) segments.push({ from: start, to: end, node })
      } else {
        if (start < Math.min(end, gap.from)) segments.push({ from: start, to: Math.min(end, gap.from), node })
        if (Math.max(start, gap.to) < end) segments.push({ from: Math.max(start, gap.to), to: end, node })
      }
      return false
    })
    const inserts = hasInline(slice.content)
    const breaksRemoved = blocksStartingIn(out.doc, from, to).filter((pos) => !gap || pos < gap.from || pos >= gap.to)
    if (segments.length === 0 && !inserts) {
      // Which breaks the step removes: those before the blocks it joins, or, when it deletes whole
      // empty blocks (Backspace before an empty paragraph deletes it), those before the deleted ones.
      const deletedBlocks = breaksRemoved.length === 0 ? wholeBlocksIn(out.doc, from, to) : []
      const removed = breaksRemoved.length > 0 ? breaksRemoved : deletedBlocks
      const breaks = removed.map((pos) => breakOf(out.doc.nodeAt(pos)))
      const mine = (suggestion: BreakSuggestion | null | undefined) => suggestion?.kind === 'split' && isOwn(suggestion, author)
      // An empty block I split off before a block: deleting it withdraws my break after it.
      const nextBreak = deletedBlocks.length > 0 ? breakOf(out.doc.nodeAt(to)) : null
      const withdrawsNext = mine(nextBreak) && breaks.every((suggestion) => suggestion === null || mine(suggestion))
      if (removed.length === 0 || withdrawsNext || breaks.every(mine)) {
        // A new break (Enter) is made and marked; one I suggested myself is withdrawn for real;
        // other structure (removing an empty list, joining two lists) applies directly.
        const stepIndex = out.steps.length
        if (!out.maybeStep(rebased).failed) {
          const map = out.mapping.slice(stepIndex)
          if (removed.length === 0) markSplits(map.map(from, -1), map.map(to, 1), newId())
          // The break left before the next block is the one that was before the deleted block.
          else if (withdrawsNext && !breaks[0]) out.setNodeAttribute(map.map(to, 1), BREAK_ATTRIBUTE, null)
        }
        continue
      }
      // Removing a break: keep it, suggest removing it, and step over it as Word does.
      markJoins(removed, newId())
      const forward = state.selection.empty && state.selection.head <= (deletedBlocks.length > 0 ? to : from)
      caret = forward ? TextSelection.near(out.doc.resolve(to), 1).head : TextSelection.near(out.doc.resolve(from), -1).head
      continue
    }

    const stepsBefore = out.steps.length
    if (segments.length > 0) {
      const $from = out.doc.resolve(from)
      const $to = out.doc.resolve(to)
      let mark: PMMark | null = null
      const withdrawn: Array<{ from: number; to: number }> = []
      for (const segment of segments) {
        const existing = suggestionOf(segment.node, types)
        if (existing?.type === insertion) {
          // My own suggested text is withdrawn for real; someone else's is theirs to keep.
          if (isOwn(existing, author)) withdrawn.push(segment)
          continue
        }
        if (existing?.type === deletion) continue
        mark ??= markFor(deletion, [$to.nodeAfter, $from.nodeBefore])
        out.addMark(segment.from, segment.to, mark)
      }
      // The breaks inside a deleted range stay too, suggested for removal with the text.
      if (breaksRemoved.length > 0) markJoins(breaksRemoved, String((mark ?? markFor(deletion, [$to.nodeAfter, $from.nodeBefore])).attrs.id))
      for (const range of withdrawn.reverse()) out.delete(range.from, range.to)
      const collapsedAtEdge = tr.steps.length === 1 && state.selection.empty && (state.selection.head === from || state.selection.head === to)
      if (tr.selectionSet || collapsedAtEdge) {
        // Backspace leaves the caret before what it struck out (the next one strikes the character
        // before); Delete and a deleted selection leave it after. Backspace is the default: the
        // state's selection can lag behind the browser's (End, then Backspace at once).
        const forward = !state.selection.empty || state.selection.head === from
        const since = out.mapping.slice(stepsBefore)
        caret = forward ? since.map(to, -1) : since.map(from, -1)
      }
    }

    // Only content with text is inserted: the blocks a deletion would have left (ProseMirror
    // refills an emptied document with an empty paragraph) are not needed, the deleted ones stay.
    if (inserts) {
      let at = afterDeletionRun(out.doc, out.mapping.slice(stepsBefore).map(to, -1), deletion)
      let content = slice
      const $at = out.doc.resolve(at)
      const { firstChild, lastChild } = slice.content
      if (slice.openStart === 0 && !$at.parent.isTextblock && $at.nodeBefore?.isTextblock && firstChild?.isTextblock && lastChild?.isTextblock) {
        // Whole paragraphs typed or pasted over whole struck-out ones (select all, then type): their
        // text goes on at the end of the last struck-out paragraph, so that rejecting leaves no
        // paragraph behind and accepting leaves no empty one.
        at -= 1
        content = new Slice(slice.content, 1, 1)
      }
      const insertStep = out.steps.length
      out.replace(at, at, content)
      if (out.steps.length > insertStep) {
        const inserted = out.mapping.slice(insertStep)
        const start = inserted.map(at, -1)
        const end = inserted.map(at, 1)
        // Inherited or pasted suggestion marks go: what I insert is my suggestion only.
        out.removeMark(start, end, insertion)
        out.removeMark(start, end, deletion)
        if (types.format) out.removeMark(start, end, types.format)
        const $start = out.doc.resolve(start)
        // Typing at the start of a paragraph I split off continues that suggestion.
        const ownSplit = $start.parentOffset === 0 ? breakOf($start.parent) : null
        const fallbackId = ownSplit?.kind === 'split' && isOwn(ownSplit, author) ? ownSplit.id : null
        const mark = markFor(insertion, [$start.nodeBefore, out.doc.resolve(end).nodeAfter], fallbackId)
        out.addMark(start, end, mark)
        // Pasted paragraphs: the breaks they bring are part of the same suggestion.
        markSplits(start, end, String(mark.attrs.id))
        if (tr.selectionSet) caret = end
      }
    }
  }

  if (caret !== null) {
    out.setSelection(TextSelection.near(out.doc.resolve(Math.min(caret, out.doc.content.size))))
  } else if (tr.selectionSet) {
    const start = tr.docs[0] ?? tr.doc
    out.setSelection(tr.selection.map(start, tr.mapping.invert()).map(out.doc, out.mapping))
  }
  if (tr.storedMarksSet) out.setStoredMarks(tr.storedMarks?.filter((mark) => mark.type !== insertion && mark.type !== deletion && mark.type !== types.format) ?? null)
  if (tr.scrolledIntoView) out.scrollIntoView()
  Object.assign((out as unknown as TransactionMeta).meta, (tr as unknown as TransactionMeta).meta)
  return out
}

/**
 * Outside suggest mode: text typed or pasted inside someone's suggestion must not join it, and a
 * block split off one that carries a suggested break or type does not copy that suggestion. Text
 * the story already had and an edit only moves (a paragraph joined into a list item or a quote)
 * keeps its suggestions: stripping them would settle them with no decision.
 */
function stripInheritedSuggestions(tr: Transaction, types: SuggestionTypes): Transaction {
  const pasted = Boolean(tr.getMeta('paste')) || tr.getMeta('uiEvent') === 'paste' || tr.getMeta('uiEvent') === 'drop'
  const ranges: Array<{ from: number; to: number; marks: boolean }> = []
  tr.steps.forEach((step, index) => {
    if (!(step instanceof ReplaceStep) || step.slice.size === 0) return
    const after = tr.mapping.slice(index + 1)
    const from = after.map(step.from, 1)
    const to = after.map(step.from + step.slice.size, -1)
    // Typing gives new text the marks around it (inline content only); a paste brings its own.
    let inlineOnly = true
    step.slice.content.forEach((node) => {
      if (!node.isInline) inlineOnly = false
    })
    if (from < to) ranges.push({ from, to, marks: pasted || inlineOnly })
  })
  for (const { from, to, marks } of ranges) {
    for (const type of marks ? [types.insertion, types.deletion, types.format] : []) {
      if (type && tr.doc.rangeHasMark(from, to, type)) tr.removeMark(from, to, type)
    }
    for (const pos of blocksStartingIn(tr.doc, from - 1, to)) {
      const block = tr.doc.nodeAt(pos)
      if (breakOf(block)) tr.setNodeAttribute(pos, BREAK_ATTRIBUTE, null)
      if (typeChangeOf(block)) tr.setNodeAttribute(pos, TYPE_ATTRIBUTE, null)
    }
  }
  return tr
}

/** True for transactions that come from Yjs: remote changes and the Yjs undo manager's undo/redo. */
function fromYjs(tr: Transaction): boolean {
  const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean; isUndoRedoOperation?: boolean } | undefined
  return Boolean(meta?.isChangeOrigin || meta?.isUndoRedoOperation)
}

/** One open suggestion, as the review list shows it. */
export interface SuggestionSummary extends SuggestionAttrs {
  inserted: string
  deleted: string
  /** Text whose formatting or block type it changed, and what changed ("Bold", "Heading 2"). */
  formatted: string
  formats: string[]
  /** Document position of its first character. */
  from: number
}

function addFormats(entry: SuggestionSummary, formats: string[]): void {
  for (const format of formats) if (!entry.formats.includes(format)) entry.formats.push(format)
}

/** Every open suggestion in the document, in reading order. */
export function listSuggestions(doc: PMNode): SuggestionSummary[] {
  const types = typesOf(doc.type.schema)
  if (!types) return []
  const byId = new Map<string, SuggestionSummary>()
  const entryFor = (attrs: SuggestionAttrs, from: number): SuggestionSummary => {
    const id = String(attrs.id)
    let entry = byId.get(id)
    if (!entry) {
      const { authorId, authorName, authorColor, time } = attrs
      entry = { id, authorId, authorName, authorColor, time, inserted: '', deleted: '', formatted: '', formats: [], from }
      byId.set(id, entry)
    }
    return entry
  }
  doc.descendants((node, pos) => {
    if (!node.isInline) {
      const suggested = breakOf(node)
      if (suggested) {
        const entry = entryFor(suggested, pos + 1)
        if (suggested.kind === 'split') entry.inserted += BREAK_SIGN
        else entry.deleted += BREAK_SIGN
      }
      for (const { change, to } of typeChangesOn(node)) {
        const entry = entryFor(change, pos + 1)
        addFormats(entry, [to])
        entry.formatted += node.textContent
      }
      return true
    }
    for (const change of formatChangesOn(node)) {
      const entry = entryFor(change, pos)
      addFormats(entry, describeMarkChanges(change.added, change.removed))
      entry.formatted += node.isText ? (node.text ?? '') : ' '
    }
    const text = node.isText ? (node.text ?? '') : ' '
    for (const mark of suggestionsOf(node, types)) {
      const entry = entryFor(mark.attrs as SuggestionAttrs, pos)
      if (mark.type === types.insertion) entry.inserted += text
      else entry.deleted += text
    }
    return false
  })
  return [...byId.values()]
}

/** The suggestion the caret is in (or touching), its author, and where its run starts, or null. */
export function suggestionAtSelection(state: EditorState): { id: string; authorId: number | null; authorName: string; start: number } | null {
  const types = typesOf(state.schema)
  if (!types) return null
  const { $head } = state.selection
  const after = suggestionOf($head.nodeAfter, types)
  const mark = after ?? suggestionOf($head.nodeBefore, types)
  if (!mark) {
    // Reformatted text, or the start of a block after a suggested break, or a retyped block.
    const [format] = formatChangesOn($head.nodeAfter ?? $head.nodeBefore ?? $head.parent)
    if (format) return { id: format.id, authorId: format.authorId, authorName: format.authorName, start: $head.pos }
    const suggested = ($head.parentOffset === 0 ? breakOf($head.parent) : null) ?? typeChangeOf($head.parent)
    return suggested ? { id: suggested.id, authorId: suggested.authorId, authorName: suggested.authorName, start: $head.start() } : null
  }
  // The child of the block that carries the mark, and where it starts; then walk back to the start
  // of this suggestion's run, so that the anchor stays put while its author types at its end.
  let index = after ? $head.index() : $head.index() - 1
  let start = after ? $head.pos - $head.textOffset : $head.pos - ($head.nodeBefore?.nodeSize ?? 0)
  while (index > 0) {
    const previous = $head.parent.child(index - 1)
    const previousMark = suggestionOf(previous, types)
    if (!previousMark || previousMark.attrs.id !== mark.attrs.id) break
    start -= previous.nodeSize
    index--
  }
  const authorId = typeof mark.attrs.authorId === 'number' && Number.isFinite(mark.attrs.authorId) ? mark.attrs.authorId : null
  return { id: String(mark.attrs.id), authorId, authorName: String(mark.attrs.authorName ?? ''), start }
}

/**
 * Settle the suggestions `match` picks. First block types (put back or kept), then the suggested breaks: accepting a join or rejecting
 * a split removes the break (the paragraph is whole again), the others only lose the suggestion.
 * Then the text: accepting removes deleted text and unmarks inserted text; rejecting does the
 * reverse. Blocks come and go only with their breaks: a rejected new paragraph was split off, so
 * it is joined back, and a paragraph whose text was struck out but not its break stays, empty.
 */
function settle(tr: Transaction, types: SuggestionTypes, match: (id: string) => boolean, accept: boolean): boolean {
  const stepsBefore = tr.steps.length
  settleTypeChanges(tr, match, accept)
  const breaks: Array<{ pos: number; remove: boolean }> = []
  tr.doc.descendants((node, pos) => {
    if (node.isInline) return false
    const suggested = breakOf(node)
    if (suggested && match(suggested.id)) breaks.push({ pos, remove: (suggested.kind === 'join') === accept })
    return !node.isTextblock
  })
  // Last first: removing a break never moves the blocks before it.
  for (const { pos, remove } of breaks.reverse()) {
    tr.setNodeAttribute(pos, BREAK_ATTRIBUTE, null)
    if (remove) removeBreakBefore(tr, pos)
  }

  const removals: Array<{ from: number; to: number }> = []
  const unmarks: Array<{ from: number; to: number; mark: PMMark }> = []
  tr.doc.descendants((node, pos) => {
    if (!node.isInline) return true
    const matching = suggestionsOf(node, types).filter((mark) => match(String(mark.attrs.id)))
    // Accepting a deletion or rejecting an insertion takes the text out (whatever else it carries).
    if (matching.some((mark) => (mark.type === types.deletion) === accept)) removals.push({ from: pos, to: pos + node.nodeSize })
    else {
      for (const mark of matching) unmarks.push({ from: pos, to: pos + node.nodeSize, mark })
      settleFormatChanges(tr, node, pos, pos + node.nodeSize, match, accept)
    }
    return false
  })
  for (const { from, to, mark } of unmarks) tr.removeMark(from, to, mark)
  for (const { from, to } of removals.reverse()) tr.delete(from, to)
  if (tr.steps.length === stepsBefore) return false
  tr.setMeta(SKIP_SUGGESTING, true)
  return true
}

/** Suggest mode: the flag, the dispatch wrapper that turns edits into suggestions, accept/reject. */
export const SuggestChanges = Extension.create<SuggestChangesOptions, SuggestChangesStorage>({
  name: 'suggestChanges',

  addOptions() {
    return {
      author: { id: null, name: 'Someone', color: null },
      storyId: null,
      suggesting: false,
      generateId: randomSuggestionId,
    }
  },

  addStorage() {
    return { author: this.options.author, storyId: this.options.storyId }
  },

  addProseMirrorPlugins() {
    const initial = this.options.suggesting
    return [
      new Plugin<{ on: boolean }>({
        key: suggestingKey,
        state: {
          init: () => ({ on: initial }),
          apply(tr, value) {
            const next = tr.getMeta(suggestingKey) as { on: boolean } | undefined
            return next ?? value
          },
        },
      }),
    ]
  },

  addCommands() {
    const settleWith =
      (match: (id: string) => boolean, accept: boolean) =>
      ({ tr, state, dispatch }: { tr: Transaction; state: EditorState; dispatch: ((tr: Transaction) => void) | undefined }) => {
        const types = typesOf(state.schema)
        if (!types) return false
        if (!dispatch) return listSuggestions(state.doc).some((suggestion) => match(suggestion.id))
        return settle(tr, types, match, accept)
      }
    const byId = (id: string) => (candidate: string) => candidate === id
    const any = () => true
    return {
      toggleSuggesting:
        () =>
        ({ tr, state }) => {
          tr.setMeta(suggestingKey, { on: !isSuggesting(state) })
          return true
        },
      setSuggesting:
        (on) =>
        ({ tr }) => {
          tr.setMeta(suggestingKey, { on })
          return true
        },
      setSuggestionAuthor: (author) => () => {
        this.storage.author = author
        return true
      },
      acceptSuggestion: (id) => settleWith(byId(id), true),
      rejectSuggestion: (id) => settleWith(byId(id), false),
      acceptAllSuggestions: () => settleWith(any, true),
      rejectAllSuggestions: () => settleWith(any, false),
    }
  },

  dispatchTransaction({ transaction: tr, next }) {
    const state = this.editor.state
    const types = typesOf(state.schema)
    // Only local edits made on the current state: never Yjs' own transactions, nor ours.
    if (!types || !tr.docChanged || tr.getMeta(SKIP_SUGGESTING) || fromYjs(tr) || (tr.docs[0] ?? tr.doc) !== state.doc) {
      next(tr)
      return
    }
    if (!isSuggesting(state)) {
      next(stripInheritedSuggestions(keepBlockSuggestions(tr), types))
      return
    }
    next(toSuggestion(tr, state, { author: this.storage.author, generateId: this.options.generateId, now: Date.now() }))
  },
})
