/**
 * Comment threads on a story's passages, and the notifications their @mentions send. Each call
 * resolves with the server's answer as it is (the panel treats any answer as success).
 */
import type { CommentView, NotificationItem, ThreadView } from '../shared/api'
import { call } from './client'

/** A passage as a new thread anchors to it: encoded `Y.RelativePosition`s and its text then. */
export interface PassageBody {
  start: string
  end: string
  quote: string
}

/** A story's threads, open and resolved. */
export async function listThreads(storyId: string): Promise<ThreadView[]> {
  return (await call<{ threads: ThreadView[] }>(`/api/stories/${storyId}/threads`)).threads
}

/** Start a thread on `passage` with its first comment; resolves with the new thread. */
export async function startThread(storyId: string, passage: PassageBody, body: string): Promise<ThreadView> {
  return (await call<{ thread: ThreadView }>(`/api/stories/${storyId}/threads`, { method: 'POST', json: { ...passage, body } })).thread
}

/** Reply in a thread. */
export function replyToThread(threadId: string, body: string): Promise<{ comment: CommentView }> {
  return call(`/api/threads/${threadId}/comments`, { method: 'POST', json: { body } })
}

/** Change the text of my comment. */
export function editComment(commentId: string, body: string): Promise<{ comment: CommentView }> {
  return call(`/api/comments/${commentId}`, { method: 'PATCH', json: { body } })
}

/** Delete my comment (a thread left with none goes too). */
export function deleteComment(commentId: string): Promise<{ ok: true; threadDeleted: boolean }> {
  return call(`/api/comments/${commentId}`, { method: 'DELETE' })
}

/** Resolve a thread, or reopen it (`resolved` false). */
export function resolveThread(threadId: string, resolved: boolean): Promise<{ thread: ThreadView }> {
  return call(`/api/threads/${threadId}/${resolved ? 'resolve' : 'reopen'}`, { method: 'POST' })
}

/** My notifications, newest first, and how many are unread. */
export function listNotifications(): Promise<{ notifications: NotificationItem[]; unread: number }> {
  return call('/api/notifications')
}

/** Mark one of my notifications read. */
export async function markNotificationRead(id: string): Promise<void> {
  await call(`/api/notifications/${id}/read`, { method: 'POST' })
}
