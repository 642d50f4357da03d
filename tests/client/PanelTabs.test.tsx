import { fireEvent, render, screen, within } from '@testing-library/react'
import { useEffect, useState } from 'react'
import { describe, expect, it } from 'vitest'
import { PanelTabs, useTabShown, type PanelTabSpec } from '../../src/panel/PanelTabs'

type Id = 'details' | 'review' | 'history'

/** Counts how often it was mounted, and keeps what is typed in it as React state. */
function Probe({ name, mounts }: { name: string; mounts: Map<string, number> }) {
  const [draft, setDraft] = useState('')
  useEffect(() => {
    mounts.set(name, (mounts.get(name) ?? 0) + 1)
  }, [mounts, name])
  return <input aria-label={`${name} draft`} value={draft} onChange={(event) => setDraft(event.target.value)} />
}

/** PanelTabs with its selection in local state, as a page would hold it. */
function Harness({ mounts, start = 'details' }: { mounts: Map<string, number>; start?: Id }) {
  const [selected, setSelected] = useState<Id>(start)
  const tabs: Array<PanelTabSpec<Id>> = [
    { id: 'details', label: 'Details', content: <Probe name="Details" mounts={mounts} /> },
    { id: 'review', label: 'Review', count: 3, countLabel: '3 open comments', content: <Probe name="Review" mounts={mounts} /> },
    { id: 'history', label: 'History', content: <Probe name="History" mounts={mounts} /> },
  ]
  return <PanelTabs<Id> label="Side panel" tabs={tabs} selected={selected} onSelect={setSelected} />
}

const selectedTab = () => screen.getAllByRole('tab').find((tab) => tab.getAttribute('aria-selected') === 'true')?.textContent

describe('side panel tabs', () => {
  it('follows the WAI-ARIA tabs pattern: roles, aria-selected, aria-controls and one tab stop', () => {
    render(<Harness mounts={new Map()} />)
    const list = screen.getByRole('tablist', { name: 'Side panel' })
    const tabs = within(list).getAllByRole('tab')
    expect(tabs.map((tab) => tab.textContent)).toEqual(['Details', 'Review 3', 'History'])
    // The count is a badge for the eye and words for the ear; the name still starts with the tab's.
    expect(screen.getByRole('tab', { name: 'Review, 3 open comments' })).toBe(tabs[1])
    expect(tabs.map((tab) => tab.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false'])
    expect(tabs.map((tab) => tab.tabIndex)).toEqual([0, -1, -1])
    for (const tab of tabs) {
      const panel = document.getElementById(tab.getAttribute('aria-controls') ?? '')
      expect(panel?.getAttribute('role')).toBe('tabpanel')
      expect(panel?.getAttribute('aria-labelledby')).toBe(tab.id)
    }
    // Only the selected panel is exposed; it is named by its tab.
    expect(screen.getAllByRole('tabpanel')).toHaveLength(1)
    expect(screen.getByRole('tabpanel', { name: 'Details' })).toBeTruthy()
  })

  it('moves with Left, Right, Home and End (wrapping), selecting and focusing the tab', () => {
    render(<Harness mounts={new Map()} />)
    const [details, review, history] = screen.getAllByRole('tab') as [HTMLElement, HTMLElement, HTMLElement]
    details.focus()

    fireEvent.keyDown(details, { key: 'ArrowRight' })
    expect(document.activeElement).toBe(review)
    expect(selectedTab()).toBe('Review 3')
    expect([details.tabIndex, review.tabIndex, history.tabIndex]).toEqual([-1, 0, -1])
    expect(screen.getByRole('tabpanel', { name: /^Review/ })).toBeTruthy()

    fireEvent.keyDown(review, { key: 'ArrowRight' })
    expect(document.activeElement).toBe(history)
    fireEvent.keyDown(history, { key: 'ArrowRight' })
    expect(document.activeElement).toBe(details)
    expect(selectedTab()).toBe('Details')

    fireEvent.keyDown(details, { key: 'ArrowLeft' })
    expect(document.activeElement).toBe(history)
    expect(selectedTab()).toBe('History')
    fireEvent.keyDown(history, { key: 'Home' })
    expect(document.activeElement).toBe(details)
    fireEvent.keyDown(details, { key: 'End' })
    expect(document.activeElement).toBe(history)
    expect(selectedTab()).toBe('History')

    // Other keys (and modified arrows, the browser's own) are left alone.
    fireEvent.keyDown(history, { key: 'ArrowDown' })
    fireEvent.keyDown(history, { key: 'ArrowLeft', altKey: true })
    expect(selectedTab()).toBe('History')

    fireEvent.click(review)
    expect(selectedTab()).toBe('Review 3')
  })

  it('keeps inactive panels mounted, hidden, with their state', () => {
    const mounts = new Map<string, number>()
    render(<Harness mounts={mounts} />)
    expect(Object.fromEntries(mounts)).toEqual({ Details: 1, Review: 1, History: 1 })

    fireEvent.click(screen.getByRole('tab', { name: /^Review/ }))
    fireEvent.change(screen.getByLabelText('Review draft'), { target: { value: 'Half a thought' } })
    fireEvent.click(screen.getByRole('tab', { name: 'History' }))

    // Hidden, out of the accessibility tree, but still there with what was typed.
    const draft = screen.getByLabelText('Review draft') as HTMLInputElement
    expect(draft.closest('[role="tabpanel"]')?.hasAttribute('hidden')).toBe(true)
    expect(screen.queryByRole('textbox', { name: 'Review draft' })).toBeNull()
    expect(draft.value).toBe('Half a thought')

    fireEvent.click(screen.getByRole('tab', { name: /^Review/ }))
    expect(screen.getByRole('textbox', { name: 'Review draft' })).toBe(draft)
    expect(draft.value).toBe('Half a thought')
    // Switching never remounted anything.
    expect(Object.fromEntries(mounts)).toEqual({ Details: 1, Review: 1, History: 1 })
  })

  it('tells a panel’s content whether its tab has been shown yet, and keeps it mounted from the start', () => {
    const mounts = new Map<string, number>()
    /** Content that renders its later part only once its tab has been shown (the Review tab's suggestion list). */
    function Later() {
      return <p>{useTabShown() ? 'Later part' : 'Not yet'}</p>
    }
    function Tabs() {
      const [selected, setSelected] = useState<Id>('details')
      const tabs: Array<PanelTabSpec<Id>> = [
        { id: 'details', label: 'Details', content: <Later /> },
        { id: 'review', label: 'Review', content: <><Later /><Probe name="Review" mounts={mounts} /></> },
      ]
      return <PanelTabs<Id> label="Side panel" tabs={tabs} selected={selected} onSelect={setSelected} />
    }
    render(<Tabs />)
    expect(screen.getByRole('tabpanel', { name: 'Details' }).textContent).toBe('Later part')
    const review = document.getElementById(screen.getByRole('tab', { name: 'Review' }).getAttribute('aria-controls') ?? '')
    expect(review?.textContent).toBe('Not yet')
    expect(mounts.get('Review')).toBe(1)
    fireEvent.click(screen.getByRole('tab', { name: 'Review' }))
    expect(review?.textContent).toBe('Later part')
    fireEvent.click(screen.getByRole('tab', { name: 'Details' }))
    // Shown once is shown: the later part stays, nothing remounted.
    expect(review?.textContent).toBe('Later part')
    expect(mounts.get('Review')).toBe(1)
  })

  it('shows the first tab when the selection names none of its tabs', () => {
    render(<PanelTabs<string> label="Side panel" tabs={[{ id: 'details', label: 'Details', content: 'Fields' }]} selected="review" onSelect={() => undefined} />)
    expect(selectedTab()).toBe('Details')
    expect(screen.getByRole('tabpanel', { name: 'Details' }).textContent).toBe('Fields')
  })
})
