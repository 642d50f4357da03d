/** The metadata side panel, live-synced through the story's Y.Doc. */
import { memo } from 'react'
import type * as Y from 'yjs'
import { useWordCount } from '../collab/useWordCount'
import { useYMapValue } from '../collab/useYMapValue'
import { HEADLINE_LIMIT, isSection, isStatus, readingMinutes, SECTIONS, SLUG_LIMIT, STATUSES, type Status } from '../shared/newsroom'
import { getBylines, getDatelineMap, getMeta, getMetaText, MetaKey } from '../shared/storyDoc'
import { BylineEditor } from './BylineEditor'
import { DatelineFields } from './DatelineFields'
import { LimitedTextField } from './LimitedTextField'

/** Slugs are newsroom shorthand: capitals, digits and dashes. */
function toSlug(value: string): string {
  return value.toUpperCase().replace(/\s+/g, '-').replace(/[^A-Z0-9-]/g, '')
}

function WordsField({ doc, planned, setPlanned, disabled }: { doc: Y.Doc; planned: number | null; setPlanned(v: number | null): void; disabled?: boolean }) {
  const words = useWordCount(doc)
  const minutes = readingMinutes(words)
  const ratio = planned ? words / planned : 0
  const state = !planned ? 'none' : ratio > 1.1 ? 'over' : ratio >= 0.9 ? 'on' : 'under'
  return (
    <div className="field length">
      <label htmlFor="planned-words">Planned words</label>
      <input
        id="planned-words"
        type="number"
        min={0}
        step={50}
        inputMode="numeric"
        value={planned ?? ''}
        disabled={disabled}
        onChange={(event) => {
          const raw = event.target.value
          const value = Number(raw)
          setPlanned(raw === '' || !Number.isFinite(value) || value < 0 ? null : Math.round(value))
        }}
      />
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

export const MetaPanel = memo(function MetaPanel({ doc, disabled }: { doc: Y.Doc; disabled?: boolean }) {
  const meta = getMeta(doc)
  const [section, setSection] = useYMapValue<string>(meta, MetaKey.section)
  const [status, setStatus] = useYMapValue<string>(meta, MetaKey.status)
  const [planned, setPlanned] = useYMapValue<number | null>(meta, MetaKey.plannedWords)
  // Nested types arrive with the first sync: re-read them when the meta map changes.
  useYMapValue(meta, MetaKey.headline)
  useYMapValue(meta, MetaKey.dateline)
  useYMapValue(meta, MetaKey.bylines)

  return (
    <aside className="panel" aria-label="Story details">
      <LimitedTextField label="Headline" ytext={getMetaText(doc, 'headline')} limit={HEADLINE_LIMIT} disabled={disabled} placeholder="Write a headline" multiline />
      <LimitedTextField label="Slug" ytext={getMetaText(doc, 'slug')} limit={SLUG_LIMIT} disabled={disabled} placeholder="e.g. SYRIA-TALKS" transform={toSlug} />
      <div className="field-row">
        <div className="field">
          <label htmlFor="story-section">Section</label>
          <select id="story-section" value={isSection(section) ? section : ''} disabled={disabled} onChange={(event) => setSection(event.target.value)}>
            <option value="">No section</option>
            {SECTIONS.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="story-status">Status</label>
          <select id="story-status" value={isStatus(status) ? status : 'draft'} disabled={disabled} onChange={(event) => setStatus(event.target.value)}>
            {(Object.keys(STATUSES) as Status[]).map((key) => (
              <option key={key} value={key}>
                {STATUSES[key]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <BylineEditor bylines={getBylines(doc)} disabled={disabled} />
      <DatelineFields map={getDatelineMap(doc)} disabled={disabled} />
      <WordsField doc={doc} planned={typeof planned === 'number' ? planned : null} setPlanned={setPlanned} disabled={disabled} />
    </aside>
  )
})
