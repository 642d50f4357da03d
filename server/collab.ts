/**
 * The y-websocket endpoint: `/collab/<storyId>`. Speaks the standard protocol (sync and
 * awareness) so the stock `WebsocketProvider` works unchanged, plus our `saved` message.
 * Every frame is hostile: decoding happens inside try/catch and a bad frame closes that
 * socket alone with a 4400-range code.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as decoding from 'lib0/decoding'
import { Close, COLLAB_PATH, MAX_FRAME_BYTES, MessageType, type CloseEvent } from '../src/shared/protocol.js'
import { isStoryId } from '../src/shared/storyId.js'
import { authenticate, comesFromOwnPage, isForeignOrigin, requestToken, usesSessionCookie, watchSession } from './auth.js'
import { encodeAwarenessMessage, encodeSyncStep2, PolicyViolation, type Participant, type Room } from './room.js'
import { participantOf } from './rooms.js'
import type { Services } from './services.js'
import { isStoreFailure } from './storeHealth.js'

/** Ping every connection this often; one that misses a pong is dropped. */
const PING_INTERVAL_MS = 30_000

class BadFrame extends Error {}

function close(conn: WebSocket, event: CloseEvent): void {
  if (conn.readyState === conn.OPEN || conn.readyState === conn.CONNECTING) conn.close(event.code, event.reason)
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** A sync step 1 with an empty state vector: a new reader asking for the whole story. */
const EVERYTHING = [MessageType.sync, syncProtocol.messageYjsSyncStep1, 1, 0]

function asksForEverything(data: RawData): boolean {
  const bytes = toBytes(data)
  return bytes.length === EVERYTHING.length && EVERYTHING.every((byte, index) => bytes[index] === byte)
}

/** How long a story's load waits for a connection's first frame, to send it the stored story at once. */
const FIRST_FRAME_WAIT_MS = 50

/** Resolves when `conn` receives its next frame, or after `ms`. */
function nextFrame(conn: WebSocket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      conn.off('message', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    conn.on('message', done)
  })
}

/** Handle one decoded frame from `conn` in `room`. Throws on anything malformed. */
function handleFrame(room: Room, conn: WebSocket, frame: Uint8Array): void {
  const decoder = decoding.createDecoder(frame)
  const type = decoding.readVarUint(decoder)
  switch (type) {
    case MessageType.sync: {
      const step = decoding.readVarUint(decoder)
      if (step === syncProtocol.messageYjsSyncStep1) {
        // Answered from stored state only, once what came before it is stored. A state vector
        // that does not decode is a bad frame now, not a failure when the answer is due.
        const vector = decoding.readVarUint8Array(decoder)
        Y.decodeStateVector(vector)
        room.answerSyncStep1(conn, vector)
      } else if (step === syncProtocol.messageYjsSyncStep2 || step === syncProtocol.messageYjsUpdate) {
        // Decoded once, when its batch is applied (Room.applyOne): one that does not decode closes
        // this socket with 4400 there, before anything of it reaches the shared document.
        room.enqueue(decoding.readVarUint8Array(decoder), conn, step === syncProtocol.messageYjsSyncStep2)
      } else {
        throw new BadFrame(`unknown sync step ${step}`)
      }
      return
    }
    case MessageType.awareness: {
      room.applyClientAwareness(conn, decoding.readVarUint8Array(decoder))
      return
    }
    case MessageType.queryAwareness: {
      room.send(conn, encodeAwarenessMessage(room.awareness, [...room.awareness.getStates().keys()]))
      return
    }
    case MessageType.saved: {
      room.requestSaved(conn, decoding.readVarUint(decoder))
      return
    }
    default:
      throw new BadFrame(`unknown message type ${type}`)
  }
}

/** Start serving a connection that is already in `room`. */
function serve(room: Room, conn: WebSocket, who: Participant, services: Services, token: string): void {
  const { rooms, log } = services
  let alive = true
  conn.on('pong', () => {
    alive = true
  })
  const ping = setInterval(() => {
    if (!alive) {
      conn.terminate()
      return
    }
    alive = false
    conn.ping()
  }, PING_INTERVAL_MS)

  conn.on('message', (data, isBinary) => {
    if (!room.conns.has(conn)) return
    try {
      if (!isBinary) throw new BadFrame('text frame')
      handleFrame(room, conn, toBytes(data))
    } catch (error) {
      if (error instanceof PolicyViolation) {
        log.warn({ story: room.id, user: who.id, reason: error.message }, 'connection over its bounds; closing it')
        close(conn, Close.policy)
        return
      }
      log.warn({ story: room.id, err: error }, 'malformed frame; closing that connection')
      close(conn, Close.badFrame)
    }
  })
  const stopWatching = watchSession(token, services, services.config.sessionCheckMs, () => {
    log.info({ story: room.id, user: who.id }, 'session ended: closing its socket')
    close(conn, Close.unauthorized)
  })
  conn.on('close', () => {
    clearInterval(ping)
    stopWatching()
    room.leave(conn)
    rooms.releaseIfIdle(room)
  })
  // Opens the sync with our state vector; then everyone's presence.
  room.join(conn, who)
  const present = [...room.awareness.getStates().keys()]
  if (present.length > 0) room.send(conn, encodeAwarenessMessage(room.awareness, present))
}

/** The WebSocket side of the server: call `handleUpgrade` from the HTTP server's `upgrade`. */
export function createCollab(services: Services) {
  const { rooms, log } = services
  // maxPayload makes `ws` refuse oversize frames itself, closing with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })

  /**
   * Close a connection we could not serve: with the store down (PostgreSQL unreachable) that is
   * 1013, try again later, which the client retries and shows as not saved; anything else is a bug.
   */
  const refuseOnError = (conn: WebSocket, error: unknown, storyId: string, what: string): void => {
    if (isStoreFailure(error)) {
      services.health.failed(error)
      log.warn({ err: error, story: storyId }, `${what}: the store is failing`)
      close(conn, Close.storeFailed)
      return
    }
    log.error({ err: error, story: storyId }, what)
    close(conn, Close.internalError)
  }

  return {
    /** Whether this upgrade request is ours. */
    matches(request: IncomingMessage): boolean {
      return (request.url ?? '').startsWith(COLLAB_PATH)
    },

    /** Accept the upgrade, then close with a specific code if the story cannot be served. */
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      const url = new URL(request.url ?? '/', 'http://localhost')
      // An id is plain letters and digits: anything escaped is no story (and a broken escape,
      // `%E0%A4%A`, must not throw here and leave the socket hanging).
      const storyId = url.pathname.slice(COLLAB_PATH.length)
      // Answered after the upgrade: browsers cannot see an HTTP status on a refused upgrade, so
      // every refusal is a close code.
      // Cross-site WebSocket hijacking: a page elsewhere opening our socket with the cookie. Browsers
      // always send Origin on a WebSocket; with the cookie it must be ours.
      const allowed = services.config.allowedOrigins
      const foreign = isForeignOrigin(request, allowed) || (usesSessionCookie(request) && !comesFromOwnPage(request, allowed))
      wss.handleUpgrade(request, socket, head, async (conn) => {
        // From the first byte: `ws` reports a bad frame (one over maxPayload, a bad opcode) as an
        // 'error' before it closes, and one sent before the session is checked and the story
        // loaded had no listener: an uncaught exception in the server.
        conn.on('error', (error) => {
          log.debug({ story: storyId, err: error }, 'socket error')
        })
        if (foreign) {
          close(conn, Close.forbidden)
          return
        }
        // Frames that arrive while the session is checked and the story loads (the client's sync
        // step 1 comes at once) wait for them.
        const early: Array<[RawData, boolean]> = []
        const keep = (data: RawData, isBinary: boolean) => early.push([data, isBinary])
        conn.on('message', keep)
        let user: Awaited<ReturnType<typeof authenticate>>
        try {
          user = await authenticate(request, services.sessions, services.users, url)
        } catch (error) {
          conn.off('message', keep)
          refuseOnError(conn, error, storyId, 'failed to check the session')
          return
        }
        if (!user) {
          conn.off('message', keep)
          close(conn, Close.unauthorized)
          return
        }
        if (!isStoryId(storyId)) {
          conn.off('message', keep)
          close(conn, Close.storyNotFound)
          return
        }
        let room: Room | null
        // The stored story, if it went to this reader while the story loaded (Rooms.open).
        let sentWhole: Uint8Array | null = null
        const sendStored = async (encoded: Uint8Array): Promise<void> => {
          // Clients send their step 1 as the socket opens; it may still be on its way.
          if (early.length === 0) await nextFrame(conn, FIRST_FRAME_WAIT_MS)
          // Only to a first frame asking for everything: nothing it sent before is left unanswered.
          const first = early[0]
          if (!first || !asksForEverything(first[0]) || conn.readyState !== conn.OPEN) return
          early.shift()
          sentWhole = encoded
          await new Promise<void>((resolve) => conn.send(encodeSyncStep2(encoded), () => resolve()))
        }
        try {
          room = await rooms.open(storyId, sendStored)
        } catch (error) {
          // A story that cannot be read must not take the process down; the client retries.
          refuseOnError(conn, error, storyId, 'failed to load story')
          return
        } finally {
          conn.off('message', keep)
        }
        if (!room) {
          close(conn, Close.storyNotFound)
          return
        }
        if (conn.readyState !== conn.OPEN) {
          rooms.releaseIfIdle(room)
          return
        }
        serve(room, conn, participantOf(user), services, requestToken(request, url) ?? '')
        if (sentWhole) room.caughtUpFrom(conn, sentWhole)
        for (const [data, isBinary] of early) conn.emit('message', data, isBinary)
      })
    },

    /** Close every socket (shutdown): clients retry and find the next server. */
    closeAll(): void {
      for (const conn of wss.clients) close(conn, Close.shuttingDown)
      wss.close()
    },
  }
}
