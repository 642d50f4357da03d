/** The comment field: plain text that offers people to @mention as you type, and sends with Ctrl/⌘+Enter. */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { PublicUser } from '../../shared/api'
import { COMMENT_MAX_CHARS } from '../../shared/limits'

/** The `@name` being typed just before the caret, if any. */
function mentionQuery(value: string, caret: number): { at: number; text: string } | null {
  const match = /(?:^|[^a-z0-9._@-])@([a-z0-9._-]*)$/i.exec(value.slice(0, caret))
  if (!match) return null
  const text = match[1] ?? ''
  return { at: caret - text.length - 1, text }
}

interface MentionFieldProps {
  label: string
  value: string
  onChange(value: string): void
  onSubmit(): void
  users: PublicUser[]
  autoFocus?: boolean
  /** Take the focus whenever this changes (and on mount), like `autoFocus` on demand. */
  focusKey?: number
  placeholder?: string
}

/** A plain-text field that offers people to @mention, and sends with Ctrl/⌘+Enter. */
export function MentionField({ label, value, onChange, onSubmit, users, autoFocus, focusKey, placeholder }: MentionFieldProps) {
  const listId = useId()
  const field = useRef<HTMLTextAreaElement>(null)
  const [query, setQuery] = useState<{ at: number; text: string } | null>(null)
  const [choice, setChoice] = useState(0)
  const pendingCaret = useRef<number | null>(null)

  const matches = useMemo(() => {
    if (!query) return []
    const text = query.text.toLowerCase()
    return users
      .filter((user) => user.active && (user.username.toLowerCase().startsWith(text) || user.displayName.toLowerCase().split(/\s+/).some((word) => word.startsWith(text))))
      .slice(0, 6)
  }, [query, users])
  const open = matches.length > 0

  // After the commit, so a side panel tab shown in the same update no longer hides the field.
  useEffect(() => {
    if (focusKey !== undefined) field.current?.focus()
  }, [focusKey])

  // After inserting a mention, put the caret after it (once React has rendered the new text).
  useLayoutEffect(() => {
    if (pendingCaret.current === null || !field.current) return
    field.current.setSelectionRange(pendingCaret.current, pendingCaret.current)
    pendingCaret.current = null
  })

  const track = (next: string, caret: number) => {
    setQuery(mentionQuery(next, caret))
    setChoice(0)
  }

  const insert = (user: PublicUser) => {
    if (!query) return
    const caret = field.current?.selectionStart ?? value.length
    const before = value.slice(0, query.at)
    const after = value.slice(caret).replace(/^\S*/, '')
    const inserted = `@${user.username} `
    pendingCaret.current = before.length + inserted.length
    onChange(before + inserted + after.replace(/^ /, ''))
    setQuery(null)
    field.current?.focus()
  }

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      onSubmit()
      return
    }
    if (!open) return
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      setChoice((current) => (current + (event.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length)
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      const user = matches[choice]
      if (user) {
        event.preventDefault()
        insert(user)
      }
    } else if (event.key === 'Escape') {
      event.preventDefault()
      event.stopPropagation()
      setQuery(null)
    }
  }

  return (
    <div className="mention-field">
      <textarea
        ref={field}
        aria-label={label}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? `${listId}-${choice}` : undefined}
        value={value}
        placeholder={placeholder}
        maxLength={COMMENT_MAX_CHARS}
        rows={3}
        autoFocus={autoFocus}
        onChange={(event) => {
          onChange(event.target.value)
          track(event.target.value, event.target.selectionStart)
        }}
        onSelect={(event) => track(event.currentTarget.value, event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setQuery(null)}
      />
      {open && (
        <ul className="mention-field__list" role="listbox" id={listId} aria-label="People to mention">
          {matches.map((user, index) => (
            <li
              key={user.id}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === choice}
              className={index === choice ? 'mention-field__option mention-field__option--active' : 'mention-field__option'}
              // Keep the text field's focus (and its caret) while choosing.
              onMouseDown={(event) => {
                event.preventDefault()
                insert(user)
              }}
            >
              {user.displayName} <span className="muted">@{user.username}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
