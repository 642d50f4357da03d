import { useEffect, useState, type FormEvent } from 'react'
import { useSession } from '../store/session'
import { ApiFailure } from '../api'

/** `/login`, and every page while signed out. */
export function LoginPage() {
  const signIn = useSession((state) => state.signIn)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    document.title = 'Sign in · Deskline'
  }, [])

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await signIn(username, password)
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : 'The server could not be reached.')
      setPassword('')
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="page page--narrow auth">
      <h1>Sign in to Deskline</h1>
      <form className="auth__form" onSubmit={(event) => void submit(event)}>
        <label>
          <span>Username</span>
          <input name="username" autoComplete="username" autoFocus value={username} onChange={(event) => setUsername(event.target.value)} required />
        </label>
        <label>
          <span>Password</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
        </label>
        {error && (
          <p role="alert" className="notice notice--error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  )
}
