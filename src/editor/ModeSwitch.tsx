/**
 * The editing mode, as people know it from Google Docs: Editing (changes go straight into the
 * story), Suggesting (changes become suggestions the story's writers accept or reject) and
 * Viewing (read without changing anything by accident). A button in the toolbar that names the
 * mode and opens the choice as a group of radio buttons; Ctrl+Alt+Shift+Z, X and C choose one
 * from anywhere on the story page (the keys Google Docs uses).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react'

export type EditMode = 'editing' | 'suggesting' | 'viewing'

export const EDIT_MODES: ReadonlyArray<{ mode: EditMode; label: string; help: string; key: string }> = [
  { mode: 'editing', label: 'Editing', help: 'Change the story directly', key: 'Z' },
  { mode: 'suggesting', label: 'Suggesting', help: 'Changes become suggestions for the writers', key: 'X' },
  { mode: 'viewing', label: 'Viewing', help: 'Read without changing anything', key: 'C' },
]

const labelOf = (mode: EditMode) => EDIT_MODES.find((each) => each.mode === mode)?.label ?? mode

/** The mode a Ctrl+Alt+Shift key chooses, or null for any other key. */
export function modeForShortcut(event: { ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean; code: string }): EditMode | null {
  if (!(event.ctrlKey || event.metaKey) || !event.altKey || !event.shiftKey) return null
  return EDIT_MODES.find((each) => event.code === `Key${each.key}`)?.mode ?? null
}

interface Props {
  mode: EditMode
  /** Whether this person may change the story at all; without it the story is only for viewing. */
  canEdit: boolean
  onMode(mode: EditMode): void
  /** The toolbar's roving Tab stop is here. */
  tabStop: boolean
  onFocus(): void
}

export function ModeSwitch({ mode, canEdit, onMode, tabStop, onFocus }: Props) {
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)
  const groupId = useId()

  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    document.addEventListener('pointerdown', onPointer)
    // The chosen mode takes the focus, so arrow keys move among the modes at once.
    root.current?.querySelector<HTMLInputElement>('input:checked')?.focus()
    return () => document.removeEventListener('pointerdown', onPointer)
  }, [open])

  const close = () => {
    setOpen(false)
    button.current?.focus()
  }
  const onKeyDown = (event: KeyboardEvent<HTMLFieldSetElement>) => {
    if (event.key === 'Escape' || event.key === 'Enter') {
      event.preventDefault()
      event.stopPropagation()
      close()
    }
  }

  if (!canEdit) {
    return (
      <span className="mode-switch mode-switch--fixed" title="You can read this story; you cannot change it">
        Viewing only
      </span>
    )
  }
  return (
    <div className="mode-switch" ref={root}>
      <button
        ref={button}
        type="button"
        className="tool tool--mode"
        aria-label={`Mode: ${labelOf(mode)}`}
        aria-expanded={open}
        aria-controls={groupId}
        title={`Mode: ${labelOf(mode)} (Ctrl+Alt+Shift+Z, X, C)`}
        tabIndex={tabStop ? 0 : -1}
        onMouseDown={(event) => event.preventDefault()}
        onFocus={onFocus}
        onClick={() => setOpen((value) => !value)}
      >
        {labelOf(mode)} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <fieldset id={groupId} className="mode-switch__choices" onKeyDown={onKeyDown}>
          <legend>Mode</legend>
          {EDIT_MODES.map((each) => (
            <label key={each.mode} className="mode-switch__choice">
              <input type="radio" name={`${groupId}-mode`} value={each.mode} checked={mode === each.mode} onChange={() => onMode(each.mode)}
                // A pointer's choice closes the list; arrow keys (whose clicks have no detail) move on, Enter closes.
                onClick={(event) => event.detail > 0 && close()}
              />
              <span>
                <span className="mode-switch__label">{each.label}</span>
                <span className="mode-switch__help">{each.help}</span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
    </div>
  )
}
