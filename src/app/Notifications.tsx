/**
 * The top bar's notifications: a button with the unread count that opens the list of comments
 * that @mention you, newest first. It refetches when the server says you have a new one.
 * Choosing one opens the story with its thread in focus and marks it read. It loads with every
 * page, so it asks the story page for the thread through the UI store (src/store/ui.ts) instead
 * of importing the review tools, which load with the story.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { Link } from 'wouter'
import { listNotifications, markNotificationRead, openStoryEvents } from '../api'
import type { NotificationItem } from '../shared/api'
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

/** The top bar's notifications button and the list it opens. */
export function Notifications() {
  const { items, unread, markRead } = useNotifications()
  const nameOf = useUserName()
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
            <p className="muted">Nothing yet. When someone @mentions you in a comment, it shows up here.</p>
          ) : (
            <ul className="notifications__list" aria-label="Your notifications">
              {items.map((item) => (
                <li key={item.id} className={item.readAt === null ? 'notification notification--unread' : 'notification'}>
                  <Link
                    href={`/stories/${item.storyId}`}
                    onClick={() => {
                      markRead(item.id)
                      // The thread in focus and the side panel on Review: for the story already
                      // open (it does not open again), and for another (src/story/StoryPage.tsx
                      // takes the request when it opens).
                      useEditorUi.getState().showThread(item.threadId)
                      setOpen(false)
                    }}
                  >
                    <span className="notification__what">
                      <strong>{nameOf(item.byUserId)}</strong> mentioned you in <em>{item.headline || 'Untitled story'}</em>
                    </span>
                    {item.excerpt ? <span className="notification__excerpt">{item.excerpt}</span> : <span className="muted">The comment was deleted.</span>}
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
