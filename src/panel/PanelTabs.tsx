/**
 * Tabs over the side panel's sections, after the WAI-ARIA tabs pattern
 * (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): one tab stop for the tab list (roving
 * tabindex), Left/Right/Home/End move between tabs and show them at once (automatic activation:
 * switching costs nothing, every panel is already rendered).
 *
 * Every panel stays mounted and inactive ones are only `hidden`: the panels hold Yjs
 * subscriptions, live lists fed by the server and half-written comments, none of which may be
 * lost or re-fetched because someone looked at another tab.
 */
import { createContext, useContext, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { nextIndex } from '../ui/rovingFocus'

const TabShown = createContext(true)

/**
 * Whether the tab this is rendered in has been shown yet (and true outside any tab): for a part of
 * a panel that renders, and loads its code, only from the tab's first showing on while the rest of
 * the panel is there from the start (the Review tab's suggestion list beside its comments).
 */
export function useTabShown(): boolean {
  return useContext(TabShown)
}

/** One tab and its panel. */
export interface PanelTabSpec<Id extends string> {
  id: Id
  /** The tab's name (and its accessible name, before any count). */
  label: string
  /** A number shown beside the label when above zero (e.g. open comments). */
  count?: number
  /** The count in words, for screen readers, led by the number shown ("3 open comments"); the bare number without it. */
  countLabel?: string
  content: ReactNode
  /**
   * Render the content only once the tab is first shown (then keep it mounted like the others):
   * for a panel whose code or data is loaded on demand.
   */
  mountWhenShown?: boolean
}

interface Props<Id extends string> {
  /** The tab list's accessible name. */
  label: string
  tabs: Array<PanelTabSpec<Id>>
  selected: Id
  onSelect(id: Id): void
}

/** A tab list and its panels; the selection is the caller's (the side panel keeps it in the UI store). */
export function PanelTabs<Id extends string>({ label, tabs, selected, onSelect }: Props<Id>) {
  const base = useId()
  const buttons = useRef(new Map<Id, HTMLButtonElement>())
  // A selection naming no tab here (say, a remembered one this panel lacks) shows the first.
  const current = tabs.some((tab) => tab.id === selected) ? selected : tabs[0]?.id
  const tabId = (id: Id) => `${base}-tab-${id}`
  const panelId = (id: Id) => `${base}-panel-${id}`
  // The tabs shown so far: a `mountWhenShown` panel renders from its first showing on.
  const [shown, setShown] = useState<ReadonlySet<Id>>(() => new Set(current === undefined ? [] : [current]))
  if (current !== undefined && !shown.has(current)) setShown(new Set([...shown, current]))

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return
    const next = nextIndex(event.key, index, tabs.length)
    const tab = next === null ? undefined : tabs[next]
    if (!tab) return
    event.preventDefault()
    onSelect(tab.id)
    buttons.current.get(tab.id)?.focus()
  }

  return (
    <>
      <div className="panel-tabs" role="tablist" aria-label={label}>
        {tabs.map((tab, index) => {
          const active = tab.id === current
          const count = tab.count ?? 0
          return (
            <button
              key={tab.id}
              ref={(element) => {
                if (element) buttons.current.set(tab.id, element)
                else buttons.current.delete(tab.id)
              }}
              type="button"
              role="tab"
              id={tabId(tab.id)}
              className="panel-tabs__tab"
              // The count joins the name in words: "Review, 3 open comments" (the badge shows only the number).
              aria-label={count > 0 ? `${tab.label}, ${tab.countLabel ?? count}` : undefined}
              aria-selected={active}
              aria-controls={panelId(tab.id)}
              tabIndex={active ? 0 : -1}
              onClick={() => onSelect(tab.id)}
              onKeyDown={(event) => onKeyDown(event, index)}
            >
              {tab.label}
              {/* A real space before the badge (the flex gap draws none): the visible text reads "Review 3", as the name does. */}
              {count > 0 && ' '}
              {count > 0 && (
                <span className="panel-tabs__count" aria-hidden="true">
                  {count}
                </span>
              )}
            </button>
          )
        })}
      </div>
      {tabs.map((tab) => (
        // Focusable, as the pattern asks, so the keyboard reaches a panel that starts with plain text.
        <div key={tab.id} role="tabpanel" id={panelId(tab.id)} className="panel__tabpanel" aria-labelledby={tabId(tab.id)} tabIndex={0} hidden={tab.id !== current}>
          <TabShown.Provider value={shown.has(tab.id)}>{!tab.mountWhenShown || shown.has(tab.id) ? tab.content : null}</TabShown.Provider>
        </div>
      ))}
    </>
  )
}
