/**
 * The `deepEqual` TipTap's `useEditorState` compares selections with by default, in place of the
 * `fast-equals` package's (vite.config.ts aliases `fast-equals` here; nothing else imports it).
 * Selectors here return primitives or plain objects and arrays of them (the toolbar's state), and
 * fast-equals' general comparison of Maps, Sets, dates, typed arrays and cycles cost the story
 * page 2 kB of gzip (issue 12). Anything else is equal only when identical: at worst a component
 * renders again, never misses a change.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]))
  if (!isPlain(a) || !isPlain(b)) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  return keys.every((key) => Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
}

/** An object literal's kind of object (or one without a prototype). */
function isPlain(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}
