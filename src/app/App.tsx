import { lazy, Suspense, useEffect } from 'react'
import { Link, Redirect, Route, Switch, useLocation } from 'wouter'
import { useSession } from '../store/session'
import { pendingEverywhere } from '../offline/localCopies'
import type { PublicUser } from '../shared/api'
import { ROLES } from '../shared/permissions'
import { STORY_BODY_ID } from '../editor/storyBodyId'
import { AdminPage } from './AdminPage'
import { BudgetPage } from './BudgetPage'
import { LoginPage } from './LoginPage'
import { Notifications } from './Notifications'
import { SetupPage } from './SetupPage'
import { SkipLink } from './SkipLink'
import { StoryListPage } from './StoryListPage'

/**
 * The story page (the editor, TipTap, Yjs, the review tools) is its own chunk, loaded only when a
 * story is opened: the story list, the budget and sign-in stay small. The service worker
 * precaches every chunk, so a story still opens offline.
 */
const StoryPage = lazy(() => import('../story/StoryPage').then((module) => ({ default: module.StoryPage })))

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
  return (
    <header className="topbar">
      <Link href="/" className="brand" aria-label="Deskline: all stories">
        Deskline
      </Link>
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
          <button type="button" onClick={() => confirmSignOut(user, signOut)}>
            Sign out
          </button>
        </div>
      )}
    </header>
  )
}

function SignedIn({ user }: { user: PublicUser }) {
  return (
    <Suspense fallback={<main className="page" aria-busy="true" />}>
      <Switch>
        <Route path="/login">
          <Redirect to="/" />
        </Route>
        <Route path="/setup">
          <Redirect to="/" />
        </Route>
        <Route path="/" component={StoryListPage} />
        <Route path="/budget" component={BudgetPage} />
        <Route path="/admin">{user.isAdmin ? <AdminPage /> : <Redirect to="/" />}</Route>
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
    </Suspense>
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
      {session.kind === 'loading' && <main className="page" aria-busy="true" />}
      {session.kind === 'error' && (
        <main className="page page--narrow">
          <p role="alert" className="notice notice--error">
            Deskline could not reach its server: {session.message}
          </p>
        </main>
      )}
      {session.kind === 'setup' && <SetupPage />}
      {session.kind === 'signed-out' && <LoginPage />}
      {session.kind === 'signed-in' && <SignedIn user={session.user} />}
    </div>
  )
}
