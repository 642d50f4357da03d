/** Story parts: runs of blocks the desk assigns to reporters (listed here, labelled in the editor). */
import { useState, type FormEvent } from 'react'
import * as Y from 'yjs'
import { addPart, removePart, updatePart } from '../api'
import type { StorySession } from '../collab/storySession'
import type { PublicUser } from '../shared/api'
import { encodeAnchor, getBody, partWordCount, type StoryDesk } from '../shared/storyDoc'
import { useEditorUi } from '../store/ui'
import { UserOptions } from './UserOptions'

interface Props {
  session: StorySession
  desk: StoryDesk
  users: PublicUser[]
  canAssign: boolean
  onError(message: string | null): void
}

export function PartsPanel({ session, desk, users, canAssign, onError }: Props) {
  const range = useEditorUi((state) => state.blockRange)
  const [assignee, setAssignee] = useState('')
  const [label, setLabel] = useState('')
  const active = users.filter((user) => user.active)
  const nameOf = (id: number | null) => (id === null ? 'Unassigned' : (users.find((user) => user.id === id)?.displayName ?? `User ${id}`))
  const run = (action: Promise<unknown>) => {
    onError(null)
    action.catch((error: unknown) => onError(error instanceof Error ? error.message : String(error)))
  }

  const assign = (event: FormEvent) => {
    event.preventDefault()
    if (!range) return
    const body = getBody(session.doc)
    // Anchored to the first and last block themselves, so edits around the part leave it whole.
    const start = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, range.from, 0))
    const end = encodeAnchor(Y.createRelativePositionFromTypeIndex(body, range.to, -1))
    run(addPart(session.id, { start, end, assignee: assignee ? Number(assignee) : null, label: label.trim() }).then(() => setLabel('')))
  }

  if (desk.parts.length === 0 && !canAssign) return null
  return (
    <section className="field parts" aria-labelledby="parts-heading">
      <h2 id="parts-heading" className="panel__heading">
        Story parts
      </h2>
      {desk.parts.length > 0 && (
        <ul className="parts__list" aria-label="Story parts">
          {desk.parts.map((part) => (
            <li key={part.id}>
              <span className="parts__label">{part.label || 'Part'}</span>
              <span className="muted">{partWordCount(session.doc, part).toLocaleString('en-US')} words</span>
              {canAssign ? (
                <span className="parts__actions">
                  <select
                    aria-label={`Assignee of ${part.label || 'part'}`}
                    value={part.assignee ?? ''}
                    onChange={(event) => run(updatePart(session.id, part.id, { assignee: event.target.value ? Number(event.target.value) : null }))}
                  >
                    <UserOptions people={active.map((person) => ({ id: person.id, name: person.displayName }))} />
                  </select>
                  <button type="button" aria-label={`Remove part ${part.label || ''}`.trim()} onClick={() => run(removePart(session.id, part.id))}>
                    ×
                  </button>
                </span>
              ) : (
                <span>{nameOf(part.assignee)}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {canAssign && (
        <form className="parts__add" onSubmit={assign}>
          <p className="muted">
            {range ? `Selected: block ${range.from + 1}${range.to - range.from > 1 ? `–${range.to}` : ''}` : 'Select the blocks in the story first.'}
          </p>
          <input aria-label="Part label" placeholder="e.g. Background" value={label} onChange={(event) => setLabel(event.target.value)} />
          <select aria-label="Part assignee" value={assignee} onChange={(event) => setAssignee(event.target.value)}>
            <UserOptions people={active.map((person) => ({ id: person.id, name: person.displayName }))} />
          </select>
          <button type="submit" disabled={!range}>
            Assign part
          </button>
        </form>
      )}
    </section>
  )
}
