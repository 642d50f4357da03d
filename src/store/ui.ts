/** Editor UI state that keyboard shortcuts and the toolbar share (never document content). */
import { create } from 'zustand'

/** Top-level body blocks [from, to) the selection touches. */
export interface BlockRange {
  from: number
  to: number
}

interface EditorUiState {
  /** The body blocks under the selection, for assigning a story part. */
  blockRange: BlockRange | null
  setBlockRange(range: BlockRange | null): void
  /** The link address being edited in the toolbar, or null when the link form is closed. */
  linkDraft: string | null
  openLink(href: string): void
  setLinkDraft(href: string): void
  closeLink(): void
}

export const useEditorUi = create<EditorUiState>()((set, get) => ({
  blockRange: null,
  setBlockRange: (range) => {
    const current = get().blockRange
    if (current?.from === range?.from && current?.to === range?.to) return
    set({ blockRange: range })
  },
  linkDraft: null,
  openLink: (href) => set({ linkDraft: href }),
  setLinkDraft: (href) => set({ linkDraft: href }),
  closeLink: () => set({ linkDraft: null }),
}))
