/** Newsroom vocabularies: sections, workflow statuses and field limits (../shared/NEWSROOM.md). */

/** The sections a new newsroom starts with; administrators add and remove them. */
export const SECTIONS = ['News', 'World', 'Politics', 'Business', 'Sports', 'Culture', 'Opinion'] as const
/** A section name (the server keeps the list; see `GET /api/sections`). */
export type Section = string

/** Longest section name. */
export const SECTION_MAX = 40

/** Whether `value` can be a section name (whether it exists is the server's to say). */
export function isSection(value: unknown): value is Section {
  return typeof value === 'string' && value.length > 0 && value.length <= SECTION_MAX
}

/** Workflow statuses in order, with the label people see. */
export const STATUSES = {
  draft: 'Draft',
  in_edit: 'In edit',
  copy_edit: 'Copy edit',
  ready: 'Ready',
  published: 'Published',
  held: 'Held',
  spiked: 'Spiked',
} as const
export type Status = keyof typeof STATUSES

/** Whether `value` is a workflow status id. */
export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && Object.hasOwn(STATUSES, value)
}

/** Superdesk's default headline limit; the counter warns past it. */
export const HEADLINE_LIMIT = 64
/** Slug limit (newsroom shorthand, never published). */
export const SLUG_LIMIT = 24
/** Words an average adult reads per minute, for the reading-time estimate. */
export const WORDS_PER_MINUTE = 230

/** Minutes to read `words` words, at least one for any text. */
export function readingMinutes(words: number): number {
  return words === 0 ? 0 : Math.max(1, Math.round(words / WORDS_PER_MINUTE))
}

/** Words in a run of text: maximal runs of non-space characters that hold a letter or digit. */
export function countWords(text: string): number {
  let count = 0
  for (const token of text.split(/\s+/)) {
    if (/[\p{L}\p{N}]/u.test(token)) count++
  }
  return count
}

export type LengthState = 'none' | 'under' | 'on' | 'over'

/** Length against the plan: within 10% either side is on plan. */
export function lengthState(words: number, planned: number | null): LengthState {
  if (!planned) return 'none'
  const ratio = words / planned
  return ratio > 1.1 ? 'over' : ratio >= 0.9 ? 'on' : 'under'
}
