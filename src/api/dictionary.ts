/** The newsroom dictionary (issue 13): its words and the house-style rules turned off. */
import type { DictionaryAnswer } from '../shared/dictionary'
import { call } from './client'

/** Every word of the newsroom's dictionary and the rules an admin turned off. */
export function getDictionary(): Promise<DictionaryAnswer> {
  return call<DictionaryAnswer>('/api/dictionary')
}

/** Add a word for the whole newsroom; resolves to the word as stored. */
export async function addDictionaryWord(word: string): Promise<string> {
  return (await call<{ word: string; added: boolean }>('/api/dictionary', { method: 'POST', json: { word } })).word
}

/** Remove a word (desk chiefs and admins). */
export async function removeDictionaryWord(word: string): Promise<void> {
  await call(`/api/dictionary/${encodeURIComponent(word)}`, { method: 'DELETE' })
}

/** Turn a house-style rule off or on for the newsroom (admins); resolves to the rules now off. */
export async function setStyleRule(ruleId: string, enabled: boolean): Promise<string[]> {
  return (await call<{ disabledRules: string[] }>(`/api/dictionary/rules/${encodeURIComponent(ruleId)}`, { method: 'PUT', json: { enabled } })).disabledRules
}
