import { describe, expect, it } from 'vitest'
import { parsePlainTextStory, splitDateline } from '../../src/shared/importText'
import { readStoryFixture } from '../helpers/fixtures'

describe('plain-text import', () => {
  it('reads the Syria fixture as the newsroom expects', () => {
    const result = parsePlainTextStory(readStoryFixture('syria-ceasefire.txt'))
    if (!result.ok) throw new Error(result.reason)
    const { story } = result
    expect(story.section).toBe('News')
    expect(story.headline).toBe('U.S., Russia remain apart on resumption of Syrian cease-fire')
    expect(story.dateline).toMatchObject({ city: 'HANGZHOU', country: 'China', region: '' })
    expect(story.paragraphs).toHaveLength(9)
    expect(story.paragraphs[0]).toMatch(/^Efforts by the United States/)
    expect(story.paragraphs[8]).toBe('But he insisted that the two sides were "close to agreement."')
    expect(story.warnings).toEqual([])
  })

  it('accepts a story without a section line and with CRLF line ends', () => {
    const result = parsePlainTextStory('Headline here\r\n\r\nWASHINGTON -- The body.\r\n\r\nMore.')
    if (!result.ok) throw new Error(result.reason)
    expect(result.story.section).toBe('')
    expect(result.story.dateline.city).toBe('WASHINGTON')
    expect(result.story.paragraphs).toEqual(['The body.', 'More.'])
  })

  it('splits the dashes the format allows, regions and sources', () => {
    expect(splitDateline('PARIS - Text')?.dateline.city).toBe('PARIS')
    expect(splitDateline('SPRINGFIELD, Ill. — Text')?.dateline).toMatchObject({ region: 'Ill.', country: 'United States' })
    expect(splitDateline('BEIRUT (AP) — Text')?.dateline).toMatchObject({ city: 'BEIRUT', source: 'AP' })
    expect(splitDateline('Officials said — on Monday — that')).toBeNull()
    expect(splitDateline('A normal sentence - with a dash')).toBeNull()
  })

  it('warns about an unknown section but keeps the story', () => {
    const result = parsePlainTextStory('4. Gardening\n\nHeadline\n\nBody.')
    if (!result.ok) throw new Error(result.reason)
    expect(result.story.section).toBe('')
    expect(result.story.warnings[0]).toMatch(/Gardening/)
  })

  it.each([
    ['', /empty/],
    ['   \n\n  \n', /empty/],
    ['1. News', /headline/],
    ['1. News\n\nJust a headline', /no body/],
    ['Headline only', /no body/],
    ['binary\u0000data\n\nmore', /not plain text/],
    ['x'.repeat(400) + '\n\nbody', /headline is 400 characters/],
  ])('refuses unusable text %#', (text, reason) => {
    expect(parsePlainTextStory(text)).toEqual({ ok: false, reason: expect.stringMatching(reason) })
  })

  it('stays linear on hostile whitespace: 2 MB of long space runs parses at once, as the same text', () => {
    // A regex that backtracks over each run would take minutes here (it held the server 10 s for 160 KB).
    const lines = Array.from({ length: 40 }, (_, index) => `word${index}${' '.repeat(50_000)}x`)
    const started = performance.now()
    const parsed = parsePlainTextStory(`Headline\n\n${lines.join('\n')}\n\nNext   paragraph \t here`)
    expect(performance.now() - started).toBeLessThan(3_000)
    expect(parsed.ok && parsed.story.paragraphs.map((paragraph) => paragraph.slice(0, 12))).toEqual([`word0${' '.repeat(7)}`, 'Next   parag'])
    expect(parsed.ok && parsed.story.paragraphs[0]?.includes('x word1')).toBe(true)
  })
})
