/**
 * Suggested block types: a paragraph made a heading, a heading's level changed. The change is
 * applied; the block attribute records the type before it (`TypeSuggestion`,
 * suggestionValues.ts) so that rejecting puts it back.
 */
import { parseTypeSuggestion } from './suggestionValues.js'
import { suggestionAttribute } from './suggestionAttribute.js'
import { capitalise, describeSuggestion, safeColor } from './suggestionLabels.js'

/**
 * Block attribute holding a suggested block type change: JSON of `TypeSuggestion` (the suggestion's
 * attributes plus `from`, the block's type and attributes before the change), or null.
 */
export const TYPE_ATTRIBUTE = 'suggestedType'

/** "Heading 2" or "Paragraph". */
export function describeBlockType(type: string, attrs: Record<string, unknown>): string {
  if (type === 'heading') return `Heading ${String(attrs.level ?? '')}`.trim()
  return capitalise(type)
}

/** Suggested block types, shown as a dotted rule in the margin. */
export const SuggestedTypes = suggestionAttribute('suggestedTypes', TYPE_ATTRIBUTE, (value) => {
  const change = parseTypeSuggestion(value)
  if (!change) return {}
  const color = safeColor(change.authorColor)
  return {
    class: 'suggested-type',
    'data-suggested-type': 'true',
    title: `Was ${describeBlockType(change.from.type, change.from.attrs).toLowerCase()}. ${describeSuggestion(change)}`,
    ...(color ? { style: `--suggestion-color: ${color}` } : {}),
  }
})
