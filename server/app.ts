/** Compose the server: storage, rooms, HTTP API and WebSocket sync on one port. */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { SignInThrottle } from './auth.js'
import { addressKey, clientAddress } from './clientAddress.js'
import { createCollab } from './collab.js'
import { ConnectionCaps } from './connectionCaps.js'
import type { Config } from './config.js'
import { seedDemo } from './demo.js'
import { createHostCheck } from './hostCheck.js'
import { createHttpHandler } from './http.js'
import { createLogger, type Logger } from './logger.js'
import { Rooms } from './rooms.js'
import { Sections } from './sections.js'
import type { Services } from './services.js'
import { Sessions } from './sessions.js'
import { Storage } from './storage.js'
import { openBackend } from './store/backends.js'
import { openBus, type Bus } from './bus.js'
import { StatusHistory } from './statusHistory.js'
import { SuggestionLog } from './suggestionLog.js'
import { StoreHealth } from './storeHealth.js'
import { StoryEvents } from './storyEvents.js'
import { Users } from './users.js'
import { Comments } from './comments.js'
import { Versions } from './versions.js'
import { Publishing } from './publishing.js'
import { NewsroomDictionary } from './dictionary.js'
import { Notifications } from './notifications.js'
import { DeadlineAlerts } from './deadlineAlerts.js'
import { StorySearch } from './storySearch.js'

/** Key of the lock start-up work runs under (seeding, default sections). */
const STARTUP_LOCK = 4_173_003

export interface RunningServer {
  /** `http://host:port` of the listening server. */
  url: string
  port: number
  storage: Storage
  rooms: Rooms
  log: Logger
  services: Services
  /** Close sockets, store every open story, close the database. */
  close(): Promise<void>
}

/** Answer an upgrade we will not take with `status` and let go of its socket once that is sent. */
function refuseUpgrade(socket: Duplex, status: string, headers = ''): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.end(`HTTP/1.1 ${status}\r\n${headers}Connection: close\r\n\r\n`, () => socket.destroy())
}

/** Start a server with `config`; resolves once it listens (port 0 picks a free port). */
export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const backend = await openBackend(config)
  let bus: Bus
  try {
    bus = await openBus(config, log)
  } catch (error) {
    await backend.db.destroy()
    throw error
  }
  const storage = new Storage(backend)
  const health = new StoreHealth(() => storage.probe(), log)
  const events = new StoryEvents((event) => bus.publishEvent(event))
  const versions = new Versions(backend.db, { kind: backend.kind })
  const notifications = new Notifications(backend.db, events, log)
  const rooms = new Rooms({
    storage,
    bus,
    health,
    events,
    log,
    onStored: (room) =>
      versions.onEdited(room.id, room.doc).then((made) => {
        if (made) events.publish({ type: 'review', storyId: room.id, kind: 'versions' })
      }),
  })
  const services: Services = {
    config,
    log,
    storage,
    bus,
    health,
    events,
    rooms,
    users: new Users(backend.db),
    sessions: new Sessions(backend.db, config.sessionTtlMs),
    sections: new Sections(backend.db),
    throttle: new SignInThrottle(bus.failureCounts(), config.signInFailuresPerAddress),
    connections: new ConnectionCaps(config.maxConnectionsPerAddress),
    comments: new Comments(backend.db, backend.kind),
    versions,
    history: new StatusHistory(backend.db),
    decisions: new SuggestionLog(backend.db),
    publishing: new Publishing(
      backend.db,
      { urls: config.publishWebhookUrls, secret: config.publishWebhookSecret, retryDelaysMs: config.deliveryRetryDelaysMs },
      log,
    ),
    dictionary: new NewsroomDictionary(backend.db),
    notifications,
    deadlines: new DeadlineAlerts({ storage, notifications, log }),
    search: new StorySearch(backend.db, backend.kind, storage, log),
  }
  // Once per newsroom, even when several nodes start together on an empty database.
  await backend.exclusively(STARTUP_LOCK, async () => {
    await services.sections.ensureDefaults()
    await services.sessions.prune()
    if (config.demo) await seedDemo(services)
  })
  bus.onEvent((event, node) => {
    switch (event.type) {
      case 'user':
        // Another node changed someone's rights: their connections here follow.
        void services.users.get(event.userId).then(
          (user) => user && rooms.updateUser(user),
          (error: unknown) => log.warn({ err: error, user: event.userId }, 'could not reload a user changed on another node'),
        )
        break
      case 'presence':
        rooms.notePresence(node, event.storyId, event.present)
        break
      default:
        events.deliver(event)
    }
  })
  rooms.startPresenceRefresh()
  const collab = createCollab(services)
  let ready = false
  const handler = createHttpHandler(services, () => ready)
  const server = http.createServer((req, res) => {
    void handler(req, res)
  })
  const isKnownHost = createHostCheck(config)
  server.on('upgrade', (request, socket, head) => {
    // Every path through here answers and lets go of the socket, whatever the request holds.
    socket.on('error', () => socket.destroy())
    try {
      // DNS rebinding (server/hostCheck.ts): a page on another site's name never gets a socket.
      if (!isKnownHost(request.headers.host)) {
        refuseUpgrade(socket, '421 Misdirected Request')
        return
      }
      if (!collab.matches(request)) {
        refuseUpgrade(socket, '404 Not Found')
        return
      }
      // Counted from here until the socket is gone, signed in or not. Past the cap the upgrade is
      // refused before any WebSocket exists: the browser sees a failed connection (1006), which the
      // provider retries with its backoff (at most every 2.5 s), as it would a 1008 close.
      const address = addressKey(clientAddress(request, config.trustProxyHops))
      const release = services.connections.take(address)
      if (!release) {
        log.debug({ address }, 'refused a socket: its address holds the most it may')
        refuseUpgrade(socket, '429 Too Many Requests', 'Retry-After: 5\r\n')
        return
      }
      socket.once('close', release)
      collab.handleUpgrade(request, socket, head)
    } catch (error) {
      log.warn({ err: error, url: request.url?.slice(0, 200) }, 'refused a malformed upgrade')
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      socket.destroy()
    }
  })
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  ready = true
  services.publishing.start()
  services.deadlines.start()
  // Stories stored before search existed get their text in the background (server/storySearch.ts).
  services.search.start()
  const port = (server.address() as AddressInfo).port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  log.info(
    { port, host: config.host, node: config.nodeName, store: backend.kind === 'sqlite' ? config.dataDir : 'postgres', redis: bus.shared },
    'deskline listening',
  )

  let closing: Promise<void> | null = null
  return {
    url: `http://${host}:${port}`,
    port,
    storage,
    rooms,
    log,
    services,
    close() {
      closing ??= (async () => {
        ready = false
        collab.closeAll()
        await rooms.closeAll(log)
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        health.close()
        await services.publishing.stop()
        await services.deadlines.stop()
        await services.search.stop()
        await bus.close()
        await storage.close()
        log.info('deskline stopped')
      })()
      return closing
    },
  }
}
