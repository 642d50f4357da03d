import { useState, type FormEvent } from 'react'
import { useSession } from '../store/session'
import { ApiFailure, setUp } from '../api'

/** First run on an empty newsroom: the first account, administrator and desk chief. */
export function SetupPage() {
  const signedIn = useSession((state) => state.signedIn)
  const [displayName, setDisplayName] = useState('')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await signedIn(await setUp({ displayName, username, password }))
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : 'The server could not be reached.')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="page page--narrow auth">
      <h1>Set up your newsroom</h1>
      <p className="muted">Create the first account. It runs the desk and manages people and sections.</p>
      <form className="auth__form" onSubmit={(event) => void submit(event)}>
        <label>
          <span>Your name</span>
          <input autoComplete="name" value={displayName} onChange={(event) => setDisplayName(event.target.value)} required />
        </label>
        <label>
          <span>Username</span>
          <input autoComplete="username" value={username} onChange={(event) => setUsername(event.target.value)} required />
        </label>
        <label>
          <span>Password</span>
          <input type="password" autoComplete="new-password" minLength={8} value={password} onChange={(event) => setPassword(event.target.value)} required />
        </label>
        {error && (
          <p role="alert" className="notice notice--error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Create account
        </button>
      </form>
    </main>
  )
}
