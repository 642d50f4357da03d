import { useEffect, useRef, useState, type ChangeEvent } from 'react'
import { useNow } from './useNow'
import { Link, useLocation } from 'wouter'
import { formatByline } from '../panel/BylineEditor'
import { STATUSES } from '../shared/newsroom'
import { ApiFailure, createStory, importNotes, importStoryFile } from './api'
import { formatUpdated } from './format'
import { useStoryList } from './useStoryList'
import { localStories } from '../offline/localCopies'
import { useMe, useSession } from '../store/session'

/** The stories kept on this device, for a page that cannot reach the server. */
function KeptStories({ now }: { now: number }) {
  const me = useMe()
  const kept = localStories(me.id)
  return (
    <section className="kept" aria-labelledby="kept-heading">
      <h2 id="kept-heading">On this device</h2>
      {kept.length === 0 ? (
        <p className="muted">No story has been opened on this device yet, so none can be opened offline.</p>
      ) : (
        <ul className="kept__list">
          {kept.map((story) => (
            <li key={story.id}>
              <Link href={`/stories/${story.id}`}>{story.headline || 'Untitled story'}</Link>{' '}
              <span className="muted">
                · synced {formatUpdated(story.syncedAt, now)}
                {story.pending > 0 && ` · ${story.pending} ${story.pending === 1 ? 'change' : 'changes'} not yet on the server`}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** `/`: every story, with create and import. */
export function StoryListPage() {
  const list = useStoryList()
  const [, navigate] = useLocation()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string } | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const now = useNow()
  const offline = useSession((state) => state.offline)

  const run = async (action: () => Promise<void>) => {
    setBusy(true)
    setMessage(null)
    try {
      await action()
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof ApiFailure ? error.message : 'The server could not be reached.' })
    } finally {
      setBusy(false)
    }
  }

  const onCreate = () => run(async () => navigate(`/stories/${await createStory()}`))
  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (!file) return
    void run(async () => {
      const { id, warnings } = await importStoryFile(file)
      importNotes.keep(id, warnings)
      navigate(`/stories/${id}`)
    })
  }

  useEffect(() => {
    document.title = 'Stories · Deskline'
  }, [])

  return (
    <main className="page">
      <div className="page__head">
        <h1>Stories</h1>
        <div className="actions">
          <button type="button" className="primary" disabled={busy || offline} onClick={() => void onCreate()}>
            New story
          </button>
          <button type="button" disabled={busy || offline} onClick={() => fileInput.current?.click()}>
            Import…
          </button>
          <input ref={fileInput} type="file" accept=".txt,.docx,text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document" aria-label="Import story file" className="visually-hidden" onChange={onFile} />
        </div>
      </div>
      {message && (
        <p role={message.kind === 'error' ? 'alert' : 'status'} className={`notice notice--${message.kind}`}>
          {message.text}
        </p>
      )}
      {list.kind === 'loading' && <p className="muted">Loading stories…</p>}
      {list.kind === 'error' && !offline && (
        <p role="alert" className="notice notice--error">
          Could not load the stories: {list.message}
        </p>
      )}
      {list.kind === 'error' && <KeptStories now={now} />}
      {list.kind === 'ready' && list.stories.length === 0 && (
        <div className="empty">
          <p>No stories yet.</p>
          <p className="muted">Start a new story, or import one from a Word or plain-text file.</p>
        </div>
      )}
      {list.kind === 'ready' && list.stories.length > 0 && (
        <table className="stories">
          <caption className="visually-hidden">All stories, most recently updated first</caption>
          <thead>
            <tr>
              <th scope="col">Headline</th>
              <th scope="col">Section</th>
              <th scope="col">Status</th>
              <th scope="col">Byline</th>
              <th scope="col" className="num">
                Words
              </th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {list.stories.map((story) => (
              <tr key={story.id}>
                <td className="stories__headline">
                  <Link href={`/stories/${story.id}`}>{story.headline || <span className="muted">Untitled story</span>}</Link>
                  {story.slug && <span className="slug">{story.slug}</span>}
                </td>
                <td>{story.section || <span className="muted">—</span>}</td>
                <td>
                  <span className={`status status--${story.status}`}>{STATUSES[story.status]}</span>
                </td>
                <td>{formatByline(story.bylines).replace(/^By /, '') || <span className="muted">—</span>}</td>
                <td className="num">{story.words.toLocaleString('en-US')}</td>
                <td>
                  <time dateTime={new Date(story.updatedAt).toISOString()} title={new Date(story.updatedAt).toLocaleString()}>
                    {formatUpdated(story.updatedAt, now)}
                  </time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  )
}
