/**
 * The plain-text story format of ../shared/fixtures/stories/ (../shared/NEWSROOM.md):
 * an optional numbered section line (`1. News`), a blank line, the headline, a blank line,
 * then paragraphs separated by blank lines. The first paragraph may open with a dateline
 * (`CITY, Country — `, also ` - ` or ` -- `), which moves into the metadata.
 */
import { EMPTY_DATELINE, type Dateline } from './dateline.js'
import { SECTIONS, type Section } from './newsroom.js'

export interface ImportedStory {
  section: Section | ''
  headline: string
  dateline: Dateline
  paragraphs: string[]
  /** Things the importer noticed but could live with, for the person importing. */
  warnings: string[]
}

export type ImportResult = { ok: true; story: ImportedStory } | { ok: false; reason: string }

/** Longest headline line we accept as a headline rather than a paragraph. */
const MAX_HEADLINE_CHARS = 300

const SECTION_LINE = /^\d{1,3}\.\s+(\S.*)$/
/** City in capitals, optional `, Place`, optional `(SOURCE)`, then an em dash, ` - ` or ` -- `. */
const DATELINE =
  /^([A-Z][A-Z.'’\- ]*[A-Z.])(?:,\s*([^—\n]{1,60}?))?(?:\s*\(([A-Za-z][\w .&-]{0,20})\))?\s*(?:—|\s--\s|\s-\s)\s*/u
/** AP state abbreviations (`Ill.`, `N.Y.`, `Calif.`) and the spelled-out short ones. */
const US_REGION = /^(?:[A-Z][a-z]{0,4}\.(?:\s?[A-Z][a-z]?\.)?|Alaska|Hawaii|Idaho|Iowa|Maine|Ohio|Texas|Utah)$/

function normaliseSection(label: string, sections: readonly string[]): { section: Section | ''; warning?: string } {
  const wanted = label.trim().toLowerCase()
  const match = sections.find((name) => name.toLowerCase() === wanted)
  if (match) return { section: match }
  return { section: '', warning: `Unknown section "${label.trim()}": the story has no section yet.` }
}

/** Split the opening dateline off the first paragraph, if it has one. */
export function splitDateline(paragraph: string): { dateline: Dateline; text: string } | null {
  const match = DATELINE.exec(paragraph)
  if (!match) return null
  const rest = paragraph.slice(match[0].length)
  if (!rest) return null
  const city = (match[1] ?? '').trim()
  const place = (match[2] ?? '').trim()
  const dateline: Dateline = { ...EMPTY_DATELINE, city, source: (match[3] ?? '').trim() }
  if (place) {
    if (US_REGION.test(place)) {
      dateline.region = place
      dateline.country = 'United States'
    } else {
      dateline.country = place
    }
  }
  return { dateline, text: rest }
}

/** Parse a plain-text story against the paper's `sections`; a reason in plain words when the text is not usable. */
export function parsePlainTextStory(input: string, sections: readonly string[] = SECTIONS): ImportResult {
  if (input.includes('\u0000')) return { ok: false, reason: 'The file is not plain text.' }
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  // Linear in the input, whatever its whitespace: a regex like /\s*\n\s*/ backtracks over every
  // long run of spaces (a 160 KB body of them held the server for seconds).
  const blocks = text
    .split(/\n[ \t]*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .join(' '),
    )
    .filter((block) => block.length > 0)
  if (blocks.length === 0) return { ok: false, reason: 'The text is empty.' }

  const warnings: string[] = []
  let section: Section | '' = ''
  const sectionMatch = SECTION_LINE.exec(blocks[0] ?? '')
  if (sectionMatch && (blocks[0] ?? '').length <= 40) {
    const found = normaliseSection(sectionMatch[1] ?? '', sections)
    section = found.section
    if (found.warning) warnings.push(found.warning)
    blocks.shift()
  }

  const headline = blocks.shift()
  if (!headline) return { ok: false, reason: 'There is no headline: expected a headline line after the section.' }
  if (headline.length > MAX_HEADLINE_CHARS) {
    return {
      ok: false,
      reason: `The headline is ${headline.length} characters long: expected a headline line (at most ${MAX_HEADLINE_CHARS}) before the body.`,
    }
  }
  if (blocks.length === 0) return { ok: false, reason: 'There is no body text after the headline.' }

  let dateline: Dateline = { ...EMPTY_DATELINE }
  const opening = splitDateline(blocks[0] ?? '')
  if (opening) {
    dateline = opening.dateline
    blocks[0] = opening.text
  }
  return { ok: true, story: { section, headline, dateline, paragraphs: blocks, warnings } }
}
