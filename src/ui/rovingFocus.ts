/**
 * Roving focus for composite widgets (WAI-ARIA tabs and toolbar patterns): the widget is one Tab
 * stop, and these keys move the focus among its items, wrapping at either end.
 */

/** Where `key` moves the focus among `count` items from `index`, or null for keys the widget leaves alone. */
export function nextIndex(key: string, index: number, count: number): number | null {
  if (count === 0) return null
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count
    case 'ArrowLeft':
      return (index + count - 1) % count
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return null
  }
}
