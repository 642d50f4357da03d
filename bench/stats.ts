/** Small statistics and table printing for the benchmarks. */
import { seededRandom } from '../tests/helpers/random'

/** The q-quantile (0..1) of `values` by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

/** Median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5)
}

/** Format milliseconds with sensible precision. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return '–'
  if (value < 10) return `${value.toFixed(2)} ms`
  if (value < 1000) return `${value.toFixed(1)} ms`
  return `${(value / 1000).toFixed(2)} s`
}

/** Print a table with a header row, columns padded to fit. */
export function printTable(title: string, header: readonly string[], rows: ReadonlyArray<readonly string[]>): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`
  console.log(`\n${title}\n`)
  console.log(line(header))
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`)
  for (const row of rows) console.log(line(row))
}


const WORDS = (
  'the council said on tuesday that officials would meet again after talks faltered over ' +
  'a proposed agreement to share intelligence and coordinate operations while reporters ' +
  'waited outside the ministry for a statement from the spokesman who declined to comment ' +
  'budget vote election minister government police court report city state market prices'
).split(' ')

/** `count` words of newsroom-ish text in paragraphs of about 60 words. */
export function makeParagraphs(count: number, seed = 7): string[] {
  const random = seededRandom(seed)
  const paragraphs: string[] = []
  let remaining = count
  while (remaining > 0) {
    const size = Math.min(remaining, 40 + Math.floor(random() * 40))
    const words: string[] = []
    for (let i = 0; i < size; i++) words.push(WORDS[Math.floor(random() * WORDS.length)] ?? 'news')
    paragraphs.push(`${words.join(' ')}.`)
    remaining -= size
  }
  return paragraphs
}
