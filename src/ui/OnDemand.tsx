import { Component, Suspense, type ReactNode } from 'react'

interface Props {
  /** Shown while the code loads (a Loading line, or nothing). */
  fallback: ReactNode
  /** What failed to load, for the message: "this page", "the history"… */
  what: string
  children: ReactNode
}

/**
 * Code loaded on demand (`React.lazy`): its fallback while it loads, and, when it cannot load (the
 * network gone before the offline copy had it, or a page older than the server's new build), a
 * message with a way to reload instead of React unmounting the whole app.
 */
export function OnDemand({ fallback, what, children }: Props) {
  return (
    <LoadFailure what={what}>
      <Suspense fallback={fallback}>{children}</Suspense>
    </LoadFailure>
  )
}

/** React catches a render's errors only in a class component with getDerivedStateFromError. */
class LoadFailure extends Component<{ what: string; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false }

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true }
  }

  override render() {
    if (!this.state.failed) return this.props.children
    return (
      <div role="alert" className="notice notice--error">
        <p>Deskline could not load {this.props.what}. Check the connection, then reload the page.</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    )
  }
}
