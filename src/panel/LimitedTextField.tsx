import { useId } from 'react'
import type * as Y from 'yjs'
import { useYText } from '../collab/useYText'

interface Props {
  label: string
  ytext: Y.Text | null
  limit: number
  disabled?: boolean
  placeholder?: string
  transform?: (value: string) => string
  multiline?: boolean
}

/** A text field bound to a Y.Text, with a live counter that warns past `limit`. */
export function LimitedTextField({ label, ytext, limit, disabled, placeholder, transform, multiline }: Props) {
  const [value, setValue] = useYText(ytext)
  const id = useId()
  const counterId = `${id}-count`
  const over = value.length > limit
  const onChange = (next: string) => setValue(transform ? transform(next) : next)
  return (
    <div className="field">
      <div className="field__head">
        <label htmlFor={id}>{label}</label>
        <span id={counterId} className={over ? 'counter counter--over' : 'counter'} aria-live="polite">
          {value.length}/{limit}
          {over ? ` · ${value.length - limit} over` : ''}
        </span>
      </div>
      {multiline ? (
        <textarea
          id={id}
          rows={2}
          value={value}
          placeholder={placeholder}
          disabled={disabled || !ytext}
          aria-describedby={counterId}
          aria-invalid={over}
          onChange={(event) => onChange(event.target.value.replace(/\n/g, ' '))}
        />
      ) : (
        <input
          id={id}
          type="text"
          value={value}
          placeholder={placeholder}
          disabled={disabled || !ytext}
          aria-describedby={counterId}
          aria-invalid={over}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </div>
  )
}
