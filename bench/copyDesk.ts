/**
 * The copy desk's checker (issue 13) in this process, as its worker runs it: the dictionary's
 * start-up, a whole 10,000-word story checked at once (what opening a story asks), and one
 * paragraph checked again per keystroke (what typing asks; the rest is kept by content).
 */
import { performance } from 'node:perf_hooks'
import dictionary from 'dictionary-en'
import { checkParagraph, type ParagraphInput } from '../src/review/copydesk/checkParagraph'
import { createSpeller } from '../src/review/copydesk/speller'
import { makeParagraphs } from './stats'

export interface CopyDeskBench {
  words: number
  paragraphs: number
  startupMs: number
  fullCheckMs: number[]
  keystrokeMs: number[]
  issues: number
}

/** Start the speller, check a `words`-word story whole `runs` times, then 200 keystrokes' paragraphs. */
export function benchCopyDesk(words = 10_000, runs = 5): CopyDeskBench {
  const start = performance.now()
  const speller = createSpeller(new TextDecoder().decode(dictionary.aff), new TextDecoder().decode(dictionary.dic))
  const startupMs = performance.now() - start
  // News copy with a few typos and house-style slips, as a story in progress has.
  const paragraphs: ParagraphInput[] = makeParagraphs(words).map((text, index) => ({
    text: index % 7 === 0 ? `${text} The goverment said on September 14 that 5 percent of the vote was ok.` : text,
    exempt: [],
  }))
  const fullCheckMs: number[] = []
  let issues = 0
  for (let run = 0; run < runs; run++) {
    const begin = performance.now()
    issues = 0
    for (const paragraph of paragraphs) {
      const result = checkParagraph(paragraph, speller)
      issues += result.misspelled.length + result.style.length
    }
    fullCheckMs.push(performance.now() - begin)
  }
  const keystrokeMs: number[] = []
  for (let key = 0; key < 200; key++) {
    const paragraph = paragraphs[(key * 13) % paragraphs.length] as ParagraphInput
    paragraph.text = `${paragraph.text}${key % 6 === 5 ? ' ' : 'x'}`
    const begin = performance.now()
    checkParagraph(paragraph, speller)
    keystrokeMs.push(performance.now() - begin)
  }
  return { words, paragraphs: paragraphs.length, startupMs, fullCheckMs, keystrokeMs, issues }
}
