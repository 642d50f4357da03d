/**
 * The wire contract between the browser and the sync server: message types, close codes and
 * size limits. Both sides import these; nothing here knows about React, DOM or `ws`.
 */

/** y-websocket message types (the first varuint of every frame), plus our own `saved`. */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  /**
   * Ours: the client sends `[saved, n]` after local edits; the server answers `[saved, n]` once
   * every update it received before that request is in SQLite. The stock protocol has no
   * acknowledgement, so without this no client can honestly say "Saved".
   */
  saved: 100,
  /**
   * Ours: `[notSaved, n, reason]` answers a `[saved, n]` request instead when some of the sender's
   * edits were not stored (`UnsavedReason`). The client keeps them; once the server can take them
   * it asks for them itself (a sync step 1 on that connection), and the provider sends them again.
   */
  notSaved: 101,
} as const
export type MessageType = (typeof MessageType)[keyof typeof MessageType]

/** Why the server did not store a connection's edits (the third field of a `notSaved` answer). */
export const UnsavedReason = {
  /** The connection may not edit this story now (role or assignment). */
  readOnly: 1,
  /** The server's storage is failing (disk full, database locked): nothing is being stored. */
  storeFailing: 2,
  /** The story is published or spiked: locked for everyone until the desk reopens it (issue 15). */
  locked: 3,
} as const
export type UnsavedReason = (typeof UnsavedReason)[keyof typeof UnsavedReason]

/** What the page says about edits the server did not store, by reason. */
export const UNSAVED_MESSAGES: Record<UnsavedReason, string> = {
  [UnsavedReason.readOnly]: 'Not saved — you cannot edit this story now (your changes are kept in this tab)',
  [UnsavedReason.storeFailing]: 'Not saved — the server cannot store changes right now (kept here, sent again when it can)',
  [UnsavedReason.locked]: 'Not saved — this story is locked (published or spiked); your changes are kept in this tab',
}

/** A close code with the reason sent beside it. */
export interface CloseEvent {
  readonly code: number
  readonly reason: string
}

/**
 * Close codes. 4400-4499 are permanent for the y-websocket client (it stops reconnecting);
 * anything else is retried. Browsers cannot read an HTTP status from a refused upgrade, so the
 * server accepts the upgrade and then closes with one of these.
 */
export const Close = {
  /** A frame that could not be decoded or applied. */
  badFrame: { code: 4400, reason: 'Malformed message' },
  unauthorized: { code: 4401, reason: 'Sign in required' },
  forbidden: { code: 4403, reason: 'Not allowed' },
  storyNotFound: { code: 4404, reason: 'No such story' },
  /** The story was deleted while open. */
  storyGone: { code: 4410, reason: 'Story deleted' },
  /** A frame over `MAX_FRAME_BYTES` (set by `ws` itself). */
  tooLarge: { code: 1009, reason: 'Message too big' },
  /** The server failed to load the story; the client retries. */
  internalError: { code: 1011, reason: 'Story could not be loaded' },
  /** Server shutting down: clients retry and reconnect to the next process. */
  shuttingDown: { code: 1012, reason: 'Server restarting' },
  /**
   * Storing the story failed: the room is dropped, with what it had not stored, and reloaded from
   * storage when the clients come back; they resend what the server lacks as they resync.
   */
  storeFailed: { code: 1013, reason: 'Story could not be saved' },
  /**
   * The connection's edits kept building on something it never sent (the server asked for it):
   * reconnecting resyncs from scratch, and nothing is lost.
   */
  outOfStep: { code: 1013, reason: 'Out of step' },
  /**
   * The connection sent more than a client ever needs (presence for many ids or of great size,
   * presence or full-state requests faster than anyone types): closed, and free to come back.
   */
  policy: { code: 1008, reason: 'Too many requests' },
} as const satisfies Record<string, CloseEvent>

/** Whether the y-websocket client treats this close code as final (no reconnect). */
export function isPermanentClose(code: number): boolean {
  return code >= 4400 && code < 4500
}

/**
 * Largest WebSocket frame the server accepts, in bytes. A 50,000-word story with its whole
 * editing history encodes to well under 2 MiB; 8 MiB leaves room for a client that comes back
 * with a long offline session, while a single frame can never exhaust the server's memory.
 */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024

/** Largest plain-text import accepted by `POST /api/stories/import`, in bytes. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024

/** Largest JSON body accepted by the API, in bytes. */
export const MAX_JSON_BYTES = 64 * 1024

/** Path prefix of the sync endpoint: `ws://host/collab/<storyId>`. */
export const COLLAB_PATH = '/collab/'
