/**
 * The newsroom's dictionary on this page: loaded from the server while an editor is open, and
 * loaded again whenever the server says it changed (`event: dictionary` on the event stream), so
 * a word anyone adds stops being marked in every open editor. The last copy is kept in this
 * browser, so a story opened offline still knows the newsroom's names.
 */
import { addDictionaryWord, getDictionary, openStoryEvents } from '../../api'
import type { DictionaryAnswer } from '../../shared/dictionary'
import type { CopyDeskSource } from './CopyDesk'

const KEPT = 'deskline.dictionary'

function keptCopy(): DictionaryAnswer | null {
  try {
    const text = globalThis.localStorage?.getItem(KEPT)
    return text ? (JSON.parse(text) as DictionaryAnswer) : null
  } catch {
    return null
  }
}

/** The page's copy of the newsroom dictionary (one per page, shared by its editors). */
class NewsroomDictionarySource implements CopyDeskSource {
  private wordSet: ReadonlySet<string> = new Set()
  private disabled: ReadonlySet<string> = new Set()
  private readonly listeners = new Set<() => void>()
  private events: EventSource | null = null
  private users = 0
  /** Words added here whose addition the server has not confirmed in a copy read since. */
  private readonly adding = new Set<string>()
  /** Reads of the dictionary asked for so far: only the latest one's answer is taken. */
  private reads = 0

  constructor() {
    const kept = keptCopy()
    if (kept) this.take(kept)
  }

  words(): ReadonlySet<string> {
    return this.wordSet
  }

  disabledRules(): ReadonlySet<string> {
    return this.disabled
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async addWord(word: string): Promise<void> {
    // Known here at once, and kept until a copy read after the server took it has it (an older
    // read answering late must not take it back); the server's event brings it to everyone else.
    this.adding.add(word)
    this.wordSet = new Set([...this.wordSet, word])
    this.notify()
    try {
      await addDictionaryWord(word)
      await this.reload()
    } finally {
      this.adding.delete(word)
    }
  }

  /** Keep the dictionary current while `open` editors need it; returns the release. */
  open(): () => void {
    this.users++
    if (this.users === 1) {
      void this.reload()
      if (typeof EventSource !== 'undefined') {
        this.events = openStoryEvents()
        this.events.addEventListener('dictionary', () => void this.reload())
        // Changes made while the stream was down were missed: read it again.
        this.events.addEventListener('open', () => void this.reload())
      }
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.users--
      if (this.users === 0) {
        this.events?.close()
        this.events = null
      }
    }
  }

  private async reload(): Promise<void> {
    const read = ++this.reads
    try {
      const answer = await getDictionary()
      // Answers can come back out of order: one asked for before a change must not undo it.
      if (read !== this.reads) return
      this.take(answer)
      this.notify()
      globalThis.localStorage?.setItem(KEPT, JSON.stringify(answer))
    } catch {
      // Offline or signed out: the copy kept here stands until the next event or reconnect.
    }
  }

  private take(answer: DictionaryAnswer): void {
    this.wordSet = new Set([...answer.words.map((entry) => entry.word), ...this.adding])
    this.disabled = new Set(answer.disabledRules)
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }
}

/** The page's newsroom dictionary. */
export const newsroomDictionary = new NewsroomDictionarySource()
