/**
 * The editor schema: the TipTap extensions that define what a story body may contain, one file
 * per mark or block attribute beyond StarterKit. Paragraphs, headings (2-4), bold, italic, links,
 * bullet and numbered lists, blockquotes, hard breaks (StarterKit); desk notes, non-printing
 * (noteMark.ts); suggestions: suggested insertions and deletions (insertionMark.ts,
 * deletionMark.ts), suggested paragraph breaks (suggestedBreaks.ts), suggested formatting
 * (formatChangeMark.ts) and suggested block types (suggestedTypes.ts).
 * Client and server build the same schema (`getSchema(storyExtensions())` runs in Node): only
 * @tiptap/core and StarterKit here, no React, no DOM at import. Suggest mode itself, which turns
 * edits into these marks and settles them, is client-side (src/review/suggestChanges.ts).
 * History is off: Yjs' undo manager undoes only your own changes.
 */
import { StarterKit } from '@tiptap/starter-kit'
import type { AnyExtension } from '@tiptap/core'
import { DELETION, DeletionMark } from './deletionMark.js'
import { FORMAT_CHANGE, FormatChangeMark } from './formatChangeMark.js'
import { INSERTION, InsertionMark } from './insertionMark.js'
import { NoteMark } from './noteMark.js'
import { SuggestedBreaks } from './suggestedBreaks.js'
import { SuggestedTypes } from './suggestedTypes.js'

/** Heading levels a story uses: h1 is the page's headline, set in the panel. */
export const HEADING_LEVELS = [2, 3, 4] as const

/** The marks that are suggestions (text suggested in or out, formatting changed), not formatting. */
export const SUGGESTION_MARKS: ReadonlySet<string> = new Set([INSERTION, DELETION, FORMAT_CHANGE])

/** The shared extension list (no collaboration plugins: those are per connection). */
export function storyExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      undoRedo: false,
      heading: { levels: [...HEADING_LEVELS] },
      code: false,
      codeBlock: false,
      strike: false,
      underline: false,
      horizontalRule: false,
      link: {
        openOnClick: false,
        // Off: autolink rewrites text that arrives from collaborators, and the marks it adds
        // locally diverge from what they see (found by tests/client/incrementalSync.test.ts).
        autolink: false,
        protocols: ['http', 'https', 'mailto'],
        HTMLAttributes: { rel: 'noopener noreferrer nofollow', target: null },
      },
    }),
    NoteMark,
    // Suggestions (track changes): text marks, suggested paragraph breaks and block types (block
    // attributes) and suggested formatting.
    InsertionMark,
    DeletionMark,
    SuggestedBreaks,
    FormatChangeMark,
    SuggestedTypes,
  ]
}
