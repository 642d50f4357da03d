import { useState, type FormEvent } from 'react'
import type * as Y from 'yjs'
import { useYArray } from '../collab/useYArray'
import { MAX_META_VALUE_CHARS } from '../shared/limits'

/** "By A, B and C" from the byline list. */
export function formatByline(names: readonly string[]): string {
  // Only text: a story stored before the server checked bylines may hold anything.
  const clean = names.flatMap((name: unknown) => (typeof name === 'string' && name.trim() ? [name.trim()] : []))
  if (clean.length === 0) return ''
  if (clean.length === 1) return `By ${clean[0]}`
  return `By ${clean.slice(0, -1).join(', ')} and ${clean[clean.length - 1]}`
}

/** The ordered byline list: add, remove and reorder names. */
export function BylineEditor({ bylines, disabled }: { bylines: Y.Array<string> | null; disabled?: boolean }) {
  const names = useYArray(bylines)
  const [draft, setDraft] = useState('')
  const off = disabled || !bylines

  const add = (event: FormEvent) => {
    event.preventDefault()
    const name = draft.trim()
    if (!name || !bylines) return
    bylines.push([name])
    setDraft('')
  }
  const move = (index: number, by: -1 | 1) => {
    const name = names[index]
    const target = index + by
    if (!bylines || name === undefined || target < 0 || target >= names.length) return
    bylines.doc?.transact(() => {
      bylines.delete(index, 1)
      bylines.insert(target, [name])
    })
  }
  const remove = (index: number) => bylines?.delete(index, 1)

  return (
    <fieldset className="field byline">
      <legend>Byline</legend>
      {names.length > 0 && (
        <ol className="byline__list" aria-label="Author names">
          {names.map((name, index) => (
            <li key={`${index}-${name}`}>
              <span className="byline__name">{typeof name === 'string' ? name : '(not a name)'}</span>
              <span className="byline__actions">
                <button type="button" aria-label={`Move ${name} up`} disabled={off || index === 0} onClick={() => move(index, -1)}>
                  ↑
                </button>
                <button type="button" aria-label={`Move ${name} down`} disabled={off || index === names.length - 1} onClick={() => move(index, 1)}>
                  ↓
                </button>
                <button type="button" aria-label={`Remove ${name}`} disabled={off} onClick={() => remove(index)}>
                  ×
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      <form className="byline__add" onSubmit={add}>
        <input aria-label="Byline" placeholder="Add a name" value={draft} maxLength={MAX_META_VALUE_CHARS} disabled={off} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" disabled={off || !draft.trim()}>
          Add
        </button>
      </form>
      <p className="preview" aria-label="Credit line as printed">
        {formatByline(names) || <span className="muted">No byline yet</span>}
      </p>
    </fieldset>
  )
}
