/** Suggested insertions: text that is not in the story until accepted. */
import { suggestionMark } from './suggestionMark.js'

/** Mark name of suggested insertions. */
export const INSERTION = 'insertion'

/** Suggested insertion: shown underlined in the author's colour. */
export const InsertionMark = suggestionMark(INSERTION, 'ins')
