/**
 * The banner over a locked story (issue 15): published and spiked copy is read-only for everyone
 * (the server refuses every edit), and the desk is offered the way out — reopen a published story
 * for a correction, restore a spiked one to Draft.
 */
import './lock.css'

/** "14:32" today, "Mar 3, 14:32" on another day: when the story went out. */
function publishedTime(at: number, now = Date.now()): string {
  const time = new Date(at)
  const clock = `${String(time.getHours()).padStart(2, '0')}:${String(time.getMinutes()).padStart(2, '0')}`
  if (time.toDateString() === new Date(now).toDateString()) return clock
  return `${time.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })}, ${clock}`
}

interface Props {
  status: 'published' | 'spiked'
  /** When it was last published (from the status history); null until that is known. */
  publishedAt: number | null
  /** Whether this person runs the desk: may reopen or restore it. */
  canUnlock: boolean
  onReopen(): void
  onRestore(): void
}

/** "Published 14:32 — locked" or "Spiked — locked", what that means, and the desk's button. */
export function LockBanner({ status, publishedAt, canUnlock, onReopen, onRestore }: Props) {
  const published = status === 'published'
  const title = published ? `Published${publishedAt === null ? '' : ` ${publishedTime(publishedAt)}`} — locked` : 'Spiked — locked'
  const why = published
    ? canUnlock
      ? 'Nobody can change the published copy. Reopen it for a correction to edit it; the note goes out when it is republished.'
      : 'Nobody can change the published copy; the desk can reopen it for a correction.'
    : canUnlock
      ? 'Nobody can change a spiked story. Restore it to Draft to work on it again.'
      : 'Nobody can change a spiked story; the desk can restore it to Draft.'
  return (
    <section className={`lock-banner lock-banner--${status}`} aria-label="Story locked">
      <p>
        <strong>{title}</strong> <span>{why}</span>
      </p>
      {canUnlock && (
        <button type="button" onClick={published ? onReopen : onRestore}>
          {published ? 'Reopen for correction' : 'Restore to Draft'}
        </button>
      )}
    </section>
  )
}
