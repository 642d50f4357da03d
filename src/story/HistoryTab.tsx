/**
 * The History tab: publications, saved versions and the workflow history. Loaded the first
 * time someone opens the tab (PanelTabs' `mountWhenShown`), with the story page's other on-demand
 * code (onDemand.ts): most visits to a story never look back, and the story page loads that much
 * less (issue 12).
 */
import type { StorySession } from '../collab/storySession'
import { HistoryList } from '../panel/HistoryList'
import { PublicationsPanel } from '../panel/PublicationsPanel'
import { VersionsPanel } from '../review/versions/VersionsPanel'
import type { HistoryEntry } from '../shared/api'

interface Props {
  session: StorySession
  status: string | undefined
  /** Whether this person may send a failed publication again (the desk). */
  canRetry: boolean
  history: HistoryEntry[]
  nameOf(id: number | null): string
}

export function HistoryTab({ session, status, canRetry, history, nameOf }: Props) {
  return (
    <>
      <PublicationsPanel storyId={session.id} status={status} canRetry={canRetry} />
      <VersionsPanel session={session} />
      <HistoryList history={history} nameOf={nameOf} />
    </>
  )
}
