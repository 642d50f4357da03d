/** The copy desk as the story editor runs it: the checker in a worker, the newsroom's dictionary, the story's own names. */
import type * as Y from 'yjs'
import { CopyDesk } from './CopyDesk'
import { workerChecker } from './checkerClient'
import { newsroomDictionary } from './newsroomDictionary'
import { storyWordsOf } from './storyWords'

/** The copy desk extension for the story in `doc`. */
export function storyCopyDesk(doc: Y.Doc) {
  return CopyDesk.configure({ createChecker: workerChecker, source: newsroomDictionary, storyWords: storyWordsOf(doc) })
}
