/** The composer: a new comment on the passage chosen in the story, posted as a new thread. */
import { useState } from 'react'
import { startThread } from '../../api'
import type { PublicUser } from '../../shared/api'
import { MentionField } from './MentionField'
import { useReview, type Passage } from './reviewStore'
import type { Run } from './useThreads'

/** The new-comment form for `passage`; `onPosted` gets the new thread's id. */
export function CommentComposer({ passage, storyId, users, run, onPosted }: { passage: Passage; storyId: string; users: PublicUser[]; run: Run; onPosted(id: string): void }) {
  // Every Comment press or Ctrl/⌘+Alt+M brings the keyboard here, even when the composer was open.
  const focusKey = useReview((state) => state.composerFocus)
  const [body, setBody] = useState('')
  const [sending, setSending] = useState(false)
  const post = () => {
    if (!body.trim() || sending) return
    setSending(true)
    void run(startThread(storyId, passage, body)).then((thread) => {
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
