/**
 * The checker's Web Worker: the dictionary (about 550 KB, 190 KB gzip) and every check live here,
 * off the page's main thread, so typing never waits for them. Vite builds it as its own file,
 * loaded only when an editor opens (checkerClient.ts); the service worker precaches it with the
 * app, so checking works offline.
 */
import aff from 'dictionary-en/index.aff?raw'
import dic from 'dictionary-en/index.dic?raw'
import { checkParagraph } from './checkParagraph'
import type { FromChecker, ToChecker } from './checkerProtocol'
import { createSpeller, type Speller } from './speller'

let speller: Speller | null = null
const ready = (): Speller => (speller ??= createSpeller(aff, dic))

const reply = (message: FromChecker) => postMessage(message)

/** Answer one request; a failure is answered too, so the page never waits for ever. */
function handle(message: ToChecker): void {
  try {
    switch (message.type) {
      case 'check': {
        const spell = ready()
        reply({ type: 'checked', request: message.request, results: message.paragraphs.map(({ id, text, exempt }) => ({ id, result: checkParagraph({ text, exempt }, spell) })) })
        break
      }
      case 'suggest':
        reply({ type: 'suggested', request: message.request, suggestions: ready().suggest(message.word) })
        break
    }
  } catch (error) {
    reply({ type: 'failed', request: message.request, message: error instanceof Error ? error.message : String(error) })
  }
}

addEventListener('message', (event: MessageEvent<ToChecker>) => handle(event.data))
