/** One comment thread in the review panel: its passage, its comments (edit and delete my own), reply, resolve and reopen. */
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { deleteComment, editComment, replyToThread, resolveThread } from '../../api'
import type { CommentView, PublicUser, ThreadView } from '../../shared/api'
import { canResolveThread } from '../../shared/permissions'
import { useUserName } from '../../store/session'
import { formatUpdated } from '../../ui/formatUpdated'
import type { Placement } from './anchors'
import { MentionField } from './MentionField'
import { useReview } from './reviewStore'
import type { Run } from './useThreads'

function When({ at, now, edited }: { at: number; now: number; edited?: boolean }) {
  const date = new Date(at)
  return (
    <time dateTime={date.toISOString()} title={date.toLocaleString()}>
      {formatUpdated(at, now)}
      {edited ? ' · edited' : ''}
    </time>
  )
}

interface ThreadProps {
  thread: ThreadView
  placement: Placement
  me: PublicUser
  users: PublicUser[]
  now: number
  active: boolean
  run: Run
}

function CommentItem({ comment, mine, users, now, run }: { comment: CommentView; mine: boolean; users: PublicUser[]; now: number; run: Run }) {
  const nameOf = useUserName()
  const [draft, setDraft] = useState<string | null>(null)
  const save = () => {
    if (draft === null || !draft.trim()) return
    void run(editComment(comment.id, draft)).then((ok) => ok && setDraft(null))
  }
  if (comment.deleted) {
    return (
      <li className="comment comment--deleted">
        <span className="muted">Comment deleted</span>
      </li>
    )
  }
  return (
    <li className="comment">
      <div className="comment__meta">
        <strong>{nameOf(comment.authorId)}</strong>
        <When at={comment.createdAt} now={now} edited={comment.editedAt !== null} />
      </div>
      {draft === null ? (
        <p className="comment__body">{comment.body}</p>
      ) : (
        <div className="comment__edit">
          <MentionField label="Edit comment" value={draft} onChange={setDraft} onSubmit={save} users={users} autoFocus />
          <div className="comment__actions">
            <button type="button" className="primary" onClick={save} disabled={!draft.trim()}>
              Save
            </button>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {mine && draft === null && (
        <div className="comment__actions">
          <button type="button" className="link-button" onClick={() => setDraft(comment.body)}>
            Edit
          </button>
          <button type="button" className="link-button" onClick={() => void run(deleteComment(comment.id))}>
            Delete
          </button>
        </div>
      )}
    </li>
  )
}

/** A thread in the panel, open or resolved; `active` when it is the thread in focus. */
export function CommentThread({ thread, placement, me, users, now, active, run }: ThreadProps) {
  const nameOf = useUserName()
  const [reply, setReply] = useState('')
  const detached = placement.kind === 'detached'
  const mayResolve = canResolveThread(me, thread)
  const send = () => {
    if (!reply.trim()) return
    void run(replyToThread(thread.id, reply)).then((ok) => ok && setReply(''))
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    send()
  }
  const item = useRef<HTMLLIElement>(null)
  // In focus (clicked in the text, or opened from a notification): scroll it into view.
  useEffect(() => {
    if (active) item.current?.scrollIntoView?.({ block: 'nearest' })
  }, [active])
  const className = ['thread', thread.resolved && 'thread--resolved', detached && 'thread--detached', active && 'thread--active'].filter(Boolean).join(' ')
  return (
    // Focusable from script only: a margin card moves the keyboard here (MarginThreads.tsx).
    <li ref={item} tabIndex={-1} className={className} id={`thread-${thread.id}`} aria-label={`Comment thread on “${thread.quote}”`} onClick={() => useReview.getState().setActiveThread(thread.id)}>
      <div className="thread__head">
        <blockquote className="thread__quote">{thread.quote}</blockquote>
        {detached && (
          <span className="thread__badge" title="The commented text was deleted; the thread is kept.">
            Detached
          </span>
        )}
      </div>
      <ol className="thread__comments">
        {thread.comments.map((comment) => (
          <CommentItem key={comment.id} comment={comment} mine={comment.authorId === me.id} users={users} now={now} run={run} />
        ))}
      </ol>
      {thread.resolved ? (
        <div className="thread__footer">
          <span className="muted">
            Resolved{thread.resolvedBy !== null ? ` by ${nameOf(thread.resolvedBy)}` : ''}
            {thread.resolvedAt !== null && <> · <When at={thread.resolvedAt} now={now} /></>}
          </span>
          {mayResolve && (
            <button type="button" onClick={() => void run(resolveThread(thread.id, false))}>
              Reopen
            </button>
          )}
        </div>
      ) : (
        <form className="thread__reply" onSubmit={submit}>
          <MentionField label="Reply" value={reply} onChange={setReply} onSubmit={send} users={users} placeholder="Reply… (@ to mention)" />
          <div className="thread__footer">
            <button type="submit" disabled={!reply.trim()}>
              Reply
            </button>
            {mayResolve && (
              <button type="button" onClick={() => void run(resolveThread(thread.id, true))}>
                Resolve
              </button>
            )}
          </div>
        </form>
      )}
    </li>
  )
}
