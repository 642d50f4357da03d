import { lazy, useEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { Link, Redirect, Route, Switch, useLocation } from 'wouter'
import { useSession } from '../store/session'
import { pendingEverywhere } from '../offline/localCopies'
import type { PublicUser } from '../shared/api'
import { ROLES } from '../shared/permissions'
import { STORY_BODY_ID } from '../editor/storyBodyId'
import { Loading } from '../ui/Loading'
import { useStickyHeight } from '../ui/useStickyHeight'
import { LoginPage } from './LoginPage'
import { Notifications } from './Notifications'
import { SkipLink } from './SkipLink'
import { OnDemand } from '../ui/OnDemand'

/**
 * The story page (the editor, TipTap, Yjs, the review tools) is its own chunk, loaded only when a
 * story is opened: the story list, the budget and sign-in stay small. The service worker
 * precaches every chunk, so a story still opens offline.
 */
const StoryPage = lazy(() => import('../story/StoryPage').then((module) => ({ default: module.StoryPage })))

/**
 * Every other page is its own chunk too: a story opened from a link loads no story list, budget or
 * administration, and the first run's setup page is loaded once in the newsroom's life.
 */
const StoryListPage = lazy(() => import('./StoryListPage').then((module) => ({ default: module.StoryListPage })))
const BudgetPage = lazy(() => import('./BudgetPage').then((module) => ({ default: module.BudgetPage })))
const AdminPage = lazy(() => import('./AdminPage').then((module) => ({ default: module.AdminPage })))
const SetupPage = lazy(() => import('./SetupPage').then((module) => ({ default: module.SetupPage })))

/** What a page shows while its script or its first data arrives. */
function PageLoading() {
  return (
    <main className="page" aria-busy="true">
      <Loading>Loading…</Loading>
    </main>
  )
}

/**
 * Sign out, after a warning when edits kept on this device have not reached the server: signing
 * out deletes every local copy (a shared computer keeps nothing of the person who left).
 */
function confirmSignOut(user: PublicUser, signOut: () => Promise<void>): void {
  const pending = pendingEverywhere(user.id)
  const warning =
    pending > 0
      ? `${pending} ${pending === 1 ? 'change' : 'changes'} on this device ${pending === 1 ? 'has' : 'have'} not reached the server yet. Signing out deletes ${pending === 1 ? 'it' : 'them'}. Sign out anyway?`
      : null
  if (warning && !window.confirm(warning)) return
  void signOut()
}

/** Said on every page while the app runs without its server. */
function OfflineBanner() {
  const offline = useSession((state) => state.offline)
  if (!offline) return null
  return (
    <p className="notice notice--info offline-banner" role="status">
      You are offline. Stories opened on this device can still be read and edited; changes are kept here and sent when the
      connection is back.
    </p>
  )
}

function TopBar({ user }: { user: PublicUser | null }) {
  const signOut = useSession((state) => state.signOut)
  const [location] = useLocation()
  const current = (href: string) => (location === href ? 'page' : undefined)
  const bar = useRef<HTMLElement>(null)
  useStickyHeight(bar, '--topbar-h')
  const menuButton = useRef<HTMLButtonElement>(null)
  const menu = useTopBarMenu(bar, menuButton, location)
  return (
    <header className="topbar" ref={bar} onKeyDown={menu.onKeyDown}>
      <Link href="/" className="brand" aria-label="Deskline: all stories">
        Deskline
      </Link>
      {user && (
        // Phones only (app.css): the links and the profile fold into this button's panel.
        <button ref={menuButton} type="button" className="topbar__menu-button" aria-expanded={menu.open} aria-controls={MENU_ID} onClick={menu.toggle}>
          Menu
        </button>
      )}
      <div id={MENU_ID} className={menu.open ? 'topbar__menu topbar__menu--open' : 'topbar__menu'}>
        <nav aria-label="Main">
          {user && (
            <>
              <Link href="/" aria-current={current('/')}>
                Stories
              </Link>
              <Link href="/budget" aria-current={current('/budget')}>
                Budget
              </Link>
              {user.isAdmin && (
                <Link href="/admin" aria-current={current('/admin')}>
                  People & sections
                </Link>
              )}
            </>
          )}
        </nav>
        {user && (
          <div className="profile">
            <Notifications />
            <span className="dot" style={{ backgroundColor: user.color }} aria-hidden="true" />
            <span className="profile__name">
              {user.displayName} <span className="muted">· {ROLES[user.role]}</span>
            </span>
            <button
              type="button"
              onClick={() => {
                menu.close()
                confirmSignOut(user, signOut)
              }}
            >
              Sign out
            </button>
          </div>
        )}
      </div>
    </header>
  )
}

/** The top bar's menu panel (shown as one only on phones). */
const MENU_ID = 'topbar-menu'

/**
 * The phone's top bar menu, a disclosure: the button toggles it, Escape closes it and gives the
 * keyboard back to the button, and going to another page or clicking outside the bar closes it.
 * On wider screens the button is hidden and the panel is laid out as the bar (app.css).
 */
function useTopBarMenu(bar: RefObject<HTMLElement | null>, button: RefObject<HTMLButtonElement | null>, location: string) {
  const [open, setOpen] = useState(false)
  const [openedAt, setOpenedAt] = useState(location)
  if (open && openedAt !== location) setOpen(false)
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && !bar.current?.contains(event.target)) setOpen(false)
    }
    window.addEventListener('pointerdown', onPointer)
    return () => window.removeEventListener('pointerdown', onPointer)
  }, [open, bar])
  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (!open || event.key !== 'Escape') return
    // A list opened inside the menu (the notifications) closes first, on its own.
    if (bar.current?.querySelector(`#${MENU_ID} [aria-expanded="true"]`)) return
    setOpen(false)
    button.current?.focus()
  }
  const toggle = () => {
    setOpenedAt(location)
    setOpen(!open)
  }
  return { open, toggle, onKeyDown, close: () => setOpen(false) }
}

function SignedIn({ user }: { user: PublicUser }) {
  return (
    <OnDemand fallback={<PageLoading />} what="this page">
      <Switch>
        <Route path="/login">
          <Redirect to="/" />
        </Route>
        <Route path="/setup">
          <Redirect to="/" />
        </Route>
        <Route path="/" component={StoryListPage} />
        <Route path="/budget" component={BudgetPage} />
        <Route path="/admin">{user.isAdmin ? <AdminPage /> : <AdminOnly />}</Route>
        <Route path="/stories/:id">{(params) => <StoryPage id={params.id} />}</Route>
        <Route>
          <main className="page page--narrow">
            <h1>Page not found</h1>
            <p>
              <Link href="/">Back to the stories</Link>
            </p>
          </main>
        </Route>
      </Switch>
    </OnDemand>
  )
}

/** `/admin` for someone who is not an administrator: said, not a silent redirect (issue 15). */
function AdminOnly() {
  return (
    <main className="page page--narrow">
      <h1>People & sections</h1>
      <p role="alert" className="notice notice--error">
        Only administrators manage people and sections. Ask an administrator of your newsroom to make this change.
      </p>
      <p>
        <Link href="/">Back to the stories</Link>
      </p>
    </main>
  )
}

/** Routes and the page frame; signed-out visitors see the sign-in page wherever they go. */
export function App() {
  const session = useSession((state) => state.session)
  const load = useSession((state) => state.load)
  useEffect(() => {
    void load()
  }, [load])

  return (
    <div className="app">
      {/* First on the story page, before the top bar's links: straight to the text (issue 15). */}
      {session.kind === 'signed-in' && (
        <Route path="/stories/:id">
          <SkipLink target={STORY_BODY_ID}>Skip to story</SkipLink>
        </Route>
      )}
      <TopBar user={session.kind === 'signed-in' ? session.user : null} />
      <OfflineBanner />
      {session.kind === 'loading' && <PageLoading />}
      {session.kind === 'error' && (
        <main className="page page--narrow">
          <p role="alert" className="notice notice--error">
            Deskline could not reach its server: {session.message}
          </p>
        </main>
      )}
      {session.kind === 'setup' && (
        <OnDemand fallback={<PageLoading />} what="this page">
          <SetupPage />
        </OnDemand>
      )}
      {session.kind === 'signed-out' && <LoginPage />}
      {session.kind === 'signed-in' && <SignedIn user={session.user} />}
    </div>
  )
}
