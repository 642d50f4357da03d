/** Search text (src/shared/searchText.ts): folding, words, the ranges marked and the snippet cut. */
import { describe, expect, it } from 'vitest'
import { foldForSearch, searchSnippet, searchWords, wordRanges } from '../../src/shared/searchText'

describe('search text', () => {
  it('folds case and accents, and splits a query into its words once each', () => {
    expect(foldForSearch('Zürich CAFÉ')).toBe('zurich cafe')
    expect(searchWords('  Café  cafe ZÜRICH ')).toEqual(['cafe', 'zurich'])
    expect(searchWords('   ')).toEqual([])
  })

  it('marks every place a word occurs in the original text, accents decomposed or not', () => {
    const decomposed = 'Cafe\u0301 and café'
    expect(wordRanges(decomposed, ['cafe']).map(([a, b]) => decomposed.slice(a, b))).toEqual(['Cafe\u0301', 'café'])
    expect(wordRanges('harbourside harbour', ['harbour', 'side'])).toEqual([[0, 11], [12, 19]])
  })

  it('cuts a snippet at spaces around the first word found, with an ellipsis where it cuts', () => {
    const text = `${'lead '.repeat(40)}the zeppelin landed ${'tail '.repeat(40)}`.trim()
    const snippet = searchSnippet(text, ['zeppelin'], 20)
    expect(snippet).toBe('…lead lead lead the zeppelin landed tail tail…')
    expect(searchSnippet(text, ['missing'])).toBeNull()
    // Past the first chunk the snippet reader folds, and across its seam.
    const long = `${'x'.repeat(1020)} zeppelin${' y'.repeat(600)}`
    expect(searchSnippet(long, ['zeppelin'], 4)).toBe('…zeppelin y y…')
  })
})
