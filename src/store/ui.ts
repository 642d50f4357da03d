/** Editor UI state that keyboard shortcuts and the toolbar share (never document content). */
import { create } from 'zustand'

interface EditorUiState {
  /** The link address being edited in the toolbar, or null when the link form is closed. */
  linkDraft: string | null
  openLink(href: string): void
  setLinkDraft(href: string): void
  closeLink(): void
}

export const useEditorUi = create<EditorUiState>()((set) => ({
  linkDraft: null,
  openLink: (href) => set({ linkDraft: href }),
  setLinkDraft: (href) => set({ linkDraft: href }),
  closeLink: () => set({ linkDraft: null }),
}))
