/** Creating stories: the server makes the id and the document's initial structure. */
import * as Y from 'yjs'
import { newStoryId } from '../src/shared/storyId.js'
import { bodyWordCount, initStoryDoc, readDesk, readMeta, type StoryInit } from '../src/shared/storyDoc.js'
import type { Storage, StorySummary } from './storage.js'
import type { StoryEvents } from './storyEvents.js'

/** Create and store a new story; announces it on the event bus. */
export async function createStory(storage: Storage, events: StoryEvents, init: StoryInit): Promise<StorySummary> {
  const doc = new Y.Doc()
  initStoryDoc(doc, init)
  const meta = readMeta(doc)
  let id = newStoryId()
  while (await storage.hasStory(id)) id = newStoryId()
  const desk = readDesk(doc)
  const story = await storage.createStory(
    id,
    Y.encodeStateAsUpdate(doc),
    { headline: meta.headline, slug: meta.slug, section: meta.section, status: meta.status, bylines: meta.bylines, words: bodyWordCount(doc) },
    { lead: desk.lead, contributors: desk.contributors, editor: desk.editor, deadline: desk.deadline, plannedWords: meta.plannedWords, parts: [] },
  )
  doc.destroy()
  events.publish({ type: 'story', story })
  return story
}
