import type { FormEvent, ReactNode } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import { useEditorUi } from '../store/ui'
import { isSuggesting } from '../review/suggest/SuggestChanges'
import { useReview } from '../review/comments/reviewStore'

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)
const mod = isMac ? '⌘' : 'Ctrl+'

interface ButtonProps {
  label: string
  shortcut?: string
  active?: boolean
  disabled?: boolean
  onClick(): void
  children: ReactNode
}

function ToolButton({ label, shortcut, active, disabled, onClick, children }: ButtonProps) {
  return (
    <button
      type="button"
      className="tool"
      aria-label={label}
      aria-pressed={active === undefined ? undefined : active}
      title={shortcut ? `${label} (${shortcut})` : label}
      disabled={disabled}
      // Keep the editor's selection: a mousedown on the button would blur it.
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
    >
      {children}
    </button>
  )
}

/** Marks, blocks, links, notes, suggest mode, comments and undo/redo of your own changes. */
export function Toolbar({ editor }: { editor: Editor }) {
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      editable: e.isEditable,
      bold: e.isActive('bold'),
      italic: e.isActive('italic'),
      link: e.isActive('link'),
      h2: e.isActive('heading', { level: 2 }),
      h3: e.isActive('heading', { level: 3 }),
      bullet: e.isActive('bulletList'),
      ordered: e.isActive('orderedList'),
      quote: e.isActive('blockquote'),
      note: e.isActive('note'),
      suggesting: isSuggesting(e.state),
      canUndo: e.can().undo(),
      canRedo: e.can().redo(),
    }),
  })
  const linkDraft = useEditorUi((ui) => ui.linkDraft)
  const showLink = useEditorUi((ui) => ui.openLink)
  const setLinkDraft = useEditorUi((ui) => ui.setLinkDraft)
  const closeLink = useEditorUi((ui) => ui.closeLink)
  const hasPassage = useReview((review) => review.selection !== null)
  const chain = () => editor.chain().focus()
  const off = !state.editable

  const openLink = () => showLink((editor.getAttributes('link').href as string | undefined) ?? 'https://')
  const applyLink = (event: FormEvent) => {
    event.preventDefault()
    const href = (linkDraft ?? '').trim()
    if (!href || href === 'https://') chain().extendMarkRange('link').unsetLink().run()
    else chain().extendMarkRange('link').setLink({ href }).run()
    closeLink()
  }

  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting">
      <ToolButton label="Bold" shortcut={`${mod}B`} active={state.bold} disabled={off} onClick={() => chain().toggleBold().run()}>
        <b>B</b>
      </ToolButton>
      <ToolButton label="Italic" shortcut={`${mod}I`} active={state.italic} disabled={off} onClick={() => chain().toggleItalic().run()}>
        <i>I</i>
      </ToolButton>
      <ToolButton label="Link" shortcut={`${mod}K`} active={state.link} disabled={off} onClick={openLink}>
        Link
      </ToolButton>
      <span className="toolbar__sep" aria-hidden="true" />
      <ToolButton label="Subhead" shortcut={`${mod}Alt+2`} active={state.h2} disabled={off} onClick={() => chain().toggleHeading({ level: 2 }).run()}>
        H2
      </ToolButton>
      <ToolButton label="Minor subhead" shortcut={`${mod}Alt+3`} active={state.h3} disabled={off} onClick={() => chain().toggleHeading({ level: 3 }).run()}>
        H3
      </ToolButton>
      <ToolButton label="Bulleted list" shortcut={`${mod}Shift+8`} active={state.bullet} disabled={off} onClick={() => chain().toggleBulletList().run()}>
        • List
      </ToolButton>
      <ToolButton label="Numbered list" shortcut={`${mod}Shift+7`} active={state.ordered} disabled={off} onClick={() => chain().toggleOrderedList().run()}>
        1. List
      </ToolButton>
      <ToolButton label="Quote" shortcut={`${mod}Shift+B`} active={state.quote} disabled={off} onClick={() => chain().toggleBlockquote().run()}>
        “ Quote
      </ToolButton>
      <ToolButton label="Note" shortcut={`${mod}Alt+N`} active={state.note} disabled={off} onClick={() => chain().toggleNote().run()}>
        ✎ Note
      </ToolButton>
      {/* Track changes: your edits become suggestions the story's reporters accept or reject. */}
      <ToolButton label="Suggest" active={state.suggesting} disabled={off} onClick={() => chain().toggleSuggesting().run()}>
        ± Suggest
      </ToolButton>
      {/* Not tied to editing: everyone who can read a story may comment on it (opens the side panel's Review tab). */}
      <ToolButton label="Comment" shortcut={`${mod}Alt+M`} disabled={!hasPassage} onClick={() => useReview.getState().openComposer()}>
        Comment
      </ToolButton>
      <span className="toolbar__sep" aria-hidden="true" />
      <ToolButton label="Undo" shortcut={`${mod}Z`} disabled={off || !state.canUndo} onClick={() => chain().undo().run()}>
        ↶
      </ToolButton>
      <ToolButton label="Redo" shortcut={`${mod}Shift+Z`} disabled={off || !state.canRedo} onClick={() => chain().redo().run()}>
        ↷
      </ToolButton>
      {linkDraft !== null && (
        <form className="toolbar__link" onSubmit={applyLink}>
          <input
            aria-label="Link address"
            type="url"
            value={linkDraft}
            autoFocus
            onChange={(event) => setLinkDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                closeLink()
                editor.commands.focus()
              }
            }}
          />
          <button type="submit">Apply</button>
        </form>
      )}
    </div>
  )
}
