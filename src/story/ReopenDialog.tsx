/**
 * Reopen a published story for a correction (issue 15): a modal dialog asking the desk for the
 * correction note, which the server requires, keeps with the story and sends out as the
 * correction when the story is published again.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { CORRECTION_NOTE_MAX_CHARS } from '../shared/limits'
import './lock.css'

interface Props {
  /** Reopen with this note; rejects with a message to show (the server's). */
  onReopen(note: string): Promise<unknown>
  /** Closed without reopening (Cancel, Escape). */
  onClose(): void
}

/** Shown while mounted: a native modal `<dialog>`, so focus stays in it and Escape cancels. */
export function ReopenDialog({ onReopen, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null)
  const id = useId()
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])

  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = note.trim()
    if (!trimmed) {
      setProblem('Say what is being corrected: the note goes out with the republished story.')
      return
    }
    setBusy(true)
    setProblem(null)
    onReopen(trimmed).then(
      () => onClose(),
      (error: unknown) => {
        setBusy(false)
        setProblem(error instanceof Error ? error.message : String(error))
      },
    )
  }

  return (
    <dialog
      ref={ref}
      className="reopen-dialog"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        // Escape: React's state decides whether it is open, not the browser.
        event.preventDefault()
        onClose()
      }}
    >
      <h2 id={`${id}-title`}>Reopen for correction</h2>
      <form onSubmit={submit} noValidate>
        <label htmlFor={`${id}-note`}>Correction note</label>
        <p className="reopen-dialog__hint" id={`${id}-hint`}>
          What is wrong in the published story and what is corrected. The story goes back to In edit, and this note goes out
          with it when it is republished.
        </p>
        <textarea
          id={`${id}-note`}
          value={note}
          onChange={(event) => setNote(event.target.value)}
          maxLength={CORRECTION_NOTE_MAX_CHARS}
          aria-describedby={`${id}-hint`}
          aria-invalid={problem !== null}
          required
          autoFocus
        />
        {problem && (
          <p className="notice notice--error" role="alert">
            {problem}
          </p>
        )}
        <div className="reopen-dialog__actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Reopen for correction
          </button>
        </div>
      </form>
    </dialog>
  )
}
