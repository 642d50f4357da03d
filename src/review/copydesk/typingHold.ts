/**
 * Words being typed are not marked yet. Checked every quarter second while someone types, the
 * word under their fingers is nearly always unfinished ("Offic" of "Officials") and would be
 * marked, then unmarked by the next key: a flicker for the person typing, and in a long story a
 * redraw of the page for nothing, each costing as much as a key press (issue 13's paint bench: the
 * 50,000-word story's p95 doubled). An issue is held back while an edit made less than `holdMs`
 * ago lies inside it or at its end; it is drawn once its typist moves on or pauses.
 *
 * Each typist, here or remote, leaves one recent edit: a new edit replaces those near it, so a
 * word finished a moment ago ("goverment" in "The goverment said") is marked while its typist is
 * still typing the next ones.
 */
import type { Mapping } from '@tiptap/pm/transform'

/** Where an edit ended (a document position, kept mapped) and when (ms, `Date.now()`). */
export interface RecentEdit {
  pos: number
  at: number
}

/** Edits closer than this (characters) are taken for the same typist's. */
const SAME_TYPIST = 64
/** At most this many typists' edits are kept. */
const MOST_EDITS = 32

/** The recent edits after a change: mapped through it, the old ones dropped, its own ranges (from `changedRanges`) added. */
export function followEdits(
  edits: readonly RecentEdit[],
  mapping: Mapping,
  changed: ReadonlyArray<{ from: number; to: number }>,
  now: number,
  holdMs: number,
): readonly RecentEdit[] {
  let kept = edits.filter((edit) => now - edit.at < holdMs).map((edit) => ({ pos: mapping.map(edit.pos), at: edit.at }))
  for (const range of changed) {
    kept = kept.filter((edit) => Math.abs(edit.pos - range.to) > SAME_TYPIST)
    kept.push({ pos: range.to, at: now })
  }
  return kept.length > MOST_EDITS ? kept.slice(-MOST_EDITS) : kept
}

/**
 * When the issue from `from` to `to` may be shown: 0 at once, or the time (ms) its last edit stops
 * holding it back.
 */
export function heldUntil(edits: readonly RecentEdit[], from: number, to: number, now: number, holdMs: number): number {
  let until = 0
  for (const edit of edits) {
    if (edit.pos >= from && edit.pos <= to && edit.at + holdMs > now) until = Math.max(until, edit.at + holdMs)
  }
  return until
}
