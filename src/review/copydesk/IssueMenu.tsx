/**
 * The menu of a marked word (issue 13): the replacements as buttons, "Ignore" and, for spelling,
 * "Add to dictionary". It opens under the word when the word is clicked, or with Ctrl/⌘+. when the
 * caret is in it (then the focus moves into the menu; arrow keys move between its items and
 * Escape gives the focus back to the story). A spelling's replacements are asked of the checker
 * only when the menu opens: suggesting is the slow part of spelling. Its code is loaded the
 * first time a menu opens (CopyDeskMenu.tsx mounts it).
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import { copyDeskState } from './CopyDesk'
import { openIssue } from './copyDeskEngine'
import type { CopyDeskIssue } from './issueDecorations'
import { newsroomDictionary } from './newsroomDictionary'

export interface IssueMenuProps {
  editor: Editor
  /** The positioned element the menu is placed in (it wraps the editor's content). */
  container: RefObject<HTMLElement | null>
}

interface Anchor extends CopyDeskIssue {
  byKeyboard: boolean
  left: number
  top: number
}

const sameAnchor = (a: Anchor | null, b: Anchor | null) =>
  a === b || (a !== null && b !== null && a.from === b.from && a.to === b.to && a.text === b.text && a.left === b.left && a.top === b.top && a.kind === b.kind && a.byKeyboard === b.byKeyboard)

const KIND_LABEL: Record<CopyDeskIssue['kind'], string> = { spelling: 'Spelling', grammar: 'Grammar', style: 'House style' }

/** What a replacement button says: the new text, or what it removes. */
const replacementLabel = (issue: CopyDeskIssue, replacement: string) => replacement || `Remove “${issue.text.trim()}”`

/** The spellings of `word` from the checker, null while it looks. */
function useSpellings(editor: Editor, word: string | null): string[] | null {
  const [found, setFound] = useState<{ word: string; spellings: string[] } | null>(null)
  useEffect(() => {
    if (word === null) return
    let cancelled = false
    editor.storage.copyDesk.suggest(word).then(
      (spellings) => !cancelled && setFound({ word, spellings }),
      () => !cancelled && setFound({ word, spellings: [] }),
    )
    return () => {
      cancelled = true
    }
  }, [editor, word])
  return word !== null && found?.word === word ? found.spellings : null
}

/** The open issue's menu (nothing while none is open). */
export function IssueMenu({ editor, container }: IssueMenuProps) {
  const anchor = useEditorState({
    editor,
    equalityFn: sameAnchor,
    selector: ({ editor: e }): Anchor | null => {
      const box = container.current
      const issue = openIssue(e.state)
      if (!box || !issue) return null
      try {
        const coords = e.view.coordsAtPos(issue.from)
        const frame = box.getBoundingClientRect()
        const byKeyboard = copyDeskState(e.state).menu?.byKeyboard ?? false
        return { ...issue, byKeyboard, left: Math.round(coords.left - frame.left), top: Math.round(coords.bottom - frame.top + 4) }
      } catch {
        // No layout (jsdom) or the position is gone: no menu.
        return null
      }
    },
  })
  const spellings = useSpellings(editor, anchor?.kind === 'spelling' ? anchor.text : null)
  const menu = useRef<HTMLDivElement>(null)
  const messageId = useId()
  const [problem, setProblem] = useState<string | null>(null)

  // Opened from the keyboard: the focus goes to the first item once there is one.
  const byKeyboard = anchor?.byKeyboard ?? false
  const ready = anchor !== null && (anchor.kind !== 'spelling' || spellings !== null)
  useEffect(() => {
    if (byKeyboard && ready) menu.current?.querySelector<HTMLButtonElement>('button')?.focus()
  }, [byKeyboard, ready])

  // The story loses the focus to something else than this menu (the side panel, the toolbar): the menu goes.
  const open = anchor !== null
  useEffect(() => {
    if (!open) return
    const onBlur = ({ event }: { event: FocusEvent }) => {
      const to = event.relatedTarget
      if (!(to instanceof Node && menu.current?.contains(to))) editor.commands.closeCopyDeskMenu()
    }
    editor.on('blur', onBlur)
    return () => {
      editor.off('blur', onBlur)
    }
  }, [editor, open])

  if (!anchor) return null
  const replacements = anchor.kind === 'spelling' ? (spellings ?? []) : anchor.replacement === null ? [] : [anchor.replacement]
  // The focus goes back to the story at once (TipTap's `focus()` waits a frame, and a key pressed
  // meanwhile — End, then Enter — would act on the caret it then puts back).
  const inStory = (command: () => boolean) => {
    if (!editor.view.hasFocus()) editor.view.focus()
    command()
  }
  const close = () => inStory(() => editor.commands.closeCopyDeskMenu())
  const replace = (replacement: string) => inStory(() => editor.commands.replaceCopyDeskIssue(anchor, replacement))
  const ignore = () => inStory(() => editor.commands.ignoreCopyDeskIssue(anchor))
  const addWord = () => {
    setProblem(null)
    newsroomDictionary.addWord(anchor.text).then(close, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)))
  }
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])]
    const at = items.indexOf(document.activeElement as HTMLButtonElement)
    if (event.key === 'Escape') {
      event.preventDefault()
      close()
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      items[(at + step + items.length) % items.length]?.focus()
    }
  }
  // The message and the search for spellings sit beside the menu, which holds only its items
  // (a menu's children are menu items); the message is the menu's description.
  return (
    <div
      ref={menu}
      className={`copydesk-menu copydesk-menu--${anchor.kind}`}
      style={{ left: anchor.left, top: anchor.top }}
      onKeyDown={onKeyDown}
      // Opened by a click, the caret stays in the story: a mousedown here would move it.
      onMouseDown={(event) => !byKeyboard && event.preventDefault()}
    >
      <p id={messageId} className="copydesk-menu__message">
        {anchor.message}
      </p>
      {anchor.kind === 'spelling' && spellings === null && <p className="copydesk-menu__looking">Looking for spellings…</p>}
      {anchor.kind === 'spelling' && spellings?.length === 0 && <p className="copydesk-menu__looking">No spellings found.</p>}
      <div className="copydesk-menu__items" role="menu" aria-label={`${KIND_LABEL[anchor.kind]}: ${anchor.text}`} aria-describedby={messageId}>
        {replacements.map((replacement) => (
          <button key={replacement} type="button" role="menuitem" className="copydesk-menu__replacement" disabled={!editor.isEditable} onClick={() => replace(replacement)}>
            {replacementLabel(anchor, replacement)}
          </button>
        ))}
        <button type="button" role="menuitem" onClick={ignore}>
          Ignore
        </button>
        {anchor.kind === 'spelling' && (
          <button type="button" role="menuitem" onClick={addWord}>
            Add to dictionary
          </button>
        )}
      </div>
      {problem && (
        <p className="copydesk-menu__problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  )
}
