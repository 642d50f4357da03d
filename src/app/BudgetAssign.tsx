/** The desk's assignment editor on the budget: one story's lead, contributors, editor, deadline, length and section. */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'
import type { PublicUser, StorySummary } from '../shared/api'
import type { DeskChange } from '../api'
import { UserOptions } from '../panel/UserOptions'
import { fromLocalInput, toLocalInput } from '../ui/localDateTime'
import { PLANNED_WORDS_MAX, PLANNED_WORDS_MIN, plannedWordsProblem } from '../shared/limits'

/** The editor's fields as the form holds them: ids and numbers as select and input values. */
export interface AssignDraft {
  lead: string
  contributors: number[]
  editor: string
  deadline: string
  plannedWords: string
  section: string
}

/** The form's starting values for a story. */
export function draftOf(story: Pick<StorySummary, 'section' | 'desk'>): AssignDraft {
  const { lead, contributors, editor, deadline, plannedWords } = story.desk
  return {
    lead: lead === null ? '' : String(lead),
    contributors: [...contributors],
    editor: editor === null ? '' : String(editor),
    deadline: toLocalInput(deadline),
    plannedWords: plannedWords === null ? '' : String(plannedWords),
    section: story.section,
  }
}

/** The outcome of reading the form: the change to send, or why it cannot be sent. */
export type DraftResult = { kind: 'change'; change: DeskChange } | { kind: 'invalid'; message: string }

const idOrNull = (value: string): number | null => (value === '' ? null : Number(value))
const sameMembers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((id) => b.includes(id))

/**
 * Only the fields `draft` changes from `base`, the values the editor opened with. Diffing against
 * the opening values rather than the live row means a field someone else changed meanwhile is not
 * sent back, so one chief's save does not undo another's.
 */
export function deskChange(base: AssignDraft, draft: AssignDraft): DraftResult {
  const change: DeskChange = {}
  if (draft.lead !== base.lead) change.lead = idOrNull(draft.lead)
  if (!sameMembers(draft.contributors, base.contributors)) change.contributors = draft.contributors
  if (draft.editor !== base.editor) change.editor = idOrNull(draft.editor)
  // Compared as input values: the stored deadline may carry seconds the input cannot show.
  if (draft.deadline !== base.deadline) change.deadline = fromLocalInput(draft.deadline)
  if (draft.section !== base.section) change.section = draft.section
  if (draft.plannedWords.trim() !== base.plannedWords) {
    const text = draft.plannedWords.trim()
    const problem = text === '' ? null : /^\d+$/.test(text) ? plannedWordsProblem(Number(text)) : plannedWordsProblem(Number.NaN)
    if (problem) return { kind: 'invalid', message: problem }
    change.plannedWords = text === '' ? null : Number(text)
  }
  return { kind: 'change', change }
}

interface Option {
  id: number
  label: string
}

/** `candidates` as options, plus anyone already chosen who is not among them (inactive, or another role), so the form shows what is set. */
function optionsFor(candidates: readonly PublicUser[], chosen: readonly number[], name: (id: number | null) => string): Option[] {
  const options = candidates.map((user) => ({ id: user.id, label: user.displayName }))
  const extra = chosen.filter((id) => !candidates.some((user) => user.id === id)).map((id) => ({ id, label: name(id) }))
  return [...options, ...extra]
}

interface Props {
  story: Pick<StorySummary, 'section' | 'desk'>
  headline: string
  users: readonly PublicUser[]
  /** The desk's sections. */
  sections: readonly string[]
  name: (id: number | null) => string
  /** Send the change; rejects with the server's message. */
  save(change: DeskChange): Promise<void>
  /** Leave the editor (after a save or a cancel). */
  close(): void
  /** The form's id, for the opening button's `aria-controls`. */
  id?: string
}

/** The form the desk chief assigns a story with from the budget: Save sends one desk change, Escape cancels, Enter in a field saves. */
export function BudgetAssign({ story, headline, users, sections, name, save, close, id }: Props) {
  const fieldId = useId()
  // The values the editor opened with: the row below stays live, the form does not jump under the chief's hands.
  const [base] = useState(() => draftOf(story))
  const [draft, setDraft] = useState(base)
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const leadRef = useRef<HTMLSelectElement>(null)
  const deadlineRef = useRef<HTMLInputElement>(null)
  const plannedRef = useRef<HTMLInputElement>(null)

  useEffect(() => {
    leadRef.current?.focus()
  }, [])

  const active = users.filter((user) => user.active)
  const reporters = active.filter((user) => user.role === 'reporter')
  const leads = optionsFor(active, base.lead === '' ? [] : [Number(base.lead)], name)
  const editors = optionsFor(
    active.filter((user) => user.role !== 'reporter'),
    base.editor === '' ? [] : [Number(base.editor)],
    name,
  )
  const contributors = optionsFor(reporters, base.contributors, name)
  const sectionOptions = base.section === '' || sections.includes(base.section) ? sections : [...sections, base.section]
  const set = (change: Partial<AssignDraft>) => setDraft((current) => ({ ...current, ...change }))

  async function submit() {
    if (saving) return
    // A half-typed date or number reads as '' and would clear the field: say so instead.
    if (deadlineRef.current?.validity.badInput) return setError('Finish the deadline or clear it.')
    if (plannedRef.current?.validity.badInput) return setError(plannedWordsProblem(Number.NaN))
    const result = deskChange(base, draft)
    if (result.kind === 'invalid') return setError(result.message)
    if (Object.keys(result.change).length === 0) return close()
    setError(null)
    setSaving(true)
    try {
      await save(result.change)
      close()
    } catch (failure: unknown) {
      setError(failure instanceof Error ? failure.message : String(failure))
      setSaving(false)
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === 'Escape' && !saving) {
      event.preventDefault()
      close()
    } else if (event.key === 'Enter' && event.target instanceof HTMLInputElement && !event.nativeEvent.isComposing) {
      // Every input saves on Enter, checkboxes too (the browser's implicit submission skips them).
      event.preventDefault()
      void submit()
    }
  }

  return (
    <form
      id={id}
      className="budget-assign"
      aria-label={`Assign ${headline}`}
      aria-busy={saving || undefined}
      noValidate
      onKeyDown={onKeyDown}
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      {/* Labels beside, not around, the selects: a wrapped select adds its chosen option to its name. */}
      <div className="budget-assign__fields">
        <div className="field">
          <label htmlFor={`${fieldId}-lead`}>Lead reporter</label>
          <select id={`${fieldId}-lead`} ref={leadRef} value={draft.lead} onChange={(event) => set({ lead: event.target.value })}>
            <UserOptions people={leads.map((person) => ({ id: person.id, name: person.label }))} />
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-editor`}>Assigned editor</label>
          <select id={`${fieldId}-editor`} value={draft.editor} onChange={(event) => set({ editor: event.target.value })}>
            <UserOptions people={editors.map((person) => ({ id: person.id, name: person.label }))} />
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-deadline`}>Deadline</label>
          <input id={`${fieldId}-deadline`} ref={deadlineRef} type="datetime-local" value={draft.deadline} onChange={(event) => set({ deadline: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-planned`}>Planned words</label>
          <input
            id={`${fieldId}-planned`}
            ref={plannedRef}
            type="number"
            inputMode="numeric"
            min={PLANNED_WORDS_MIN}
            max={PLANNED_WORDS_MAX}
            step={50}
            value={draft.plannedWords}
            onChange={(event) => set({ plannedWords: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-section`}>Section</label>
          <select id={`${fieldId}-section`} value={draft.section} onChange={(event) => set({ section: event.target.value })}>
            <option value="">No section</option>
            {sectionOptions.map((section) => (
              <option key={section} value={section}>
                {section}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="field budget-assign__contributors">
        <legend>Contributors</legend>
        {contributors.length === 0 ? (
          <p className="muted">No reporters.</p>
        ) : (
          <ul className="desk__contributors">
            {contributors.map((option) => (
              <li key={option.id}>
                <label>
                  <input
                    type="checkbox"
                    aria-label={`Contributor: ${option.label}`}
                    checked={draft.contributors.includes(option.id)}
                    onChange={(event) => {
                      const { checked } = event.target
                      setDraft((current) => ({
                        ...current,
                        contributors: checked ? [...current.contributors, option.id] : current.contributors.filter((member) => member !== option.id),
                      }))
                    }}
                  />
                  {option.label}
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      {error && (
        <p role="alert" className="notice notice--error">
          {error}
        </p>
      )}
      <div className="budget-assign__actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={close} disabled={saving}>
          Cancel
        </button>
      </div>
    </form>
  )
}
