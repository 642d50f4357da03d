/** The desk's side of a story: assignment, parts, workflow moves, status history and publications. */
import type { HistoryEntry, PublicationView } from '../shared/api'
import type { Status } from '../shared/newsroom'
import { call } from './client'

/** A desk change as `PATCH /api/stories/<id>/desk` takes it. */
export type DeskChange = Partial<{ section: string; plannedWords: number | null; lead: number | null; contributors: number[]; editor: number | null; deadline: number | null }>

/** Desk changes: section, planned words, assignees, deadline (desk chiefs). */
export async function updateDesk(id: string, change: DeskChange): Promise<void> {
  await call(`/api/stories/${id}/desk`, { method: 'PATCH', json: change })
}

/** Move a story along the workflow; resolves with its history. */
export async function moveStory(id: string, to: Status, reason?: string, correction?: string): Promise<HistoryEntry[]> {
  return (await call<{ history: HistoryEntry[] }>(`/api/stories/${id}/status`, { method: 'POST', json: { to, reason, correction } })).history
}

/** A story's status history. */
export async function storyHistory(id: string): Promise<HistoryEntry[]> {
  return (await call<{ history: HistoryEntry[] }>(`/api/stories/${id}/history`)).history
}

/** A story's publications and their deliveries, newest first. */
export async function storyPublications(id: string): Promise<PublicationView[]> {
  return (await call<{ publications: PublicationView[] }>(`/api/stories/${id}/publications`)).publications
}

/** Send a delivery again (the desk); resolves to the story's publications. */
export async function retryDelivery(deliveryId: number): Promise<PublicationView[]> {
  return (await call<{ publications: PublicationView[] }>(`/api/deliveries/${deliveryId}/retry`, { method: 'POST', json: {} })).publications
}

/** Assign a run of body blocks (anchors from `encodeAnchor`). */
export async function addPart(id: string, part: { start: string; end: string; assignee: number | null; label: string }): Promise<void> {
  await call(`/api/stories/${id}/parts`, { method: 'POST', json: part })
}

/** Reassign or relabel a part. */
export async function updatePart(id: string, partId: string, change: { assignee?: number | null; label?: string }): Promise<void> {
  await call(`/api/stories/${id}/parts/${partId}`, { method: 'PATCH', json: change })
}

/** Remove a part's assignment. */
export async function removePart(id: string, partId: string): Promise<void> {
  await call(`/api/stories/${id}/parts/${partId}`, { method: 'DELETE' })
}
