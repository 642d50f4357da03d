/**
 * Who writes only inside story parts (issue 15): a reporter whose only assignment to a story is one
 * or more of its parts. The desk (chiefs, administrators), editors, and the story's lead, editor and
 * contributors write anywhere the permission table lets them; a part assignee writes the blocks of
 * their parts and nothing else, headline, slug, byline and dateline included. The server enforces
 * it (server/partScope.ts); the editor shows the rest of the story read-only (src/editor/partLock.ts).
 */
import { isDesk, type Actor } from './permissions.js'
import type { StoryDesk, StoryPart } from './storyDoc.js'

/** The parts `actor` is limited to in a story with this desk, or null when they are not limited. */
export function limitedParts(actor: Actor, desk: StoryDesk): StoryPart[] | null {
  if (isDesk(actor) || actor.role === 'editor') return null
  if (desk.lead === actor.id || desk.editor === actor.id || desk.contributors.includes(actor.id)) return null
  const own = desk.parts.filter((part) => part.assignee === actor.id)
  return own.length > 0 ? own : null
}
