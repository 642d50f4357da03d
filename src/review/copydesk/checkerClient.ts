/**
 * The page's side of the checker: a `Checker` answers paragraphs and spelling suggestions. The
 * app's runs in a Web Worker (checkWorker.ts), started on first use; tests use `localChecker`,
 * the same code in the calling thread.
 */
import { checkParagraph, type ParagraphInput, type ParagraphResult } from './checkParagraph'
import type { FromChecker, ToChecker } from './checkerProtocol'
import type { Speller } from './speller'

export interface Checker {
  /** Results for `paragraphs`, in the same order. */
  check(paragraphs: ParagraphInput[]): Promise<ParagraphResult[]>
  /** Likely spellings of a misspelled word. */
  suggest(word: string): Promise<string[]>
  /** Stop (the worker ends); later calls reject. */
  dispose(): void
}

/** A checker in this thread (tests, and Node). */
export function localChecker(speller: Speller): Checker {
  let disposed = false
  const alive = () => {
    if (disposed) throw new Error('The checker was stopped.')
  }
  return {
    check: async (paragraphs) => {
      alive()
      return paragraphs.map((paragraph) => checkParagraph(paragraph, speller))
    },
    suggest: async (word) => {
      alive()
      return speller.suggest(word)
    },
    dispose: () => {
      disposed = true
    },
  }
}

/** One checker worker and its requests, answered in any order. */
function checkerWorker(name: string) {
  const worker = new Worker(new URL('./checkWorker.ts', import.meta.url), { type: 'module', name })
  const waiting = new Map<number, { resolve: (message: FromChecker) => void; reject: (error: Error) => void }>()
  let next = 1
  let broken: Error | null = null

  const failAll = (error: Error) => {
    broken = error
    for (const { reject } of waiting.values()) reject(error)
    waiting.clear()
  }
  worker.addEventListener('message', (event: MessageEvent<FromChecker>) => {
    const message = event.data
    if (message.type === 'failed' && message.request === null) {
      failAll(new Error(message.message))
      return
    }
    if (message.request === null) return
    const pending = waiting.get(message.request)
    waiting.delete(message.request)
    if (!pending) return
    if (message.type === 'failed') pending.reject(new Error(message.message))
    else pending.resolve(message)
  })
  worker.addEventListener('error', (event) => failAll(new Error(event.message || 'The spelling checker could not start.')))

  return {
    /** Send what `make` builds with a fresh request number; resolves with the answer to it. */
    ask(make: (request: number) => ToChecker): Promise<FromChecker> {
      if (broken) return Promise.reject(broken)
      const message = make(next++)
      return new Promise((resolve, reject) => {
        waiting.set(message.request, { resolve, reject })
        worker.postMessage(message)
      })
    },
    stop() {
      worker.terminate()
      failAll(new Error('The checker was stopped.'))
    },
  }
}

/**
 * A checker in Web Workers: one checks paragraphs, started now (its dictionary loads with its
 * first request); a second, started when a menu first asks, suggests spellings. Suggesting an
 * unknown name can take a second or more (nspell tries every edit of it), and checks must never
 * wait behind it.
 */
export function workerChecker(): Checker {
  const checks = checkerWorker('copy-desk-checker')
  let spellings: ReturnType<typeof checkerWorker> | null = null

  return {
    async check(paragraphs) {
      const answer = await checks.ask((request) => ({ type: 'check', request, paragraphs: paragraphs.map((paragraph, id) => ({ ...paragraph, id })) }))
      if (answer.type !== 'checked') throw new Error('The checker answered out of turn.')
      const byId = new Map(answer.results.map(({ id, result }) => [id, result]))
      return paragraphs.map((_, id) => byId.get(id) ?? { misspelled: [], style: [] })
    },
    async suggest(word) {
      spellings ??= checkerWorker('copy-desk-spellings')
      const answer = await spellings.ask((request) => ({ type: 'suggest', request, word }))
      if (answer.type !== 'suggested') throw new Error('The checker answered out of turn.')
      return answer.suggestions
    },
    dispose() {
      checks.stop()
      spellings?.stop()
    },
  }
}
