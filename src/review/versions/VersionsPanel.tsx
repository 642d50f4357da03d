/**
 * Version history in the side panel: automatic checkpoints, status and named versions; name the
 * current state; compare any two (or one with the current text), with who added and removed
 * what; restore one as a new change everyone receives live. The list refetches whenever the
 * server announces a change to this story's versions.
 */
import { useCallback, useState, type FormEvent } from 'react'
import { compareVersions, listVersions, nameVersion, restoreVersion } from '../../api'
import { useDesk } from '../../collab/useDesk'
import type { StorySession } from '../../collab/storySession'
import type { ComparisonAnswer, DiffBlock, DiffRun, VersionSummary } from '../../shared/api'
import { VERSION_NAME_MAX_CHARS } from '../../shared/limits'
import { canEditStory } from '../../shared/permissions'
import { assignmentOf } from '../../shared/storyDoc'
import { useMe, useUserName } from '../../store/session'
import { formatUpdated } from '../../ui/formatUpdated'
import { useNow } from '../../ui/useNow'
import { useReviewEvents } from '../useReviewEvents'
import './versions.css'

/** How a version is called: its name, or what made it. */
function versionLabel(version: VersionSummary): string {
  if (version.name) return version.name
  switch (version.kind) {
    case 'auto':
      return 'Automatic checkpoint'
    case 'status':
      return 'Status change'
    case 'restore':
      return 'Before a restore'
    case 'named':
      return `Version ${version.id}`
  }
}

function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`
}

const fullTime = (at: number) => new Date(at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })

/** The story's versions, refetched on the server's `review`/`versions` events and on reconnect. */
function useVersionList(storyId: string): { versions: VersionSummary[] | null; error: string | null; reload(): void } {
  const [state, setState] = useState<{ versions: VersionSummary[] | null; error: string | null }>({ versions: null, error: null })
  const reload = useCallback(() => {
    listVersions(storyId).then(
      (versions) => setState({ versions, error: null }),
      (error: unknown) => setState((current) => ({ ...current, error: error instanceof Error ? error.message : String(error) })),
    )
  }, [storyId])
  useReviewEvents(storyId, 'versions', reload)
  return { ...state, reload }
}

function Runs({ runs, nameOf }: { runs: DiffRun[]; nameOf(id: number | null): string }) {
  return runs.map((run, index) => {
    if (run.change === 'same') return <span key={index}>{run.text}</span>
    const who = run.by === null ? null : nameOf(run.by)
    if (run.change === 'added') {
      const label = who ? `Added by ${who}` : 'Added'
      return (
        <ins key={index} title={label} aria-label={`${label}: ${run.text}`}>
          {run.text}
        </ins>
      )
    }
    const label = who ? `Removed by ${who}` : 'Removed (who removed it is not recorded)'
    return (
      <del key={index} title={label} aria-label={`${label}: ${run.text}`}>
        {run.text}
      </del>
    )
  })
}

/** A comparison: changed blocks in full, runs of unchanged ones folded. */
function ComparisonView({ comparison, nameOf, labelOf }: { comparison: ComparisonAnswer; nameOf(id: number | null): string; labelOf(ref: number | 'current'): string }) {
  const headlineChanged = comparison.headline.some((run) => run.change !== 'same')
  const changes = comparison.blocks.filter((block) => block.change !== 'same').length
  const shown: Array<DiffBlock | number> = []
  for (const block of comparison.blocks) {
    const last = shown.at(-1)
    if (block.change !== 'same') shown.push(block)
    else if (typeof last === 'number') shown[shown.length - 1] = last + 1
    else shown.push(1)
  }
  return (
    <section className="diff" aria-label="Comparison" aria-live="polite">
      <p className="diff__summary">
        <strong>{labelOf(comparison.from)}</strong> → <strong>{labelOf(comparison.to)}</strong>
        <span className="muted">
          {' '}
          · {changes === 0 && !headlineChanged ? 'no changes' : `${changes} ${changes === 1 ? 'block' : 'blocks'} changed${headlineChanged ? ', headline changed' : ''}`}
        </span>
      </p>
      {headlineChanged && (
        <p className="diff__block diff__block--headline">
          <Runs runs={comparison.headline} nameOf={nameOf} />
        </p>
      )}
      {shown.map((block, index) =>
        typeof block === 'number' ? (
          <p key={index} className="diff__folded muted">
            {block} unchanged {block === 1 ? 'block' : 'blocks'}
          </p>
        ) : (
          <p key={index} className={`diff__block diff__block--${block.change} diff__block--${block.type}`}>
            {block.runs.length === 0 ? <span className="muted">(empty {block.type})</span> : <Runs runs={block.runs} nameOf={nameOf} />}
          </p>
        ),
      )}
    </section>
  )
}

/** The History tab's versions of a story: list, name, compare, restore. */
export function VersionsPanel({ session }: { session: StorySession }) {
  const me = useMe()
  const nameOf = useUserName()
  const now = useNow()
  const canEdit = canEditStory(me, assignmentOf(useDesk(session.doc)))
  const { versions, error, reload } = useVersionList(session.id)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('current')
  const [comparison, setComparison] = useState<ComparisonAnswer | null>(null)
  const [confirming, setConfirming] = useState<number | null>(null)

  const fail = (failure: unknown) => setProblem(failure instanceof Error ? failure.message : String(failure))
  const run = (action: () => Promise<unknown>) => {
    setProblem(null)
    setBusy(true)
    action()
      .catch(fail)
      .finally(() => setBusy(false))
  }
  const labelOf = (ref: number | 'current') => {
    if (ref === 'current') return 'Current'
    const version = versions?.find((item) => item.id === ref)
    return version ? versionLabel(version) : `Version ${ref}`
  }
  // Until picked, compare the newest version with the current text.
  const fromValue = from || String(versions?.[0]?.id ?? '')

  const save = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) return
    run(async () => {
      await nameVersion(session.id, trimmed)
      setName('')
      reload()
    })
  }
  const compare = (fromRef: string, toRef: string) =>
    run(async () => {
      setComparison(await compareVersions(session.id, fromRef, toRef))
    })
  const restore = (version: VersionSummary) =>
    run(async () => {
      await restoreVersion(session.id, version.id)
      setConfirming(null)
      setComparison(null)
      reload()
    })

  return (
    <section className="field versions" aria-labelledby="versions-heading">
      <h2 id="versions-heading" className="panel__heading">
        Versions
      </h2>
      {canEdit && (
        <form className="versions__name" onSubmit={save}>
          <label htmlFor="version-name">Version name</label>
          <div className="versions__row">
            <input
              id="version-name"
              value={name}
              maxLength={VERSION_NAME_MAX_CHARS}
              placeholder="e.g. Filed for the web"
              onChange={(event) => setName(event.target.value)}
            />
            <button type="submit" disabled={busy || !name.trim()}>
              Save version
            </button>
          </div>
        </form>
      )}
      {(problem ?? error) && (
        <p className="versions__problem" role="alert">
          {problem ?? error}
        </p>
      )}
      {versions === null ? (
        <p className="muted">Loading versions…</p>
      ) : versions.length === 0 ? (
        <p className="muted">No versions yet: the first edit makes a checkpoint, and you can name one any time.</p>
      ) : (
        <>
          <div className="versions__compare">
            <label>
              <span>Compare</span>
              <select aria-label="Compare from" value={fromValue} onChange={(event) => setFrom(event.target.value)}>
                {versions.map((version) => (
                  <option key={version.id} value={version.id}>
                    {versionLabel(version)} · {fullTime(version.createdAt)}
                  </option>
                ))}
                <option value="current">Current</option>
              </select>
            </label>
            <label>
              <span>with</span>
              <select aria-label="Compare to" value={to} onChange={(event) => setTo(event.target.value)}>
                <option value="current">Current</option>
                {versions.map((version) => (
                  <option key={version.id} value={version.id}>
                    {versionLabel(version)} · {fullTime(version.createdAt)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={busy || !fromValue} onClick={() => compare(fromValue, to)}>
              Compare
            </button>
          </div>
          {comparison && (
            <>
              <ComparisonView comparison={comparison} nameOf={nameOf} labelOf={labelOf} />
              <button type="button" className="versions__link" onClick={() => setComparison(null)}>
                Close comparison
              </button>
            </>
          )}
          <ol className="versions__list" aria-label="Version history">
            {versions.map((version) => (
              <li key={version.id} className={`version version--${version.kind}`}>
                <span className="version__label">{versionLabel(version)}</span>
                <span className="muted">
                  {version.userId !== null ? `${nameOf(version.userId)} · ` : ''}
                  <time dateTime={new Date(version.createdAt).toISOString()} title={fullTime(version.createdAt)}>
                    {formatUpdated(version.createdAt, now)}
                  </time>
                  {` · ${version.words.toLocaleString('en-US')} ${version.words === 1 ? 'word' : 'words'} · ${formatSize(version.bytes)}`}
                </span>
                {confirming === version.id ? (
                  <span className="version__confirm" role="group" aria-label={`Restore ${versionLabel(version)}?`}>
                    <span>Restore this version? The current text is saved as a version first.</span>
                    <button type="button" className="primary" disabled={busy} onClick={() => restore(version)}>
                      Restore now
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <span className="version__actions">
                    <button type="button" className="versions__link" disabled={busy} onClick={() => compare(String(version.id), 'current')}>
                      Compare with current
                    </button>
                    {canEdit && (
                      <button type="button" className="versions__link" aria-label={`Restore ${versionLabel(version)}`} onClick={() => setConfirming(version.id)}>
                        Restore
                      </button>
                    )}
                  </span>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  )
}
