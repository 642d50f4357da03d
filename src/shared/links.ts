/** Which link targets a story may hold: checked by the editor, the server and every HTML writer. */

/** Link schemes the story may hold; a link without a scheme (relative) is harmless too. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto'])

/**
 * Whether a link target is one a reader may follow: http(s), mailto or relative. Browsers ignore
 * whitespace and control characters inside a scheme (`  JaVa\tScRiPt:`), so they are read the
 * same way here.
 */
export function isSafeHref(value: unknown): boolean {
  if (typeof value !== 'string') return false
  // oxlint-disable-next-line no-control-regex
  const compact = value.replace(/[\u0000-\u0020\u007f]/g, '')
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact)?.[1]
  return scheme === undefined || SAFE_SCHEMES.has(scheme.toLowerCase())
}
