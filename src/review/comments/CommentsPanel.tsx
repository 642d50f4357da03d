/**
 * The review panel: comment threads on passages of the story, in document order. Threads live
 * on the server (commenting is not editing); their passages are found in the live Y.Doc, so the
 * order follows the text and a thread whose passage was deleted stays, marked Detached. The
 * list refetches whenever the server announces a change to this story's comments.
 */
import { lazy, useEffect, useMemo, useState } from 'react'
import type { StorySession } from '../../collab/storySession'
import { useMe, useSession } from '../../store/session'
import { Loading } from '../../ui/Loading'
import { OnDemand } from '../../ui/OnDemand'
import { useNow } from '../../ui/useNow'
import { inDocumentOrder } from './anchors'
import { useReview } from './reviewStore'
import './comments.css'
import { useDocSnapshot } from './useDocSnapshot'
import { useThreads } from './useThreads'

// The threads and the composer load with the story page's other tools on demand (issue 12): the
// page shows the story and takes typing without them, and the panel that holds them starts hidden.
const CommentThread = lazy(() => import('../../story/onDemand').then((module) => ({ default: module.CommentThread })))
const CommentComposer = lazy(() => import('../../story/onDemand').then((module) => ({ default: module.CommentComposer })))

interface Props {
  session: StorySession
  /** Whether this person may comment (everyone who can read the story may). */
  canComment?: boolean
}

/** The review panel of a story: its threads, the composer, replies, resolve and reopen. */
export function CommentsPanel({ session, canComment = true }: Props) {
  const me = useMe()
  const users = useSession((state) => state.users)
  const now = useNow()
  const { threads, error: loadError, problem, run } = useThreads(session.id)
  const snapshot = useDocSnapshot(session.doc)
  const selection = useReview((state) => state.selection)
  const composer = useReview((state) => state.composer)
  const activeThreadId = useReview((state) => state.activeThreadId)
  const [showResolved, setShowResolved] = useState(false)

  // Placed again whenever the threads or the text change.
  const { open, resolved } = useMemo(() => {
    const placed = inDocumentOrder(snapshot.doc, threads ?? [])
    return { open: placed.filter(({ thread }) => !thread.resolved), resolved: placed.filter(({ thread }) => thread.resolved) }
  }, [snapshot, threads])

  // The editor highlights the open threads' passages.
  useEffect(() => {
    useReview.getState().setHighlights(
      open.map(({ thread, placement }) => {
        const [first, ...replies] = thread.comments
        return {
          id: thread.id,
          start: thread.start,
          end: thread.end,
          quote: thread.quote,
          excerpt: !first ? '' : first.deleted ? 'Comment deleted' : first.body,
          authorId: first?.authorId ?? thread.authorId,
          replies: replies.filter((comment) => !comment.deleted).length,
          detached: placement.kind === 'detached',
        }
      }),
    )
  }, [open])
  useEffect(
    () => () => {
      useReview.getState().setHighlights([])
      useReview.getState().closeComposer()
    },
    [],
  )

  // A thread put in focus (in the text, or from a notification) shows even when resolved.
  const activeResolved = resolved.some(({ thread }) => thread.id === activeThreadId)

  // Ctrl/⌘+Alt+M anywhere on the page (a read-only editor never has the keyboard).
  useEffect(() => {
    if (!canComment) return
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || !(event.ctrlKey || event.metaKey) || !event.altKey || event.code !== 'KeyM') return
      if (useReview.getState().openComposer()) event.preventDefault()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [canComment])

  const shown = showResolved || activeResolved ? resolved : []
  return (
    <section className="review" aria-labelledby="review-heading">
      <div className="review__head">
        <h2 id="review-heading" className="panel__heading">
          Comments{open.length > 0 ? ` (${open.length} open)` : ''}
        </h2>
      </div>
      {canComment && !composer && (
        <p className="muted review__hint" aria-live="polite">
          {selection
            ? `Selected: “${selection.quote.length > 60 ? `${selection.quote.slice(0, 59)}…` : selection.quote}”`
            : 'Select a passage in the story, then press Comment (Ctrl+Alt+M).'}
        </p>
      )}
      {(problem ?? loadError) && (
        <p className="notice notice--error" role="alert">
          {problem ?? loadError}
        </p>
      )}
      {composer && canComment && (
        <OnDemand fallback={<Loading>Loading the comment box…</Loading>} what="the comment box">
          <CommentComposer
            key={`${composer.start}:${composer.end}`}
            passage={composer}
            storyId={session.id}
            users={users}
            run={run}
            onPosted={(id) => {
              useReview.getState().closeComposer()
              useReview.getState().setActiveThread(id)
            }}
          />
        </OnDemand>
      )}
      <OnDemand fallback={<Loading>Loading the comments…</Loading>} what="the comments">
        {threads === null ? (
          <p className="muted">Loading comments…</p>
        ) : open.length === 0 && !composer ? (
          <p className="muted">No open comments.</p>
        ) : (
          <ol className="review__threads" aria-label="Open comments">
            {open.map(({ thread, placement }) => (
              <CommentThread key={thread.id} thread={thread} placement={placement} me={me} users={users} now={now} active={thread.id === activeThreadId} run={run} />
            ))}
          </ol>
        )}
        {resolved.length > 0 && (
          <>
            <button
              type="button"
              className="link-button"
              aria-expanded={shown.length > 0}
              onClick={() => {
                setShowResolved(shown.length === 0)
                if (activeResolved) useReview.getState().setActiveThread(null)
              }}
            >
              {shown.length > 0 ? 'Hide' : 'Show'} resolved ({resolved.length})
            </button>
            {shown.length > 0 && (
              <ol className="review__threads" aria-label="Resolved comments">
                {shown.map(({ thread, placement }) => (
                  <CommentThread key={thread.id} thread={thread} placement={placement} me={me} users={users} now={now} active={thread.id === activeThreadId} run={run} />
                ))}
              </ol>
            )}
          </>
        )}
      </OnDemand>
    </section>
  )
}
