import { Link, Route, Switch } from 'wouter'
import { ProfileMenu } from './ProfileMenu'
import { StoryListPage } from './StoryListPage'
import { StoryPage } from './StoryPage'

/** Routes and the page frame. */
export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Deskline: all stories">
          Deskline
        </Link>
        <nav aria-label="Main">
          <Link href="/">Stories</Link>
        </nav>
        <ProfileMenu />
      </header>
      <Switch>
        <Route path="/" component={StoryListPage} />
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
    </div>
  )
}
