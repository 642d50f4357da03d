/** Suggested deletions: text that stays in the story until accepted. */
import { suggestionMark } from './suggestionMark.js'

/** Mark name of suggested deletions. */
export const DELETION = 'deletion'

/** Suggested deletion: the text stays, struck through, until accepted. */
export const DeletionMark = suggestionMark(DELETION, 'del')
