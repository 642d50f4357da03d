/**
 * Accept or reject the suggestion the caret is in, from the text: a small popover above the
 * start of the suggestion's run. The selector returns only the id and where the run starts,
 * which stay the same while its author types at its end, so typing does not re-render it; it
 * measures (one `coordsAtPos`) only while the caret is in a suggestion.
 */
import type { RefObject } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import { useUserName } from '../../store/session'
import { settleSuggestions } from './settleSuggestions'
import { suggestionAtSelection } from './suggestionAtSelection'
// The suggestion marks in the story and this popover: with the editor, not with the Review tab's list.
import './suggestions.css'

interface Props {
  editor: Editor
  /** The positioned element the popover is placed in (it wraps the editor's content). */
  container: RefObject<HTMLElement | null>
}

interface Anchor {
  id: string
  /** The author the server checked, named from the newsroom's people; the stored name only without one. */
  authorId: number | null
  authorName: string
  left: number
  top: number
}

const sameAnchor = (a: Anchor | null, b: Anchor | null) =>
  a === b || (a !== null && b !== null && a.id === b.id && a.left === b.left && a.top === b.top && a.authorId === b.authorId && a.authorName === b.authorName)

/** Accept and reject buttons over the suggestion the caret is in (nothing elsewhere). */
export function SuggestionPopover({ editor, container }: Props) {
  const anchor = useEditorState({
    editor,
    equalityFn: sameAnchor,
    selector: ({ editor: e }): Anchor | null => {
      const box = container.current
      if (!box || !e.isEditable || !e.isFocused) return null
      const at = suggestionAtSelection(e.state)
      if (!at) return null
      try {
        const coords = e.view.coordsAtPos(at.start)
        const frame = box.getBoundingClientRect()
        return { id: at.id, authorId: at.authorId, authorName: at.authorName, left: Math.round(coords.left - frame.left), top: Math.round(coords.top - frame.top) }
      } catch {
        // No layout (jsdom) or the position is gone: no popover.
        return null
      }
    },
  })

  const nameOf = useUserName()
  if (!anchor) return null
  const author = anchor.authorId === null ? anchor.authorName : nameOf(anchor.authorId)
  // The server records the decision from the change itself (server/suggestionReview.ts).
  const settle = (accept: boolean) => settleSuggestions(editor, accept ? 'accept' : 'reject', [anchor.id])
  return (
    <div
      className="suggestion-popover"
      role="group"
      aria-label={`Suggestion by ${author || 'someone'}`}
      style={{ left: anchor.left, top: anchor.top }}
      // Keep the caret in the story: a mousedown here would blur the editor and hide the popover.
      onMouseDown={(event) => event.preventDefault()}
    >
      <span className="suggestion-popover__author">Suggested by {author || 'someone'}</span>
      <button type="button" onClick={() => settle(true)}>
        Accept suggestion
      </button>
      <button type="button" onClick={() => settle(false)}>
        Reject suggestion
      </button>
    </div>
  )
}
