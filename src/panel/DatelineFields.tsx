import { useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { formatDateline, type Dateline } from '../shared/dateline'
import { DATELINE_FIELDS, type DatelineField } from '../shared/storyDoc'

const LABELS: Record<DatelineField, string> = {
  city: 'Dateline city',
  region: 'Dateline region',
  country: 'Dateline country',
  date: 'Dateline date',
  source: 'Dateline source',
}

const PLACEHOLDERS: Record<DatelineField, string> = {
  city: 'Hangzhou',
  region: 'State or province',
  country: 'China',
  date: '',
  source: 'AP',
}

/** The map's fields as a JSON string: a primitive snapshot compares by value. */
function snapshot(map: Y.Map<string> | null): string {
  return JSON.stringify(Object.fromEntries(DATELINE_FIELDS.map((field) => [field, map?.get(field) ?? ''])))
}

/** City, region, country, date and source, with the AP dateline they render to. */
export function DatelineFields({ map, disabled }: { map: Y.Map<string> | null; disabled?: boolean }) {
  const json = useSyncExternalStore(
    (notify) => {
      map?.observe(notify)
      return () => map?.unobserve(notify)
    },
    () => snapshot(map),
  )
  const dateline = JSON.parse(json) as Dateline
  const preview = formatDateline(dateline)
  const off = disabled || !map
  return (
    <fieldset className="field dateline">
      <legend>Dateline</legend>
      <div className="dateline__grid">
        {DATELINE_FIELDS.map((field) => (
          <label key={field} className={`dateline__${field}`}>
            <span>{LABELS[field].replace('Dateline ', '')}</span>
            <input
              aria-label={LABELS[field]}
              type={field === 'date' ? 'date' : 'text'}
              value={dateline[field]}
              placeholder={PLACEHOLDERS[field]}
              disabled={off}
              onChange={(event) => map?.set(field, event.target.value)}
            />
          </label>
        ))}
      </div>
      <p className="preview dateline__preview" aria-label="Dateline preview">
        {preview || <span className="muted">Add a city to show a dateline</span>}
      </p>
    </fieldset>
  )
}
