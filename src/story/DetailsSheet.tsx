/**
 * The story's side panel on a phone (issue 15): a bottom sheet over the story, a modal dialog
 * opened by the status bar's "Story details" button, so the body gets the whole width. On wider
 * screens it is only its panel (`display: contents`), in the column beside the story.
 *
 * The panel stays mounted while the sheet is shut, hidden by CSS: its tabs hold Yjs
 * subscriptions, live lists and half-written comments (src/panel/PanelTabs.tsx says why).
 */
import { useEffect, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { useEditorUi } from '../store/ui'
import { useMediaQuery } from '../ui/useMediaQuery'
import './sheet.css'

/** Where the panel becomes a sheet (keep in step with sheet.css and the top bar's menu in app.css). */
export const PHONE = '(max-width: 700px)'

/** The sheet's id, for the button that opens it (`aria-controls`). */
export const DETAILS_SHEET_ID = 'story-details'

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])'

/** What Tab may reach inside `root`: shown, enabled, in the tab order. */
function tabStops(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.getClientRects().length > 0)
}

/** The "Story details" button: shown on phones only, in the story's status bar. */
export function DetailsButton() {
  const phone = useMediaQuery(PHONE)
  const open = useEditorUi((ui) => ui.detailsOpen)
  if (!phone) return null
  return (
    <button
      type="button"
      className="details-button"
      aria-haspopup="dialog"
      aria-expanded={open}
      aria-controls={DETAILS_SHEET_ID}
      data-details-button=""
      onClick={() => useEditorUi.getState().setDetailsOpen(true)}
    >
      Story details
    </button>
  )
}

/** The side panel, as a sheet on a phone and as itself elsewhere. */
export function DetailsSheet({ children }: { children: ReactNode }) {
  const phone = useMediaQuery(PHONE)
  const detailsOpen = useEditorUi((ui) => ui.detailsOpen)
  const setOpen = useEditorUi((ui) => ui.setDetailsOpen)
  const open = phone && detailsOpen
  const sheet = useRef<HTMLDivElement>(null)
  /** Where the keyboard was when the sheet opened: it goes back there when the sheet shuts. */
  const returnTo = useRef<HTMLElement | null>(null)

  // Only a phone has a sheet to keep open (a comment started on a wide screen asks for it too),
  // and a story left behind does not open the next one on its sheet.
  useEffect(() => {
    if (!phone && detailsOpen) setOpen(false)
  }, [phone, detailsOpen, setOpen])
  useEffect(() => () => useEditorUi.getState().setDetailsOpen(false), [])

  // Layout effects: the focus moves in the same frame the sheet appears or goes.
  useLayoutEffect(() => {
    const element = sheet.current
    if (!open || !element) return
    const active = document.activeElement
    returnTo.current = active instanceof HTMLElement && !element.contains(active) ? active : null
    // Something inside may have taken the focus already (the comment composer, a thread).
    if (!element.contains(document.activeElement)) element.focus()
    return () => {
      const back = returnTo.current?.isConnected ? returnTo.current : document.querySelector<HTMLElement>('[data-details-button]')
      if (!document.activeElement || document.activeElement === document.body || element.contains(document.activeElement)) back?.focus()
    }
  }, [open])

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (!open || event.defaultPrevented) return
    if (event.key === 'Escape') {
      event.preventDefault()
      setOpen(false)
      return
    }
    if (event.key !== 'Tab' || !sheet.current) return
    // Modal: Tab goes round the sheet, never to the story behind it.
    const stops = tabStops(sheet.current)
    const first = stops[0]
    const last = stops[stops.length - 1]
    if (!first || !last) return
    if (event.shiftKey && (document.activeElement === first || document.activeElement === sheet.current)) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    <>
      {open && <div className="details-sheet__backdrop" aria-hidden="true" onClick={() => setOpen(false)} />}
      <div
        ref={sheet}
        id={DETAILS_SHEET_ID}
        className={open ? 'details-sheet details-sheet--open' : 'details-sheet'}
        role={phone ? 'dialog' : undefined}
        aria-modal={phone ? true : undefined}
        aria-labelledby={phone ? `${DETAILS_SHEET_ID}-title` : undefined}
        tabIndex={phone ? -1 : undefined}
        onKeyDown={onKeyDown}
      >
        {phone && (
          <div className="details-sheet__head">
            <h2 id={`${DETAILS_SHEET_ID}-title`}>Story details</h2>
            <button type="button" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        )}
        {children}
      </div>
    </>
  )
}
