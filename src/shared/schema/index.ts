/**
 * The editor schema: the TipTap extensions that define what a story body may contain, one file
 * per mark or block attribute beyond TipTap's own. Paragraphs, headings (2-4), bold, italic,
 * bullet and numbered lists, blockquotes, hard breaks (TipTap's); links (linkMark.ts); desk notes, non-printing
 * (noteMark.ts); suggestions: suggested insertions and deletions (insertionMark.ts,
 * deletionMark.ts), suggested paragraph breaks (suggestedBreaks.ts), suggested formatting
 * (formatChangeMark.ts) and suggested block types (suggestedTypes.ts).
 * Client and server build the same schema (`getSchema(storyExtensions())` runs in Node): only
 * @tiptap/core and its extensions here, no React, no DOM at import. Suggest mode itself, which turns
 * edits into these marks and settles them, is client-side (src/review/suggest/).
 * History is off: Yjs' undo manager undoes only your own changes. No gap cursor: every block here
 * holds text, so the text cursor reaches every place (issue 12 weighed each extension's bytes).
 */
import type { AnyExtension } from '@tiptap/core'
import { Blockquote } from '@tiptap/extension-blockquote'
import { Bold } from '@tiptap/extension-bold'
import { Document } from '@tiptap/extension-document'
import { HardBreak } from '@tiptap/extension-hard-break'
import { Heading } from '@tiptap/extension-heading'
import { Italic } from '@tiptap/extension-italic'
// Each from its own entry: the packages' index files also create the task list, character count,
// placeholder and undo extensions at import, which a bundle cannot leave out (issue 12).
import { BulletList } from '@tiptap/extension-list/bullet-list'
import { ListItem } from '@tiptap/extension-list/item'
import { ListKeymap } from '@tiptap/extension-list/keymap'
import { OrderedList } from '@tiptap/extension-list/ordered-list'
import { Paragraph } from '@tiptap/extension-paragraph'
import { Text } from '@tiptap/extension-text'
import { Dropcursor } from '@tiptap/extensions/drop-cursor'
import { TrailingNode } from '@tiptap/extensions/trailing-node'
import { DELETION, DeletionMark } from './deletionMark.js'
import { FORMAT_CHANGE, FormatChangeMark } from './formatChangeMark.js'
import { INSERTION, InsertionMark } from './insertionMark.js'
import { LinkMark } from './linkMark.js'
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
    // StarterKit's extensions, one by one: StarterKit imports all of its own (code blocks, links
    // with linkifyjs…), which would go into the story page's script even when turned off.
    // Undo is off: Yjs' undo manager undoes only your own changes.
    Bold,
    Blockquote,
    BulletList,
    Document,
    Dropcursor,
    HardBreak,
    Heading.configure({ levels: [...HEADING_LEVELS] }),
    Italic,
    ListItem,
    ListKeymap,
    OrderedList,
    Paragraph,
    Text,
    TrailingNode,
    LinkMark,
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
