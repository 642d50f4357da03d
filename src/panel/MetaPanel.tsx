/**
 * The story's side panel, live-synced through the story's Y.Doc, in three tabs: Details (the
 * metadata fields and whatever else describes the story: assignment, parts), Review (comments)
 * and History (versions, status changes).
 */
import { memo, useState, type ReactNode } from 'react'
import type * as Y from 'yjs'
import { PLANNED_WORDS_MAX, PLANNED_WORDS_MIN, plannedWordsProblem } from '../shared/limits'
import { useWordCount } from '../collab/useWordCount'
import { useYMapValue } from '../collab/useYMapValue'
import { HEADLINE_LIMIT, isSection, isStatus, lengthState, readingMinutes, SLUG_LIMIT, STATUSES, type Status } from '../shared/newsroom'
import { getBylines, getDatelineMap, getMeta, getMetaText, MetaKey } from '../shared/storyDoc'
import { useEditorUi, type PanelTab } from '../store/ui'
import { BylineEditor } from './BylineEditor'
import { DatelineFields } from './DatelineFields'
import { LimitedTextField } from './LimitedTextField'
import { PanelTabs, type PanelTabSpec } from './PanelTabs'

/** Slugs are newsroom shorthand: capitals, digits and dashes. */
function toSlug(value: string): string {
  return value.toUpperCase().replace(/\s+/g, '-').replace(/[^A-Z0-9-]/g, '')
}

/**
 * Desk fields (section, status, planned length) change through the server's API, which checks
 * the role; the panel shows them live from the document and offers only what the role may do.
 */
export interface DeskControls {
  sections: string[]
  canSetDesk: boolean
  /** Statuses the story may move to now (besides its current one). */
  statusOptions: Status[]
  setSection(section: string): void
  setPlannedWords(words: number | null): void
  moveStatus(to: Status): void
}

function WordsField({ doc, planned, setPlanned, disabled }: { doc: Y.Doc; planned: number | null; setPlanned(v: number | null): void; disabled?: boolean }) {
  const words = useWordCount(doc)
  // A draft while typing; the plan changes (through the server) on Enter or leaving the field.
  const [draft, setDraft] = useState<string | null>(null)
  // What is wrong with the draft, said beside the field; the draft stays for the person to fix.
  const [problem, setProblem] = useState<string | null>(null)
  const minutes = readingMinutes(words)
  const state = lengthState(words, planned)
  const commit = (input: HTMLInputElement) => {
    if (draft === null) return
    // Emptied on purpose: no plan. Anything else (a half-typed number reads as '') must be a
    // length the desk may plan.
    const next = draft.trim() === '' && !input.validity.badInput ? null : Number(draft === '' ? Number.NaN : draft)
    const wrong = next === null ? null : plannedWordsProblem(next)
    setProblem(wrong)
    if (wrong) return
    setDraft(null)
    if (next !== planned) setPlanned(next)
  }
  return (
    <div className="field length">
      <label htmlFor="planned-words">Planned words</label>
      <input
        id="planned-words"
        type="number"
        min={PLANNED_WORDS_MIN}
        max={PLANNED_WORDS_MAX}
        step={50}
        inputMode="numeric"
        value={draft ?? planned ?? ''}
        disabled={disabled}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? 'planned-words-problem' : undefined}
        onChange={(event) => setDraft(event.target.value)}
        onBlur={(event) => commit(event.currentTarget)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit(event.currentTarget)
          if (event.key === 'Escape') {
            setDraft(null)
            setProblem(null)
          }
        }}
      />
      {problem && (
        <small id="planned-words-problem" className="field__error" role="alert">
          {problem}
        </small>
      )}
      <p className={`length__actual length__actual--${state}`} aria-label="Length">
        <span>
          <strong>{words.toLocaleString('en-US')}</strong> {words === 1 ? 'word' : 'words'}
          {planned ? ` of ${planned.toLocaleString('en-US')} planned` : ''}
        </span>
        <span className="muted"> · {minutes} min read</span>
      </p>
      {planned ? <meter min={0} max={planned * 1.5} low={planned * 0.9} high={planned * 1.1} optimum={planned} value={words} aria-label="Length against plan" /> : null}
    </div>
  )
}

interface Props {
  doc: Y.Doc
  /** Headline, slug, byline and dateline are read-only. */
  disabled?: boolean
  /** Desk fields' choices and actions; without them the desk fields are read-only. */
  desk?: DeskControls
  /** More of the Details tab, below the metadata fields (assignment, story parts). */
  children?: ReactNode
  /** The Review tab (comments); without it there is no such tab. */
  review?: ReactNode
  /** Open comment threads, open suggestions and copy desk issues (spelling, style), counted on the Review tab. */
  openComments?: number
  openSuggestions?: number
  copyDeskIssues?: number
  /** The History tab (versions, status changes); without it there is no such tab. */
  history?: ReactNode
}

/** `word`, or its plural for any count but one. */
function plural(count: number, word: string): string {
  return count === 1 ? word : `${word}s`
}

/**
 * The Review tab's count in words, led by the number its badge shows, so the tab's name holds its
 * visible text (WCAG 2.5.3, issue 15): "2 open comments", "3 open: 2 comments, 1 suggestion",
 * "4 copy desk issues", "5 open: 1 comment, 4 copy desk issues".
 */
function reviewCountLabel(comments: number, suggestions: number, issues = 0): string {
  const kinds = [
    [comments, 'comment'],
    [suggestions, 'suggestion'],
    [issues, 'copy desk issue'],
  ] as const
  const counted = kinds.filter(([count]) => count > 0)
  if (counted.length > 1) return `${comments + suggestions + issues} open: ${counted.map(([count, word]) => `${count} ${plural(count, word)}`).join(', ')}`
  if (issues > 0) return `${issues} ${plural(issues, 'copy desk issue')}`
  return suggestions > 0 ? `${suggestions} open ${plural(suggestions, 'suggestion')}` : `${comments} open ${plural(comments, 'comment')}`
}

/** The side panel: its tabs, with the metadata fields leading the Details tab. */
export const MetaPanel = memo(function MetaPanel({ doc, disabled, desk, children, review, openComments = 0, openSuggestions = 0, copyDeskIssues = 0, history }: Props) {
  const tab = useEditorUi((ui) => ui.panelTab)
  const chooseTab = useEditorUi((ui) => ui.choosePanelTab)
  const tabs: Array<PanelTabSpec<PanelTab>> = [
    {
      id: 'details',
      label: 'Details',
      content: (
        <>
          <MetaFields doc={doc} disabled={disabled} desk={desk} />
          {children}
        </>
      ),
    },
  ]
  if (review !== undefined) {
    tabs.push({
      id: 'review',
      label: 'Review',
      count: openComments + openSuggestions + copyDeskIssues,
      countLabel: reviewCountLabel(openComments, openSuggestions, copyDeskIssues),
      content: review,
    })
  }
  if (history !== undefined) tabs.push({ id: 'history', label: 'History', content: history, mountWhenShown: true })
  return (
    <aside className="panel" aria-label="Story panel">
      <PanelTabs label="Side panel" tabs={tabs} selected={tab} onSelect={chooseTab} />
    </aside>
  )
})

/** Headline, slug, section, status, bylines, dateline and length. */
function MetaFields({ doc, disabled, desk }: { doc: Y.Doc; disabled?: boolean; desk?: DeskControls }) {
  const meta = getMeta(doc)
  const [section] = useYMapValue<string>(meta, MetaKey.section)
  const [status] = useYMapValue<string>(meta, MetaKey.status)
  const [planned] = useYMapValue<number | null>(meta, MetaKey.plannedWords)
  const current: Status = isStatus(status) ? status : 'draft'
  const sectionName = isSection(section) ? section : ''
  const sectionOptions = [...new Set([...(desk?.sections ?? []), ...(sectionName ? [sectionName] : [])])]
  // Nested types arrive with the first sync: re-read them when the meta map changes.
  useYMapValue(meta, MetaKey.headline)
  useYMapValue(meta, MetaKey.dateline)
  useYMapValue(meta, MetaKey.bylines)

  return (
    <>
      <LimitedTextField label="Headline" ytext={getMetaText(doc, 'headline')} limit={HEADLINE_LIMIT} disabled={disabled} placeholder="Write a headline" multiline />
      <LimitedTextField label="Slug" ytext={getMetaText(doc, 'slug')} limit={SLUG_LIMIT} disabled={disabled} placeholder="e.g. SYRIA-TALKS" transform={toSlug} />
      <div className="field-row">
        <div className="field">
          <label htmlFor="story-section">Section</label>
          <select id="story-section" value={sectionName} disabled={!desk?.canSetDesk} onChange={(event) => desk?.setSection(event.target.value)}>
            <option value="">No section</option>
            {sectionOptions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="story-status">Status</label>
          <select
            id="story-status"
            value={current}
            disabled={!desk || desk.statusOptions.length === 0}
            onChange={(event) => {
              if (isStatus(event.target.value)) desk?.moveStatus(event.target.value)
            }}
          >
            {(Object.keys(STATUSES) as Status[])
              .filter((key) => key === current || desk?.statusOptions.includes(key))
              .map((key) => (
                <option key={key} value={key}>
                  {STATUSES[key]}
                </option>
              ))}
          </select>
        </div>
      </div>
      <BylineEditor bylines={getBylines(doc)} disabled={disabled} />
      <DatelineFields map={getDatelineMap(doc)} disabled={disabled} />
      <WordsField
        doc={doc}
        planned={typeof planned === 'number' ? planned : null}
        setPlanned={(words) => desk?.setPlannedWords(words)}
        disabled={!desk?.canSetDesk}
      />
    </>
  )
}
