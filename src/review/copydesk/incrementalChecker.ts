/**
 * Incremental checking: results are kept by paragraph content (its text and its exempt ranges),
 * so only paragraphs whose text changed — typed here or arriving from a collaborator — go to the
 * checker. A paragraph that did not change keeps its result, and so its decorations: nothing
 * flickers while others type.
 */
import type { Checker } from './checkerClient'
import type { ParagraphInput, ParagraphResult } from './checkParagraph'

/** The key a paragraph's result is kept under: its text and its exempt ranges. */
export const keyOf = (input: ParagraphInput) => (input.exempt.length === 0 ? input.text : `${input.text}\u0000${input.exempt.map((range) => `${range.from}-${range.to}`).join(',')}`)

/** Results kept beyond the current paragraphs (undo brings a paragraph's old text back). */
const SPARE_RESULTS = 200

export class IncrementalChecker {
  private readonly results = new Map<string, ParagraphResult>()
  private readonly pending = new Set<string>()
  /** Paragraphs sent to the checker so far (tests and the bench read it). */
  checkedCount = 0

  /** `onResults` runs whenever new results arrive, with their paragraphs' keys; `onError` when the checker fails. */
  constructor(
    private readonly checker: Checker,
    private readonly onResults: (keys: ReadonlySet<string>) => void,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /** The result for a paragraph, if it has been checked with this content. */
  resultFor(input: ParagraphInput): ParagraphResult | undefined {
    return this.results.get(keyOf(input))
  }

  /**
   * Have every paragraph of the story checked: those not checked with their current content are
   * sent in one request. Returns how many were sent (0 when every result is known or on its way).
   */
  request(paragraphs: readonly ParagraphInput[]): number {
    const current = new Set<string>()
    const missing: ParagraphInput[] = []
    for (const paragraph of paragraphs) {
      const key = keyOf(paragraph)
      if (current.has(key)) continue
      current.add(key)
      if (!this.results.has(key) && !this.pending.has(key)) missing.push(paragraph)
    }
    this.prune(current)
    if (missing.length === 0) return 0
    const keys = missing.map(keyOf)
    for (const key of keys) this.pending.add(key)
    this.checkedCount += missing.length
    this.checker.check(missing).then(
      (results) => {
        results.forEach((result, index) => this.results.set(keys[index]!, result))
        for (const key of keys) this.pending.delete(key)
        this.onResults(new Set(keys))
      },
      (error: unknown) => {
        for (const key of keys) this.pending.delete(key)
        this.onError(error instanceof Error ? error : new Error(String(error)))
      },
    )
    return missing.length
  }

  /** Whether any request is still out. */
  get busy(): boolean {
    return this.pending.size > 0
  }

  /** Forget results of paragraphs no longer in the story, beyond a few spare ones. */
  private prune(current: ReadonlySet<string>): void {
    let spare = this.results.size - current.size - SPARE_RESULTS
    if (spare <= 0) return
    // Maps iterate oldest first: the longest-gone paragraphs go first.
    for (const key of this.results.keys()) {
      if (spare <= 0) break
      if (current.has(key)) continue
      this.results.delete(key)
      spare--
    }
  }
}
