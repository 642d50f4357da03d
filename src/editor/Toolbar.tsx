/**
 * The editor's toolbar, after the WAI-ARIA toolbar pattern
 * (https://www.w3.org/WAI/ARIA/apg/patterns/toolbar/): one Tab stop (roving tabindex) that
 * remembers the last button used, Left/Right/Home/End move among the buttons that can be used.
 * Each button's accessible name contains the text it shows (WCAG 2.5.3 Label in Name, issue 15):
 * speech users say what they see ("click H2"); the glyphs beside a word are pictures, not text.
 */
import { Fragment, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import type { EditorState } from '@tiptap/pm/state'
import { yUndoPluginKey } from '@tiptap/y-tiptap'
import { useEditorUi } from '../store/ui'
import { isSuggesting } from '../review/suggest/SuggestChanges'
import { ModeSwitch, type EditMode } from './ModeSwitch'
import { useReview } from '../review/comments/reviewStore'
import { nextIndex } from '../ui/rovingFocus'
import { IS_MAC } from '../ui/platform'

/**
 * Whether Undo and Redo can run: what `editor.can().undo()` / `.redo()` answer (the Collaboration
 * extension's commands look at the Yjs undo manager's stacks), read straight from the stacks. The
 * toolbar asks on every transaction, a keystroke's and every remote one's, and a dry run through
 * `can()` builds every command of the editor each time (issue 12). Without the undo plugin, the
 * commands are asked.
 */
function undoRedo(editor: Editor, state: EditorState): { canUndo: boolean; canRedo: boolean } {
  const undoManager = (yUndoPluginKey.getState(state) as { undoManager?: { undoStack: unknown[]; redoStack: unknown[] } } | undefined)?.undoManager
  if (!undoManager) return { canUndo: editor.can().undo(), canRedo: editor.can().redo() }
  return { canUndo: undoManager.undoStack.length > 0, canRedo: undoManager.redoStack.length > 0 }
}

/** The mode switch's place among the toolbar's Tab stops. */
const MODE = 'Mode'


/** One toolbar button. */
interface Tool {
  /** The accessible name; it contains the visible text. */
  label: string
  /** The keys after Ctrl (⌘ on a Mac): "B", "Alt+2". */
  shortcut?: string
  /** Whether the button is pressed; undefined for plain actions. */
  active?: boolean
  disabled: boolean
  run(): void
  /** What the button shows. */
  face: ReactNode
}

/**
 * A picture on a button (• 1. “ ✎ ± ↶ ↷): drawn by CSS with an empty alternative (`.tool__glyph`),
 * so it is neither read out nor taken for the button's text.
 */
function Glyph({ of }: { of: string }) {
  return <span className="tool__glyph" data-glyph={of} aria-hidden="true" />
}

function ToolButton({ tool, tabStop, onFocus }: { tool: Tool; tabStop: boolean; onFocus(): void }) {
  const { label, shortcut, active, disabled, run, face } = tool
  return (
    <button
      type="button"
      className="tool"
      aria-label={label}
      aria-pressed={active}
      aria-keyshortcuts={shortcut && `${IS_MAC ? 'Meta' : 'Control'}+${shortcut}`}
      title={shortcut ? `${label} (${IS_MAC ? '⌘' : 'Ctrl+'}${shortcut})` : label}
      disabled={disabled}
      tabIndex={tabStop ? 0 : -1}
      // Keep the editor's selection: a mousedown on the button would blur it.
      onMouseDown={(event) => event.preventDefault()}
      onFocus={onFocus}
      onClick={run}
    >
      {face}
    </button>
  )
}

interface ToolbarProps {
  editor: Editor
  /** Whether this person may change the story (their role, the lock, their part); Viewing is their choice on top. */
  canEdit: boolean
  /** Viewing chosen: the story is read-only here until another mode is chosen. */
  viewing: boolean
  onMode(mode: EditMode): void
}

/** Marks, blocks, links, notes, comments, undo/redo of your own changes, and the mode: editing, suggesting or viewing. */
export function Toolbar({ editor, canEdit, viewing, onMode }: ToolbarProps) {
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
      ...undoRedo(e, e.state),
    }),
  })
  const linkDraft = useEditorUi((ui) => ui.linkDraft)
  const showLink = useEditorUi((ui) => ui.openLink)
  const setLinkDraft = useEditorUi((ui) => ui.setLinkDraft)
  const closeLink = useEditorUi((ui) => ui.closeLink)
  const [focused, setFocused] = useState('Bold')
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

  const groups: Tool[][] = [
    [
      { label: 'Bold', shortcut: 'B', active: state.bold, disabled: off, run: () => chain().toggleBold().run(), face: <b>B</b> },
      { label: 'Italic', shortcut: 'I', active: state.italic, disabled: off, run: () => chain().toggleItalic().run(), face: <i>I</i> },
      { label: 'Link', shortcut: 'K', active: state.link, disabled: off, run: openLink, face: 'Link' },
    ],
    [
      { label: 'H2 subhead', shortcut: 'Alt+2', active: state.h2, disabled: off, run: () => chain().toggleHeading({ level: 2 }).run(), face: 'H2' },
      { label: 'H3 minor subhead', shortcut: 'Alt+3', active: state.h3, disabled: off, run: () => chain().toggleHeading({ level: 3 }).run(), face: 'H3' },
      { label: 'Bulleted list', shortcut: 'Shift+8', active: state.bullet, disabled: off, run: () => chain().toggleBulletList().run(), face: <><Glyph of="•" /> List</> },
      { label: 'Numbered list', shortcut: 'Shift+7', active: state.ordered, disabled: off, run: () => chain().toggleOrderedList().run(), face: <><Glyph of="1." /> List</> },
      { label: 'Quote', shortcut: 'Shift+B', active: state.quote, disabled: off, run: () => chain().toggleBlockquote().run(), face: <><Glyph of="“" /> Quote</> },
      { label: 'Note', shortcut: 'Alt+N', active: state.note, disabled: off, run: () => chain().toggleNote().run(), face: <><Glyph of="✎" /> Note</> },
      // Not tied to editing: everyone who can read a story may comment on it (opens the side panel's Review tab).
      { label: 'Comment', shortcut: 'Alt+M', disabled: !hasPassage, run: () => useReview.getState().openComposer(), face: 'Comment' },
    ],
    [
      { label: 'Undo', shortcut: 'Z', disabled: off || !state.canUndo, run: () => chain().undo().run(), face: <Glyph of="↶" /> },
      { label: 'Redo', shortcut: 'Shift+Z', disabled: off || !state.canRedo, run: () => chain().redo().run(), face: <Glyph of="↷" /> },
    ],
  ]
  // The Tab stop: the button focused last while it can be used, else the first that can.
  const usable = [...groups.flat().filter((tool) => !tool.disabled).map((tool) => tool.label), ...(canEdit ? [MODE] : [])]
  const tabStop = usable.includes(focused) ? focused : usable[0]
  const mode: EditMode = viewing ? 'viewing' : state.suggesting ? 'suggesting' : 'editing'

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    // Only among the buttons: the link field inside the toolbar keeps its arrow keys.
    const from = event.target
    if (!(from instanceof HTMLButtonElement) || !from.classList.contains('tool')) return
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return
    const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('button.tool:not(:disabled)'))
    const next = nextIndex(event.key, buttons.indexOf(from), buttons.length)
    const button = next === null ? undefined : buttons[next]
    if (!button) return
    event.preventDefault()
    button.focus()
  }

  return (
    <div className="toolbar" role="toolbar" aria-label="Formatting" onKeyDown={onKeyDown}>
      {groups.map((group, index) => (
        <Fragment key={group[0]?.label}>
          {index > 0 && <span className="toolbar__sep" aria-hidden="true" />}
          {group.map((tool) => (
            <ToolButton key={tool.label} tool={tool} tabStop={tool.label === tabStop} onFocus={() => setFocused(tool.label)} />
          ))}
        </Fragment>
      ))}
      {/* Track changes and reading: Editing, Suggesting (your edits become suggestions the story's writers accept or reject), Viewing. */}
      <ModeSwitch mode={mode} canEdit={canEdit} onMode={onMode} tabStop={tabStop === MODE} onFocus={() => setFocused(MODE)} />
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
