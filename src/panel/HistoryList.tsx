/** The story's workflow history: who moved it, when, from where to where. */
import { STATUSES } from '../shared/newsroom'
import type { HistoryEntry } from '../shared/api'

export function HistoryList({ history, nameOf }: { history: HistoryEntry[]; nameOf(id: number | null): string }) {
  return (
    <section className="field history" aria-labelledby="history-heading">
      <h2 id="history-heading" className="panel__heading">
        Workflow
      </h2>
      {history.length === 0 ? (
        <p className="muted">No status changes yet.</p>
      ) : (
        <ol className="history__list" aria-label="Workflow history">
          {[...history].reverse().map((entry, index) => (
            <li key={`${entry.at}-${index}`}>
              <span>
                {STATUSES[entry.from]} → <strong>{STATUSES[entry.to]}</strong>
              </span>
              <span className="muted">
                {nameOf(entry.userId) || 'Someone'} · {new Date(entry.at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}
              </span>
              {entry.reason && <span className="history__reason">“{entry.reason}”</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
