/** The open suggestions of a document, for the review list, the Review tab's count and the commands. */
import type { Node as PMNode } from '@tiptap/pm/model'
import { describeMarkChanges } from '../../shared/schema/formatChangeMark.js'
import { BREAK_SIGN, type SuggestionAttrs } from '../../shared/schema/suggestionValues.js'
import { typeChangesOn } from './blockTypes'
import { formatChangesOn } from './markStep'
import { breakOf, suggestionsOf, typesOf } from './suggestionMarks'

/** One open suggestion, as the review list shows it. */
export interface SuggestionSummary extends SuggestionAttrs {
  inserted: string
  deleted: string
  /** Text whose formatting or block type it changed, and what changed ("Bold", "Heading 2"). */
  formatted: string
  formats: string[]
  /** Document position of its first character. */
  from: number
}

function addFormats(entry: SuggestionSummary, formats: string[]): void {
  for (const format of formats) if (!entry.formats.includes(format)) entry.formats.push(format)
}

/** Every open suggestion in the document, in reading order. */
export function listSuggestions(doc: PMNode): SuggestionSummary[] {
  const types = typesOf(doc.type.schema)
  if (!types) return []
  const byId = new Map<string, SuggestionSummary>()
  const entryFor = (attrs: SuggestionAttrs, from: number): SuggestionSummary => {
    const id = String(attrs.id)
    let entry = byId.get(id)
    if (!entry) {
      const { authorId, authorName, authorColor, time } = attrs
      entry = { id, authorId, authorName, authorColor, time, inserted: '', deleted: '', formatted: '', formats: [], from }
      byId.set(id, entry)
    }
    return entry
  }
  doc.descendants((node, pos) => {
    if (!node.isInline) {
      const suggested = breakOf(node)
      if (suggested) {
        const entry = entryFor(suggested, pos + 1)
        if (suggested.kind === 'split') entry.inserted += BREAK_SIGN
        else entry.deleted += BREAK_SIGN
      }
      for (const { change, to } of typeChangesOn(node)) {
        const entry = entryFor(change, pos + 1)
        addFormats(entry, [to])
        entry.formatted += node.textContent
      }
      return true
    }
    for (const change of formatChangesOn(node)) {
      const entry = entryFor(change, pos)
      addFormats(entry, describeMarkChanges(change.added, change.removed))
      entry.formatted += node.isText ? (node.text ?? '') : ' '
    }
    const text = node.isText ? (node.text ?? '') : ' '
    for (const mark of suggestionsOf(node, types)) {
      const entry = entryFor(mark.attrs as SuggestionAttrs, pos)
      if (mark.type === types.insertion) entry.inserted += text
      else entry.deleted += text
    }
    return false
  })
  return [...byId.values()]
}
