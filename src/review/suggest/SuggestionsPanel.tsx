/**
 * The review list under the story body: every open suggestion with its author, time and text,
 * accepted or rejected one by one or all at once (by anyone who may edit the story), and below
 * it the record of past decisions (who accepted or rejected what, and when). The server records
 * each decision from the change it applies to the story (server/suggestionReview.ts) and says so
 * on the story's event stream; nothing here reports one. Authors are named from the newsroom's
 * people by the id the server vouched for, not by the name stored with the suggestion.
 */
import { useCallback, useState } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import { listDecisions, type DecisionView } from '../../api'
import { BREAK_SIGN } from '../../shared/suggestions'
import { useUserName } from '../../store/session'
import { formatSuggestionTime, safeColor } from '../../shared/schema/suggestionLabels'
import { useReviewEvents } from '../useReviewEvents'
import type { SuggestionSummary } from './listSuggestions'
import { settleSuggestions } from './settleSuggestions'
import type { SuggestChangesStorage } from './SuggestChanges'
import { useSuggestions } from './useSuggestions'
import './suggestions.css'

/** The story the editor is open on (given to the SuggestChanges extension). */
function storyIdOf(editor: Editor): string | null {
  return (editor.storage as unknown as { suggestChanges?: SuggestChangesStorage }).suggestChanges?.storyId ?? null
}

/** The story's recorded decisions, fetched on mount and whenever the server records more. */
function useDecisions(storyId: string | null): DecisionView[] {
  const [decisions, setDecisions] = useState<DecisionView[]>([])
  const load = useCallback(() => {
    if (!storyId) return
    listDecisions(storyId).then(
      (list) => setDecisions(list),
      // Keep the last list: the record is secondary to the story itself.
      () => undefined,
    )
  }, [storyId])
  useReviewEvents(storyId ?? '', 'decisions', load)
  return decisions
}

/** "10:42" in the reader's locale; made on first use, as a new DateTimeFormat per render is costly. */
const clockTime = (() => {
  let format: Intl.DateTimeFormat | null = null
  return (time: number) => (format ??= new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })).format(time)
})()

/** The newest decisions, most recent first: "Accepted by Erin · 'text' by Riley · 10:42". */
function DecisionList({ decisions }: { decisions: readonly DecisionView[] }) {
  const nameOf = useUserName()
  return (
    <section className="suggestions__decisions" aria-label="Suggestion decisions">
      <h3 className="suggestions__decisions-title">Suggestion decisions</h3>
      <ul className="suggestions__decisions-list">
        {decisions.slice(0, 50).map((decision) => (
          <li key={decision.id}>
            {decision.action === 'accept' ? 'Accepted' : 'Rejected'} by {nameOf(decision.userId)} · ‘{excerpt(decision.text, 60)}’ by{' '}
            {decision.authorId === null ? 'someone' : nameOf(decision.authorId)} ·{' '}
            <time dateTime={new Date(decision.at).toISOString()} title={formatSuggestionTime(decision.at)}>
              {clockTime(decision.at)}
            </time>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** What a suggestion does, in a word or two: the text alone can be a lone hyphen or a space. */
function kindLabel({ inserted, deleted }: SuggestionSummary): string {
  if (inserted && deleted) return 'Replaced'
  if (deleted) return deleted === BREAK_SIGN ? 'Joined paragraphs' : 'Deleted'
  if (inserted) return inserted === BREAK_SIGN ? 'New paragraph' : 'Inserted'
  return ''
}

/** Long suggestions are shown shortened; the text itself is in the story. */
function excerpt(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** The open suggestions of `editor`'s story and its recorded decisions (nothing while there are neither). */
export function SuggestionsPanel({ editor }: { editor: Editor }) {
  const suggestions = useSuggestions(editor)
  const editable = useEditorState({ editor, selector: ({ editor: e }) => e.isEditable })
  const decisions = useDecisions(storyIdOf(editor))
  const nameOf = useUserName()
  if (suggestions.length === 0 && decisions.length === 0) return null
  const run = (command: (chain: ReturnType<Editor['chain']>) => ReturnType<Editor['chain']>) => command(editor.chain().focus()).run()

  return (
    <section className="suggestions" aria-label="Suggestions">
      <header className="suggestions__header">
        <h2 className="suggestions__title">
          Suggestions <span className="suggestions__count">{suggestions.length}</span>
        </h2>
        {editable && suggestions.length > 0 && (
          <span className="suggestions__all">
            <button type="button" onClick={() => settleSuggestions(editor, 'accept', 'all')}>
              Accept all
            </button>
            <button type="button" onClick={() => settleSuggestions(editor, 'reject', 'all')}>
              Reject all
            </button>
          </span>
        )}
      </header>
      <ul className="suggestions__list">
        {suggestions.map((suggestion) => {
          const color = safeColor(suggestion.authorColor) ?? undefined
          const authorColor = color ? { ['--suggestion-color' as string]: color } : undefined
          const when = formatSuggestionTime(suggestion.time)
          // By the id the server checked (the stored name is anyone's free text); legacy ones without an id by their stored name.
          const author = suggestion.authorId === null ? suggestion.authorName : nameOf(suggestion.authorId)
          return (
            <li key={suggestion.id} className="suggestions__item" aria-label={`Suggestion by ${author || 'someone'}`}>
              <button
                type="button"
                className="suggestions__text"
                title="Show in the story"
                onClick={() => run((chain) => chain.setTextSelection(suggestion.from).scrollIntoView())}
              >
                <span className="suggestions__author" style={authorColor}>
                  {author || 'Someone'}
                </span>
                {when && <time className="suggestions__time">{when}</time>}
                {kindLabel(suggestion) && <span className="suggestions__kind">{kindLabel(suggestion)}</span>}
                {suggestion.formats.length > 0 && (
                  <span className="suggestions__format">
                    {suggestion.formats.join(', ')}
                    {suggestion.formatted && !suggestion.inserted && !suggestion.deleted ? `: ‘${excerpt(suggestion.formatted, 60)}’` : ''}
                  </span>
                )}
                {suggestion.deleted && <del className="suggestion suggestion--deletion">{excerpt(suggestion.deleted)}</del>}
                {suggestion.inserted && (
                  <ins className="suggestion suggestion--insertion" style={authorColor}>
                    {excerpt(suggestion.inserted)}
                  </ins>
                )}
              </button>
              {editable && (
                <span className="suggestions__actions">
                  <button type="button" onClick={() => settleSuggestions(editor, 'accept', [suggestion.id])}>
                    Accept
                  </button>
                  <button type="button" onClick={() => settleSuggestions(editor, 'reject', [suggestion.id])}>
                    Reject
                  </button>
                </span>
              )}
            </li>
          )
        })}
      </ul>
      {decisions.length > 0 && <DecisionList decisions={decisions} />}
    </section>
  )
}
