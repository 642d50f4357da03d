/**
 * Copy desk checks in the editor (issue 13): the checker itself (the real dictionary, in this
 * thread), incremental checking, and real editors on Y.Docs showing issues as decorations that
 * never reach the document, following remote edits without redrawing unchanged paragraphs.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import dictionary from 'dictionary-en'
import * as Y from 'yjs'
import { Collaboration } from '@tiptap/extension-collaboration'
import { CopyDesk, copyDeskIssues, copyDeskState, type CopyDeskEngine, type CopyDeskSource, type CopyDeskSwitch, type StoryWordsSource } from '../../src/review/copydesk/CopyDesk'
import { localChecker, type Checker } from '../../src/review/copydesk/checkerClient'
import { copyDeskEngine } from '../../src/review/copydesk/copyDeskEngine'
import { checkParagraph } from '../../src/review/copydesk/checkParagraph'
import { IncrementalChecker } from '../../src/review/copydesk/incrementalChecker'
import { createSpeller, type Speller } from '../../src/review/copydesk/speller'
import { spellingWords } from '../../src/review/copydesk/spellingWords'
import { storyWordsOf } from '../../src/review/copydesk/storyWords'
import { SuggestChanges } from '../../src/review/suggest/SuggestChanges'
import { storyExtensions } from '../../src/shared/schema'
import { BODY, getDatelineMap, initStoryDoc } from '../../src/shared/storyDoc'
import { installIncrementalSync, uninstallIncrementalSync } from '../../src/editor/incrementalSync'
import { deliver, peerHarness, type Peer } from '../helpers/peers'

let speller: Speller

afterAll(() => uninstallIncrementalSync())

beforeAll(() => {
  // As in the app (src/editor/StoryEditor.tsx): remote changes re-render only what they touched.
  installIncrementalSync()
  speller = createSpeller(new TextDecoder().decode(dictionary.aff), new TextDecoder().decode(dictionary.dic))
})

/** A checker in this thread that counts the paragraphs it is asked about. */
function countingChecker(): Checker & { paragraphs: string[] } {
  const inner = localChecker(speller)
  const paragraphs: string[] = []
  return {
    paragraphs,
    check: (inputs) => {
      paragraphs.push(...inputs.map((input) => input.text))
      return inner.check(inputs)
    },
    suggest: (word) => inner.suggest(word),
    dispose: () => inner.dispose(),
  }
}

/** A newsroom dictionary held in memory, as newsroomDictionary.ts holds the server's. */
function memorySource(): CopyDeskSource & { set(words: string[], disabled?: string[]): void } {
  let words = new Set<string>()
  let disabled = new Set<string>()
  const listeners = new Set<() => void>()
  return {
    words: () => words,
    disabledRules: () => disabled,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    addWord: async (word) => {
      words = new Set([...words, word])
      for (const listener of listeners) listener()
    },
    set(next, off = []) {
      words = new Set(next)
      disabled = new Set(off)
      for (const listener of listeners) listener()
    },
  }
}

interface DeskOptions {
  checker: Checker
  source: CopyDeskSource | null
  storyWords?: StoryWordsSource | null
  suggesting?: boolean
  /** The person's setting; always on without it. */
  enabled?: CopyDeskSwitch | null
  /** Counts the checkers made (each is a worker in the app). */
  made?: { checkers: number }
  /** Gives the checking; at once without it (the app loads it on demand). */
  engine?: () => CopyDeskEngine | Promise<CopyDeskEngine>
}

const peers = peerHarness<DeskOptions>({
  extensions: ({ doc }, { checker, source, storyWords = null, suggesting = false, enabled = null, made, engine = () => copyDeskEngine }) => [
    ...storyExtensions(),
    Collaboration.configure({ document: doc, field: BODY }),
    SuggestChanges.configure({ author: { id: 1, name: 'Ann', color: '#123456' }, suggesting }),
    CopyDesk.configure({
      createChecker: () => {
        if (made) made.checkers++
        return checker
      },
      enabled,
      source,
      storyWords,
      delayMs: 0,
      engine,
    }),
  ],
  twin: { checker: localChecker({ correct: () => true, suggest: () => [] }), source: null },
})

/** "Check spelling and style as I type", held in memory as the app's store holds it. */
function memorySwitch(on: boolean): CopyDeskSwitch & { set(on: boolean): void } {
  let value = on
  const listeners = new Set<() => void>()
  return {
    on: () => value,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(next) {
      value = next
      for (const listener of listeners) listener()
    },
  }
}

const marked = (peer: Peer) =>
  [...peer.editor.view.dom.querySelectorAll('[aria-invalid]')].map((element) => `${element.getAttribute('aria-invalid')}:${element.textContent}`)

async function settled(peer: Peer, expected: string[]): Promise<void> {
  await vi.waitFor(() => expect(marked(peer)).toEqual(expected))
}

describe('the checker', () => {
  it('finds misspellings in news copy and suggests the right word', () => {
    const result = checkParagraph({ text: 'The goverment said it would recieve the decison on September 14.', exempt: [] }, speller)
    expect(result.misspelled.map((word) => word.word)).toEqual(['goverment', 'recieve', 'decison'])
    expect(speller.suggest('goverment')).toContain('government')
    expect(speller.suggest('decison')[0]).toBe('decision')
    expect(result.style.map((issue) => [issue.text, issue.replacements[0]])).toEqual([['September 14', 'Sept. 14']])
  })

  it('leaves capitals, initials, figures and possessives of known words alone', () => {
    const text = 'HANGZHOU, China — U.S.-backed forces of the G20 met in the 1990s; Syria’s and Obama’s 3rd try.'
    expect(checkParagraph({ text, exempt: [] }, speller).misspelled).toEqual([])
    expect(spellingWords('Kerry’s cease-fire').map((word) => word.word)).toEqual(['Kerry', 'cease', 'fire'])
  })

  it('checks again only the paragraphs whose text changed', async () => {
    const checker = countingChecker()
    let arrived = 0
    const incremental = new IncrementalChecker(checker, () => arrived++)
    const story = ['First paragraf.', 'Second one.', 'Third one.'].map((text) => ({ text, exempt: [] }))
    expect(incremental.request(story)).toBe(3)
    await vi.waitFor(() => expect(arrived).toBe(1))
    expect(incremental.resultFor(story[0]!)?.misspelled.map((word) => word.word)).toEqual(['paragraf'])
    const edited = [story[0]!, { text: 'Second one, edited.', exempt: [] }, story[2]!]
    expect(incremental.request(edited)).toBe(1)
    // Asked again before the answer: nothing is sent twice.
    expect(incremental.request(edited)).toBe(0)
    await vi.waitFor(() => expect(arrived).toBe(2))
    expect(checker.paragraphs).toEqual(['First paragraf.', 'Second one.', 'Third one.', 'Second one, edited.'])
    // Desk notes count as content: the same text with a note is checked again (style skips the note).
    expect(incremental.request([{ text: 'Third one.', exempt: [{ from: 0, to: 5 }] }])).toBe(1)
  })
})

describe('the editor', () => {
  it('marks a misspelled word with aria-invalid="spelling" and a style slip with "grammar", as decorations only', async () => {
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource() })
    peer.editor.commands.setContent('<p>The goverment said it would meet on September 14.</p>')
    await settled(peer, ['spelling:goverment', 'grammar:September 14'])
    const issues = copyDeskIssues(peer.editor.state)
    expect(issues.map((issue) => [issue.kind, issue.text, issue.replacement])).toEqual([
      ['spelling', 'goverment', null],
      ['style', 'September 14', 'Sept. 14'],
    ])
    // Nothing of it in the document, nor in what Yjs holds.
    expect(JSON.stringify(peer.editor.getJSON())).not.toMatch(/invalid|copydesk|spelling/i)
    expect(peer.doc.getXmlFragment(BODY).toString()).not.toMatch(/invalid|copydesk|spelling/i)
  })

  it('replaces a flagged word, and in suggest mode as a suggestion', async () => {
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource() })
    peer.editor.commands.setContent('<p>The goverment said so on September 14.</p>')
    await settled(peer, ['spelling:goverment', 'grammar:September 14'])
    const [word, date] = copyDeskIssues(peer.editor.state)
    expect(await peer.editor.storage.copyDesk.suggest(word!.text)).toContain('government')
    expect(peer.editor.commands.replaceCopyDeskIssue(word!, 'government')).toBe(true)
    await settled(peer, ['grammar:September 14'])
    expect(peer.editor.getText()).toBe('The government said so on September 14.')

    peer.editor.commands.setSuggesting(true)
    const moved = copyDeskIssues(peer.editor.state)[0]!
    expect(moved).toMatchObject({ text: 'September 14', from: date!.from + 1 })
    peer.editor.commands.replaceCopyDeskIssue(moved, moved.replacement!)
    const html = peer.editor.getHTML()
    expect(html).toMatch(/<del[^>]*>September 14<\/del>/)
    expect(html).toMatch(/<ins[^>]*>Sept\. 14<\/ins>/)
    // The text on its way out is not checked; the suggested one is clean.
    await settled(peer, [])
  })

  it('follows remote edits without redrawing the paragraphs they did not touch', async () => {
    const checker = countingChecker()
    const a = peers.open(1, { checker, source: memorySource() })
    const b = peers.open(2, { checker: countingChecker(), source: memorySource() })
    a.editor.commands.setContent('<p>First paragraf stays.</p><p>Second one.</p>')
    deliver(a.doc, b.doc)
    await settled(a, ['spelling:paragraf'])
    const element = a.editor.view.dom.querySelector('[aria-invalid]')
    const before = checker.paragraphs.length
    // B types a misspelling into the second paragraph; A receives it.
    b.editor.commands.insertContentAt(b.editor.state.doc.child(0).nodeSize + 1 + 'Second'.length, ' tipo')
    deliver(b.doc, a.doc)
    expect(a.editor.getText()).toContain('Second tipo one.')
    // At once, before any check: the first paragraph keeps its mark through the remote change.
    expect(a.editor.view.dom.querySelector('[aria-invalid]')).toBe(element)
    await settled(a, ['spelling:paragraf', 'spelling:tipo'])
    expect(checker.paragraphs.slice(before)).toEqual(['Second tipo one.'])
    // The same element: the first paragraph's mark was never taken down and put back.
    expect(a.editor.view.dom.querySelector('[aria-invalid]')).toBe(element)
    expect(element?.isConnected).toBe(true)
  })

  it('stops marking words the newsroom adds, story names, ignored words and rules turned off', async () => {
    const source = memorySource()
    let storyWords = new Set<string>()
    const listeners = new Set<() => void>()
    const story: StoryWordsSource = {
      words: () => storyWords,
      subscribe: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    }
    const peer = peers.open(1, { checker: countingChecker(), source, storyWords: story })
    peer.editor.commands.setContent('<p>Lavrov met Ryabkov and Kerry, okay.</p>')
    await settled(peer, ['spelling:Lavrov', 'spelling:Ryabkov', 'grammar:okay'])
    await source.addWord('Lavrov')
    await settled(peer, ['spelling:Ryabkov', 'grammar:okay'])
    storyWords = new Set(['ryabkov'])
    for (const listener of listeners) listener()
    await settled(peer, ['grammar:okay'])
    source.set(['Lavrov'], ['ap-ok'])
    await settled(peer, [])
    source.set(['Lavrov'])
    await settled(peer, ['grammar:okay'])
    peer.editor.commands.ignoreCopyDeskIssue(copyDeskIssues(peer.editor.state)[0]!)
    await settled(peer, [])
    expect(peer.editor.storage.copyDesk.ignoredIssues.size).toBe(1)
  })

  it('unmarks a word added to the dictionary at once, in a paragraph still being checked too', async () => {
    const inner = countingChecker()
    let held = false
    const waiting: Array<() => void> = []
    const checker: Checker = {
      ...inner,
      check: (inputs) => (held ? new Promise((resolve) => waiting.push(() => resolve(inner.check(inputs)))) : inner.check(inputs)),
    }
    const source = memorySource()
    const peer = peers.open(1, { checker, source })
    peer.editor.commands.setContent('<p>Lavrov spoke.</p>')
    await settled(peer, ['spelling:Lavrov'])
    held = true
    peer.editor.commands.insertContentAt(peer.editor.state.doc.content.size - 1, ' Again.')
    await vi.waitFor(() => expect(waiting).toHaveLength(1))
    expect(marked(peer)).toEqual(['spelling:Lavrov'])
    await source.addWord('Lavrov')
    expect(marked(peer)).toEqual([])
    for (const release of waiting) release()
    await vi.waitFor(() => expect(inner.paragraphs).toContain('Lavrov spoke. Again.'))
    await settled(peer, [])
  })

  it('knows the story’s bylines and dateline city, following them as they change', async () => {
    const doc = new Y.Doc()
    initStoryDoc(doc, { bylines: ['Nomvula Dlamini'], dateline: { city: 'Qarshi', region: '', country: 'Uzbekistan', date: '', source: '' }, paragraphs: [] })
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource(), storyWords: storyWordsOf(doc) }, doc)
    peer.editor.commands.setContent('<p>Dlamini reported from Qarshi and Termez.</p>')
    await settled(peer, ['spelling:Termez'])
    getDatelineMap(doc)!.set('city', 'Termez')
    await settled(peer, ['spelling:Qarshi'])
    expect(copyDeskIssues(peer.editor.state).map((issue) => issue.text)).toEqual(['Qarshi'])
  })

  it('style-checks neither desk notes nor quotations, but spells them', async () => {
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource() })
    peer.editor.commands.setContent(
      '<p>“It was okay,” she said.</p><p><span data-desk-note>Check with Mr. Smith on September 14, speling</span></p><blockquote><p>Mr. Smith is okay.</p></blockquote>',
    )
    await settled(peer, ['spelling:speling'])
    expect(copyDeskIssues(peer.editor.state).map((issue) => issue.kind)).toEqual(['spelling'])
  })

  it('takes the mark off a word as it is typed in, until it is checked again', async () => {
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource() })
    peer.editor.commands.setContent('<p>The sai</p>')
    await settled(peer, ['spelling:sai'])
    const end = peer.editor.state.doc.content.size - 1
    peer.editor.commands.insertContentAt(end, 'd')
    // At once: no mark on the "sai" of "said".
    expect(marked(peer)).toEqual([])
    peer.editor.commands.insertContentAt(end + 1, ' it twice twice')
    await settled(peer, ['grammar:twice twice'])
  })

  it('opens the menu of the issue at the caret', async () => {
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource() })
    peer.editor.commands.setContent('<p>The goverment said.</p>')
    await settled(peer, ['spelling:goverment'])
    peer.editor.commands.setTextSelection(2)
    expect(peer.editor.commands.openCopyDeskMenu()).toBe(false)
    peer.editor.commands.setTextSelection(7)
    expect(peer.editor.commands.openCopyDeskMenu()).toBe(true)
    expect(peer.editor.commands.closeCopyDeskMenu()).toBe(true)
  })

  it('leaves a Yjs document that a fresh editor reads the same', async () => {
    const doc = new Y.Doc()
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource() }, doc)
    peer.editor.commands.setContent('<p>The goverment said.</p>')
    await settled(peer, ['spelling:goverment'])
    const fresh = peers.twin(doc)
    expect(fresh.editor.getJSON()).toEqual(peer.editor.getJSON())
  })

  it('does not mark a word while it is being typed, and marks it once its typist moves on or pauses', async () => {
    const checker = countingChecker()
    const peer = peers.open(1, { checker, source: memorySource() })
    peer.editor.commands.setContent('<p>Officials said.</p>')
    await settled(peer, [])
    // Typed one key at a time at the end: each unfinished word ("Th", "goverm") is checked and held back.
    const end = () => peer.editor.state.doc.content.size - 1
    for (const key of ' Th goverm') {
      peer.editor.commands.insertContentAt(end(), key)
      await vi.waitFor(() => expect(checker.paragraphs.at(-1)).toBe(peer.editor.getText()))
    }
    await new Promise((resolve) => requestAnimationFrame(resolve))
    expect(marked(peer)).toEqual([])
    // The typist moves on: the finished misspelling is marked while the next word is still being typed.
    for (const key of 'ent sai') peer.editor.commands.insertContentAt(end(), key)
    await settled(peer, ['spelling:goverment'])
    // A pause: the word the typist stopped in is marked too.
    await vi.waitFor(() => expect(marked(peer)).toEqual(['spelling:goverment', 'spelling:sai']), { timeout: 3000 })
  })

  it('checks nothing with checks turned off, and the whole story when they are turned on again', async () => {
    const enabled = memorySwitch(false)
    const made = { checkers: 0 }
    // Stopping a checker ends its worker in the app; here it is counted, so the same one can answer again.
    let stopped = 0
    const checker = { ...countingChecker(), dispose: () => void stopped++ }
    const peer = peers.open(1, { checker, source: memorySource(), enabled, made })
    peer.editor.commands.setContent('<p>The goverment said.</p><p>It was okay.</p>')
    await new Promise((resolve) => setTimeout(resolve, 50))
    // Off from the start: no checker (in the app, no worker) was made, nothing asked, nothing marked.
    expect(made.checkers).toBe(0)
    expect(checker.paragraphs).toEqual([])
    expect(marked(peer)).toEqual([])
    enabled.set(true)
    await settled(peer, ['spelling:goverment', 'grammar:okay'])
    expect(made.checkers).toBe(1)
    expect(checker.paragraphs).toEqual(['The goverment said.', 'It was okay.'])
    // Off again: the marks go at once, and edits are not checked.
    enabled.set(false)
    expect(stopped).toBe(1)
    expect(marked(peer)).toEqual([])
    expect(copyDeskIssues(peer.editor.state)).toEqual([])
    peer.editor.commands.insertContentAt(peer.editor.state.doc.content.size - 1, ' Teh end.')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(checker.paragraphs).toHaveLength(2)
    expect(marked(peer)).toEqual([])
    // On again: a fresh checker checks the whole story as it is now.
    enabled.set(true)
    await settled(peer, ['spelling:goverment', 'grammar:okay', 'spelling:Teh'])
    expect(made.checkers).toBe(2)
  })

  it('counts the paragraphs checked, and calls the story checked only once every result is drawn', async () => {
    // Answers held back until released, as a worker still reading its dictionary holds them.
    const inner = countingChecker()
    let release = () => undefined as void
    const held = new Promise<void>((resolve) => (release = resolve))
    // Not stopped when checks go off (in the app a fresh worker starts): the same one answers again.
    const checker: Checker = { ...inner, check: async (inputs) => (await held, inner.check(inputs)), dispose: () => undefined }
    const enabled = memorySwitch(true)
    const peer = peers.open(1, { checker, source: memorySource(), enabled })
    peer.editor.commands.setContent('<p>The goverment said.</p><p>It was okay.</p><p>Talks resume.</p>')
    const { progress } = peer.editor.storage.copyDesk
    await vi.waitFor(() => expect(progress.get()).toEqual({ checked: 0, total: 3, whole: false }))
    // What is marked the moment the story is first called checked: every result is drawn by then.
    let markedWhenChecked: string[] | null = null
    const unsubscribe = progress.subscribe(() => {
      if (progress.get().whole && markedWhenChecked === null) markedWhenChecked = marked(peer)
    })
    release()
    await vi.waitFor(() => expect(progress.get()).toEqual({ checked: 3, total: 3, whole: true }))
    unsubscribe()
    expect(markedWhenChecked).toEqual(['spelling:goverment', 'grammar:okay'])
    // Typing: the edited paragraph is counted again once checked; the story stays checked.
    peer.editor.commands.insertContentAt(peer.editor.state.doc.content.size - 1, ' Teh end.')
    await settled(peer, ['spelling:goverment', 'grammar:okay', 'spelling:Teh'])
    expect(progress.get()).toEqual({ checked: 3, total: 3, whole: true })
    // Checks off: nothing counted; on again, the story is checked whole again.
    enabled.set(false)
    expect(progress.get()).toEqual({ checked: 0, total: 0, whole: false })
    enabled.set(true)
    await vi.waitFor(() => expect(progress.get()).toEqual({ checked: 3, total: 3, whole: true }))
  })

  it('loads the checking only once checks start, and marks the story when it is here', async () => {
    const enabled = memorySwitch(false)
    const made = { checkers: 0 }
    let loads = 0
    let arrive = () => undefined as void
    // As the app loads it: a moment later (src/story/onDemand.ts).
    const engine = () => {
      loads++
      return new Promise<CopyDeskEngine>((resolve) => (arrive = () => resolve(copyDeskEngine)))
    }
    // Not stopped when checks go off (in the app a fresh worker starts): the same one answers again.
    const checker = { ...countingChecker(), dispose: () => undefined }
    const peer = peers.open(1, { checker, source: memorySource(), enabled, made, engine })
    peer.editor.commands.setContent('<p>The goverment said.</p>')
    await new Promise((resolve) => setTimeout(resolve, 50))
    // Off: nothing loaded, no checker.
    expect(loads).toBe(0)
    enabled.set(true)
    expect(loads).toBe(1)
    // While it loads the story is edited as ever, with nothing marked and no menu to open.
    peer.editor.commands.insertContentAt(peer.editor.state.doc.content.size - 1, ' It was okay.')
    expect(peer.editor.getText()).toBe('The goverment said. It was okay.')
    expect(peer.editor.commands.openCopyDeskMenu()).toBe(false)
    expect(made.checkers).toBe(0)
    arrive()
    await settled(peer, ['spelling:goverment', 'grammar:okay'])
    expect(made.checkers).toBe(1)
    // Off and on again: not loaded again.
    enabled.set(false)
    enabled.set(true)
    await settled(peer, ['spelling:goverment', 'grammar:okay'])
    expect(loads).toBe(1)
  })

  it('keeps the editor working without checks when the checking cannot be loaded, and says why', async () => {
    const enabled = memorySwitch(true)
    let offline = true
    const engine = () => (offline ? Promise.reject(new Error('Failed to fetch dynamically imported module')) : copyDeskEngine)
    const peer = peers.open(1, { checker: countingChecker(), source: memorySource(), enabled, engine })
    peer.editor.commands.setContent('<p>The goverment said.</p>')
    const { storage } = peer.editor
    // The Review tab reads the error again when the copy desk redraws (its generation).
    await vi.waitFor(() => expect(storage.copyDesk.error).toMatch(/could not be loaded/))
    expect(copyDeskState(peer.editor.state).generation).toBeGreaterThan(0)
    peer.editor.commands.insertContentAt(peer.editor.state.doc.content.size - 1, ' Teh end.')
    expect(peer.editor.getText()).toBe('The goverment said. Teh end.')
    expect(marked(peer)).toEqual([])
    expect(peer.editor.commands.openCopyDeskMenu()).toBe(false)
    // Off: nothing to say; on again (back online), it loads and checks.
    enabled.set(false)
    expect(storage.copyDesk.error).toBeNull()
    offline = false
    enabled.set(true)
    await settled(peer, ['spelling:goverment', 'spelling:Teh'])
    expect(storage.copyDesk.error).toBeNull()
  })
})
