/**
 * The review list under the story body: every open suggestion with its author, time and text,
 * accepted or rejected one by one or all at once (by anyone who may edit the story), and below
 * it the record of past decisions (who accepted or rejected what, and when).
 */
import { useEffect, useState } from 'react'
import { useEditorState, type Editor } from '@tiptap/react'
import type { ApiError, DecisionKind } from '../shared/api'
import { BREAK_SIGN } from '../shared/suggestions'
import { useUserName } from '../store/session'
import { formatSuggestionTime, safeColor } from '../shared/schema/suggestionLabels'
import { listSuggestions, type SuggestChangesStorage, type SuggestionSummary } from './suggestChanges'
import { useSuggestions } from './useSuggestions'
import './suggestions.css'

type DecisionAction = 'accept' | 'reject'

/** A recorded decision as `GET /api/stories/<id>/suggestions/decisions` answers it. */
interface DecisionData {
  id: number
  userId: number
  action: DecisionAction
  suggestionId: string
  authorId: number | null
  kind: DecisionKind
  text: string
  at: number
}

/** Longest text the server records for one decision. */
const DECISION_TEXT_MAX_CHARS = 2000
/** Most decisions the server takes in one request. */
const MAX_DECISIONS = 200
/** Window event after this tab recorded decisions (the popover and the panel are separate components). */
const DECISIONS_RECORDED = 'deskline:suggestion-decisions'

/** The story the editor is open on (given to the SuggestChanges extension). */
function storyIdOf(editor: Editor): string | null {
  return (editor.storage as unknown as { suggestChanges?: SuggestChangesStorage }).suggestChanges?.storyId ?? null
}

function decisionOf(suggestion: SuggestionSummary, action: DecisionAction) {
  const { inserted, deleted, formats, formatted } = suggestion
  const kind: DecisionKind = inserted && deleted ? 'replacement' : deleted ? 'deletion' : inserted ? 'insertion' : 'format'
  const text =
    kind === 'replacement' ? `${deleted} → ${inserted}` : kind === 'format' ? `${formats.join(', ')}: ${formatted}` : inserted || deleted
  const authorId = typeof suggestion.authorId === 'number' && Number.isInteger(suggestion.authorId) && suggestion.authorId > 0 ? suggestion.authorId : null
  return { action, suggestionId: suggestion.id, authorId, kind, text: text.slice(0, DECISION_TEXT_MAX_CHARS) }
}

async function postDecisions(storyId: string, decisions: ReturnType<typeof decisionOf>[]): Promise<void> {
  for (let start = 0; start < decisions.length; start += MAX_DECISIONS) {
    const res = await fetch(`/api/stories/${encodeURIComponent(storyId)}/suggestions/decisions`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decisions: decisions.slice(start, start + MAX_DECISIONS) }),
    })
    if (!res.ok) {
      const body = (await res.json().catch(() => null)) as ApiError | null
      throw new Error(body?.error?.message ?? `The server answered ${res.status}.`)
    }
  }
}

/**
 * Accept or reject suggestions (`ids`, or every open one) and record the decisions. What each
 * suggestion said is read before the command runs: accepting or rejecting removes its marks.
 */
export function settleSuggestions(editor: Editor, action: DecisionAction, ids: readonly string[] | 'all'): void {
  const open = listSuggestions(editor.state.doc).filter((suggestion) => ids === 'all' || ids.includes(suggestion.id))
  const chain = editor.chain().focus()
  const [only] = ids === 'all' ? [] : ids
  const done =
    ids === 'all'
      ? (action === 'accept' ? chain.acceptAllSuggestions() : chain.rejectAllSuggestions()).run()
      : only !== undefined && (action === 'accept' ? chain.acceptSuggestion(only) : chain.rejectSuggestion(only)).run()
  const storyId = storyIdOf(editor)
  if (!done || open.length === 0 || !storyId) return
  postDecisions(
    storyId,
    open.map((suggestion) => decisionOf(suggestion, action)),
  ).then(
    () => window.dispatchEvent(new CustomEvent(DECISIONS_RECORDED)),
    (error: unknown) => window.dispatchEvent(new CustomEvent(DECISIONS_RECORDED, { detail: error instanceof Error ? error.message : String(error) })),
  )
}

/** The story's recorded decisions, fetched on mount and after each decision made in this tab. */
function useDecisions(storyId: string | null): { decisions: DecisionData[]; error: string | null } {
  const [decisions, setDecisions] = useState<DecisionData[]>([])
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    if (!storyId) return
    let active = true
    const load = () =>
      fetch(`/api/stories/${encodeURIComponent(storyId)}/suggestions/decisions`, { credentials: 'same-origin' })
        .then(async (res) => {
          if (!res.ok) throw new Error(`The server answered ${res.status}.`)
          return ((await res.json()) as { decisions: DecisionData[] }).decisions
        })
        .then(
          (list) => active && setDecisions(list),
          // Keep the last list: the record is secondary to the story itself.
          () => undefined,
        )
    const onRecorded = (event: Event) => {
      const detail = (event as CustomEvent<unknown>).detail
      setError(typeof detail === 'string' ? `Could not record the decision: ${detail}` : null)
      void load()
    }
    void load()
    window.addEventListener(DECISIONS_RECORDED, onRecorded)
    return () => {
      active = false
      window.removeEventListener(DECISIONS_RECORDED, onRecorded)
    }
  }, [storyId])
  return { decisions, error }
}

/** "10:42" in the reader's locale; made on first use, as a new DateTimeFormat per render is costly. */
const clockTime = (() => {
  let format: Intl.DateTimeFormat | null = null
  return (time: number) => (format ??= new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })).format(time)
})()

/** The newest decisions, most recent first: "Accepted by Erin · 'text' by Riley · 10:42". */
function DecisionList({ decisions, error }: { decisions: readonly DecisionData[]; error: string | null }) {
  const nameOf = useUserName()
  return (
    <section className="suggestions__decisions" aria-label="Suggestion decisions">
      <h3 className="suggestions__decisions-title">Suggestion decisions</h3>
      {error && (
        <p className="suggestions__decisions-error" role="alert">
          {error}
        </p>
      )}
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

export function SuggestionsPanel({ editor }: { editor: Editor }) {
  const suggestions = useSuggestions(editor)
  const editable = useEditorState({ editor, selector: ({ editor: e }) => e.isEditable })
  const { decisions, error } = useDecisions(storyIdOf(editor))
  if (suggestions.length === 0 && decisions.length === 0 && !error) return null
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
          const when = formatSuggestionTime(suggestion.time)
          return (
            <li key={suggestion.id} className="suggestions__item" aria-label={`Suggestion by ${suggestion.authorName || 'someone'}`}>
              <button
                type="button"
                className="suggestions__text"
                title="Show in the story"
                onClick={() => run((chain) => chain.setTextSelection(suggestion.from).scrollIntoView())}
              >
                <span className="suggestions__author" style={{ color }}>
                  {suggestion.authorName || 'Someone'}
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
                  <ins className="suggestion suggestion--insertion" style={color ? { ['--suggestion-color' as string]: color } : undefined}>
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
      {(decisions.length > 0 || error) && <DecisionList decisions={decisions} error={error} />}
    </section>
  )
}
