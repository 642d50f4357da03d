/** The desk's assignment of a story: lead, contributors, editor, deadline (desk chiefs edit). */
import { useState } from 'react'
import { fromLocalInput, toLocalInput } from '../ui/localDateTime'
import { useNow } from '../ui/useNow'
import type { PublicUser } from '../shared/api'
import type { StoryDesk } from '../shared/storyDoc'
import { UserOptions } from './UserOptions'

export interface DeskActions {
  assign(change: Partial<{ lead: number | null; contributors: number[]; editor: number | null; deadline: number | null }>): Promise<void>
}

interface Props {
  desk: StoryDesk
  users: PublicUser[]
  canAssign: boolean
  actions: DeskActions
}

export function DeskFields({ desk, users, canAssign, actions }: Props) {
  const [error, setError] = useState<string | null>(null)
  const now = useNow()
  const active = users.filter((user) => user.active)
  const reporters = active.filter((user) => user.role === 'reporter')
  const editors = active.filter((user) => user.role !== 'reporter')
  const name = (id: number | null) => users.find((user) => user.id === id)?.displayName ?? ''
  const run = (change: Parameters<DeskActions['assign']>[0]) => {
    setError(null)
    actions.assign(change).catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
  }
  const overdue = desk.deadline !== null && desk.deadline < now

  if (!canAssign) {
    return (
      <fieldset className="field desk">
        <legend>Assignment</legend>
        <dl className="desk__list">
          <dt>Lead</dt>
          <dd>{name(desk.lead) || <span className="muted">Unassigned</span>}</dd>
          <dt>Contributors</dt>
          <dd>{desk.contributors.map(name).join(', ') || <span className="muted">None</span>}</dd>
          <dt>Editor</dt>
          <dd>{name(desk.editor) || <span className="muted">Unassigned</span>}</dd>
          <dt>Deadline</dt>
          <dd className={overdue ? 'overdue' : undefined}>
            {desk.deadline ? new Date(desk.deadline).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' }) : <span className="muted">None</span>}
            {overdue ? ' · Overdue' : ''}
          </dd>
        </dl>
      </fieldset>
    )
  }

  return (
    <fieldset className="field desk">
      <legend>Assignment</legend>
      <label className="desk__row">
        <span>Lead reporter</span>
        <select aria-label="Lead reporter" value={desk.lead ?? ''} onChange={(event) => run({ lead: event.target.value ? Number(event.target.value) : null })}>
          <UserOptions people={active.map((person) => ({ id: person.id, name: person.displayName }))} />
        </select>
      </label>
      <div className="desk__row">
        <span id="contributors-label">Contributors</span>
        <ul className="desk__contributors" aria-labelledby="contributors-label">
          {reporters.map((user) => (
            <li key={user.id}>
              <label>
                <input
                  type="checkbox"
                  aria-label={`Contributor: ${user.displayName}`}
                  checked={desk.contributors.includes(user.id)}
                  onChange={(event) =>
                    run({
                      contributors: event.target.checked ? [...desk.contributors, user.id] : desk.contributors.filter((id) => id !== user.id),
                    })
                  }
                />
                {user.displayName}
              </label>
            </li>
          ))}
        </ul>
      </div>
      <label className="desk__row">
        <span>Editor</span>
        <select aria-label="Assigned editor" value={desk.editor ?? ''} onChange={(event) => run({ editor: event.target.value ? Number(event.target.value) : null })}>
          <UserOptions people={editors.map((person) => ({ id: person.id, name: person.displayName }))} />
        </select>
      </label>
      <label className="desk__row">
        <span>Deadline</span>
        <input
          aria-label="Deadline"
          type="datetime-local"
          value={toLocalInput(desk.deadline)}
          className={overdue ? 'overdue' : undefined}
          onChange={(event) => run({ deadline: fromLocalInput(event.target.value) })}
        />
      </label>
      {error && (
        <p role="alert" className="notice notice--error">
          {error}
        </p>
      )}
    </fieldset>
  )
}
