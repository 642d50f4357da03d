/** Deadlines in `datetime-local` inputs (the budget's assignment form, the story's desk fields). */

const pad = (n: number) => String(n).padStart(2, '0')

/** `datetime-local` value for a timestamp, in the browser's zone ('' for none). */
export function toLocalInput(ms: number | null): string {
  if (ms === null) return ''
  const date = new Date(ms)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

// `datetime-local`'s value: the HTML "normalized local date and time string" (seconds only with a step under a minute).
const LOCAL_DATE_TIME = /^(\d{4,6})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/

/** Timestamp of a `datetime-local` value, read in the browser's zone (null for '' or a value that is no date). */
export function fromLocalInput(value: string): number | null {
  // Parsed by hand: Date.parse guesses at anything that is not ISO ("2025-11-" is a date to V8).
  const match = LOCAL_DATE_TIME.exec(value)
  if (!match) return null
  const [year = 0, month = 1, day = 1, hours = 0, minutes = 0, seconds = 0] = match.slice(1).map((part) => Number(part ?? 0))
  const date = new Date(2000, 0, 1, hours, minutes, seconds)
  // setFullYear, not the constructor's year: the constructor reads years 0–99 as 1900–1999.
  date.setFullYear(year, month - 1, day)
  return date.getTime()
}
