/**
 * Every table the store keeps, one migration list per backend, applied in order at start-up (the
 * index of the last one applied is the database's version). Append only: a migration that ran
 * somewhere is never edited.
 */

/** SQLite (`DATA_DIR/deskline.db`); the version is `PRAGMA user_version`. */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE stories (
     id TEXT PRIMARY KEY,
     headline TEXT NOT NULL DEFAULT '',
     slug TEXT NOT NULL DEFAULT '',
     section TEXT NOT NULL DEFAULT '',
     status TEXT NOT NULL DEFAULT 'draft',
     bylines TEXT NOT NULL DEFAULT '[]',
     words INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX stories_updated ON stories (updated_at DESC);
   CREATE TABLE story_snapshots (
     story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
     state BLOB NOT NULL,
     through_seq INTEGER NOT NULL
   );
   CREATE TABLE story_updates (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     data BLOB NOT NULL
   );
   CREATE INDEX story_updates_story ON story_updates (story_id, seq);`,
  `CREATE TABLE users (
     id INTEGER PRIMARY KEY,
     username TEXT NOT NULL UNIQUE COLLATE NOCASE,
     display_name TEXT NOT NULL,
     byline_name TEXT NOT NULL DEFAULT '',
     color TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('reporter', 'editor', 'chief')),
     is_admin INTEGER NOT NULL DEFAULT 0,
     password_hash TEXT NOT NULL,
     active INTEGER NOT NULL DEFAULT 1,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('browser', 'api')),
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX sessions_user ON sessions (user_id);
   CREATE TABLE sections (
     name TEXT PRIMARY KEY COLLATE NOCASE,
     position INTEGER NOT NULL
   );
   CREATE TABLE status_history (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id INTEGER REFERENCES users (id),
     from_status TEXT NOT NULL,
     to_status TEXT NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     at INTEGER NOT NULL
   );
   CREATE INDEX status_history_story ON status_history (story_id, at);
   ALTER TABLE stories ADD COLUMN desk TEXT NOT NULL DEFAULT '{}';`,
  `CREATE TABLE story_authors (
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     client_id INTEGER NOT NULL,
     user_id INTEGER NOT NULL REFERENCES users (id),
     PRIMARY KEY (story_id, client_id)
   );`,
  // Who each suggestion id belongs to (server/room.ts), kept after the values themselves are
  // deleted and collected. No reference on author_id: a server change may bring in any author.
  `CREATE TABLE suggestion_authors (
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     suggestion_id TEXT NOT NULL,
     author_id INTEGER,
     PRIMARY KEY (story_id, suggestion_id)
   ) WITHOUT ROWID;`,
  // Decisions on format suggestions: kind 'format'. SQLite cannot change a CHECK in place, so the
  // table is rebuilt (new table, rows copied with their ids, old one dropped, new one renamed, its
  // index made again), inside the migration's transaction. The table was first made by
  // server/suggestionLog.ts when the decision routes started, so a database may not have it yet:
  // it is created in its first form before the rebuild. Nothing references it, so dropping it
  // with foreign keys on checks nothing and renaming rewrites nothing.
  `CREATE TABLE IF NOT EXISTS suggestion_decisions (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id INTEGER NOT NULL REFERENCES users (id),
     action TEXT NOT NULL CHECK (action IN ('accept', 'reject')),
     suggestion_id TEXT NOT NULL,
     author_id INTEGER,
     kind TEXT NOT NULL CHECK (kind IN ('insertion', 'deletion', 'replacement')),
     text TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE TABLE suggestion_decisions_rebuilt (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id INTEGER NOT NULL REFERENCES users (id),
     action TEXT NOT NULL CHECK (action IN ('accept', 'reject')),
     suggestion_id TEXT NOT NULL,
     author_id INTEGER,
     kind TEXT NOT NULL CHECK (kind IN ('insertion', 'deletion', 'replacement', 'format')),
     text TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   INSERT INTO suggestion_decisions_rebuilt (id, story_id, user_id, action, suggestion_id, author_id, kind, text, at)
     SELECT id, story_id, user_id, action, suggestion_id, author_id, kind, text, at FROM suggestion_decisions;
   DROP TABLE suggestion_decisions;
   ALTER TABLE suggestion_decisions_rebuilt RENAME TO suggestion_decisions;
   CREATE INDEX suggestion_decisions_story ON suggestion_decisions (story_id, at DESC, id DESC);`,
  // One row rewritten by the health probe (server/storeHealth.ts): the smallest write that tells
  // whether the database takes writes now (a full disk, a lock held by another process).
  `CREATE TABLE IF NOT EXISTS store_probe (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     at INTEGER NOT NULL
   );`,
  // Comments and versions: their repositories used to make these tables themselves, so a database
  // may have them already (IF NOT EXISTS); from here on every table comes from this list.
  `CREATE TABLE IF NOT EXISTS comment_threads (
     id TEXT PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     start_anchor TEXT NOT NULL,
     end_anchor TEXT NOT NULL,
     quote TEXT NOT NULL,
     author_id INTEGER NOT NULL REFERENCES users (id),
     created_at INTEGER NOT NULL,
     resolved_at INTEGER,
     resolved_by INTEGER REFERENCES users (id)
   );
   CREATE INDEX IF NOT EXISTS comment_threads_story ON comment_threads (story_id, created_at);
   CREATE TABLE IF NOT EXISTS comments (
     id TEXT PRIMARY KEY,
     thread_id TEXT NOT NULL REFERENCES comment_threads (id) ON DELETE CASCADE,
     author_id INTEGER NOT NULL REFERENCES users (id),
     body TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     edited_at INTEGER,
     deleted INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX IF NOT EXISTS comments_thread ON comments (thread_id, created_at);
   CREATE TABLE IF NOT EXISTS notifications (
     id TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     thread_id TEXT NOT NULL REFERENCES comment_threads (id) ON DELETE CASCADE,
     comment_id TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
     by_user_id INTEGER NOT NULL REFERENCES users (id),
     created_at INTEGER NOT NULL,
     read_at INTEGER
   );
   CREATE INDEX IF NOT EXISTS notifications_user ON notifications (user_id, created_at DESC);
   CREATE TABLE IF NOT EXISTS story_versions (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('auto', 'status', 'named', 'restore')),
     name TEXT NOT NULL DEFAULT '',
     user_id INTEGER REFERENCES users (id),
     created_at INTEGER NOT NULL,
     state BLOB NOT NULL, -- deflate-raw of Y.encodeStateAsUpdateV2
     bytes INTEGER NOT NULL,
     words INTEGER NOT NULL,
     snapshot BLOB NOT NULL
   );
   CREATE INDEX IF NOT EXISTS story_versions_story ON story_versions (story_id, id);
   CREATE TABLE IF NOT EXISTS story_deletions (
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     client_id INTEGER NOT NULL,
     clock INTEGER NOT NULL,
     len INTEGER NOT NULL,
     user_id INTEGER NOT NULL REFERENCES users (id)
   );
   CREATE INDEX IF NOT EXISTS story_deletions_item ON story_deletions (story_id, client_id, clock);`,
  // Publication: what went out, the webhook outbox and every attempt (server/publishing.ts). IF NOT
  // EXISTS like 6 and 7: a database rewound to an older version (tests do) may have them.
  `CREATE TABLE IF NOT EXISTS publications (
     id INTEGER PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('publish', 'withhold', 'cancel')),
     version INTEGER NOT NULL,
     at INTEGER NOT NULL,
     user_id INTEGER REFERENCES users (id),
     ed_note TEXT NOT NULL DEFAULT '',
     body TEXT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS publications_story ON publications (story_id, id);
   CREATE INDEX IF NOT EXISTS publications_at ON publications (at);
   CREATE TABLE IF NOT EXISTS deliveries (
     id INTEGER PRIMARY KEY,
     publication_id INTEGER NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
     url TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER NOT NULL,
     claimed_until INTEGER,
     last_status INTEGER,
     last_error TEXT NOT NULL DEFAULT '',
     delivered_at INTEGER
   );
   CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (state, next_attempt_at);
   CREATE INDEX IF NOT EXISTS deliveries_publication ON deliveries (publication_id);
   CREATE TABLE IF NOT EXISTS delivery_attempts (
     id INTEGER PRIMARY KEY,
     delivery_id INTEGER NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
     at INTEGER NOT NULL,
     status INTEGER,
     error TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX IF NOT EXISTS delivery_attempts_delivery ON delivery_attempts (delivery_id, id);`,
  // The newsroom's dictionary and the house-style rules an admin turned off (server/dictionary.ts,
  // issue 13). Words are kept as added ("Lavrov", "iPhone"): the checker matches them by case.
  `CREATE TABLE IF NOT EXISTS newsroom_words (
     word TEXT PRIMARY KEY,
     added_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
     added_at INTEGER NOT NULL
   );
   CREATE TABLE IF NOT EXISTS style_rule_settings (
     rule_id TEXT PRIMARY KEY,
     enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
     changed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
     changed_at INTEGER NOT NULL
   );`,
  // Notifications beyond @mentions (issue 15, server/notifications.ts): a kind, details as JSON,
  // thread, comment and actor only where the kind has them, and `once_key`: a notification that
  // must reach a person once (a mention per comment, a deadline per story and time) carries a key
  // unique per person, so nodes sharing a database insert it once whoever gets there first. SQLite
  // cannot drop NOT NULL in place: the table is rebuilt as in 4, keeping each row's rowid (the
  // order of rows made in one millisecond) and one row per person and comment.
  `CREATE TABLE notifications_rebuilt (
     id TEXT PRIMARY KEY,
     user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('mention', 'assigned', 'part_assigned', 'status', 'deadline', 'suggestion_accepted', 'suggestion_rejected')),
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     thread_id TEXT REFERENCES comment_threads (id) ON DELETE CASCADE,
     comment_id TEXT REFERENCES comments (id) ON DELETE CASCADE,
     by_user_id INTEGER REFERENCES users (id),
     details TEXT NOT NULL DEFAULT '{}',
     once_key TEXT,
     created_at INTEGER NOT NULL,
     read_at INTEGER
   );
   INSERT INTO notifications_rebuilt (rowid, id, user_id, kind, story_id, thread_id, comment_id, by_user_id, details, once_key, created_at, read_at)
     SELECT rowid, id, user_id, 'mention', story_id, thread_id, comment_id, by_user_id, '{}', 'mention:' || comment_id, created_at,
       (SELECT min(twin.read_at) FROM notifications twin WHERE twin.user_id = notifications.user_id AND twin.comment_id = notifications.comment_id)
     FROM notifications
     WHERE rowid IN (SELECT min(rowid) FROM notifications GROUP BY user_id, comment_id);
   DROP TABLE notifications;
   ALTER TABLE notifications_rebuilt RENAME TO notifications;
   CREATE INDEX IF NOT EXISTS notifications_user ON notifications (user_id, created_at DESC);
   CREATE UNIQUE INDEX IF NOT EXISTS notifications_once ON notifications (user_id, once_key);`,
  // Story search (issue 15, server/storySearch.ts): each story's body as search shows it (desk
  // notes left out) and its folded text (headline, slug, bylines and body, lower case, accents
  // off) that the words are found in. A row of its own rather than columns of \`stories\`: the
  // list reads every index row and never needs the text. Stories made before this have no row
  // until the start-up backfill or their room writes one.
  `CREATE TABLE IF NOT EXISTS story_search (
     story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
     body TEXT NOT NULL,
     folded TEXT NOT NULL
   );`,
]

/**
 * PostgreSQL (`DATABASE_URL`); the version is the row of `deskline_schema`, and migrations run
 * under an advisory lock, so several nodes starting at once migrate once. The same tables as
 * SQLite with PostgreSQL's types: BIGINT for times and Yjs client ids, BYTEA for Yjs states,
 * BIGSERIAL for the log's sequence; names that SQLite compares with NOCASE get a unique index on
 * lower(name); tables whose rows SQLite orders by its implicit rowid get a BIGSERIAL column of
 * that name.
 */
export const POSTGRES_MIGRATIONS: readonly string[] = [
  `CREATE TABLE users (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     username TEXT NOT NULL,
     display_name TEXT NOT NULL,
     byline_name TEXT NOT NULL DEFAULT '',
     color TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('reporter', 'editor', 'chief')),
     is_admin INTEGER NOT NULL DEFAULT 0,
     password_hash TEXT NOT NULL,
     active INTEGER NOT NULL DEFAULT 1,
     created_at BIGINT NOT NULL
   );
   -- SQLite's COLLATE NOCASE: one account per username whatever its case.
   CREATE UNIQUE INDEX users_username ON users (lower(username));
   CREATE TABLE stories (
     id TEXT PRIMARY KEY,
     headline TEXT NOT NULL DEFAULT '',
     slug TEXT NOT NULL DEFAULT '',
     section TEXT NOT NULL DEFAULT '',
     status TEXT NOT NULL DEFAULT 'draft',
     bylines TEXT NOT NULL DEFAULT '[]',
     words INTEGER NOT NULL DEFAULT 0,
     created_at BIGINT NOT NULL,
     updated_at BIGINT NOT NULL,
     desk TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX stories_updated ON stories (updated_at DESC);
   CREATE TABLE story_snapshots (
     story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
     state BYTEA NOT NULL,
     through_seq BIGINT NOT NULL
   );
   CREATE TABLE story_updates (
     seq BIGSERIAL PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     data BYTEA NOT NULL
   );
   CREATE INDEX story_updates_story ON story_updates (story_id, seq);
   CREATE TABLE story_authors (
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     client_id BIGINT NOT NULL,
     user_id BIGINT NOT NULL REFERENCES users (id),
     PRIMARY KEY (story_id, client_id)
   );
   CREATE TABLE suggestion_authors (
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     suggestion_id TEXT NOT NULL,
     author_id BIGINT,
     PRIMARY KEY (story_id, suggestion_id)
   );
   CREATE TABLE store_probe (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     at BIGINT NOT NULL
   );`,
  `CREATE TABLE status_history (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id BIGINT REFERENCES users (id),
     from_status TEXT NOT NULL,
     to_status TEXT NOT NULL,
     reason TEXT NOT NULL DEFAULT '',
     at BIGINT NOT NULL
   );
   CREATE INDEX status_history_story ON status_history (story_id, at);
   CREATE TABLE suggestion_decisions (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     user_id BIGINT NOT NULL REFERENCES users (id),
     action TEXT NOT NULL CHECK (action IN ('accept', 'reject')),
     suggestion_id TEXT NOT NULL,
     author_id BIGINT,
     kind TEXT NOT NULL CHECK (kind IN ('insertion', 'deletion', 'replacement', 'format')),
     text TEXT NOT NULL,
     at BIGINT NOT NULL
   );
   CREATE INDEX suggestion_decisions_story ON suggestion_decisions (story_id, at DESC, id DESC);`,
  `CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('browser', 'api')),
     created_at BIGINT NOT NULL,
     expires_at BIGINT NOT NULL
   );
   CREATE INDEX sessions_user ON sessions (user_id);
   CREATE TABLE sections (
     name TEXT NOT NULL,
     position INTEGER NOT NULL
   );
   -- SQLite's COLLATE NOCASE: one section per name whatever its case.
   CREATE UNIQUE INDEX sections_name ON sections (lower(name));`,
  `CREATE TABLE comment_threads (
     rowid BIGSERIAL NOT NULL,
     id TEXT PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     start_anchor TEXT NOT NULL,
     end_anchor TEXT NOT NULL,
     quote TEXT NOT NULL,
     author_id BIGINT NOT NULL REFERENCES users (id),
     created_at BIGINT NOT NULL,
     resolved_at BIGINT,
     resolved_by BIGINT REFERENCES users (id)
   );
   CREATE INDEX comment_threads_story ON comment_threads (story_id, created_at);
   CREATE TABLE comments (
     rowid BIGSERIAL NOT NULL,
     id TEXT PRIMARY KEY,
     thread_id TEXT NOT NULL REFERENCES comment_threads (id) ON DELETE CASCADE,
     author_id BIGINT NOT NULL REFERENCES users (id),
     body TEXT NOT NULL,
     created_at BIGINT NOT NULL,
     edited_at BIGINT,
     deleted INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX comments_thread ON comments (thread_id, created_at);
   CREATE TABLE notifications (
     rowid BIGSERIAL NOT NULL,
     id TEXT PRIMARY KEY,
     user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     thread_id TEXT NOT NULL REFERENCES comment_threads (id) ON DELETE CASCADE,
     comment_id TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
     by_user_id BIGINT NOT NULL REFERENCES users (id),
     created_at BIGINT NOT NULL,
     read_at BIGINT
   );
   CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
   CREATE TABLE story_versions (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('auto', 'status', 'named', 'restore')),
     name TEXT NOT NULL DEFAULT '',
     user_id BIGINT REFERENCES users (id),
     created_at BIGINT NOT NULL,
     state BYTEA NOT NULL,
     bytes INTEGER NOT NULL,
     words INTEGER NOT NULL,
     snapshot BYTEA NOT NULL
   );
   CREATE INDEX story_versions_story ON story_versions (story_id, id);
   CREATE TABLE story_deletions (
     rowid BIGSERIAL NOT NULL,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     client_id BIGINT NOT NULL,
     clock BIGINT NOT NULL,
     len BIGINT NOT NULL,
     user_id BIGINT NOT NULL REFERENCES users (id)
   );
   CREATE INDEX story_deletions_item ON story_deletions (story_id, client_id, clock);`,
  `CREATE TABLE publications (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     story_id TEXT NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
     kind TEXT NOT NULL CHECK (kind IN ('publish', 'withhold', 'cancel')),
     version INTEGER NOT NULL,
     at BIGINT NOT NULL,
     user_id BIGINT REFERENCES users (id),
     ed_note TEXT NOT NULL DEFAULT '',
     body TEXT NOT NULL
   );
   CREATE INDEX publications_story ON publications (story_id, id);
   CREATE INDEX publications_at ON publications (at);
   CREATE TABLE deliveries (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     publication_id BIGINT NOT NULL REFERENCES publications (id) ON DELETE CASCADE,
     url TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at BIGINT NOT NULL,
     claimed_until BIGINT,
     last_status INTEGER,
     last_error TEXT NOT NULL DEFAULT '',
     delivered_at BIGINT
   );
   CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
   CREATE INDEX deliveries_publication ON deliveries (publication_id);
   CREATE TABLE delivery_attempts (
     id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
     delivery_id BIGINT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
     at BIGINT NOT NULL,
     status INTEGER,
     error TEXT NOT NULL DEFAULT ''
   );
   CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);`,
  `CREATE TABLE newsroom_words (
     word TEXT PRIMARY KEY,
     added_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
     added_at BIGINT NOT NULL
   );
   CREATE TABLE style_rule_settings (
     rule_id TEXT PRIMARY KEY,
     enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
     changed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
     changed_at BIGINT NOT NULL
   );`,
  // Notifications beyond @mentions (issue 15): see SQLite's list. Two nodes notifying the same
  // mention at once could both have inserted it before: one row per person and comment is kept,
  // read if any of them was. `kind` keeps its default: nodes still on the old code during a
  // rolling upgrade insert mentions without it.
  `UPDATE notifications a SET read_at = (SELECT min(b.read_at) FROM notifications b WHERE b.user_id = a.user_id AND b.comment_id = a.comment_id) WHERE a.read_at IS NULL;
   DELETE FROM notifications a USING notifications b WHERE a.user_id = b.user_id AND a.comment_id = b.comment_id AND a.rowid > b.rowid;
   ALTER TABLE notifications
     ALTER COLUMN thread_id DROP NOT NULL,
     ALTER COLUMN comment_id DROP NOT NULL,
     ALTER COLUMN by_user_id DROP NOT NULL,
     ADD COLUMN kind TEXT NOT NULL DEFAULT 'mention' CHECK (kind IN ('mention', 'assigned', 'part_assigned', 'status', 'deadline', 'suggestion_accepted', 'suggestion_rejected')),
     ADD COLUMN details TEXT NOT NULL DEFAULT '{}',
     ADD COLUMN once_key TEXT;
   UPDATE notifications SET once_key = 'mention:' || comment_id;
   CREATE UNIQUE INDEX notifications_once ON notifications (user_id, once_key);`,
  // Story search (issue 15): see SQLite's list.
  `CREATE TABLE story_search (
     story_id TEXT PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
     body TEXT NOT NULL,
     folded TEXT NOT NULL
   );`,
]
