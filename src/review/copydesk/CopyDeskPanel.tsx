/**
 * The copy desk's part of the Review tab (issue 13): how many issues the story has and a list of
 * them in story order; choosing one puts the caret on it and scrolls it into view. The list is
 * read again only when the checker redraws (its `generation`), never on each keystroke.
 */
import { useMemo } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import { copyDeskIssues, copyDeskState } from './CopyDesk'
import type { CopyDeskIssue } from './issueDecorations'
import './copydesk.css'

const KIND_LABEL: Record<CopyDeskIssue['kind'], string> = { spelling: 'Spelling', grammar: 'Grammar', style: 'House style' }

/** The count and the list of issues, for the Review tab. */
export function CopyDeskPanel({ editor }: { editor: Editor }) {
  const generation = useEditorState({ editor, selector: ({ editor: e }) => copyDeskState(e.state).generation })
  // Read again on each redraw (a new generation), not on every keystroke.
  const issues = useMemo(() => (generation >= 0 ? copyDeskIssues(editor.state) : []), [editor, generation])
  const jump = (index: number) => {
    // Where the issue is now: the story may have changed since the list was drawn.
    const issue = copyDeskIssues(editor.state)[index] ?? issues[index]
    if (!issue) return
    editor.chain().setTextSelection({ from: issue.from, to: issue.to }).scrollIntoView().run()
    // At once, not a frame later as TipTap's `focus()` does: keys pressed next act on this selection.
    editor.view.focus()
  }
  const error = editor.storage.copyDesk.error
  return (
    <section className="copydesk-panel" aria-label="Copy desk checks">
      <h2>
        Copy desk <span className="copydesk-panel__count">{issues.length === 0 ? 'no issues' : `${issues.length} ${issues.length === 1 ? 'issue' : 'issues'}`}</span>
      </h2>
      {error && (
        <p className="notice notice--error" role="alert">
          The spelling checker stopped: {error}
        </p>
      )}
      {issues.length > 0 && (
        <ol className="copydesk-panel__list">
          {issues.map((issue, index) => (
            <li key={`${issue.from}-${issue.kind}-${issue.text}`}>
              <button type="button" className={`copydesk-panel__issue copydesk-panel__issue--${issue.kind}`} onClick={() => jump(index)}>
                <span className="copydesk-panel__text">{issue.text}</span>
                <span className="copydesk-panel__kind">{KIND_LABEL[issue.kind]}</span>
                <span className="copydesk-panel__message">{issue.message}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
