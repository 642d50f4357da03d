/**
 * The review list under the story body: every open suggestion with its author, time and text,
 * accepted or rejected one by one or all at once (by anyone who may edit the story).
 */
import { useEditorState, type Editor } from '@tiptap/react'
import { formatSuggestionTime, safeColor } from './suggestChanges'
import { useSuggestions } from './useSuggestions'
import './suggestions.css'

/** Long suggestions are shown shortened; the text itself is in the story. */
function excerpt(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

export function SuggestionsPanel({ editor }: { editor: Editor }) {
  const suggestions = useSuggestions(editor)
  const editable = useEditorState({ editor, selector: ({ editor: e }) => e.isEditable })
  if (suggestions.length === 0) return null
  const run = (command: (chain: ReturnType<Editor['chain']>) => ReturnType<Editor['chain']>) => command(editor.chain().focus()).run()

  return (
    <section className="suggestions" aria-label="Suggestions">
      <header className="suggestions__header">
        <h2 className="suggestions__title">
          Suggestions <span className="suggestions__count">{suggestions.length}</span>
        </h2>
        {editable && (
          <span className="suggestions__all">
            <button type="button" onClick={() => run((chain) => chain.acceptAllSuggestions())}>
              Accept all
            </button>
            <button type="button" onClick={() => run((chain) => chain.rejectAllSuggestions())}>
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
                {suggestion.deleted && <del className="suggestion suggestion--deletion">{excerpt(suggestion.deleted)}</del>}
                {suggestion.inserted && (
                  <ins className="suggestion suggestion--insertion" style={color ? { ['--suggestion-color' as string]: color } : undefined}>
                    {excerpt(suggestion.inserted)}
                  </ins>
                )}
              </button>
              {editable && (
                <span className="suggestions__actions">
                  <button type="button" onClick={() => run((chain) => chain.acceptSuggestion(suggestion.id))}>
                    Accept
                  </button>
                  <button type="button" onClick={() => run((chain) => chain.rejectSuggestion(suggestion.id))}>
                    Reject
                  </button>
                </span>
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
