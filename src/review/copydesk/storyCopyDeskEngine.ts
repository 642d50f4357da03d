/** The story editor's copy desk checking, loaded on demand (storyCopyDesk.ts): the worker's checker, the newsroom's dictionary, the story's own names. */
import type * as Y from 'yjs'
import type { CopyDeskEngine } from './CopyDesk'
import { copyDeskEngine } from './copyDeskEngine'
import { workerChecker } from './checkerClient'
import { newsroomDictionary } from './newsroomDictionary'
import { storyWordsOf } from './storyWords'

/** The checking of the story in `doc`. */
export function storyCopyDeskEngine(doc: Y.Doc): CopyDeskEngine {
  return { ...copyDeskEngine, options: { createChecker: workerChecker, source: newsroomDictionary, storyWords: storyWordsOf(doc) } }
}
