/**
 * The top bar's notifications: a button with the unread count that opens the list, newest first:
 * @mentions, assignments to a story or a part, status moves of stories you lead or edit, deadlines
 * an hour away, and decisions on your suggestions, each said in a sentence
 * (src/shared/notificationText.ts). It refetches when the server says you have a new one.
 * Choosing one marks it read and opens its story at the right place: the thread of a mention, the
 * part assigned, the History tab for a status move, the Review tab for a suggestion. It loads with
 * every page, so it asks the story page for that place through the UI store (src/store/ui.ts)
 * instead of importing the review tools, which load with the story.
 */
import { Fragment, useEffect, useId, useRef, useState } from 'react'
import { Link, useLocation } from 'wouter'
import { listNotifications, markNotificationRead, openStoryEvents } from '../api'
import type { NotificationItem } from '../shared/api'
import { notificationDetail, notificationSentence, type NameOf } from '../shared/notificationText'
import { useEditorUi } from '../store/ui'
import { useUserName } from '../store/session'
import { formatUpdated } from '../ui/formatUpdated'
import { useNow } from '../ui/useNow'
import './notifications.css'

/** My notifications, refetched on each `notification` event (and after a dropped stream). */
function useNotifications(): { items: NotificationItem[]; unread: number; markRead(id: string): void } {
  const [state, setState] = useState<{ items: NotificationItem[]; unread: number }>({ items: [], unread: 0 })
  const latest = useRef(0)
  useEffect(() => {
    let closed = false
    const load = () => {
      const ticket = ++latest.current
      listNotifications().then(
        (body) => !closed && ticket === latest.current && setState({ items: body.notifications, unread: body.unread }),
        () => undefined,
      )
    }
    load()
    if (typeof EventSource === 'undefined') return
    const events = openStoryEvents()
    events.addEventListener('notification', load)
    events.addEventListener('open', load)
    return () => {
      closed = true
      events.close()
    }
  }, [])
  const markRead = (id: string) => {
    setState((current) => {
      const target = current.items.find((item) => item.id === id)
      if (!target || target.readAt !== null) return current
      return { items: current.items.map((item) => (item.id === id ? { ...item, readAt: Date.now() } : item)), unread: Math.max(0, current.unread - 1) }
    })
    void markNotificationRead(id).catch(() => undefined)
  }
  return { ...state, markRead }
}

/**
 * Ask the story page for the place a notification is about; `storyOpen` when its story is the one
 * open now (it does not open again, so the request is for now, not for its opening).
 */
function showPlaceOf(item: NotificationItem, storyOpen: boolean): void {
  const ui = useEditorUi.getState()
  switch (item.kind) {
    case 'mention':
      ui.showThread(item.threadId)
      return
    case 'status':
      ui.askPanelTab('history', storyOpen)
      return
    case 'suggestion_accepted':
    case 'suggestion_rejected':
      ui.askPanelTab('review', storyOpen)
      return
    case 'part_assigned':
      ui.askPanelTab('details', storyOpen)
      ui.showPart(item.partId)
      return
    case 'assigned':
    case 'deadline':
      // The assignment and the deadline are on the Details tab.
      ui.askPanelTab('details', storyOpen)
      return
  }
}

/** A notification's sentence, names in bold and titles in italics, and what more there is to know. */
function NotificationText({ item, nameOf }: { item: NotificationItem; nameOf: NameOf }) {
  const detail = notificationDetail(item, nameOf)
  return (
    <>
      <span className="notification__what">
        {notificationSentence(item, nameOf).map((part, index) =>
          part.as === 'person' ? <strong key={index}>{part.text}</strong> : part.as === 'title' ? <em key={index}>{part.text}</em> : <Fragment key={index}>{part.text}</Fragment>,
        )}
      </span>
      {item.kind === 'mention' && !detail ? <span className="muted">The comment was deleted.</span> : detail && <span className="notification__excerpt">{detail}</span>}
    </>
  )
}

/** The top bar's notifications button and the list it opens. */
export function Notifications() {
  const { items, unread, markRead } = useNotifications()
  const nameOf = useUserName()
  const [location] = useLocation()
  const now = useNow()
  const [open, setOpen] = useState(false)
  const listId = useId()
  const root = useRef<HTMLDivElement>(null)

  // Close on Escape or a click elsewhere.
  useEffect(() => {
    if (!open) return
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setOpen(false)
    const onPointer = (event: PointerEvent) => {
      if (root.current && event.target instanceof Node && !root.current.contains(event.target)) setOpen(false)
    }
    window.addEventListener('keydown', onKey)
    window.addEventListener('pointerdown', onPointer)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener('pointerdown', onPointer)
    }
  }, [open])

  return (
    <div className="notifications" ref={root}>
      <button type="button" className="notifications__button" aria-expanded={open} aria-controls={open ? listId : undefined} onClick={() => setOpen(!open)}>
        Notifications
        {unread > 0 && (
          <span className="notifications__count">
            <span aria-hidden="true">{unread}</span>
            <span className="visually-hidden">, {unread} unread</span>
          </span>
        )}
      </button>
      {open && (
        <div className="notifications__panel" id={listId}>
          {items.length === 0 ? (
            <p className="muted">Nothing yet. Mentions, assignments, status moves of your stories, deadlines and decisions on your suggestions show up here.</p>
          ) : (
            <ul className="notifications__list" aria-label="Your notifications">
              {items.map((item) => (
                <li key={item.id} className={item.readAt === null ? 'notification notification--unread' : 'notification'}>
                  <Link
                    href={`/stories/${item.storyId}`}
                    onClick={() => {
                      markRead(item.id)
                      // The place in focus: for the story already open (it does not open again),
                      // and for another (src/story/StoryPage.tsx and the editor take the request
                      // when it opens).
                      showPlaceOf(item, location === `/stories/${item.storyId}`)
                      setOpen(false)
                    }}
                  >
                    <NotificationText item={item} nameOf={nameOf} />
                    <time className="muted" dateTime={new Date(item.createdAt).toISOString()}>
                      {formatUpdated(item.createdAt, now)}
                    </time>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  )
}
