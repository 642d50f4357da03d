/** Everything a route or the sync endpoint may need, built once at start-up. */
import type { Bus } from './bus.js'
import type { Config } from './config.js'
import type { Logger } from './logger.js'
import type { Rooms } from './rooms.js'
import type { Sections } from './sections.js'
import type { Sessions } from './sessions.js'
import type { Storage } from './storage.js'
import type { StoreHealth } from './storeHealth.js'
import type { StatusHistory } from './statusHistory.js'
import type { SuggestionLog } from './suggestionLog.js'
import type { StoryEvents } from './storyEvents.js'
import type { Users } from './users.js'
import type { SignInThrottle } from './auth.js'
import type { Comments } from './comments.js'
import type { Versions } from './versions.js'
import type { Publishing } from './publishing.js'
import type { ConnectionCaps } from './connectionCaps.js'
import type { NewsroomDictionary } from './dictionary.js'
import type { Notifications } from './notifications.js'
import type { DeadlineAlerts } from './deadlineAlerts.js'
import type { StorySearch } from './storySearch.js'

export interface Services {
  config: Config
  log: Logger
  storage: Storage
  /** The other nodes, when there are some (server/bus.ts). */
  bus: Bus
  /** Whether the store takes writes now (server/storeHealth.ts). */
  health: StoreHealth
  users: Users
  sessions: Sessions
  sections: Sections
  events: StoryEvents
  rooms: Rooms
  throttle: SignInThrottle
  /** WebSockets and event streams open per client address (server/connectionCaps.ts). */
  connections: ConnectionCaps
  comments: Comments
  versions: Versions
  /** Every status move (server/statusHistory.ts). */
  history: StatusHistory
  /** Who accepted or rejected which suggestion (server/suggestionLog.ts). */
  decisions: SuggestionLog
  /** Publications and their webhook deliveries (server/publishing.ts). */
  publishing: Publishing
  /** The newsroom dictionary and the style rules turned off (server/dictionary.ts). */
  dictionary: NewsroomDictionary
  /** Every kind of notification: store, announce live, list (server/notifications.ts). */
  notifications: Notifications
  /** The sweep that tells writers their deadline is an hour away (server/deadlineAlerts.ts). */
  deadlines: DeadlineAlerts
  /** Finding stories by the words of their text (server/storySearch.ts). */
  search: StorySearch
}
