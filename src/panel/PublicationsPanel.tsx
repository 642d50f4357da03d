/**
 * Where the story went: each publication (or takedown) and its delivery to each outlet, with
 * every attempt; the desk sends a failed one again. Refreshed when the status changes, and every
 * few seconds while a delivery is still under way.
 */
import { useEffect, useState } from 'react'
import { retryDelivery, storyPublications } from '../api'
import type { DeliveryView, PublicationView } from '../shared/api'

const KIND_LABEL: Record<PublicationView['kind'], string> = { publish: 'Published', withhold: 'Held (taken down)', cancel: 'Spiked (withdrawn)' }
const REFRESH_MS = 3_000

const time = (at: number) => new Date(at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })

function host(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return url
  }
}

function deliveryState(delivery: DeliveryView): string {
  if (delivery.state === 'delivered') return `Delivered ${delivery.deliveredAt ? time(delivery.deliveredAt) : ''}`.trim()
  const last = delivery.lastStatus ? `HTTP ${delivery.lastStatus}` : delivery.lastError
  if (delivery.state === 'failed') return `Failed after ${delivery.attempts} attempts${last ? ` (${last})` : ''}`
  if (delivery.attempts === 0) return 'Sending…'
  return `Retrying: attempt ${delivery.attempts} failed${last ? ` (${last})` : ''}${delivery.nextAttemptAt ? `, next ${time(delivery.nextAttemptAt)}` : ''}`
}

export function PublicationsPanel({ storyId, status, canRetry }: { storyId: string; status: string | undefined; canRetry: boolean }) {
  // Kept with the status it was loaded at: a status change (a publication) loads it again.
  const [loaded, setLoaded] = useState<{ status: string | undefined; list: PublicationView[] }>({ status: undefined, list: [] })
  const publications = loaded.list
  const setPublications = (list: PublicationView[]) => setLoaded((current) => ({ ...current, list }))
  const [problem, setProblem] = useState<string | null>(null)
  const pending = publications.some((publication) => publication.deliveries.some((delivery) => delivery.state === 'pending'))

  useEffect(() => {
    let cancelled = false
    const load = () =>
      storyPublications(storyId).then(
        (list) => !cancelled && setLoaded({ status, list }),
        () => undefined,
      )
    void load()
    const timer = pending ? setInterval(() => void load(), REFRESH_MS) : null
    return () => {
      cancelled = true
      if (timer) clearInterval(timer)
    }
  }, [storyId, status, pending])

  if (publications.length === 0) return null
  const retry = (delivery: DeliveryView) => {
    setProblem(null)
    retryDelivery(delivery.id).then(setPublications, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)))
  }
  return (
    <section className="field publications" aria-labelledby="publications-heading">
      <h2 id="publications-heading" className="panel__heading">
        Publication
      </h2>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      <ol className="publications__list" aria-label="Publications">
        {publications.map((publication) => (
          <li key={publication.id}>
            <span>
              <strong>{KIND_LABEL[publication.kind]}</strong> · version {publication.version}
            </span>
            <span className="muted">{time(publication.at)}</span>
            {publication.edNote && <span className="history__reason">Correction: “{publication.edNote}”</span>}
            {publication.deliveries.length > 0 && (
              <ul className="deliveries" aria-label={`Deliveries of version ${publication.version}`}>
                {publication.deliveries.map((delivery) => (
                  <li key={delivery.id} className={`delivery delivery--${delivery.state}`}>
                    <span className="delivery__outlet">{host(delivery.url)}</span>
                    <span className="delivery__state" title={delivery.history.map((attempt) => `${time(attempt.at)}: ${attempt.status ?? attempt.error}`).join('\n')}>
                      {deliveryState(delivery)}
                    </span>
                    {canRetry && delivery.state !== 'delivered' && (
                      <button type="button" onClick={() => retry(delivery)} aria-label={`Send version ${publication.version} to ${host(delivery.url)} again`}>
                        Send again
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
