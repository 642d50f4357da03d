/** A story's versions: the list, named checkpoints, comparisons and restores. */
import type { ComparisonAnswer, VersionSummary } from '../shared/api'
import { call } from './client'

/** A story's versions, newest first. */
export async function listVersions(storyId: string): Promise<VersionSummary[]> {
  return (await call<{ versions: VersionSummary[] }>(`/api/stories/${storyId}/versions`)).versions
}

/** Keep the story as it is now under `name`. */
export function nameVersion(storyId: string, name: string): Promise<{ version: VersionSummary }> {
  return call(`/api/stories/${storyId}/versions`, { method: 'POST', json: { name } })
}

/** Compare two versions (`from`, `to`: version ids, or `current` for the text as it is now). */
export function compareVersions(storyId: string, from: string, to: string): Promise<ComparisonAnswer> {
  return call(`/api/stories/${storyId}/versions/compare?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
}

/** Restore a version as a new change (a "Before restoring…" version keeps what was there). */
export function restoreVersion(storyId: string, versionId: number): Promise<{ restored: VersionSummary; before: VersionSummary | null }> {
  return call(`/api/stories/${storyId}/versions/${versionId}/restore`, { method: 'POST', json: {} })
}
