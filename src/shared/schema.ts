/**
 * The editor schema: the TipTap extensions that define what a story body may contain.
 * Paragraphs, headings (2-4), bold, italic, links, bullet and numbered lists, blockquotes, hard
 * breaks, desk notes (non-printing), suggested insertions/deletions and suggested paragraph breaks
 * (src/review/suggestChanges.ts).
 * History is off: Yjs' undo manager undoes only your own changes.
 */
import { StarterKit } from '@tiptap/starter-kit'
import type { AnyExtension } from '@tiptap/core'
import { NoteMark } from './noteMark.js'
import { DeletionMark, InsertionMark, SuggestedBreaks } from '../review/suggestChanges.js'
import { FormatChangeMark, SuggestedTypes } from '../review/suggestFormats.js'

/** Heading levels a story uses: h1 is the page's headline, set in the panel. */
export const HEADING_LEVELS = [2, 3, 4] as const

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
    // attributes) and suggested formatting;
    // suggest mode itself is client-side (StoryEditor).
    InsertionMark,
    DeletionMark,
    SuggestedBreaks,
    FormatChangeMark,
    SuggestedTypes,
  ]
}
