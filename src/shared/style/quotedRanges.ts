/**
 * Where a paragraph quotes someone: the copy desk leaves what people said as they said it, so
 * style and grammar rules skip it (spelling still checks it).
 */

/** A range of a paragraph's text, end exclusive. */
export interface TextRange {
  from: number
  to: number
}

/**
 * The quoted passages of `text`, quotation marks included: curly “…” and straight "…" pairs. A
 * quotation left open runs to the paragraph's end, as AP writes a quote that goes on into the
 * next paragraph (no closing mark).
 */
export function quotedRanges(text: string): TextRange[] {
  const ranges: TextRange[] = []
  let open = -1
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (open < 0 && (char === '“' || char === '"')) open = index
    else if (open >= 0 && (char === '”' || char === '"' || char === '“')) {
      // A second opening mark inside a quote ends nothing: it is a typo, and the quote goes on.
      if (char === '“') continue
      ranges.push({ from: open, to: index + 1 })
      open = -1
    }
  }
  if (open >= 0) ranges.push({ from: open, to: text.length })
  return ranges
}

/** Whether `range` overlaps any of `ranges`. */
export function overlapsAny(range: TextRange, ranges: readonly TextRange[]): boolean {
  return ranges.some((other) => range.from < other.to && other.from < range.to)
}
