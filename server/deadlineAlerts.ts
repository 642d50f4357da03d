/**
 * Deadline alerts (issue 15): about once a minute each node looks through the story index for
 * stories still being written whose deadline is within the hour, and tells the people writing them
 * (lead, contributors, part assignees). Every node looks; the once-key (story and deadline, per
 * person) lets only the first insert through (server/notifications.ts), so several nodes sharing
 * PostgreSQL, or a sweep that runs twice, notify once. A deadline the desk moves is a new one.
 * Lifecycle: `start` after the server listens, `stop` before the store closes.
 */
import type { Status } from '../src/shared/newsroom.js'
import type { Logger } from './logger.js'
import type { NotificationInput, Notifications } from './notifications.js'
import type { Storage } from './storage.js'
import { PeriodicTask } from './periodicTask.js'

/** How long before a deadline its people are told. */
export const DEADLINE_NOTICE_MS = 60 * 60 * 1000

/** How often each node looks. */
export const DEADLINE_SWEEP_MS = 60 * 1000

/** Statuses of a story still being written or edited: past these, a deadline has been met (or no longer matters). */
const OPEN: ReadonlySet<Status> = new Set(['draft', 'in_edit', 'copy_edit'])

/** The once-key of a story's deadline alert. */
export function deadlineKey(storyId: string, deadline: number): string {
  return `deadline:${storyId}:${deadline}`
}

/** The periodic deadline sweep of one node. */
export class DeadlineAlerts {
  private readonly task: PeriodicTask

  constructor(
    private readonly deps: { storage: Storage; notifications: Notifications; log: Logger },
    everyMs = DEADLINE_SWEEP_MS,
  ) {
    this.task = new PeriodicTask(() => this.sweep(), everyMs, (error) => deps.log.warn({ err: error }, 'could not check deadlines'))
  }

  /** Look now and then every `everyMs`, one sweep at a time. */
  start(): void {
    this.task.start()
  }

  /** Look soon (a deadline was just set), unless a sweep is already running. */
  kick(): void {
    this.task.kick()
  }

  /** Stop looking; resolves once a sweep under way is done. */
  stop(): Promise<void> {
    return this.task.stop()
  }

  /** One look at `now`: tells whoever is due and not yet told; resolves to how many people were told. */
  async sweep(now = Date.now()): Promise<number> {
    const inputs: NotificationInput[] = []
    // Only stories still being written, and only their desks: the story index's other columns
    // (and years of published stories) are not read every minute.
    for (const story of await this.deps.storage.desksOf([...OPEN])) {
      const { deadline } = story.desk
      if (deadline === null || deadline <= now || deadline - now > DEADLINE_NOTICE_MS) continue
      const writers = new Set([story.desk.lead, ...story.desk.contributors, ...story.desk.parts.map((part) => part.assignee)])
      const minutes = Math.round((deadline - now) / 60_000)
      for (const userId of writers) {
        if (userId === null) continue
        inputs.push({ userId, storyId: story.id, byUserId: null, details: { kind: 'deadline', deadline, minutes }, onceKey: deadlineKey(story.id, deadline) })
      }
    }
    return (await this.deps.notifications.send(inputs, now)).length
  }
}
