/**
 * What every step handler of the suggest transform (toSuggestion.ts) works with: the transaction
 * being built, who is suggesting, one id per transaction, and how to make or continue a
 * suggestion mark and mark a block's break as suggested.
 */
import type { Mark as PMMark, MarkType, Node as PMNode } from '@tiptap/pm/model'
import type { EditorState, Transaction } from '@tiptap/pm/state'
import { BREAK_ATTRIBUTE } from '../../shared/schema/suggestedBreaks.js'
import { encodeBreak, type BreakSuggestion, type SuggestionAttrs } from '../../shared/schema/suggestionValues.js'
import { blocksStartingIn } from './blockWalks'
import { breakOf, isOwn, suggestionOf, type Stamp, type SuggestionAuthor, type SuggestionTypes } from './suggestionMarks'

/** Who suggests, how new ids are made, and when it is. */
export interface SuggestContext {
  author: SuggestionAuthor
  generateId: () => string
  now: number
}

/** The state of one transaction's conversion into a suggestion, shared by the step handlers. */
export interface StepContext {
  /** The local transaction being turned into a suggestion. */
  tr: Transaction
  /** The state `tr` started from. */
  state: EditorState
  /** The transaction that suggests what `tr` does, built on `state`. */
  out: Transaction
  types: SuggestionTypes
  author: SuggestionAuthor
  /** Who is suggesting, and when: on every record this transaction makes. */
  stamp: Stamp
  /** The id of this transaction's new suggestion (made on first use, then the same). */
  newId(): string
  /**
   * My mark of `type`, continuing my adjacent suggestion when there is one: a run of Backspaces
   * or of typing stays one suggestion, and so does text typed right after (or before) text I
   * struck out, a replacement. A deletion never joins my adjacent insertion: both stay separate.
   */
  markFor(type: MarkType, neighbours: Array<PMNode | null | undefined>, fallbackId?: string | null): PMMark
  /** Mark the blocks that start inside (from, to) as split off by me: the breaks before them are new. */
  markSplits(from: number, to: number, id: string): void
  /** Suggest removing the breaks before these blocks (unless someone already suggested something there). */
  markJoins(positions: number[], id: string): void
  /** Where a step left the caret (a position in `out.doc`), or null to map `tr`'s selection. */
  caret: number | null
}

/** A fresh context for turning `tr` (made on `state`) into a suggestion by `context.author`. */
export function createStepContext(tr: Transaction, state: EditorState, types: SuggestionTypes, context: SuggestContext): StepContext {
  const { author } = context
  const out = state.tr
  let freshId: string | null = null
  const stamp: Stamp = { authorId: author.id, authorName: author.name, authorColor: author.color, time: context.now }
  const newId = () => (freshId ??= context.generateId())
  const breakValue = (kind: BreakSuggestion['kind'], id: string) => encodeBreak({ kind, id, ...stamp })
  return {
    tr,
    state,
    out,
    types,
    author,
    stamp,
    newId,
    markFor(type, neighbours, fallbackId = null) {
      const own =
        neighbours
          .map((node) => suggestionOf(node, types))
          .find((mark) => mark !== null && isOwn(mark, author) && (type === types.insertion || mark.type === type)) ?? null
      if (own && own.type === type) return own
      const id = own ? String(own.attrs.id) : (fallbackId ?? newId())
      const attrs: SuggestionAttrs = { id, ...stamp }
      return type.create(attrs)
    },
    markSplits(from, to, id) {
      for (const pos of blocksStartingIn(out.doc, from, to)) out.setNodeAttribute(pos, BREAK_ATTRIBUTE, breakValue('split', id))
    },
    markJoins(positions, id) {
      for (const pos of positions) {
        if (!breakOf(out.doc.nodeAt(pos))) out.setNodeAttribute(pos, BREAK_ATTRIBUTE, breakValue('join', id))
      }
    },
    caret: null,
  }
}
