/** Creating stories: the server makes the id and the document's initial structure. */
import { getSchema, type JSONContent } from '@tiptap/core'
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap'
import * as Y from 'yjs'
import { storyExtensions } from '../src/shared/schema/index.js'
import { newStoryId } from '../src/shared/storyId.js'
import { bodyWordCount, getBody, initStoryDoc, MAX_BODY_DEPTH, readDesk, readMeta, type StoryInit } from '../src/shared/storyDoc.js'
import { jsonBodyDepth } from './bodyStructure.js'
import type { Storage, StorySummary } from './storage.js'
import type { StoryEvents } from './storyEvents.js'
import { searchTextOfDoc } from './storySearch.js'

const schema = getSchema(storyExtensions())

/**
 * Create and store a new story; announces it on the event bus. `body`, editor JSON (a Word
 * import), replaces the paragraphs of `init`: it is written as the editor's binding writes it.
 */
export async function createStory(storage: Storage, events: StoryEvents, init: StoryInit, body?: JSONContent): Promise<StorySummary> {
  // The binding's writer recurses through the JSON, and no client could read a deeper body anyway.
  if (body && jsonBodyDepth(body) > MAX_BODY_DEPTH) throw new Error(`createStory: the body nests deeper than ${MAX_BODY_DEPTH}`)
  const doc = new Y.Doc()
  initStoryDoc(doc, init)
  if (body) {
    const fragment = getBody(doc)
    doc.transact(() => fragment.delete(0, fragment.length))
    prosemirrorJSONToYXmlFragment(schema, body, fragment)
  }
  const meta = readMeta(doc)
  let id = newStoryId()
  while (await storage.hasStory(id)) id = newStoryId()
  const desk = readDesk(doc)
  const story = await storage.createStory(
    id,
    Y.encodeStateAsUpdate(doc),
    { headline: meta.headline, slug: meta.slug, section: meta.section, status: meta.status, bylines: meta.bylines, words: bodyWordCount(doc) },
    { lead: desk.lead, contributors: desk.contributors, editor: desk.editor, deadline: desk.deadline, plannedWords: meta.plannedWords, parts: [] },
    Date.now(),
    searchTextOfDoc(doc),
  )
  doc.destroy()
  events.publish({ type: 'story', story })
  return story
}
