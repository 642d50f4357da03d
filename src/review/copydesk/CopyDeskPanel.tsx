/**
 * The copy desk's part of the Review tab (issue 13): the "Check spelling and style as I type"
 * switch, how many issues the story has and a list of them in story order; choosing one puts the
 * caret on it and scrolls it into view. The list is read again only when the checker redraws (its
 * `generation`), never on each keystroke.
 */
import { useId, useMemo } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import { useCopyDeskSettings } from '../../store/copyDeskSettings'
import { copyDeskIssues, copyDeskState } from './CopyDesk'
import type { CopyDeskIssue } from './issueDecorations'
import { useCopyDeskProgress } from './useCopyDeskProgress'
import './copydesk.css'

const KIND_LABEL: Record<CopyDeskIssue['kind'], string> = { spelling: 'Spelling', grammar: 'Grammar', style: 'House style' }

/** A count of issues in words: "no issues", "1 issue", "3 issues". */
const issueCount = (count: number) => (count === 0 ? 'no issues' : `${count} ${count === 1 ? 'issue' : 'issues'}`)

/**
 * Whether the whole story has been checked yet. It says "Checking the story…" only until the first
 * whole check is drawn (opening, or checks turned on), then stays "Story checked.": the paragraph
 * being typed is checked again within a moment, and a live region changing on every keystroke's
 * check would talk over the typist. The counts ride along as data attributes (the bench reads them).
 */
function CheckStatus({ editor }: { editor: Editor }) {
  const { checked, total, whole } = useCopyDeskProgress(editor)
  return (
    <p role="status" className="copydesk-panel__status" data-checked={checked} data-paragraphs={total}>
      {whole ? 'Story checked.' : 'Checking the story…'}
    </p>
  )
}

/** The setting, the count and the list of issues, for the Review tab. */
export function CopyDeskPanel({ editor }: { editor: Editor }) {
  const on = useCopyDeskSettings((settings) => settings.checkAsYouType)
  const setOn = useCopyDeskSettings((settings) => settings.setCheckAsYouType)
  const hint = useId()
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
        Copy desk <span className="copydesk-panel__count">{on ? issueCount(issues.length) : 'checks off'}</span>
      </h2>
      <label className="copydesk-panel__switch">
        {/* A switch, not a checkbox: it acts at once (WAI-ARIA switch pattern); Space toggles it. */}
        <input type="checkbox" role="switch" checked={on} aria-describedby={hint} onChange={(event) => setOn(event.target.checked)} />
        <span>Check spelling and style as I type</span>
      </label>
      <p id={hint} className="copydesk-panel__hint">
        {on ? 'Misspellings and house-style slips are underlined in the story.' : 'Nothing is checked or underlined. This browser remembers the choice.'}
      </p>
      {on && !error && <CheckStatus editor={editor} />}
      {on && error && (
        <p className="notice notice--error" role="alert">
          The spelling checker stopped: {error}
        </p>
      )}
      {on && issues.length > 0 && (
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
