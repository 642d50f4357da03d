/** Editor UI state that keyboard shortcuts, the toolbar and the side panel share (never document content). */
import { create } from 'zustand'

/** Top-level body blocks [from, to) the selection touches. */
export interface BlockRange {
  from: number
  to: number
}

/** The story side panel's tabs, in the order they are shown. */
export const PANEL_TABS = ['details', 'review', 'history'] as const
export type PanelTab = (typeof PANEL_TABS)[number]

/** Where this browser remembers the tab a person last chose. */
const PANEL_TAB_KEY = 'deskline.panelTab'

/** The remembered tab, or Details; storage may be missing or refused (private windows, node tests). */
function rememberedPanelTab(): PanelTab {
  try {
    const stored = globalThis.localStorage?.getItem(PANEL_TAB_KEY)
    return PANEL_TABS.find((tab) => tab === stored) ?? 'details'
  } catch {
    return 'details'
  }
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
  /** The side panel's tab in view. */
  panelTab: PanelTab
  /** The person picked a tab: show it, and open stories on it in this browser from now on. */
  choosePanelTab(tab: PanelTab): void
  /** Show a tab because of something the person did elsewhere (started a comment, opened a thread); not remembered. */
  showPanelTab(tab: PanelTab): void
  /**
   * Show a tab and bring the panel itself into view: on a phone the panel is a sheet that is shut
   * most of the time (src/story/DetailsSheet.tsx), and a comment started or a thread opened must
   * not land in it unseen. Elsewhere the same as `showPanelTab`.
   */
  revealPanelTab(tab: PanelTab): void
  /** The side panel's sheet is open (phones only; the sheet closes it again on wider screens). */
  detailsOpen: boolean
  setDetailsOpen(open: boolean): void
  /** Back to the tab this browser remembers (a story was just opened), or to the tab asked for with `askPanelTab`. */
  restorePanelTab(): void
  /**
   * A tab the next story to open should show instead of the remembered one, asked for by
   * something that loads without the story page (the top bar's notifications); null when none.
   */
  tabToShow: PanelTab | null
  /** Show `tab` now; unless the story it is about is open already, have that story open on it. */
  askPanelTab(tab: PanelTab, storyOpen: boolean): void
  /** A story part the editor should bring into view and put the cursor in (a part assignment); null once shown. */
  partToShow: string | null
  /** Ask the editor to show a part, now if its story is open, else when it opens. */
  showPart(id: string): void
  /** The part asked for, taken once (the editor showed it). */
  takePartToShow(): string | null
  /**
   * A comment thread the story page should put in focus, asked for by something that loads
   * without the review tools (the top bar's notifications); null once the story page took it.
   */
  threadToShow: string | null
  /** Ask the story page to show a thread on its Review tab, now if it is open, else when it opens. */
  showThread(id: string): void
  /** The thread asked for, taken once (the story page puts it in focus). */
  takeThreadToShow(): string | null
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
  panelTab: rememberedPanelTab(),
  choosePanelTab(tab) {
    get().showPanelTab(tab)
    try {
      globalThis.localStorage?.setItem(PANEL_TAB_KEY, tab)
    } catch {
      // Storage full or refused: the choice still holds for this page.
    }
  },
  showPanelTab(tab) {
    if (get().panelTab !== tab) set({ panelTab: tab })
  },
  revealPanelTab(tab) {
    get().showPanelTab(tab)
    get().setDetailsOpen(true)
  },
  detailsOpen: false,
  setDetailsOpen(open) {
    if (get().detailsOpen !== open) set({ detailsOpen: open })
  },
  restorePanelTab() {
    const asked = get().tabToShow
    get().showPanelTab(asked ?? rememberedPanelTab())
    // Forgotten after this turn rather than at once: StrictMode opens a story page twice in a row
    // in development, and the second opening must see the request too.
    if (asked !== null) setTimeout(() => get().tabToShow === asked && set({ tabToShow: null }), 0)
  },
  tabToShow: null,
  askPanelTab(tab, storyOpen) {
    get().showPanelTab(tab)
    set({ tabToShow: storyOpen ? null : tab })
  },
  partToShow: null,
  showPart(id) {
    set({ partToShow: id })
  },
  takePartToShow() {
    const id = get().partToShow
    if (id !== null) set({ partToShow: null })
    return id
  },
  threadToShow: null,
  showThread(id) {
    get().showPanelTab('review')
    set({ threadToShow: id, tabToShow: null })
  },
  takeThreadToShow() {
    const id = get().threadToShow
    if (id !== null) set({ threadToShow: null })
    return id
  },
}))
