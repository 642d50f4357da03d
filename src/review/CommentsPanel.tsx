/**
 * The review panel: comment threads on passages of the story, in document order. Threads live
 * on the server (commenting is not editing); their passages are found in the live Y.Doc, so the
 * order follows the text and a thread whose passage was deleted stays, marked Detached. The
 * list refetches whenever the server announces a change to this story's comments.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent, type KeyboardEvent } from 'react'
import type * as Y from 'yjs'
import { request } from '../app/api'
import { formatUpdated } from '../app/format'
import { useNow } from '../app/useNow'
import type { StorySession } from '../collab/storySession'
import type { CommentView, PublicUser, ThreadView } from '../shared/api'
import { COMMENT_MAX_CHARS } from '../shared/limits'
import { canResolveThread } from '../shared/permissions'
import { useMe, useSession, useUserName } from '../store/session'
import { inDocumentOrder, type Placement } from './anchors'
import { useReview, type Passage } from './reviewStore'
import './review.css'
import { useReviewEvents } from './useReviewEvents'

/** Re-place passages at most this often while the text changes. */
const REPLACE_MS = 250

const api = {
  threads: (storyId: string) => request<{ threads: ThreadView[] }>(`/api/stories/${storyId}/threads`).then((body) => body.threads),
  start: (storyId: string, passage: Passage, body: string) =>
    request<{ thread: ThreadView }>(`/api/stories/${storyId}/threads`, 'POST', { ...passage, body }).then((answer) => answer.thread),
  reply: (threadId: string, body: string) => request(`/api/threads/${threadId}/comments`, 'POST', { body }),
  edit: (commentId: string, body: string) => request(`/api/comments/${commentId}`, 'PATCH', { body }),
  remove: (commentId: string) => request(`/api/comments/${commentId}`, 'DELETE'),
  resolve: (threadId: string, resolved: boolean) => request(`/api/threads/${threadId}/${resolved ? 'resolve' : 'reopen'}`, 'POST'),
}

/** The document, as a new snapshot object (at most every `REPLACE_MS`) after it changes. */
function useDocSnapshot(doc: Y.Doc): { doc: Y.Doc; version: number } {
  const store = useMemo(() => {
    let current = { doc, version: 0 }
    return {
      subscribe(notify: () => void) {
        let timer: ReturnType<typeof setTimeout> | null = null
        const onUpdate = () => {
          timer ??= setTimeout(() => {
            timer = null
            current = { doc, version: current.version + 1 }
            notify()
          }, REPLACE_MS)
        }
        doc.on('update', onUpdate)
        return () => {
          doc.off('update', onUpdate)
          if (timer) clearTimeout(timer)
        }
      },
      get: () => current,
    }
  }, [doc])
  return useSyncExternalStore(store.subscribe, store.get)
}

/** The story's threads, refetched when the server announces a change to them (and after a dropped stream). */
function useThreads(storyId: string): { threads: ThreadView[] | null; error: string | null; reload(): void } {
  const [state, setState] = useState<{ threads: ThreadView[] | null; error: string | null }>({ threads: null, error: null })
  const latest = useRef(0)
  const reload = useMemo(
    () => () => {
      const ticket = ++latest.current
      api.threads(storyId).then(
        (threads) => ticket === latest.current && setState({ threads, error: null }),
        (error: unknown) => ticket === latest.current && setState((current) => ({ ...current, error: error instanceof Error ? error.message : String(error) })),
      )
    },
    [storyId],
  )
  useReviewEvents(storyId, 'comments', reload)
  return { ...state, reload }
}

/** The `@name` being typed just before the caret, if any. */
function mentionQuery(value: string, caret: number): { at: number; text: string } | null {
  const match = /(?:^|[^a-z0-9._@-])@([a-z0-9._-]*)$/i.exec(value.slice(0, caret))
  if (!match) return null
  const text = match[1] ?? ''
  return { at: caret - text.length - 1, text }
}

interface MentionFieldProps {
  label: string
  value: string
  onChange(value: string): void
  onSubmit(): void
  users: PublicUser[]
  autoFocus?: boolean
  /** Take the focus whenever this changes (and on mount), like `autoFocus` on demand. */
  focusKey?: number
  placeholder?: string
}

/** A plain-text field that offers people to @mention, and sends with Ctrl/⌘+Enter. */
function MentionField({ label, value, onChange, onSubmit, users, autoFocus, focusKey, placeholder }: MentionFieldProps) {
  const listId = useId()
  const field = useRef<HTMLTextAreaElement>(null)
  const [query, setQuery] = useState<{ at: number; text: string } | null>(null)
  const [choice, setChoice] = useState(0)
  const pendingCaret = useRef<number | null>(null)

  const matches = useMemo(() => {
    if (!query) return []
    const text = query.text.toLowerCase()
    return users
      .filter((user) => user.active && (user.username.toLowerCase().startsWith(text) || user.displayName.toLowerCase().split(/\s+/).some((word) => word.startsWith(text))))
      .slice(0, 6)
  }, [query, users])
  const open = matches.length > 0

  // After the commit, so a side panel tab shown in the same update no longer hides the field.
  useEffect(() => {
    if (focusKey !== undefined) field.current?.focus()
  }, [focusKey])

  // After inserting a mention, put the caret after it (once React has rendered the new text).
  useLayoutEffect(() => {
    if (pendingCaret.current === null || !field.current) return
    field.current.setSelectionRange(pendingCaret.current, pendingCaret.current)
    pendingCaret.current = null
  })

  const track = (next: string, caret: number) => {
    setQuery(mentionQuery(next, caret))
    setChoice(0)
  }

  const insert = (user: PublicUser) => {
    if (!query) return
    const caret = field.current?.selectionStart ?? value.length
    const before = value.slice(0, query.at)
    const after = value.slice(caret).replace(/^\S*/, '')
    const inserted = `@${user.username} `
    pendingCaret.current = before.length + inserted.length
    onChange(before + inserted + after.replace(/^ /, ''))
    setQuery(null)
    field.current?.focus()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      onSubmit()
      return
    }
    if (!open) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      setChoice((current) => (current + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length)
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const user = matches[choice]
      if (user) {
        event.preventDefault()
        insert(user)
      }
    } else if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      setQuery(null)
    }
  }

  return (
    <div className="mention-field">
      <textarea
        ref={field}
        aria-label={label}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${choice}` : undefined}
        value={value}
        placeholder={placeholder}
        maxLength={COMMENT_MAX_CHARS}
        rows={3}
        autoFocus={autoFocus}
        onChange={(event) => {
          onChange(event.target.value)
          track(event.target.value, event.target.selectionStart)
        }}
        onSelect={(event) => track(event.currentTarget.value, event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setQuery(null)}
      />
      {open && (
        <ul className="mention-field__list" role="listbox" id={listId} aria-label="People to mention">
          {matches.map((user, index) => (
            <li
              key={user.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === choice}
              className={index === choice ? 'mention-field__option mention-field__option--active' : 'mention-field__option'}
              // Keep the text field's focus (and its caret) while choosing.
              onMouseDown={(event) => {
                event.preventDefault()
                insert(user)
              }}
            >
              {user.displayName} <span className="muted">@{user.username}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

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

/** Run an API call, report its failure in the panel and refetch; the answer, or undefined when it failed. */
type Run = <T>(action: Promise<T>) => Promise<T | undefined>

function CommentItem({ comment, mine, users, now, run }: { comment: CommentView; mine: boolean; users: PublicUser[]; now: number; run: Run }) {
  const nameOf = useUserName()
  const [draft, setDraft] = useState<string | null>(null)
  const save = () => {
    if (draft === null || !draft.trim()) return
    void run(api.edit(comment.id, draft)).then((ok) => ok && setDraft(null))
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
          <button type="button" className="link-button" onClick={() => void run(api.remove(comment.id))}>
            Delete
          </button>
        </div>
      )}
    </li>
  )
}

function Thread({ thread, placement, me, users, now, active, run }: ThreadProps) {
  const nameOf = useUserName()
  const [reply, setReply] = useState('')
  const detached = placement.kind === 'detached'
  const mayResolve = canResolveThread(me, thread)
  const send = () => {
    if (!reply.trim()) return
    void run(api.reply(thread.id, reply)).then((ok) => ok && setReply(''))
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
    // Focusable from script only: a margin card moves the keyboard here (src/review/MarginThreads.tsx).
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
            <button type="button" onClick={() => void run(api.resolve(thread.id, false))}>
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
              <button type="button" onClick={() => void run(api.resolve(thread.id, true))}>
                Resolve
              </button>
            )}
          </div>
        </form>
      )}
    </li>
  )
}

function Composer({ passage, storyId, users, run, onPosted }: { passage: Passage; storyId: string; users: PublicUser[]; run: Run; onPosted(id: string): void }) {
  // Every Comment press or Ctrl/⌘+Alt+M brings the keyboard here, even when the composer was open.
  const focusKey = useReview((state) => state.composerFocus)
  const [body, setBody] = useState('')
  const [sending, setSending] = useState(false)
  const post = () => {
    if (!body.trim() || sending) return
    setSending(true)
    void run(api.start(storyId, passage, body)).then((thread) => {
      setSending(false)
      if (thread) onPosted(thread.id)
    })
  }
  return (
    <form
      className="composer"
      aria-label="New comment"
      onSubmit={(event) => {
        event.preventDefault()
        post()
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') useReview.getState().closeComposer()
      }}
    >
      <blockquote className="thread__quote">{passage.quote}</blockquote>
      <MentionField label="Comment" value={body} onChange={setBody} onSubmit={post} users={users} focusKey={focusKey} placeholder="Comment… (@ to mention; Ctrl+Enter posts)" />
      <div className="thread__footer">
        <button type="submit" className="primary" disabled={!body.trim() || sending}>
          Post comment
        </button>
        <button type="button" onClick={() => useReview.getState().closeComposer()}>
          Cancel
        </button>
      </div>
    </form>
  )
}

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
  const { threads, error: loadError, reload } = useThreads(session.id)
  const snapshot = useDocSnapshot(session.doc)
  const selection = useReview((state) => state.selection)
  const composer = useReview((state) => state.composer)
  const activeThreadId = useReview((state) => state.activeThreadId)
  const [problem, setProblem] = useState<string | null>(null)
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

  const run: Run = (action) => {
    setProblem(null)
    return action.then(
      (answer) => {
        reload()
        return answer
      },
      (error: unknown) => {
        setProblem(error instanceof Error ? error.message : String(error))
        return undefined
      },
    )
  }

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
        <Composer
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
      )}
      {threads === null ? (
        <p className="muted">Loading comments…</p>
      ) : open.length === 0 && !composer ? (
        <p className="muted">No open comments.</p>
      ) : (
        <ol className="review__threads" aria-label="Open comments">
          {open.map(({ thread, placement }) => (
            <Thread key={thread.id} thread={thread} placement={placement} me={me} users={users} now={now} active={thread.id === activeThreadId} run={run} />
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
                <Thread key={thread.id} thread={thread} placement={placement} me={me} users={users} now={now} active={thread.id === activeThreadId} run={run} />
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  )
}
