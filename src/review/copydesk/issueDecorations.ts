/**
 * Copy desk issues as ProseMirror decorations, never marks: nothing of them is stored, synced,
 * versioned or exported. A misspelled word's element carries `aria-invalid="spelling"`, a grammar
 * or style issue's `aria-invalid="grammar"`. Specs hold only plain values, so a decoration built
 * again for an unchanged paragraph equals the old one and the view leaves its element alone.
 */
import type { Node as PMNode } from '@tiptap/pm/model'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import type { ParagraphInput, ParagraphResult } from './checkParagraph'
import { isKnownWord, type KnownWords } from './knownWords'
import type { StoryParagraph } from './storyParagraphs'

export type IssueKind = 'spelling' | 'grammar' | 'style'

/** What a decoration says about its issue (its `spec`). */
export interface IssueSpec {
  copyDesk: true
  kind: IssueKind
  /** The flagged text when it was checked. */
  text: string
  message: string
  /** The rule's id; '' for spelling. */
  ruleId: string
  /** The rule's replacement ('' removes the text); null for spelling (asked when the menu opens) and rules that only warn. */
  replacement: string | null
}

/** An issue where it is now in the document. */
export interface CopyDeskIssue extends Omit<IssueSpec, 'copyDesk'> {
  from: number
  to: number
}

export interface DecorationInputs {
  paragraphs: readonly StoryParagraph[]
  resultFor: (input: ParagraphInput) => ParagraphResult | undefined
  known: KnownWords
  disabledRules: ReadonlySet<string>
  /** Style issues ignored here (`ignoredIssueKey`). */
  ignoredIssues: ReadonlySet<string>
  /** Kept for paragraphs whose new text is still being checked. */
  previous: DecorationSet
  /** Issues not to draw yet (a word being typed: typingHold.ts); none when absent. */
  held?: (paragraph: StoryParagraph, from: number, to: number) => boolean
}

/** The key an ignored style issue is kept under: its rule and its text. */
export const ignoredIssueKey = (ruleId: string, text: string) => `${ruleId}\u0000${text}`

function issueDecoration(from: number, to: number, spec: IssueSpec): Decoration {
  return Decoration.inline(
    from,
    to,
    {
      class: `copydesk-issue copydesk-issue--${spec.kind}`,
      'aria-invalid': spec.kind === 'spelling' ? 'spelling' : 'grammar',
      title: spec.message,
    },
    { ...spec, inclusiveStart: false, inclusiveEnd: false },
  )
}

/** The decorations of one checked paragraph, less what is known, turned off or ignored. */
export function paragraphDecorations(
  paragraph: StoryParagraph,
  result: ParagraphResult,
  inputs: Pick<DecorationInputs, 'known' | 'disabledRules' | 'ignoredIssues' | 'held'>,
): Decoration[] {
  const decorations: Decoration[] = []
  const held = (from: number, to: number) => inputs.held?.(paragraph, paragraph.start + from, paragraph.start + to) === true
  for (const word of result.misspelled) {
    if (isKnownWord(word.word, inputs.known) || held(word.from, word.to)) continue
    decorations.push(
      issueDecoration(paragraph.start + word.from, paragraph.start + word.to, {
        copyDesk: true,
        kind: 'spelling',
        text: word.word,
        message: `“${word.word}” is not in the dictionary.`,
        ruleId: '',
        replacement: null,
      }),
    )
  }
  for (const issue of result.style) {
    if (inputs.disabledRules.has(issue.ruleId) || inputs.ignoredIssues.has(ignoredIssueKey(issue.ruleId, issue.text)) || held(issue.from, issue.to)) continue
    decorations.push(
      issueDecoration(paragraph.start + issue.from, paragraph.start + issue.to, {
        copyDesk: true,
        kind: issue.kind,
        text: issue.text,
        message: issue.message,
        ruleId: issue.ruleId,
        replacement: issue.replacements[0] ?? null,
      }),
    )
  }
  return decorations
}

/** Whether two lists of decorations mark the same issues in the same places (a redraw would change nothing). */
export function sameDecorations(a: readonly Decoration[], b: readonly Decoration[]): boolean {
  if (a.length !== b.length) return false
  const order = (list: readonly Decoration[]) => [...list].sort((x, y) => x.from - y.from || x.to - y.to)
  const right = order(b)
  return order(a).every((decoration, index) => {
    const other = right[index] as Decoration
    const [spec, otherSpec] = [decoration.spec as IssueSpec, other.spec as IssueSpec]
    return (
      decoration.from === other.from &&
      decoration.to === other.to &&
      spec.kind === otherSpec.kind &&
      spec.text === otherSpec.text &&
      spec.message === otherSpec.message &&
      spec.ruleId === otherSpec.ruleId &&
      spec.replacement === otherSpec.replacement
    )
  })
}

/** Whether an issue kept from before is still to be shown (a word added or a rule turned off since). */
function stillShown(spec: IssueSpec, inputs: DecorationInputs): boolean {
  if (spec.kind === 'spelling') return !isKnownWord(spec.text, inputs.known)
  return !inputs.disabledRules.has(spec.ruleId) && !inputs.ignoredIssues.has(ignoredIssueKey(spec.ruleId, spec.text))
}

/**
 * Every issue of the story as decorations: from each paragraph's result where it has one, and
 * for a paragraph still being checked, the decorations it had (already mapped through the edit).
 */
export function issueDecorations(doc: PMNode, inputs: DecorationInputs): DecorationSet {
  const decorations: Decoration[] = []
  for (const paragraph of inputs.paragraphs) {
    const result = inputs.resultFor(paragraph.input)
    if (result) decorations.push(...paragraphDecorations(paragraph, result, inputs))
    else decorations.push(...inputs.previous.find(paragraph.start, paragraph.start + paragraph.input.text.length, (spec) => stillShown(spec as IssueSpec, inputs)))
  }
  return DecorationSet.create(doc, decorations)
}
