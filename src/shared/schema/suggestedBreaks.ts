/**
 * Suggested paragraph breaks: a new break (`split`) or one to remove (`join`), held by the block
 * after the break as a JSON string (`BreakSuggestion`, suggestionValues.ts).
 */
import { parseBreak, type BreakSuggestion } from './suggestionValues.js'
import { suggestionAttribute } from './suggestionAttribute.js'
import { describeSuggestion, safeColor } from './suggestionLabels.js'

/** Block attribute holding a suggested paragraph break (JSON of `BreakSuggestion`), or null. */
export const BREAK_ATTRIBUTE = 'suggestion'

/** Hover text of a suggested break. */
function describeBreak(suggestion: BreakSuggestion): string {
  return `${suggestion.kind === 'split' ? 'New paragraph' : 'Paragraphs joined'}. ${describeSuggestion(suggestion)}`
}

/** Suggested paragraph breaks, shown as a pilcrow in the author's colour at the start of the block after the break. */
export const SuggestedBreaks = suggestionAttribute('suggestedBreaks', BREAK_ATTRIBUTE, (value) => {
  const suggestion = parseBreak(value)
  if (!suggestion) return {}
  const color = safeColor(suggestion.authorColor)
  return {
    class: `suggested-break suggested-break--${suggestion.kind}`,
    'data-suggested-break': suggestion.kind,
    'data-suggestion-id': suggestion.id,
    title: describeBreak(suggestion),
    ...(color ? { style: `--suggestion-color: ${color}` } : {}),
  }
})
