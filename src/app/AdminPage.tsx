import { useEffect, useId, useState, type FormEvent } from 'react'
import type { PublicUser } from '../shared/api'
import { SECTION_MAX } from '../shared/newsroom'
import { isRole, ROLES, type Role } from '../shared/permissions'
import { useMe, useSession } from '../store/session'
import { addSection, ApiFailure, createUser, removeSection, updateUser } from '../api'
import { HouseStyleSettings } from './HouseStyleSettings'
import './admin.css'

type UserChange = Parameters<typeof updateUser>[1]
type Message = { kind: 'error' | 'info'; text: string } | null

const ROLE_IDS: Role[] = Object.keys(ROLES).filter(isRole)

/** What a person reads when a call fails: the server's own words, or that it was unreachable. */
function messageOf(error: unknown): string {
  return error instanceof ApiFailure ? error.message : 'The server could not be reached.'
}

/** A notice under a form: errors interrupt (alert), confirmations do not (status). */
function Notice({ message }: { message: Message }) {
  if (!message) return null
  return (
    <p role={message.kind === 'error' ? 'alert' : 'status'} className={`notice notice--${message.kind}`}>
      {message.text}
    </p>
  )
}

/** One account's row; shows the change it is saving until the directory catches up. */
function PersonRow({ user, isMe, save }: { user: PublicUser; isMe: boolean; save: (user: PublicUser, change: UserChange) => Promise<void> }) {
  // The controls are bound to the directory, which only changes after the server answered and
  // it was re-read; without the pending value a select would snap back while the call runs.
  const [pending, setPending] = useState<UserChange | null>(null)
  const role = pending?.role ?? user.role
  const isAdmin = pending?.isAdmin ?? user.isAdmin
  const active = pending?.active ?? user.active
  const apply = async (change: UserChange) => {
    setPending(change)
    await save(user, change)
    setPending(null)
  }
  const name = user.displayName

  return (
    <tr className={active ? undefined : 'people__row--inactive'} aria-busy={pending ? true : undefined}>
      <th scope="row" className="people__name">
        <span className="dot" style={{ backgroundColor: user.color }} aria-hidden="true" />
        {name}
        {isMe && <span className="muted"> (you)</span>}
      </th>
      <td className="people__username">{user.username}</td>
      <td>
        <select
          aria-label={`Role of ${name}`}
          value={role}
          disabled={pending !== null}
          onChange={(event) => {
            if (isRole(event.target.value)) void apply({ role: event.target.value })
          }}
        >
          {ROLE_IDS.map((id) => (
            <option key={id} value={id}>
              {ROLES[id]}
            </option>
          ))}
        </select>
      </td>
      <td className="people__center">
        <input
          type="checkbox"
          aria-label={`Administrator: ${name}`}
          checked={isAdmin}
          disabled={pending !== null}
          onChange={(event) => void apply({ isAdmin: event.target.checked })}
        />
      </td>
      <td>
        <div className="people__active">
          <span className={active ? 'people__state' : 'people__state people__state--off'}>{active ? 'Active' : 'Deactivated'}</span>
          <button type="button" aria-label={`${active ? 'Deactivate' : 'Reactivate'} ${name}`} disabled={pending !== null} onClick={() => void apply({ active: !active })}>
            {active ? 'Deactivate' : 'Reactivate'}
          </button>
        </div>
      </td>
    </tr>
  )
}

/** Every account, with role, administrator right and active state editable in place. */
function PeopleTable() {
  const users = useSession((state) => state.users)
  const me = useMe()
  const [message, setMessage] = useState<Message>(null)

  const save = async (user: PublicUser, change: UserChange) => {
    setMessage(null)
    try {
      const updated = await updateUser(user.id, change)
      // Your own row also feeds the top bar (name and role), which reads the session, not the directory.
      if (updated.id === me.id) await useSession.getState().signedIn(updated)
      else await useSession.getState().refreshDirectory()
    } catch (error) {
      setMessage({ kind: 'error', text: `Could not change ${user.displayName}: ${messageOf(error)}` })
    }
  }

  return (
    <>
      <Notice message={message} />
      <table className="admin-table people">
        <caption className="visually-hidden">Everyone with an account, by name</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col" className="people__center">
              Administrator
            </th>
            <th scope="col">Account</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <PersonRow key={user.id} user={user} isMe={user.id === me.id} save={save} />
          ))}
        </tbody>
      </table>
    </>
  )
}

const BLANK_PERSON = { displayName: '', username: '', password: '', role: 'reporter' as Role, isAdmin: false }

/** The "Add a person" form; clears itself once the account exists. */
function AddPersonForm() {
  const id = useId()
  const [form, setForm] = useState(BLANK_PERSON)
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<Message>(null)
  const set = (change: Partial<typeof BLANK_PERSON>) => setForm((current) => ({ ...current, ...change }))

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setMessage(null)
    try {
      const user = await createUser({ ...form, displayName: form.displayName.trim(), username: form.username.trim() })
      await useSession.getState().refreshDirectory()
      setForm(BLANK_PERSON)
      setMessage({ kind: 'info', text: `Added ${user.displayName}. They can sign in as “${user.username}”.` })
    } catch (error) {
      setMessage({ kind: 'error', text: messageOf(error) })
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="admin-card add-person" aria-labelledby="add-person-heading" onSubmit={(event) => void submit(event)}>
      <h3 id="add-person-heading">Add a person</h3>
      {/* Labels sit beside their controls, not around them: a wrapping label would put the
          control's current value into its accessible name ("Role Reporter"). */}
      <div className="add-person__grid">
        <div className="admin-field">
          <label htmlFor={`${id}-name`}>Display name</label>
          <input id={`${id}-name`} autoComplete="off" value={form.displayName} onChange={(event) => set({ displayName: event.target.value })} required maxLength={80} />
        </div>
        <div className="admin-field">
          <label htmlFor={`${id}-username`}>Username</label>
          {/* "off" keeps the browser from filling in the administrator's own sign-in. */}
          <input
            id={`${id}-username`}
            autoComplete="off"
            spellCheck={false}
            value={form.username}
            onChange={(event) => set({ username: event.target.value })}
            required
            maxLength={40}
          />
        </div>
        <div className="admin-field">
          <label htmlFor={`${id}-password`}>Password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            minLength={8}
            value={form.password}
            onChange={(event) => set({ password: event.target.value })}
            required
          />
        </div>
        <div className="admin-field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            value={form.role}
            onChange={(event) => {
              if (isRole(event.target.value)) set({ role: event.target.value })
            }}
          >
            {ROLE_IDS.map((role) => (
              <option key={role} value={role}>
                {ROLES[role]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <div className="add-person__foot">
        <label className="admin-check">
          <input type="checkbox" checked={form.isAdmin} onChange={(event) => set({ isAdmin: event.target.checked })} />
          Administrator
        </label>
        <span className="muted add-person__hint">Administrators manage people and sections. Passwords need at least 8 characters.</span>
        <button type="submit" className="primary" disabled={busy}>
          Add person
        </button>
      </div>
      <Notice message={message} />
    </form>
  )
}

/** The paper's sections: remove any, add new ones at the end. */
function SectionsEditor() {
  const id = useId()
  const sections = useSession((state) => state.sections)
  const [name, setName] = useState('')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<Message>(null)

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true)
    setMessage(null)
    try {
      await action()
      await useSession.getState().refreshDirectory()
      return true
    } catch (error) {
      setMessage({ kind: 'error', text: messageOf(error) })
      return false
    } finally {
      setBusy(false)
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (await run(() => addSection(name.trim()))) setName('')
  }

  return (
    <div className="admin-card sections">
      {sections.length === 0 ? (
        <p className="muted">No sections yet.</p>
      ) : (
        <ul className="sections__list" aria-label="Sections">
          {sections.map((section) => (
            <li key={section}>
              <span>{section}</span>
              <button type="button" aria-label={`Remove ${section}`} disabled={busy} onClick={() => void run(() => removeSection(section))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted sections__hint">Stories in a removed section keep its name until someone changes their section.</p>
      <form className="sections__add" onSubmit={(event) => void submit(event)}>
        <div className="admin-field">
          <label htmlFor={`${id}-section`}>New section</label>
          <input id={`${id}-section`} value={name} onChange={(event) => setName(event.target.value)} required maxLength={SECTION_MAX} />
        </div>
        <button type="submit" disabled={busy || name.trim() === ''}>
          Add section
        </button>
      </form>
      <Notice message={message} />
    </div>
  )
}

/** `/admin` (administrators): people and their roles, and the paper's sections. */
export function AdminPage() {
  const [loadError, setLoadError] = useState<string | null>(null)

  useEffect(() => {
    document.title = 'People & sections · Deskline'
    // Another administrator may have changed people or sections since this session loaded them.
    useSession
      .getState()
      .refreshDirectory()
      .catch((error: unknown) => setLoadError(messageOf(error)))
  }, [])

  return (
    <main className="page admin">
      <div className="page__head">
        <h1>People & sections</h1>
      </div>
      {loadError && (
        <p role="alert" className="notice notice--error">
          Could not load people and sections: {loadError}
        </p>
      )}
      <section aria-labelledby="people-heading" className="admin__part">
        <h2 id="people-heading">People</h2>
        <PeopleTable />
        <AddPersonForm />
      </section>
      <section aria-labelledby="sections-heading" className="admin__part">
        <h2 id="sections-heading">Sections</h2>
        <SectionsEditor />
      </section>
      <section aria-labelledby="house-style-heading" className="admin__part">
        <h2 id="house-style-heading">House style</h2>
        <HouseStyleSettings />
      </section>
    </main>
  )
}
