/**
 * The admin page's copy desk part (issue 13): turn each house-style rule on or off for the whole
 * newsroom, and see and prune the newsroom's dictionary. Every open editor follows at once.
 */
import { useCallback, useEffect, useState } from 'react'
import { ApiFailure, getDictionary, removeDictionaryWord, setStyleRule } from '../api'
import type { DictionaryAnswer } from '../shared/dictionary'

const messageOf = (error: unknown) => (error instanceof ApiFailure ? error.message : 'The server could not be reached.')

/** The house-style rules with a switch each, and the dictionary's words with a remove button each. */
export function HouseStyleSettings() {
  const [dictionary, setDictionary] = useState<DictionaryAnswer | null>(null)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const reload = useCallback(() => getDictionary().then(setDictionary, (error: unknown) => setProblem(messageOf(error))), [])
  useEffect(() => void reload(), [reload])

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true)
    setProblem(null)
    try {
      await action()
    } catch (error) {
      setProblem(messageOf(error))
    } finally {
      await reload()
      setBusy(false)
    }
  }

  // Shown switched at once; the server's answer (or a failure) then sets what is true.
  const switchRule = (ruleId: string, enabled: boolean) => {
    setDictionary((current) => current && { ...current, disabledRules: enabled ? current.disabledRules.filter((id) => id !== ruleId) : [...current.disabledRules, ruleId] })
    void run(() => setStyleRule(ruleId, enabled))
  }

  const disabled = new Set(dictionary?.disabledRules ?? [])
  return (
    <div className="admin-card house-style">
      <h3>Rules checked as stories are written</h3>
      <ul className="house-style__rules" aria-label="House-style rules">
        {(dictionary?.rules ?? []).map((rule) => (
          <li key={rule.id}>
            <label>
              <input type="checkbox" checked={!disabled.has(rule.id)} disabled={busy || !dictionary} onChange={(event) => switchRule(rule.id, event.target.checked)} />{' '}
              {rule.title} <span className="muted">— {rule.flagged} → {rule.fixed}</span>
            </label>
          </li>
        ))}
      </ul>
      <h3>Newsroom dictionary</h3>
      {dictionary && dictionary.words.length === 0 && <p className="muted">No words yet: “Add to dictionary” in a story’s spelling menu adds one for everyone.</p>}
      {dictionary && dictionary.words.length > 0 && (
        <ul className="sections__list" aria-label="Newsroom dictionary">
          {dictionary.words.map((entry) => (
            <li key={entry.word}>
              <span>{entry.word}</span>
              <button type="button" aria-label={`Remove ${entry.word} from the dictionary`} disabled={busy} onClick={() => void run(() => removeDictionaryWord(entry.word))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <p role="alert" className="notice notice--error">
          {problem}
        </p>
      )}
    </div>
  )
}
