/**
 * The story body: TipTap bound to the Y.Doc's `body` fragment. React stays off the keystroke
 * path: the editor never re-renders its component on transactions, and the toolbar reads only
 * the few booleans it shows through `useEditorState` selectors.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { EditorContent, useEditor, type Editor } from '@tiptap/react'
import { Collaboration } from '@tiptap/extension-collaboration'
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret'
import type { StorySession } from '../collab/storySession'
import { BODY } from '../shared/storyDoc'
import { storyExtensions } from '../shared/schema'
import { setSuggestionAuthorNames } from '../shared/schema/suggestionLabels'
import { useSession } from '../store/session'
import { textColorOn } from '../ui/textColorOn'
import { PasteCleanup } from './pasteCleanup'
import { installIncrementalSync } from './incrementalSync'
import { LinkShortcut } from './linkShortcut'
import { StoryParts } from './storyParts'
import { PartLock } from './partLock'
import { ReactSelectionGuard } from './reactSelectionGuard'
import { OthersCaretsBack, withoutOwnChanges } from './othersCarets'
import { ScrollInFrame } from './scrollInFrame'
import { CaretInView, installCaretInView } from './caretInView'
import { LongStory } from './longStory'
import { CommentHighlights } from '../review/comments/commentMarks'
import { MarginThreads } from '../review/comments/MarginThreads'
import { SuggestChanges } from '../review/suggest/SuggestChanges'
import { SuggestionPopover } from '../review/suggest/SuggestionPopover'
import { CopyDeskMenu } from '../review/copydesk/CopyDeskMenu'
import { storyCopyDesk } from '../review/copydesk/storyCopyDesk'
import { STORY_BODY_ID } from './storyBodyId'
import { Toolbar } from './Toolbar'
import { modeForShortcut, type EditMode } from './ModeSwitch'

// Before any editor exists: bindings bind their observer at construction.
installIncrementalSync()
// y-tiptap reads whether the caret is in view from the last frame, not by laying the page out again.
installCaretInView()
// Suggestions show their author's account name, looked up by the id the server checked (issue 11).
setSuggestionAuthorNames((id) => useSession.getState().users.find((user) => user.id === id)?.displayName ?? null)

/** Caret label: the collaborator's name on their colour. */
function renderCaret(user: Record<string, unknown>): HTMLElement {
  const color = typeof user.color === 'string' ? user.color : '#777'
  const name = typeof user.name === 'string' ? user.name : 'Someone'
  const caret = document.createElement('span')
  caret.className = 'collab-caret'
  caret.style.borderColor = color
  caret.setAttribute('aria-label', `${name}'s cursor`)
  const label = document.createElement('span')
  label.className = 'collab-caret__label'
  label.style.backgroundColor = color
  label.style.color = textColorOn(color)
  label.textContent = name
  caret.append(label)
  return caret
}

interface Props {
  session: StorySession
  user: { name: string; color: string }
  editable: boolean
  /** Open in suggest mode (an editor who is not the story's lead or contributor); re-applied when it changes. */
  suggestByDefault?: boolean
  /** The signed-in user's id, stored on their suggestions (only its author may edit a suggestion). */
  userId?: number | null
  /** Told the editor once it exists (and null when it goes), for panels outside it (the suggestion list). */
  onEditor?: (editor: Editor | null) => void
}

export const StoryEditor = memo(function StoryEditor({ session, user, editable, suggestByDefault = false, userId = null, onEditor }: Props) {
  const contentBox = useRef<HTMLDivElement>(null)
  // The others' carets are redrawn when the others move, not when this tab's caret does.
  const carets = useMemo(() => ({ awareness: withoutOwnChanges(session.provider.awareness) }), [session])
  const editor = useEditor(
    {
      extensions: [
        ...storyExtensions(),
        Collaboration.configure({ document: session.doc, field: BODY }),
        CollaborationCaret.configure({ provider: carets, user, render: renderCaret }),
        OthersCaretsBack,
        LinkShortcut,
        PasteCleanup,
        // Off the key press's path (issue 12): React's commits would walk the whole story to save
        // the caret, and each transaction's scroll to the caret would lay the page out again.
        ReactSelectionGuard,
        ScrollInFrame,
        CaretInView,
        // Paragraphs out of view are not laid out (app.css): the caret's paragraph always is, and
        // the editor moves to the story's ends.
        LongStory,
        StoryParts.configure({ doc: session.doc }),
        // A reporter given only parts of the story edits only those (issue 15).
        PartLock.configure({ doc: session.doc }),
        CommentHighlights.configure({ doc: session.doc }),
        SuggestChanges.configure({ author: { id: userId, name: user.name, color: user.color }, suggesting: suggestByDefault, storyId: session.id }),
        // Spelling, grammar and house style, checked in a worker as the story is written (issue 13).
        storyCopyDesk(session.doc),
      ],
      editable,
      shouldRerenderOnTransaction: false,
      immediatelyRender: true,
      editorProps: {
        attributes: {
          id: STORY_BODY_ID,
          'aria-label': 'Story body',
          'aria-multiline': 'true',
          role: 'textbox',
          class: 'story-body',
          // The copy desk checks spelling (with the newsroom's dictionary): no second set of underlines.
          spellcheck: 'false',
        },
      },
    },
    [session],
  )

  // Viewing (the mode switch): read-only here by choice, on top of what the server allows.
  const [viewing, setViewing] = useState(false)
  useEffect(() => {
    editor?.setEditable(editable && !viewing)
  }, [editor, editable, viewing])
  const chooseMode = useCallback(
    (mode: EditMode) => {
      setViewing(mode === 'viewing')
      if (mode !== 'viewing') editor?.commands.setSuggesting(mode === 'suggesting')
      if (mode !== 'viewing') editor?.commands.focus()
    },
    [editor],
  )
  useEffect(() => {
    if (!editable) return
    const onKey = (event: KeyboardEvent) => {
      const mode = modeForShortcut(event)
      if (!mode) return
      event.preventDefault()
      chooseMode(mode)
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [editable, chooseMode])

  useEffect(() => {
    onEditor?.(editor)
    return () => onEditor?.(null)
  }, [editor, onEditor])

  useEffect(() => {
    // Name or colour changed: update the caret others see, without rebuilding the editor.
    editor?.commands.updateUser(user)
  }, [editor, user])

  useEffect(() => {
    editor?.commands.setSuggestionAuthor({ id: userId, name: user.name, color: user.color })
  }, [editor, user, userId])

  useEffect(() => {
    // The desk's assignment arrives with the first sync (and may change): follow it.
    editor?.commands.setSuggesting(suggestByDefault)
  }, [editor, suggestByDefault])

  if (!editor) return null
  return (
    <div className="editor">
      <Toolbar editor={editor} canEdit={editable} viewing={viewing} onMode={chooseMode} />
      <div className="suggestion-anchor" ref={contentBox}>
        <EditorContent editor={editor} className="editor__content" />
        <SuggestionPopover editor={editor} container={contentBox} />
        <CopyDeskMenu editor={editor} container={contentBox} />
        <MarginThreads editor={editor} container={contentBox} />
      </div>
    </div>
  )
})
