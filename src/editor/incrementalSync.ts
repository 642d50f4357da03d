/**
 * Incremental remote sync for `@tiptap/y-tiptap` 3.0.9.
 *
 * Stock `ProsemirrorBinding.prototype._typeChanged` calls `this.mapping.clear()` and rebuilds
 * every ProseMirror node of the story on each remote Yjs transaction (y-tiptap's guard for
 * remote carets after drag-and-drop moves): ~35 ms of JS per remote keystroke at p95 on a
 * 50,000-word story (docs STACK.md), where upstream y-prosemirror 1.3.7 keeps its Y type -> node
 * cache. We run the stock method with `clear` disabled, so it reuses the cached node of every Y
 * type the transaction did not touch, exactly like upstream.
 *
 * What the rebuild protected, as tests/client/incrementalSync.test.ts found it:
 * - Carets: nothing goes stale. Before rendering, the stock code drops the entry of every type
 *   the transaction deleted (nested ones included), changed, or changed below
 *   (`transaction.changed`, `changedParentTypes`). A block move arrives as delete + insert of
 *   new Y elements, so the moved block is rendered fresh and every ancestor that holds a moved,
 *   split or edited child is re-rendered with the right size. Remote carets resolve exactly as in
 *   a freshly opened editor, after moves at any depth too.
 * - Memory: local edits run `updateYFragment` under the binding's mutex, and it forgets only the
 *   top type of a subtree it deletes; a local delete, move, wrap, lift or block-type change leaves
 *   the nested children mapped, holding deleted text. The rebuild dropped them on the next
 *   remote change; we sweep detached entries instead, whenever the mapping has doubled since the
 *   last sweep. The observer fires for local transactions too (only the mutex skips the stock
 *   body), so this also bounds sessions with no remote peer, where stock grows without limit.
 *
 * One stock bug we also fix here: the binding captures the local selection (relative positions
 * plus the old absolute ones) once per chain of Yjs transactions, but one remote transaction that
 * changed formatting is followed, in the same chain, by a local one in which Yjs tidies the format
 * markers (`cleanupYTextAfterTransaction`). The second render then checks the stale absolute
 * positions against the already updated document and throws "Position N out of range" out of the
 * Yjs observer, whenever the remote change shrank the story past the local caret (found by the
 * suggest-mode fuzz in tests/client/suggestions/fuzz.test.ts). After each render we capture the
 * selection again, against the document just rendered.
 *
 * All of this reads y-tiptap's internals, so it installs only over the version it was written
 * for (`WRITTEN_FOR`, pinned in package.json): an upgrade stops at `installIncrementalSync` with a
 * message instead of silently changing the binding. The installed version is read from the
 * package's own package.json at the project root, the copy Vite's `resolve.dedupe` bundles (the
 * package's `exports` do not list its package.json, hence the path). The build folds the check
 * (both versions are constants there): a mismatch bundles a patch that always refuses.
 */
import type { EditorState } from '@tiptap/pm/state'
import { getRelativeSelection, ProsemirrorBinding } from '@tiptap/y-tiptap'
import type * as Y from 'yjs'
import { version as installedVersion } from '../../node_modules/@tiptap/y-tiptap/package.json'

/** The `@tiptap/y-tiptap` version this patch was written against and tested with. */
export const WRITTEN_FOR = '3.0.9'

/** What we read of a Y type: the item that holds it in its parent (null for a root type). */
interface YNode {
  _item: Y.Item | null
}

/** The untyped internals of a binding we rely on (see y-tiptap's sync-plugin.js). */
interface BindingInternals {
  type: YNode
  mapping: Map<YNode, unknown>
  prosemirrorView: { state: EditorState } | null
  /** The selection captured when the current chain of Yjs transactions began, or null between chains. */
  beforeTransactionSelection: unknown
}

type TypeChanged = (this: BindingInternals, events: unknown[], transaction: Y.Transaction) => void

interface PatchablePrototype {
  _typeChanged: TypeChanged
}

const proto = ProsemirrorBinding.prototype as unknown as PatchablePrototype

// Captured once: a binding keeps the method it was constructed with (the constructor binds
// `_observeFunction`), so ours must keep working after `uninstallIncrementalSync`.
const stockTypeChanged: TypeChanged = proto._typeChanged

/** Mapping size right after the last sweep, per binding: the next sweep waits until it doubles. */
const sizeAfterSweep = new WeakMap<BindingInternals, number>()

/** Below this many entries a sweep is never worth it; above, dead entries stay under half. */
const SWEEP_SLACK = 256

/** True when `type` is still part of the document under `root` (no deleted ancestor). */
function isAttached(type: YNode, root: YNode): boolean {
  let current = type
  while (current !== root) {
    const item = current._item
    if (item === null || item.deleted) return false
    // An item's parent is a type once the item is integrated, which mapped types all are.
    current = item.parent as unknown as YNode
  }
  return true
}

/** Drops every mapping entry whose Y type was deleted or sits in a deleted subtree. */
function pruneDetachedEntries(binding: BindingInternals): void {
  const { mapping, type: root } = binding
  // Deleting the current key while iterating a Map is well defined in JS.
  for (const type of mapping.keys()) {
    if (!isAttached(type, root)) mapping.delete(type)
  }
  sizeAfterSweep.set(binding, mapping.size)
}

const incrementalTypeChanged: TypeChanged = function (events, transaction) {
  const mapping = this.mapping
  // An own property shadows Map.prototype.clear for this call only, so nothing else that
  // shares the mapping (snapshots, `_forceRerender`) loses its clear.
  mapping.clear = noop
  try {
    stockTypeChanged.call(this, events, transaction)
  } finally {
    delete (mapping as { clear?: unknown }).clear
  }
  // A later transaction of this chain must restore the selection against the document just rendered.
  if (this.beforeTransactionSelection !== null && this.prosemirrorView) {
    this.beforeTransactionSelection = getRelativeSelection(this as unknown as ProsemirrorBinding, this.prosemirrorView.state)
  }
  if (mapping.size > 2 * (sizeAfterSweep.get(this) ?? 0) + SWEEP_SLACK) pruneDetachedEntries(this)
}

function noop(): void {}

/**
 * Makes y-tiptap bindings created from now on reuse cached nodes on remote changes (idempotent).
 * Throws, patching nothing, when the installed `@tiptap/y-tiptap` is not `WRITTEN_FOR`.
 */
export function installIncrementalSync(): void {
  if (installedVersion !== WRITTEN_FOR) {
    throw new Error(
      `installIncrementalSync patches @tiptap/y-tiptap ${WRITTEN_FOR}, but ${String(installedVersion)} is installed. ` +
        `Check src/editor/incrementalSync.ts against the new ProsemirrorBinding (_typeChanged, mapping, beforeTransactionSelection), ` +
        `run tests/client/incrementalSync.test.ts and tests/client/suggestions/, then update WRITTEN_FOR.`,
    )
  }
  proto._typeChanged = incrementalTypeChanged
}

/** Restores y-tiptap's stock `_typeChanged` for bindings created afterwards (for the benchmark). */
export function uninstallIncrementalSync(): void {
  proto._typeChanged = stockTypeChanged
}
