import type * as Y from 'yjs'
import { useDateline } from '../collab/useDateline'
import { datelineProblems, formatDateline } from '../shared/dateline'
import { MAX_META_VALUE_CHARS } from '../shared/limits'
import { DATELINE_FIELDS, type DatelineField } from '../shared/storyDoc'

const LABELS: Record<DatelineField, string> = {
  city: 'Dateline city',
  region: 'Dateline region',
  country: 'Dateline country',
  date: 'Dateline date',
  source: 'Dateline source',
}

const PLACEHOLDERS: Record<DatelineField, string> = {
  city: 'City',
  region: 'State or province',
  country: 'Country',
  date: '',
  source: 'e.g. AP',
}

/** City, region, country, date and source, with the AP dateline they render to. */
export function DatelineFields({ map, disabled }: { map: Y.Map<string> | null; disabled?: boolean }) {
  const dateline = useDateline(map)
  const preview = formatDateline(dateline)
  const problems: Partial<Record<DatelineField, string>> = datelineProblems(dateline)
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
              maxLength={MAX_META_VALUE_CHARS}
              disabled={off}
              onChange={(event) => map?.set(field, event.target.value)}
              aria-invalid={problems[field] ? true : undefined}
              aria-describedby={problems[field] ? `dateline-${field}-problem` : undefined}
            />
            {problems[field] && (
              <small id={`dateline-${field}-problem`} className="field__error" role="alert">
                {problems[field]}
              </small>
            )}
          </label>
        ))}
      </div>
      <p className="preview dateline__preview" aria-label="Dateline preview">
        {preview || <span className="muted">Add a city to show a dateline</span>}
      </p>
    </fieldset>
  )
}
