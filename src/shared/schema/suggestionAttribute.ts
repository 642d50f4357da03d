/**
 * Suggested paragraph breaks and block types (suggestedBreaks.ts, suggestedTypes.ts) are block
 * attributes, not marks: a mark cannot sit on a break, and `@tiptap/y-tiptap` does not sync node
 * marks, only node attributes.
 */
import { Extension } from '@tiptap/core'

/** The blocks that carry suggestions of their own (the textblocks of the story schema). */
const SUGGESTION_BLOCKS = ['paragraph', 'heading']

/**
 * A block attribute holding a suggestion as JSON, rendered by `render`. Never read from HTML (a
 * paste carries nobody's suggestion) and never copied to the block a split makes.
 */
export function suggestionAttribute(extension: string, attribute: string, render: (value: unknown) => Record<string, string>) {
  return Extension.create({
    name: extension,
    addGlobalAttributes() {
      return [
        {
          types: SUGGESTION_BLOCKS,
          attributes: {
            [attribute]: { default: null, keepOnSplit: false, parseHTML: () => null, renderHTML: (attrs) => render(attrs[attribute]) },
          },
        },
      ]
    },
  })
}
