import { useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import type { Dateline } from '../shared/dateline'
import { DATELINE_FIELDS } from '../shared/storyDoc'

/**
 * The map's fields as a JSON string: a primitive snapshot compares by value. Only text counts (the
 * server refuses anything else, but a story stored before it did may hold a number).
 */
function snapshot(map: Y.Map<string> | null): string {
  return JSON.stringify(Object.fromEntries(DATELINE_FIELDS.map((field) => [field, asText(map?.get(field))])))
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : '')

/** The dateline's parts as plain values, re-rendering when any part changes. */
export function useDateline(map: Y.Map<string> | null): Dateline {
  const json = useSyncExternalStore(
    (notify) => {
      map?.observe(notify)
      return () => map?.unobserve(notify)
    },
    () => snapshot(map),
  )
  return JSON.parse(json) as Dateline
}
