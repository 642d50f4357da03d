/**
 * Review UI state the editor and the comments panel share (never document content): the
 * editor's current selection as a passage to comment on, the open composer with the passage it
 * will comment on, the thread in focus, and which open threads the editor should highlight (with
 * the short summary the margin cards show; the threads themselves live on the server).
 */
import { create } from 'zustand'
import { useEditorUi } from '../../store/ui'

/** A passage of the body: encoded `Y.RelativePosition`s (src/review/comments/anchors.ts) and its text then. */
export interface Passage {
  start: string
  end: string
  quote: string
}

/** An open thread the editor highlights, with what its margin card shows. */
export interface Highlight {
  id: string
  start: string
  end: string
  quote: string
  /** The first comment's text (or a note that it was deleted). */
  excerpt: string
  authorId: number
  replies: number
  /** Its passage was deleted: no highlight, no margin card. */
  detached: boolean
}

interface ReviewState {
  /** The editor's selection as a passage, or null when nothing is selected. */
  selection: Passage | null
  setSelection(selection: Passage | null): void
  /** The composer's passage while it is open. */
  composer: Passage | null
  /**
   * Open the composer for `passage` (the current selection by default) on the side panel's Review
   * tab, and put the keyboard in it; false when there is no passage.
   */
  openComposer(passage?: Passage | null): boolean
  /** Bumped by every `openComposer`: the composer takes the focus again even when it was already open. */
  composerFocus: number
  closeComposer(): void
  /** The thread in focus (clicked in the panel or in the text). */
  activeThreadId: string | null
  /** Put a thread in focus where it is, without changing the side panel's tab (a click in the text or the panel). */
  setActiveThread(id: string | null): void
  /** Put a thread in focus and show it: switch the side panel to its Review tab, opening a phone's sheet (a margin card, a notification). */
  openThread(id: string): void
  highlights: Highlight[]
  setHighlights(highlights: Highlight[]): void
}

const samePassage = (a: Passage | null, b: Passage | null) => a === b || (!!a && !!b && a.start === b.start && a.end === b.end && a.quote === b.quote)

const sameHighlight = (a: Highlight, b: Highlight | undefined) =>
  !!b &&
  a.id === b.id &&
  a.start === b.start &&
  a.end === b.end &&
  a.quote === b.quote &&
  a.excerpt === b.excerpt &&
  a.authorId === b.authorId &&
  a.replies === b.replies &&
  a.detached === b.detached

const sameHighlights = (a: Highlight[], b: Highlight[]) => a.length === b.length && a.every((item, index) => sameHighlight(item, b[index]))

export const useReview = create<ReviewState>()((set, get) => ({
  selection: null,
  setSelection(selection) {
    if (!samePassage(get().selection, selection)) set({ selection })
  },
  composer: null,
  openComposer(passage) {
    const chosen = passage ?? get().selection
    if (!chosen) return false
    // The tab first (and the phone's sheet): the composer's field can take the focus only once its panel is shown.
    useEditorUi.getState().revealPanelTab('review')
    set({ composer: chosen, activeThreadId: null, composerFocus: get().composerFocus + 1 })
    return true
  },
  composerFocus: 0,
  closeComposer: () => set({ composer: null }),
  activeThreadId: null,
  setActiveThread(id) {
    if (get().activeThreadId !== id) set({ activeThreadId: id })
  },
  openThread(id) {
    useEditorUi.getState().revealPanelTab('review')
    get().setActiveThread(id)
  },
  highlights: [],
  setHighlights(highlights) {
    if (!sameHighlights(get().highlights, highlights)) set({ highlights })
  },
}))
