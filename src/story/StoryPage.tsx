import { lazy, useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import type { Editor } from '@tiptap/react'
import { Link } from 'wouter'
import { useConnectionStatus, type ConnectionStatus } from '../collab/useConnectionStatus'
import { usePresence } from '../collab/usePresence'
import { useSaveState } from '../collab/useSaveState'
import { useStorySession } from '../collab/useStorySession'
import type { StorySession } from '../collab/storySession'
import type { SaveState, SaveStatus } from '../collab/savedTracker'
import { useDateline } from '../collab/useDateline'
import { useYArray } from '../collab/useYArray'
import { useYMapValue } from '../collab/useYMapValue'
import { useYText } from '../collab/useYText'
import { StoryEditor } from '../editor/StoryEditor'
import { MetaPanel } from '../panel/MetaPanel'
import { useTabShown } from '../panel/PanelTabs'
import { formatByline } from '../panel/BylineEditor'
import { formatDateline } from '../shared/dateline'
import { Close, UNSAVED_MESSAGES } from '../shared/protocol'
import { forgetLocalStory, localStory, updateLocalStory } from '../offline/localCopies'
import { getBylines, getDatelineMap, getMeta, getMetaText, MetaKey } from '../shared/storyDoc'
import type * as Y from 'yjs'
import { useMe, useSession, useUserName } from '../store/session'
import { useDesk } from '../collab/useDesk'
import { DeskFields } from '../panel/DeskFields'
import { ExportMenu } from './ExportMenu'
import { PartsPanel } from '../panel/PartsPanel'
import { CommentsPanel } from '../review/comments/CommentsPanel'
import { useCopyDeskIssueCount } from '../review/copydesk/useCopyDeskIssueCount'
import { useSuggestions } from '../review/suggest/useSuggestions'
import { useReview } from '../review/comments/reviewStore'
import { useEditorUi } from '../store/ui'
import type { DeskControls } from '../panel/MetaPanel'
import { allowedTransitions, canSetDesk, canWriteStory, isLockedStatus } from '../shared/permissions'
import { limitedParts } from '../shared/partAccess'
import { CORRECTION_NOTE_MAX_CHARS } from '../shared/limits'
import { isStatus, STATUSES, type Status } from '../shared/newsroom'
import { assignmentOf, CORRECTION_KEY, getDesk } from '../shared/storyDoc'
import { ApiFailure, moveStory, storyHistory, updateDesk } from '../api'
import type { HistoryEntry } from '../shared/api'
import { textColorOn } from '../ui/textColorOn'
import { Loading } from '../ui/Loading'
import { OnDemand } from '../ui/OnDemand'
import { useStickyHeight } from '../ui/useStickyHeight'
import { LockBanner } from './LockBanner'
import { ReopenDialog } from './ReopenDialog'
import { DetailsButton, DetailsSheet } from './DetailsSheet'

/** The History tab's code, loaded when the tab is first opened (with the rest of ./onDemand). */
const HistoryTab = lazy(() => import('./onDemand').then((module) => ({ default: module.HistoryTab })))
/** The Review tab's suggestion list and copy desk panel, loaded when the tab is first opened. */
const ReviewTools = lazy(() => import('./onDemand').then((module) => ({ default: module.ReviewTools })))

const CONNECTION_LABEL: Record<ConnectionStatus['kind'], string> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Offline · reconnecting…',
  offline: 'Offline',
  closed: 'Disconnected',
}

const SAVE_LABEL: Record<SaveState, string> = {
  saved: 'All changes saved',
  saving: 'Saving…',
  unsaved: 'Unsaved changes — will save when reconnected',
  refused: 'Not saved',
}

function changes(count: number): string {
  return `${count} ${count === 1 ? 'change' : 'changes'}`
}

/** What the status bar says about saving: only "saved" once the server has stored everything. */
function saveText(save: SaveStatus): string {
  if (save.reason !== null) return UNSAVED_MESSAGES[save.reason]
  if (save.state === 'unsaved' && save.pending > 0) return `Not saved yet — ${changes(save.pending)} kept on this device`
  return SAVE_LABEL[save.state]
}

/**
 * The save state, a component of its own: when it changes (saving as typing starts, saved once it
 * pauses: `useSaveState`), only this label renders again, not the whole status bar (issue 12).
 */
function SaveStateLabel({ session }: { session: StorySession }) {
  const saveState = useSaveState(session.saved, (status) => status.state)
  const savedText = useSaveState(session.saved, saveText)
  return (
    <span className={`saved saved--${saveState}`} role="status" aria-label="Save state">
      {savedText}
    </span>
  )
}

/** A status move that waits for a note (see OpenStory's `pending`). */
interface PendingMove {
  kind: 'override' | 'correction'
  to: Status
  note: string
}

function StatusBar({ session }: { session: StorySession }) {
  const connection = useConnectionStatus(session.provider)
  const people = usePresence(session.provider.awareness)
  // Sticky under the top bar: who is here, the connection and the save state stay in view while
  // scrolling a long story (issue 15); the toolbar and the side panel stick below it.
  const bar = useRef<HTMLDivElement>(null)
  useStickyHeight(bar, '--statusbar-h')
  return (
    <div className="statusbar" ref={bar}>
      <ul className="presence" aria-label="In this story now">
        {people.map((person) => (
          <li key={person.clientId} title={person.self ? `${person.name} (you)` : person.name}>
            <span className="avatar" style={{ backgroundColor: person.color, color: textColorOn(person.color) }} aria-hidden="true">
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
      <SaveStateLabel session={session} />
      <ExportMenu storyId={session.id} />
      {/* Phones only: the side panel is a sheet there, opened from here (issue 15). */}
      <DetailsButton />
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

function Closed({ status, session }: { status: Extract<ConnectionStatus, { kind: 'closed' }>; session: StorySession }) {
  const me = useMe()
  const pending = session.saved.getStatus().pending
  const gone = status.code === Close.storyNotFound.code || status.code === Close.storyGone.code
  // A story that is no more is not kept here either.
  useEffect(() => {
    if (gone) void forgetLocalStory(me.id, session.id)
  }, [gone, me.id, session.id])
  if (status.code === Close.forbidden.code) {
    // The server refused an edit whole: the copy here holds it, and sending it again would fail again.
    return (
      <main className="page page--narrow">
        <h1>A change was refused</h1>
        <p role="alert" className="notice notice--error">
          Not saved — the server refused a change to this story: {status.reason}.{' '}
          {pending > 0 ? `${changes(pending)} on this device did not reach the server.` : ''}
        </p>
        <p>
          <button
            type="button"
            className="primary"
            onClick={() => void forgetLocalStory(me.id, session.id).then(() => window.location.reload())}
          >
            Discard the refused changes and reopen
          </button>{' '}
          <Link href="/">Back to the stories</Link>
        </p>
      </main>
    )
  }
  return (
    <main className="page page--narrow">
      <h1>{gone ? 'Story not found' : 'This story cannot be opened'}</h1>
      <p>{gone ? 'It may have been deleted, or the link is wrong.' : status.reason}</p>
      <p>
        <Link href="/">Back to the stories</Link>
      </p>
    </main>
  )
}

/**
 * The Review tab's suggestion list and copy desk panel, from the tab's first showing on: their code
 * loads then (the tab's badge counts come from the editor meanwhile).
 */
function ReviewToolsWhenShown({ editor }: { editor: Editor | null }) {
  const shown = useTabShown()
  if (!shown || !editor) return null
  return (
    <OnDemand fallback={<Loading>Loading the review tools…</Loading>} what="the review tools">
      <ReviewTools editor={editor} />
    </OnDemand>
  )
}

/** The story's status history, refetched whenever the status changes (by anyone). */
function useHistory(id: string, status: string | undefined): [HistoryEntry[], (history: HistoryEntry[]) => void] {
  const [history, setHistory] = useState<{ status: string | undefined; entries: HistoryEntry[] }>({ status: undefined, entries: [] })
  useEffect(() => {
    let cancelled = false
    storyHistory(id).then(
      (entries) => !cancelled && setHistory({ status, entries }),
      () => undefined,
    )
    return () => {
      cancelled = true
    }
  }, [id, status])
  return [history.entries, (entries) => setHistory((current) => ({ ...current, entries }))]
}

function OpenStory({ session }: { session: StorySession }) {
  const me = useMe()
  const users = useSession((state) => state.users)
  const sections = useSession((state) => state.sections)
  const nameOf = useUserName()
  const user = useMemo(() => ({ name: me.displayName, color: me.color }), [me.displayName, me.color])
  const connection = useConnectionStatus(session.provider)
  const meta = getMeta(session.doc)
  // The headline's Y.Text arrives with the first sync: re-read it when the key changes.
  useYMapValue(meta, MetaKey.headline)
  const [headline] = useYText(getMetaText(session.doc, 'headline'))
  const [status] = useYMapValue<string>(meta, MetaKey.status)
  const desk = useDesk(session.doc)
  const assignment = assignmentOf(desk)
  // Published and spiked copy is locked for everyone (issue 15): the server refuses it too.
  const locked = isLockedStatus(status)
  const canEdit = canWriteStory(me, assignment, status)
  const [history, setHistory] = useHistory(session.id, status)
  /** The note the story was reopened for a correction with, until it is republished. */
  const [correction] = useYMapValue<string>(getDesk(session.doc), CORRECTION_KEY)
  /** The desk is writing the note to reopen the published story with. */
  const [reopening, setReopening] = useState(false)
  const openComments = useReview((review) => review.highlights.length)
  /** The story's editor, once it exists: the Review tab lists its suggestions. */
  const [editor, setEditor] = useState<Editor | null>(null)
  const openSuggestions = useSuggestions(editor).length
  const copyDeskIssues = useCopyDeskIssueCount(editor)
  const [problem, setProblem] = useState<string | null>(null)
  /**
   * A move waiting for a note: one the review gate stopped, which a desk chief may override with a
   * reason, or a republication and the correction note that goes out with it.
   */
  const [pending, setPending] = useState<PendingMove | null>(null)

  const report = (action: Promise<unknown>) => {
    setProblem(null)
    action.catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)))
  }

  const current: Status = isStatus(status) ? status : 'draft'
  const deskControls: DeskControls = {
    sections,
    canSetDesk: canSetDesk(me),
    statusOptions: allowedTransitions(me, assignment, current, Object.keys(STATUSES) as Status[]),
    setSection: (section) => report(updateDesk(session.id, { section })),
    setPlannedWords: (plannedWords) => report(updateDesk(session.id, { plannedWords })),
    moveStatus: (to) => {
      setProblem(null)
      setPending(null)
      // Out of Published and back into the workflow only for a correction, with its note.
      if (current === 'published' && to === 'in_edit') {
        setReopening(true)
        return
      }
      // Published before: this is a correction, and outlets are told what changed (the note the
      // story was reopened with, which the desk may rewrite).
      if (to === 'published' && history.some((entry) => entry.to === 'published')) {
        setPending({ kind: 'correction', to, note: typeof correction === 'string' ? correction : '' })
        return
      }
      moveStory(session.id, to)
        .then(setHistory)
        .catch((error: unknown) => {
          setProblem(error instanceof Error ? error.message : String(error))
          if (error instanceof ApiFailure && error.status === 409 && canSetDesk(me)) setPending({ kind: 'override', to, note: '' })
        })
    },
  }
  const reopen = (note: string) => moveStory(session.id, 'in_edit', undefined, note).then(setHistory)
  const restore = () => report(moveStory(session.id, 'draft').then(setHistory))
  const publishedAt = history.findLast((entry) => entry.to === 'published')?.at ?? null
  const submitPending = (event: FormEvent) => {
    event.preventDefault()
    const note = pending?.note.trim()
    if (!pending || !note) return
    const move = pending.kind === 'override' ? moveStory(session.id, pending.to, note) : moveStory(session.id, pending.to, undefined, note)
    report(
      move.then((entries) => {
        setHistory(entries)
        setPending(null)
      }),
    )
  }

  useEffect(() => {
    session.provider.awareness.setLocalStateField('user', user)
  }, [session, user])
  useEffect(() => {
    document.title = `${headline || 'Untitled story'} · Deskline`
    // The offline story list shows the headline the copy here has.
    if (localStory(me.id, session.id)) updateLocalStory(me.id, session.id, { headline })
  }, [headline, me.id, session.id])
  // A story opens on the side panel tab this browser remembers, or on Review when it arrives with
  // a thread to show. The top bar's notifications load without the review tools, so they ask for
  // the thread through the UI store: taken here when the story opens, and while it is open.
  useEffect(() => {
    const showAskedThread = () => {
      const threadId = useEditorUi.getState().takeThreadToShow()
      if (threadId !== null) useReview.getState().openThread(threadId)
    }
    showAskedThread()
    if (useReview.getState().activeThreadId !== null) useEditorUi.getState().showPanelTab('review')
    else useEditorUi.getState().restorePanelTab()
    return useEditorUi.subscribe((state) => {
      if (state.threadToShow !== null) showAskedThread()
    })
  }, [])

  if (connection.kind === 'closed') return <Closed status={connection} session={session} />
  return (
    <main className="story">
      <StatusBar session={session} />
      {locked && (
        <LockBanner
          status={status === 'published' ? 'published' : 'spiked'}
          publishedAt={publishedAt}
          canUnlock={canSetDesk(me)}
          onReopen={() => setReopening(true)}
          onRestore={restore}
        />
      )}
      {!locked && !canEdit && (
        <p className="notice notice--info readonly" role="note">
          You can read this story and see who is in it; only its assigned reporters, editors and the desk can change it.
        </p>
      )}
      {!locked && correction && (
        <p className="notice notice--info correction-pending" role="note" aria-label="Correction">
          Reopened for a correction: “{correction}” — it goes out with the story when it is republished.
        </p>
      )}
      {reopening && canSetDesk(me) && <ReopenDialog onReopen={reopen} onClose={() => setReopening(false)} />}
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {pending && (
        <form className="notice notice--info override" onSubmit={submitPending}>
          <label>
            <span>{pending.kind === 'override' ? `Reason for moving to ${STATUSES[pending.to]} anyway` : 'Correction note (goes out with the republished story)'}</span>
            <input
              aria-label={pending.kind === 'override' ? 'Override reason' : 'Correction note'}
              value={pending.note}
              onChange={(event) => setPending({ ...pending, note: event.target.value })}
              maxLength={pending.kind === 'override' ? 500 : CORRECTION_NOTE_MAX_CHARS}
              autoFocus
            />
          </label>
          <button type="submit" className="primary" disabled={!pending.note.trim()}>
            {pending.kind === 'override' ? `Move to ${STATUSES[pending.to]} anyway` : 'Republish with correction'}
          </button>
          <button type="button" onClick={() => setPending(null)}>
            Cancel
          </button>
        </form>
      )}
      <div className="story__columns">
        <article className="story__main" aria-label="Story">
          <h1 className="story__headline">{headline || <span className="muted">Untitled story</span>}</h1>
          <StoryCredits doc={session.doc} />
          <StoryEditor
            session={session}
            user={user}
            userId={me.id}
            editable={canEdit}
            onEditor={setEditor}
            // Editors review in suggest mode on stories they are not writing themselves.
            suggestByDefault={me.role === 'editor' && desk.lead !== me.id && !desk.contributors.includes(me.id)}
          />
        </article>
        <DetailsSheet>
          <MetaPanel
            doc={session.doc}
            // A reporter given only parts of the story writes those parts, not its metadata (issue 15).
            disabled={!canEdit || limitedParts(me, desk) !== null}
            desk={deskControls}
            review={
              <>
                <ReviewToolsWhenShown editor={editor} />
                {/* From the start: it highlights the threads in the text and owns Ctrl+Alt+M. */}
                <CommentsPanel session={session} canComment />
              </>
            }
            openComments={openComments}
            openSuggestions={openSuggestions}
            copyDeskIssues={copyDeskIssues}
            history={
              <>
                <OnDemand fallback={<Loading>Loading the history…</Loading>} what="the history">
                  <HistoryTab session={session} status={status} canRetry={canSetDesk(me)} history={history} nameOf={nameOf} />
                </OnDemand>
              </>
            }
          >
            <DeskFields desk={desk} users={users} canAssign={canSetDesk(me)} actions={{ assign: (change) => updateDesk(session.id, change) }} />
            <PartsPanel session={session} desk={desk} users={users} canAssign={canSetDesk(me)} onError={setProblem} />
          </MetaPanel>
        </DetailsSheet>
      </div>
    </main>
  )
}

/**
 * Whether the story can be shown yet: one with a complete copy on this device as soon as the copy
 * is loaded (offline too), any other once the server has sent it. Until then an empty editor would
 * claim a story with nothing in it.
 */
function useReady(session: StorySession | null): boolean {
  const [readyFor, setReadyFor] = useState<StorySession | null>(null)
  useEffect(() => {
    if (!session) return
    let cancelled = false
    const onSync = (synced: boolean) => synced && !cancelled && setReadyFor(session)
    if (session.keptHere) void session.localLoaded.then(() => !cancelled && setReadyFor(session))
    else session.provider.on('sync', onSync)
    return () => {
      cancelled = true
      session.provider.off('sync', onSync)
    }
  }, [session])
  return session !== null && readyFor === session
}

/** The story page before the story is here (from this device's copy or the server). */
function OpeningStory() {
  return (
    <main className="story" aria-busy="true">
      <Loading>Opening the story…</Loading>
    </main>
  )
}

/** A story this device has no copy of, while the server cannot be reached. */
function Waiting({ session }: { session: StorySession }) {
  const connection = useConnectionStatus(session.provider)
  if (connection.kind === 'closed') return <Closed status={connection} session={session} />
  if (connection.kind === 'connecting' || connection.kind === 'connected') return <OpeningStory />
  return (
    <main className="page page--narrow">
      <h1>Not available offline</h1>
      <p role="status" className="notice notice--info">
        This story has not been opened on this device before, so there is no copy of it here. It opens as soon as the
        connection is back.
      </p>
      <p>
        <Link href="/">Back to the stories</Link>
      </p>
    </main>
  )
}

/** `/stories/<id>`: the editor, the side panel, presence and connection state. */
export function StoryPage({ id }: { id: string }) {
  const me = useMe()
  const session = useStorySession(id, { id: me.id, name: me.displayName, color: me.color })
  const ready = useReady(session)
  if (!session) return <OpeningStory />
  if (!ready) return <Waiting session={session} />
  return <OpenStory key={session.id} session={session} />
}
