/**
 * What a client's update does to other people's suggestions, decided before the room applies it
 * (issue 11: suggestions forged with a re-used id, and audit forgery).
 *
 * The rule: a suggestion id owned by someone other than the sender may only cover, after the
 * update, what it covered before. Honest clients do re-emit other people's suggestion values, and
 * each way they do passes:
 * - Yjs' restore formats (text typed or formatted inside someone's suggestion negates the value
 *   before it and restores it after): the id covers what it covered, no more.
 * - The binding making a block again (a paragraph split, joined, turned into a heading or wrapped
 *   in a list deletes the old Y.XmlElement and writes a new one with the same text and marks): new
 *   text under the id is matched by text the same update takes from under it, character for
 *   character in order; a new block's suggested break or type by the block it replaces.
 * - Undo of a reject or of a deletion (hours later, after a restart), and an offline edit inside a
 *   suggestion settled meanwhile: the documents keep deleted suggestion history
 *   (server/suggestionHistory.ts), so text the id covered at some time may be covered again, and
 *   new text under it must be text it covered that is deleted now.
 * What only a forger does is refused: new text or blocks under someone else's id that the id never
 * covered (a reporter writing "new" words as the editor's), and existing text or blocks it never
 * covered (the editor's deletion mark put over the reporter's sentence). What stays open, by the
 * same token: an id's own former words (deleted, or moved in one update) may be put back elsewhere,
 * and text typed later where a settled suggestion once was may be marked with it again.
 *
 * The same look says which suggestions the update settles: an id whose content it leaves covered by
 * nothing, anywhere in the story, was accepted or rejected according to what happened to that
 * content (src/review/suggest/settle.ts): inserted text kept without the mark is accepted,
 * deleted is rejected; text marked for deletion deleted is accepted, kept is rejected; a format
 * change whose marks stay is accepted, put back is rejected; a suggested break or type likewise.
 * The author settling their own suggestion withdraws it: no decision.
 *
 * Only updates that touch a block that held a suggestion, or bring a suggestion value, are looked
 * at, and only when some id in reach is someone else's (server/suggestionIndex.ts): typing anywhere
 * else costs a second decode of the update, nothing more.
 */
import * as Y from 'yjs'
import { describeMarkChanges } from '../src/shared/schema/formatChangeMark.js'
import { describeBlockType } from '../src/shared/schema/suggestedTypes.js'
import { BREAK_ATTRIBUTE, BREAK_SIGN, formatStack, markNameOfKey, parseBreak, parseTypeSuggestion, TYPE_ATTRIBUTE, unstack, type MarkRecord } from '../src/shared/suggestions.js'
import { DECISION_TEXT_MAX_CHARS, type DecisionInput } from './suggestionLog.js'
import type { SuggestionIndex } from './suggestionIndex.js'
import { attributeCover, blockSignature, coverParts, formatCover, isSuggestionFormat, SUGGESTION_ATTRIBUTES, type CoverKey } from './suggestionKeys.js'
import { simulate, type BlockLayout, type Simulation, type TextRun } from './suggestionSimulation.js'

type Type = Y.AbstractType<unknown>

/** What the room needs to know about one update. */
export interface ReviewContext {
  doc: Y.Doc
  index: SuggestionIndex
  senderId: number
  /** Who a suggestion id belongs to; undefined when the room has never seen it. */
  ownerOf: (id: string) => number | null | undefined
}

/** The verdict on one update, given before it is applied. */
export interface SuggestionReview {
  /** Why it must be refused, or null. */
  forged: string | null
  /** Other people's suggestions it settles, as the sender's decisions (recorded once it is stored). */
  decisions: DecisionInput[]
  /** Once it is applied: list the blocks its suggestion values landed in. */
  applied: () => void
}

/** Review `update` from `senderId`, or null when it cannot touch anyone else's suggestion. */
export function reviewSuggestions(update: Uint8Array, context: ReviewContext): SuggestionReview | null {
  const { doc, index, senderId, ownerOf } = context
  const foreign = (id: string) => ownerOf(id) !== senderId
  const simulation = simulate(doc, update, index, (ids) => [...ids].some(foreign))
  if (!simulation) return null
  const forged = forgedCover(simulation, foreign)
  return {
    forged,
    decisions: forged === null ? settled(simulation, context, foreign) : [],
    applied: () => {
      for (const { item } of simulation.carriers) {
        const structs = doc.store.clients.get(item.id.client)
        if (!structs || item.id.clock >= Y.getState(doc.store, item.id.client)) continue
        const struct = structs[Y.findIndexSS(structs, item.id.clock)]
        if (struct instanceof Y.Item) index.note(struct)
      }
    },
  }
}

// The rule ---------------------------------------------------------------------------------------

/** Why the update makes someone else's suggestion cover what it never covered, or null. */
function forgedCover(simulation: Simulation, foreign: (id: string) => boolean): string | null {
  const isForeign = (key: CoverKey) => foreign(coverParts(key).id)
  /** New text under each foreign key, in runs; text that key covered and that is deleted after, in pieces. */
  const added = new Map<CoverKey, string[]>()
  const pool = new Map<CoverKey, string[]>()
  for (const { head } of simulation.texts) {
    let openAdded = new Set<CoverKey>()
    let openPool = new Set<CoverKey>()
    for (let run = head; run !== null; run = run.right) {
      if (run.text === null) continue
      if (!run.deleted && !run.gone) {
        const open = new Set<CoverKey>()
        for (const key of run.after) {
          if (!isForeign(key)) continue
          if (run.fresh) {
            extend(added, key, run.text, openAdded.has(key))
            open.add(key)
          } else if (!run.before.includes(key) && !run.ghost.includes(key)) {
            return `existing text newly covered by someone else's suggestion ${coverParts(key).id}`
          }
        }
        openAdded = open
        openPool = new Set()
      } else if (!run.fresh) {
        const open = new Set<CoverKey>()
        for (const key of new Set([...run.before, ...run.ghost])) {
          if (!isForeign(key)) continue
          extend(pool, key, run.text, openPool.has(key))
          open.add(key)
        }
        openPool = open
      }
    }
  }
  for (const [key, runs] of added) {
    const pieces = pool.get(key) ?? []
    const room = pieces.reduce((sum, piece) => sum + piece.length, 0)
    const used = runs.reduce((sum, run) => sum + run.length, 0)
    if (used > room || !runs.every((run) => pieces.some((piece) => isSubsequence(run, piece)))) {
      return `new text under someone else's suggestion ${coverParts(key).id}`
    }
  }
  return forgedBlocks(simulation.blocks, isForeign)
}

/** The same rule for suggested breaks and types: a block keeps, loses, or takes over the one it replaces. */
function forgedBlocks(blocks: BlockLayout[], isForeign: (key: CoverKey) => boolean): string | null {
  const added = new Map<CoverKey, string[]>()
  const pool = new Map<CoverKey, string[]>()
  for (const block of blocks) {
    const before = blockCover(block.before)
    const ghost = blockCover(block.ghost)
    if (!block.deleted && !block.gone) {
      for (const [key, signature] of blockCover(suggestionAttributesOf(block.after))) {
        if (!isForeign(key)) continue
        if (block.fresh) push(added, key, signature)
        else if (!before.has(key) && !ghost.has(key)) return `a block newly under someone else's suggestion ${coverParts(key).id}`
      }
    } else if (!block.fresh) {
      for (const [key, signature] of [...before, ...ghost]) if (isForeign(key)) push(pool, key, signature)
    }
  }
  for (const [key, signatures] of added) {
    const left = [...(pool.get(key) ?? [])]
    for (const signature of signatures) {
      const at = left.indexOf(signature)
      if (at < 0) return `a new block under someone else's suggestion ${coverParts(key).id}`
      left.splice(at, 1)
    }
  }
  return null
}

/** The suggestion attributes among a block's attributes. */
function suggestionAttributesOf(attributes: Map<string, unknown>): Array<[string, unknown]> {
  return [...attributes].filter(([attribute]) => SUGGESTION_ATTRIBUTES.has(attribute))
}

/** Cover keys of block attribute values, each with what identifies its record. */
function blockCover(values: Iterable<[string, unknown]>): Map<CoverKey, string> {
  const cover = new Map<CoverKey, string>()
  for (const [attribute, value] of values) {
    for (const key of attributeCover(attribute, value)) cover.set(key, blockSignature(attribute, value, coverParts(key).id))
  }
  return cover
}

function extend(map: Map<CoverKey, string[]>, key: CoverKey, text: string, continues: boolean): void {
  const list = map.get(key)
  if (!list) map.set(key, [text])
  else if (continues && list.length > 0) list[list.length - 1] += text
  else list.push(text)
}

function push(map: Map<CoverKey, string[]>, key: CoverKey, value: string): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

function isSubsequence(short: string, long: string): boolean {
  let at = 0
  for (const char of long) if (at < short.length && char === short[at]) at++
  return at === short.length
}

// Decisions --------------------------------------------------------------------------------------

interface Settling {
  accept: number
  reject: number
  inserted: string
  deleted: string
  formats: string[]
  formatted: string
}

/** Other people's suggestions the update leaves covering nothing anywhere: the decisions it makes. */
function settled(simulation: Simulation, context: ReviewContext, foreign: (id: string) => boolean): DecisionInput[] {
  const before = new Set<string>()
  const after = new Set<string>()
  for (const { head } of simulation.texts) {
    for (let run = head; run !== null; run = run.right) {
      if (run.text === null) continue
      if (!run.fresh && !run.deleted) for (const key of run.before) before.add(coverParts(key).id)
      if (!run.deleted && !run.gone) for (const key of run.after) after.add(coverParts(key).id)
    }
  }
  for (const block of simulation.blocks) {
    if (!block.fresh && !block.deleted) for (const key of blockCover(block.before).keys()) before.add(coverParts(key).id)
    if (!block.deleted && !block.gone) for (const key of blockCover(suggestionAttributesOf(block.after)).keys()) after.add(coverParts(key).id)
  }
  const gone = [...before].filter((id) => !after.has(id) && foreign(id) && !liveElsewhere(context, id, simulation.touched))
  if (gone.length === 0) return []
  const settling = new Map<string, Settling>(gone.map((id) => [id, { accept: 0, reject: 0, inserted: '', deleted: '', formats: [], formatted: '' }]))
  // In document order, as the review list reads a suggestion: a block's break and type, then its text.
  const parts: Array<{ at: number[]; read: () => void }> = []
  for (const text of simulation.texts) {
    if (text.type) parts.push({ at: positionOf(text.type), read: () => readText(text.head, settling) })
  }
  for (const block of simulation.blocks) {
    if (block.type && !block.fresh && !block.deleted) parts.push({ at: positionOf(block.type), read: () => readBlock(block, simulation.blocks, settling) })
  }
  parts.sort((a, b) => compare(a.at, b.at))
  for (const part of parts) part.read()
  return [...settling].map(([id, s]) => {
    const owner = context.ownerOf(id)
    const kind = s.inserted && s.deleted ? 'replacement' : s.deleted ? 'deletion' : s.inserted ? 'insertion' : 'format'
    const text = kind === 'replacement' ? `${s.deleted} → ${s.inserted}` : kind === 'format' ? `${s.formats.join(', ')}: ${s.formatted}` : s.inserted || s.deleted
    return {
      action: s.accept > s.reject ? 'accept' : 'reject',
      suggestionId: id,
      authorId: typeof owner === 'number' && Number.isInteger(owner) && owner > 0 ? owner : null,
      kind,
      text: text.slice(0, DECISION_TEXT_MAX_CHARS),
    } satisfies DecisionInput
  })
}

/** What happened to each settled suggestion's text: kept, deleted, reformatted. */
function readText(head: TextRun | null, settling: Map<string, Settling>): void {
  for (let run = head; run !== null; run = run.right) {
    if (run.text === null || run.fresh || run.deleted) continue
    const kept = !run.gone
    for (const key of run.before) {
      const { kind, id } = coverParts(key)
      const s = settling.get(id)
      if (!s) continue
      if (kind === 'insertion') {
        s.inserted += run.text
        if (kept) s.accept += run.len
        else s.reject += run.len
      } else if (kind === 'deletion') {
        s.deleted += run.text
        if (kept) s.reject += run.len
        else s.accept += run.len
      } else if (kind === 'format') {
        s.formatted += run.text
        const record = formatRecordOf(run.marksBefore, id)
        for (const format of describeMarkChanges(record.added, record.removed)) if (!s.formats.includes(format)) s.formats.push(format)
        if (kept && formatKept(record, run.marksAfter)) s.accept += run.len
        else s.reject += run.len
      }
    }
  }
}

/** The record of format suggestion `id` among the marks on a run. */
function formatRecordOf(marks: Map<string, unknown> | null, id: string): { added: MarkRecord[]; removed: MarkRecord[] } {
  for (const [key, value] of marks ?? []) {
    if (!isSuggestionFormat(key) || !formatCover(key, value).some((cover) => coverParts(cover).id === id)) continue
    const record = formatStack(value).find((candidate) => (candidate as { id?: unknown }).id === id) as { added?: unknown; removed?: unknown } | undefined
    const list = (records: unknown) => (Array.isArray(records) ? records.filter((mark): mark is MarkRecord => typeof (mark as MarkRecord | null)?.type === 'string') : [])
    return { added: list(record?.added), removed: list(record?.removed) }
  }
  return { added: [], removed: [] }
}

/** Whether text still has the formatting a format suggestion made (accepted), rather than what it had before (rejected). */
function formatKept(record: { added: MarkRecord[]; removed: MarkRecord[] }, marks: Map<string, unknown> | null): boolean {
  const has = (type: string) => [...(marks ?? [])].some(([key, value]) => value !== null && markNameOfKey(key) === type)
  if (record.added.length > 0) return record.added.every((mark) => has(mark.type))
  return !record.removed.some((mark) => has(mark.type))
}

/** What happened to a block's suggested break and type records. */
function readBlock(block: BlockLayout, blocks: BlockLayout[], settling: Map<string, Settling>): void {
  const kept = !block.gone
  const suggested = parseBreak(block.before.get(BREAK_ATTRIBUTE))
  const breakSettling = suggested ? settling.get(suggested.id) : undefined
  if (suggested && breakSettling) {
    // Accepting a join or rejecting a split takes the block away (it joins the one before).
    const accepted = (suggested.kind === 'split') === kept
    if (suggested.kind === 'split') breakSettling.inserted += BREAK_SIGN
    else breakSettling.deleted += BREAK_SIGN
    if (accepted) breakSettling.accept++
    else breakSettling.reject++
  }
  const stack = unstack(parseTypeSuggestion(block.before.get(TYPE_ATTRIBUTE)))
  stack.forEach((record, index) => {
    const s = settling.get(record.id)
    if (!s) return
    const above = stack[index - 1]
    const to = above ? describeBlockType(above.from.type, above.from.attrs) : describeBlockType(block.name, block.attrsBefore)
    if (!s.formats.includes(to)) s.formats.push(to)
    s.formatted += block.text
    // The type it had before is back: rejected. A block whose type changed is written anew by the binding.
    const now = kept ? block : replacementOf(block, blocks)
    const putBack = now !== null && now.name === record.from.type && Object.entries(record.from.attrs).every(([key, value]) => JSON.stringify(now.after.get(key) ?? null) === JSON.stringify(value ?? null))
    if (now !== null && !putBack) s.accept++
    else s.reject++
  })
}

/** The new block the update writes in place of a block it deletes (the binding retyping it). */
function replacementOf(block: BlockLayout, blocks: BlockLayout[]): BlockLayout | null {
  const fresh = blocks.filter((candidate) => candidate.fresh && !candidate.gone)
  const { id } = block.holder
  return fresh.find(({ holder }) => holder.rightOrigin?.client === id.client && holder.rightOrigin.clock === id.clock) ?? (fresh.length === 1 ? (fresh[0] ?? null) : null)
}

/** Whether suggestion `id` still covers something in a block the update does not touch. */
function liveElsewhere(context: ReviewContext, id: string, touched: ReadonlySet<Type>): boolean {
  for (const block of [...context.index.blocksOf(id)]) {
    if (touched.has(block)) continue
    if (isDeletedType(block)) {
      context.index.forget(block)
      continue
    }
    if (!(block instanceof Y.XmlText)) {
      const element = block as unknown as Y.XmlElement
      for (const attribute of SUGGESTION_ATTRIBUTES) if (attributeCover(attribute, element.getAttribute(attribute)).some((key) => coverParts(key).id === id)) return true
      continue
    }
    const marks = new Map<string, unknown>()
    let covered = false
    for (let item = block._start; item !== null; item = item.right) {
      if (item.deleted) continue
      const { content } = item
      if (content instanceof Y.ContentFormat) {
        if (content.value === null) marks.delete(content.key)
        else marks.set(content.key, content.value)
        covered = [...marks].some(([key, value]) => formatCover(key, value).some((cover) => coverParts(cover).id === id))
      } else if (item.countable && covered) {
        return true
      }
    }
  }
  return false
}

function isDeletedType(type: Type): boolean {
  for (let item = type._item; item !== null; item = (item.parent as Type)._item) if (item.deleted) return true
  return false
}

/** Where a type sits: its index among its siblings (deleted ones counted), from the body down. */
function positionOf(type: Type): number[] {
  const path: number[] = []
  for (let current: Type = type; current._item !== null; current = current._item.parent as Type) {
    let index = 0
    for (let item = current._item.left; item !== null; item = item.left) index++
    path.unshift(index)
  }
  return path
}

function compare(a: number[], b: number[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const difference = (a[index] as number) - (b[index] as number)
    if (difference !== 0) return difference
  }
  return a.length - b.length
}
