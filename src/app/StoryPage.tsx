import { useEffect, useMemo } from 'react'
import { Link } from 'wouter'
import { useConnectionStatus, type ConnectionStatus } from '../collab/useConnectionStatus'
import { usePresence } from '../collab/usePresence'
import { useSaveState } from '../collab/useSaveState'
import { useStorySession } from '../collab/useStorySession'
import type { StorySession } from '../collab/storySession'
import { useDateline } from '../collab/useDateline'
import { useYArray } from '../collab/useYArray'
import { useYMapValue } from '../collab/useYMapValue'
import { useYText } from '../collab/useYText'
import { StoryEditor } from '../editor/StoryEditor'
import { MetaPanel } from '../panel/MetaPanel'
import { formatByline } from '../panel/BylineEditor'
import { formatDateline } from '../shared/dateline'
import { getBylines, getDatelineMap, getMeta, getMetaText, MetaKey } from '../shared/storyDoc'
import type * as Y from 'yjs'
import { useProfile } from '../store/profile'

const CONNECTION_LABEL: Record<ConnectionStatus['kind'], string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  closed: 'Disconnected',
}

function StatusBar({ session }: { session: StorySession }) {
  const connection = useConnectionStatus(session.provider)
  const save = useSaveState(session.saved)
  const people = usePresence(session.provider.awareness)
  const saveText = save === 'saved' ? 'All changes saved' : save === 'saving' ? 'Saving…' : 'Unsaved changes — will save when reconnected'
  return (
    <div className="statusbar">
      <ul className="presence" aria-label="In this story now">
        {people.map((person) => (
          <li key={person.clientId} title={person.self ? `${person.name} (you)` : person.name}>
            <span className="avatar" style={{ backgroundColor: person.color }} aria-hidden="true">
              {person.name.slice(0, 1).toUpperCase()}
            </span>
            <span className="presence__name">
              {person.name}
              {person.self ? ' (you)' : ''}
            </span>
          </li>
        ))}
      </ul>
      <span className={`connection connection--${connection.kind}`} role="status" aria-label="Connection">
        <span className="dot" aria-hidden="true" />
        {CONNECTION_LABEL[connection.kind]}
      </span>
      <span className={`saved saved--${save}`} role="status" aria-label="Save state">
        {saveText}
      </span>
    </div>
  )
}

/** Byline and dateline as they will print above the body. */
function StoryCredits({ doc }: { doc: Y.Doc }) {
  const meta = getMeta(doc)
  useYMapValue(meta, MetaKey.bylines)
  useYMapValue(meta, MetaKey.dateline)
  const byline = formatByline(useYArray(getBylines(doc)))
  const dateline = formatDateline(useDateline(getDatelineMap(doc)))
  if (!byline && !dateline) return null
  return (
    <p className="story__credits">
      {byline && <span className="story__byline">{byline}</span>}
      {dateline && <span className="story__dateline">{dateline}</span>}
    </p>
  )
}

function Closed({ status }: { status: Extract<ConnectionStatus, { kind: 'closed' }> }) {
  return (
    <main className="page page--narrow">
      <h1>{status.code === 4404 ? 'Story not found' : 'This story cannot be opened'}</h1>
      <p>{status.code === 4404 ? 'It may have been deleted, or the link is wrong.' : status.reason}</p>
      <p>
        <Link href="/">Back to the stories</Link>
      </p>
    </main>
  )
}

function OpenStory({ session }: { session: StorySession }) {
  const name = useProfile((state) => state.name)
  const color = useProfile((state) => state.color)
  const user = useMemo(() => ({ name, color }), [name, color])
  const connection = useConnectionStatus(session.provider)
  // The headline's Y.Text arrives with the first sync: re-read it when the key changes.
  useYMapValue(getMeta(session.doc), MetaKey.headline)
  const [headline] = useYText(getMetaText(session.doc, 'headline'))

  useEffect(() => {
    session.provider.awareness.setLocalStateField('user', user)
  }, [session, user])
  useEffect(() => {
    document.title = `${headline || 'Untitled story'} · Deskline`
  }, [headline])

  if (connection.kind === 'closed') return <Closed status={connection} />
  return (
    <main className="story">
      <StatusBar session={session} />
      <div className="story__columns">
        <article className="story__main" aria-label="Story">
          <h1 className="story__headline">{headline || <span className="muted">Untitled story</span>}</h1>
          <StoryCredits doc={session.doc} />
          <StoryEditor session={session} user={user} editable />
        </article>
        <MetaPanel doc={session.doc} />
      </div>
    </main>
  )
}

/** `/stories/<id>`: the editor, the side panel, presence and connection state. */
export function StoryPage({ id }: { id: string }) {
  const name = useProfile((state) => state.name)
  const color = useProfile((state) => state.color)
  const session = useStorySession(id, { name, color })
  if (!session) return <main className="story" aria-busy="true" />
  return <OpenStory key={session.id} session={session} />
}
