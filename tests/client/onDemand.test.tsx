import { lazy } from 'react'
import { fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { OnDemand } from '../../src/ui/OnDemand'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('code loaded on demand', () => {
  it('shows the fallback, then what loaded', async () => {
    const Loaded = lazy(async () => ({ default: () => <p>The history</p> }))
    render(
      <OnDemand fallback={<p>Loading the history…</p>} what="the history">
        <Loaded />
      </OnDemand>,
    )
    expect(screen.getByText('Loading the history…')).toBeTruthy()
    expect(await screen.findByText('The history')).toBeTruthy()
  })

  it('says what could not load and offers a reload, instead of unmounting the app', async () => {
    // React reports the caught error on the console; the test is about what the page shows.
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const Missing = lazy(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module')))
    render(
      <main>
        <h1>Story</h1>
        <OnDemand fallback={<p>Loading the history…</p>} what="the history">
          <Missing />
        </OnDemand>
      </main>,
    )
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Deskline could not load the history')
    expect(screen.getByRole('heading', { name: 'Story' })).toBeTruthy()
    const reload = vi.fn<() => void>()
    vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, reload })
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }))
    expect(reload).toHaveBeenCalledOnce()
  })
})
