/**
 * The suggested-text marks (insertionMark.ts, deletionMark.ts) are one mark made twice: the
 * suggestion's id, author and time as attributes (`SuggestionAttrs`, suggestionValues.ts),
 * rendered in the author's colour with a "Suggested by" title.
 */
import { Mark, mergeAttributes } from '@tiptap/core'
import type { SuggestionAttrs } from './suggestionValues.js'
import { describeSuggestion, safeColor, suggestionAuthorName } from './suggestionLabels.js'

/**
 * The mark group of suggested text: each mark of it excludes the whole group, so text is either
 * suggested in or suggested out (one suggestion per character).
 */
export const SUGGESTED_TEXT = 'suggestedText'

function numberOrNull(value: string | null): number | null {
  if (value === null || value === '') return null
  const number = Number(value)
  return Number.isFinite(number) ? number : null
}

/** A suggested-text mark named `name`, rendered as `<ins>` or `<del>`. */
export function suggestionMark(name: string, tag: 'ins' | 'del') {
  return Mark.create({
    name,
    group: SUGGESTED_TEXT,
    // Typing at the edge of a suggestion does not extend it: suggest mode adds the author's own mark.
    inclusive: false,
    // One suggestion per character: text is either suggested in or suggested out.
    excludes: SUGGESTED_TEXT,
    keepOnSplit: false,
    addAttributes() {
      return {
        id: {
          default: null,
          parseHTML: (element) => element.getAttribute('data-suggestion'),
          renderHTML: (attrs) => ({ 'data-suggestion': attrs.id }),
        },
        authorId: {
          default: null,
          parseHTML: (element) => numberOrNull(element.getAttribute('data-author-id')),
          renderHTML: (attrs) => (attrs.authorId === null ? {} : { 'data-author-id': attrs.authorId }),
        },
        authorName: {
          default: '',
          parseHTML: (element) => element.getAttribute('data-author') ?? '',
          renderHTML: (attrs) => ({ 'data-author': suggestionAuthorName(attrs as SuggestionAttrs) }),
        },
        authorColor: {
          default: null,
          parseHTML: (element) => safeColor(element.getAttribute('data-author-color')),
          renderHTML: (attrs) => {
            const color = safeColor(attrs.authorColor)
            return color ? { 'data-author-color': color, style: `--suggestion-color: ${color}` } : {}
          },
        },
        time: {
          default: null,
          parseHTML: (element) => numberOrNull(element.getAttribute('data-time')),
          renderHTML: (attrs) => (attrs.time === null ? {} : { 'data-time': attrs.time }),
        },
      }
    },
    parseHTML() {
      return [{ tag: `${tag}[data-suggestion]` }]
    },
    renderHTML({ mark, HTMLAttributes }) {
      const attrs = mark.attrs as SuggestionAttrs
      return [tag, mergeAttributes(HTMLAttributes, { class: `suggestion suggestion--${name}`, title: describeSuggestion(attrs) }), 0]
    },
  })
}
