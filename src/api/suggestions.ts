/** The record of suggestion decisions the server keeps (it records them itself, from the story's changes). */
import type { DecisionKind } from '../shared/api'
import { call } from './client'

/** A recorded decision as `GET /api/stories/<id>/suggestions/decisions` answers it. */
export interface DecisionView {
  id: number
  userId: number
  action: 'accept' | 'reject'
  suggestionId: string
  authorId: number | null
  kind: DecisionKind
  text: string
  at: number
}

/** A story's recorded decisions, newest first. */
export async function listDecisions(storyId: string): Promise<DecisionView[]> {
  return (await call<{ decisions: DecisionView[] }>(`/api/stories/${encodeURIComponent(storyId)}/suggestions/decisions`)).decisions
}
