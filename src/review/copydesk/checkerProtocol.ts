/** Messages between the page and the checker worker (checkWorker.ts): one union each way. */
import type { ParagraphInput, ParagraphResult } from './checkParagraph'

export type ToChecker =
  /** Check these paragraphs; `id`s are the page's, answered in `checked`. */
  | { type: 'check'; request: number; paragraphs: Array<ParagraphInput & { id: number }> }
  /** Spellings for a word (the menu asks only when it opens: suggesting is the slow part). */
  | { type: 'suggest'; request: number; word: string }

export type FromChecker =
  | { type: 'checked'; request: number; results: Array<{ id: number; result: ParagraphResult }> }
  | { type: 'suggested'; request: number; suggestions: string[] }
  /** The worker could not start (no dictionary) or a request failed. */
  | { type: 'failed'; request: number | null; message: string }
