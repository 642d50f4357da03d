/**
 * Suggested formatting: text whose inline formatting (bold, italic, link, desk note) was changed in
 * suggest mode. The change is applied; the mark records what it added and removed
 * (`FormatChangeAttrs`, suggestionValues.ts) so that rejecting puts back what was there.
 */
import { Mark, mergeAttributes } from '@tiptap/core'
import type { Mark as PMMark } from '@tiptap/pm/model'
import { MAX_FORMAT_STACK, readStamped, type FormatChangeAttrs, type MarkRecord } from './suggestionValues.js'
import { NOTE } from './noteMark.js'
import { capitalise, describeSuggestion, safeColor } from './suggestionLabels.js'

/** Mark name of suggested formatting. */
export const FORMAT_CHANGE = 'formatChange'

const MARK_NAMES: Record<string, string> = { bold: 'bold', italic: 'italic', link: 'link', [NOTE]: 'desk note' }

/** "Bold", "Not italic", "Link to https://…": how a review list names one recorded change. */
export function describeMarkChanges(added: readonly MarkRecord[], removed: readonly MarkRecord[]): string[] {
  const name = (record: MarkRecord) => MARK_NAMES[record.type] ?? record.type
  return [
    ...added.map((record) => capitalise(record.type === 'link' && typeof record.attrs?.href === 'string' ? `link to ${record.attrs.href}` : name(record))),
    ...removed.map((record) => `Not ${name(record)}`),
  ]
}

function isRecordList(value: unknown): value is MarkRecord[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && typeof (item as MarkRecord).type === 'string')
}

/** One format record, read from untrusted attributes (marks come from other clients), with the records below it. */
function readFormatChange(value: unknown, depth = 0): FormatChangeAttrs | null {
  const stamped = depth < MAX_FORMAT_STACK ? readStamped(value) : null
  if (!stamped) return null
  const { added, removed, prior } = stamped.fields
  return {
    ...stamped.attrs,
    added: isRecordList(added) ? added : [],
    removed: isRecordList(removed) ? removed : [],
    prior: readFormatChange(prior, depth + 1),
  }
}

/** The format change a mark carries, with the records it stacked on (`prior`). */
export function formatChangeOf(mark: PMMark): FormatChangeAttrs | null {
  return readFormatChange(mark.attrs)
}

/** Suggested inline formatting: a dotted underline in the author's colour. */
export const FormatChangeMark = Mark.create({
  name: FORMAT_CHANGE,
  inclusive: false,
  // One mark per text (the default: a mark excludes itself). Several people's records on the same
  // words stack in it (`prior`): overlapping marks of one type do not survive the Yjs binding.
  keepOnSplit: false,
  addAttributes() {
    return {
      id: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
      authorId: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
      authorName: { default: '', parseHTML: () => '', renderHTML: () => ({}) },
      authorColor: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
      time: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
      added: { default: [], parseHTML: () => [], renderHTML: () => ({}) },
      removed: { default: [], parseHTML: () => [], renderHTML: () => ({}) },
      prior: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
    }
  },
  // Never read from pasted HTML: nobody's record comes in with a paste.
  parseHTML() {
    return []
  },
  renderHTML({ mark, HTMLAttributes }) {
    const change = formatChangeOf(mark)
    const color = safeColor(change?.authorColor)
    const what = change ? describeMarkChanges(change.added, change.removed).join(', ') : ''
    return [
      'span',
      mergeAttributes(HTMLAttributes, {
        class: 'suggestion suggestion--format',
        'data-suggestion-id': change?.id ?? '',
        title: `${what ? `${what}. ` : ''}${describeSuggestion(change ?? { authorId: null, authorName: '', time: null })}`,
        ...(color ? { style: `--suggestion-color: ${color}` } : {}),
      }),
      0,
    ]
  },
})
