/**
 * The story page's Export menu: the story in each format the server writes (server/export/),
 * as file downloads. A disclosure (a button and a list of links): Escape or a click elsewhere
 * closes it and gives focus back to the button.
 */
import { useEffect, useId, useRef, useState } from 'react'
import { exportUrl } from '../api'

/** The formats, in the order a newsroom reaches for them, with what each is for. */
export const EXPORTS = [
  { format: 'docx', label: 'Word document (.docx)' },
  { format: 'html', label: 'Web page (HTML)' },
  { format: 'markdown', label: 'Markdown' },
  { format: 'text', label: 'Plain text (story format)' },
  { format: 'ninjs', label: 'IPTC ninjs (JSON)' },
  { format: 'newsml', label: 'IPTC NewsML-G2 (XML)' },
  { format: 'nitf', label: 'IPTC NITF (XML)' },
] as const

export function ExportMenu({ storyId }: { storyId: string }) {
  const [open, setOpen] = useState(false)
  const listId = useId()
  const root = useRef<HTMLDivElement>(null)
  const button = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      setOpen(false)
      button.current?.focus()
    }
    document.addEventListener('pointerdown', onPointer)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onPointer)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])

  return (
    <div className="export" ref={root}>
      <button ref={button} type="button" aria-expanded={open} aria-controls={listId} onClick={() => setOpen((value) => !value)}>
        Export
      </button>
      {open && (
        <ul id={listId} className="export__list" aria-label="Export formats">
          {EXPORTS.map(({ format, label }) => (
            <li key={format}>
              <a href={exportUrl(storyId, format)} download onClick={() => setOpen(false)}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
