/**
 * Suggest mode (track changes): while it is on, local typing and deleting become suggestions —
 * inserted text carries an `insertion` mark, deleted text stays in the story with a `deletion`
 * mark — which anyone who may edit the story accepts or rejects, one by one or all at once.
 *
 * Why our own transform and not `@handlewithcare/prosemirror-suggest-changes` (which installs
 * cleanly here): it marks whole inserted or deleted blocks with *node* marks, which
 * `@tiptap/y-tiptap` 3.0.9 never writes to Yjs (it syncs node attributes only), so peers and the
 * stored story would diverge; it joins a change to any adjacent suggestion and re-ids that
 * neighbour, whoever wrote it, and really deletes other people's suggested insertions, where the
 * newsroom rule is that nobody edits another person's suggestion; its ids are "highest id in the
 * document + 1", which two clients suggesting at once both pick; and its marks carry no author.
 * Its layout we do follow: this extension, the transform (toSuggestion.ts) dispatching to one
 * file per step kind, settling (settle.ts), and the list (listSuggestions.ts).
 *
 * The rules here:
 * - Text: inserted inline content gets *my* insertion mark (one id per run of typing; a
 *   replacement's deletion and insertion share an id). Deleted text gets my deletion mark; my own
 *   suggested insertions are really deleted (that is withdrawing them); other people's suggested
 *   insertions and text already marked deleted are left alone (replaceStep.ts).
 * - Paragraph breaks: a new break (Enter, a pasted paragraph) is made and the block after it is
 *   marked as a suggested `split`; removing a break (Backspace at the start of a paragraph, Delete
 *   at its end, a deletion across paragraphs) keeps it and marks the block after it as a
 *   suggested `join`. Marks cannot sit on a break and `@tiptap/y-tiptap` does not sync node marks,
 *   so the suggestion is a block attribute (`BREAK_ATTRIBUTE`, src/shared/schema/suggestedBreaks.ts).
 *   Rejecting a split, or accepting a join, removes the break; the others just drop the attribute.
 * - Formatting (bold, italic, links, notes) and block types (paragraph, heading levels) apply at
 *   once and are recorded so that rejecting puts them back (markStep.ts, blockTypes.ts).
 * - Not tracked, applied directly as outside suggest mode: wrapping in or lifting out of lists
 *   and quotes, and list nesting.
 * - Transactions from Yjs (remote changes, and undo/redo by the Yjs undo manager, which arrive
 *   through y-sync with `isChangeOrigin`) and our own accept/reject commands are never touched.
 * - Outside suggest mode, text typed inside someone's suggestion does not join it (it would be
 *   attributed to them): inherited suggestion marks are stripped from local insertions (directEdits.ts).
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState, type Transaction } from '@tiptap/pm/state'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { directEdit } from './directEdits'
import { listSuggestions } from './listSuggestions'
import { settle, SKIP_SUGGESTING } from './settle'
import { typesOf, type SuggestionAuthor } from './suggestionMarks'
import { toSuggestion } from './toSuggestion'

export type { SuggestionAuthor }

export interface SuggestChangesOptions {
  author: SuggestionAuthor
  /** Suggest mode when the editor opens. */
  suggesting: boolean
  /** New suggestion ids: unique across clients (random by default). */
  generateId: () => string
  /** The story, so the decisions the server recorded on it can be listed. */
  storyId: string | null
}

export interface SuggestChangesStorage {
  author: SuggestionAuthor
  storyId: string | null
}

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    suggestChanges: {
      /** Turn suggest mode on or off. */
      toggleSuggesting: () => ReturnType
      /** Set suggest mode. */
      setSuggesting: (on: boolean) => ReturnType
      /** Change who new suggestions are attributed to (name or colour changed). */
      setSuggestionAuthor: (author: SuggestionAuthor) => ReturnType
      /** Accept one suggestion: its insertions become story text, its deletions go. */
      acceptSuggestion: (id: string) => ReturnType
      /** Reject (or withdraw) one suggestion: its insertions go, its deletions become plain again. */
      rejectSuggestion: (id: string) => ReturnType
      acceptAllSuggestions: () => ReturnType
      rejectAllSuggestions: () => ReturnType
    }
  }
  interface Storage {
    suggestChanges: SuggestChangesStorage
  }
}

/** Suggest mode lives in editor state, so toolbars read it like any other state. */
export const suggestingKey = new PluginKey<{ on: boolean }>('suggesting')

/** Whether suggest mode is on in this state. */
export function isSuggesting(state: EditorState): boolean {
  return suggestingKey.getState(state)?.on ?? false
}

/** A random id: `crypto.getRandomValues` works in insecure contexts too (unlike randomUUID). */
export function randomSuggestionId(): string {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** True for transactions that come from Yjs: remote changes and the Yjs undo manager's undo/redo. */
function fromYjs(tr: Transaction): boolean {
  const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean; isUndoRedoOperation?: boolean } | undefined
  return Boolean(meta?.isChangeOrigin || meta?.isUndoRedoOperation)
}

/** Suggest mode: the flag, the dispatch wrapper that turns edits into suggestions, accept/reject. */
export const SuggestChanges = Extension.create<SuggestChangesOptions, SuggestChangesStorage>({
  name: 'suggestChanges',

  addOptions() {
    return {
      author: { id: null, name: 'Someone', color: null },
      storyId: null,
      suggesting: false,
      generateId: randomSuggestionId,
    }
  },

  addStorage() {
    return { author: this.options.author, storyId: this.options.storyId }
  },

  addProseMirrorPlugins() {
    const initial = this.options.suggesting
    return [
      new Plugin<{ on: boolean }>({
        key: suggestingKey,
        state: {
          init: () => ({ on: initial }),
          apply(tr, value) {
            const next = tr.getMeta(suggestingKey) as { on: boolean } | undefined
            return next ?? value
          },
        },
      }),
    ]
  },

  addCommands() {
    const settleWith =
      (match: (id: string) => boolean, accept: boolean) =>
      ({ tr, state, dispatch }: { tr: Transaction; state: EditorState; dispatch: ((tr: Transaction) => void) | undefined }) => {
        const types = typesOf(state.schema)
        if (!types) return false
        if (!dispatch) return listSuggestions(state.doc).some((suggestion) => match(suggestion.id))
        return settle(tr, types, match, accept)
      }
    const byId = (id: string) => (candidate: string) => candidate === id
    const any = () => true
    return {
      toggleSuggesting:
        () =>
        ({ tr, state }) => {
          tr.setMeta(suggestingKey, { on: !isSuggesting(state) })
          return true
        },
      setSuggesting:
        (on) =>
        ({ tr }) => {
          tr.setMeta(suggestingKey, { on })
          return true
        },
      setSuggestionAuthor: (author) => () => {
        this.storage.author = author
        return true
      },
      acceptSuggestion: (id) => settleWith(byId(id), true),
      rejectSuggestion: (id) => settleWith(byId(id), false),
      acceptAllSuggestions: () => settleWith(any, true),
      rejectAllSuggestions: () => settleWith(any, false),
    }
  },

  dispatchTransaction({ transaction: tr, next }) {
    const state = this.editor.state
    const types = typesOf(state.schema)
    // Only local edits made on the current state: never Yjs' own transactions, nor ours.
    if (!types || !tr.docChanged || tr.getMeta(SKIP_SUGGESTING) || fromYjs(tr) || (tr.docs[0] ?? tr.doc) !== state.doc) {
      next(tr)
      return
    }
    if (!isSuggesting(state)) {
      next(directEdit(tr, types))
      return
    }
    next(toSuggestion(tr, state, { author: this.storage.author, generateId: this.options.generateId, now: Date.now() }))
  },
})
