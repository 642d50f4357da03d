/**
 * Where a part assignee may write (issue 15: "Part assignees can write anywhere"). A reporter whose
 * only assignment to a story is one or more of its parts (src/shared/partAccess.ts) may insert and
 * delete only inside those parts; the room refuses anything else like any forbidden update
 * (server/room.ts `applyOne`: not applied, not stored, not relayed, the sender closed with 4403).
 *
 * A part is the run of top-level body blocks between its two anchors (storyDoc.ts `StoryPart`): the
 * start is a relative position attached to the part's first block (assoc 0, "before it"), the end
 * one attached to its last block (assoc -1, "after it"). This module reads them against the body's
 * list of top-level items, deleted ones included, which is the order Yjs integrates into:
 *
 * - a new item whose parent is a body block (or deeper) counts where that block is: inside a part
 *   when the block sits between the anchors (a deleted one too: typing into a paragraph someone just
 *   deleted is harmless). A parent the update itself creates counts where that new block lands;
 * - a new top-level block lands somewhere between its `origin` and `rightOrigin` (YATA never places
 *   it elsewhere). Every place it could land must be inside the part, or just outside its first or
 *   last block with only deleted blocks in between: the part then grows to take it in (`growParts`,
 *   run by the room right after the update is applied, in the same transaction). The editor's binding
 *   writes a paragraph split at the end of the last block, a block-type change of the first block and
 *   a paste at either edge exactly there, because the anchors stick to the blocks themselves; without
 *   growing, a reporter could never add a paragraph to the end of their own part;
 * - a deletion may remove only items inside a part (already deleted ones change nothing);
 * - nothing outside the body: headline, slug, bylines and dateline are the story's, not the part's.
 *
 * Anything it cannot place (an ID it does not find, a reference into the middle of a block, a cycle,
 * a parent that is not a type) is refused: honest clients never write those, and an unsure answer
 * must not let an update through. It runs only for part-only writers: everyone else pays nothing.
 */
import * as Y from 'yjs'
import { BODY, decodeAnchor, encodeAnchor, getBody, getDesk, readDesk, type StoryPart } from '../src/shared/storyDoc.js'
import type { BodyItem, DecodedUpdate, UpdateScope } from './updateScope.js'

/** The verdict on a part-only writer's update. */
export interface PartCheck {
  /** Why it is refused, or null when every change is inside the writer's parts. */
  refused: string | null
  /** New top-level blocks, by the id of the part they belong to: the part takes them in if they land just outside it. */
  growth: Map<string, Y.ID[]>
}

/**
 * Positions along the body's top-level list, item k counted with deleted ones: a cut (the gap
 * before item k) is slot 2k, the inside of a multi-clock item (a run of merged deleted blocks) is
 * slot 2k + 1. Anchors need one more step: they sit between a cut and the item they stick to, so
 * they are counted in quarters (item k is 4k + 2, an anchor before it 4k + 1, after it 4k + 3).
 */
interface Zone {
  part: StoryPart
  /** The anchors in quarters: the part's items are those strictly between. */
  start: number
  end: number
  /** Slots a new block may land in: the part, and the deleted blocks right before and after it. */
  lo: number
  hi: number
}

/** Earliest and latest slot a new top-level block can land in; null when it cannot be placed. */
type Bounds = { earliest: number; latest: number } | null

const refuse = (refused: string): PartCheck => ({ refused, growth: new Map() })

/** The struct of the document holding `id`, and where in it; null when the document lacks it or it is no item. */
function docItem(doc: Y.Doc, id: Y.ID): { item: Y.Item; offset: number } | null {
  if (id.clock >= Y.getState(doc.store, id.client)) return null
  const structs = doc.store.clients.get(id.client)
  if (!structs) return null
  const struct = structs[Y.findIndexSS(structs, id.clock)]
  return struct instanceof Y.Item ? { item: struct, offset: id.clock - struct.id.clock } : null
}

/**
 * Check a decoded update of a part-only writer against their `parts` (by id: the anchors are read
 * from `doc` itself), with the scope server/updateScope.ts found (it must not be `missing` or
 * `unresolved`: those are refused first).
 */
export function checkPartScope(doc: Y.Doc, parts: readonly StoryPart[], decoded: DecodedUpdate, scope: UpdateScope): PartCheck {
  for (const root of scope.roots) if (root !== BODY) return refuse(`writes to ${root}`)
  if (scope.metaKeys.size > 0 || scope.replacedMetaKeys.size > 0) return refuse('writes to the metadata')
  try {
    return new PartReader(doc, parts).check(decoded, scope)
  } catch {
    // An inconsistent store or a malformed update: unsure is refused, as in updateScope.
    return refuse('could not be placed')
  }
}

/** One check's worth of lookups. */
class PartReader {
  private readonly body: Y.XmlFragment
  /** The body's top-level items, deleted ones included, in list order, and each one's place. */
  private readonly items: Y.Item[] = []
  /** Ordinals looked up so far: a few per update, so found by scanning rather than indexing every block. */
  private readonly ordinals = new Map<Y.Item, number | undefined>()
  private readonly zones: Zone[] = []
  /** New top-level blocks of the update by their first and last clock (`client:clock`). */
  private readonly byFirst = new Map<string, Y.Item>()
  private readonly byLast = new Map<string, Y.Item>()
  private readonly bounds = new Map<Y.Item, Bounds>()
  private readonly ancestors = new Map<Y.AbstractType<unknown>, number | null>()
  private readonly othersAnchors = new Set<Y.Item>()

  constructor(
    private readonly doc: Y.Doc,
    parts: readonly StoryPart[],
  ) {
    this.body = getBody(doc)
    for (let item = this.body._start; item !== null; item = item.right) {
      this.ordinals.set(item, this.items.length)
      this.items.push(item)
    }
    // The anchors as the document holds them now: a part may have grown earlier in the same batch,
    // after the caller read the desk.
    const own = new Set(parts.map((part) => part.id))
    const current = readDesk(doc).parts
    // Blocks other parts are anchored to: a part never grows across one, even a deleted one.
    for (const part of current) {
      if (own.has(part.id)) continue
      for (const anchor of [part.start, part.end]) {
        const item = decodeAnchor(anchor)?.item
        const found = item ? docItem(doc, item) : null
        if (found) this.othersAnchors.add(found.item)
      }
    }
    for (const part of current) {
      const zone = own.has(part.id) ? this.zoneOf(part) : null
      if (zone) this.zones.push(zone)
    }
  }

  check(decoded: DecodedUpdate, scope: UpdateScope): PartCheck {
    if (this.zones.length === 0) return refuse('the part has no text left')
    const growth = new Map<string, Y.ID[]>()
    const entries = new Map<Y.Item, BodyItem>()
    for (const entry of scope.bodyItems) {
      entries.set(entry.item, entry)
      if (!this.isTop(entry.parent)) continue
      // A map key on the body fragment itself: no editor writes that.
      if (entry.sub !== null) return refuse('sets an attribute of the body')
      const { client, clock } = entry.item.id
      this.byFirst.set(`${client}:${clock}`, entry.item)
      this.byLast.set(`${client}:${clock + entry.item.length - 1}`, entry.item)
    }
    // Where each parent created by the update lands, by the block at the top of its chain.
    const landed = new Map<Y.Item, Zone | null>()
    for (const entry of scope.bodyItems) {
      let zone: Zone | null
      if (this.isTop(entry.parent)) {
        zone = this.zoneForNewBlock(entry.item)
        if (zone) {
          const ids = growth.get(zone.part.id) ?? []
          ids.push(entry.item.id)
          growth.set(zone.part.id, ids)
        }
      } else if (entry.parent instanceof Y.Item) {
        zone = this.zoneOfNewParent(entry.parent, entries, landed)
      } else if (entry.parent instanceof Y.AbstractType) {
        zone = this.zoneOfItemAt(this.topOrdinal(entry.parent))
      } else {
        // No type to land in: its block was deleted and collected meanwhile (typing into a
        // paragraph someone else just cut). Yjs drops such an item, so it changes nothing.
        continue
      }
      if (!zone) return refuse('inserts outside the part')
    }
    for (const [client, ranges] of decoded.ds.clients) {
      const state = Y.getState(this.doc.store, client)
      const structs = this.doc.store.clients.get(client)
      if (!structs) continue
      for (const { clock, len } of ranges) {
        // Past the document's state the range is the update's own new items, placed above.
        if (clock >= state) continue
        for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
          const struct = structs[index] as Y.Item | Y.GC
          if (struct.id.clock >= clock + len) break
          if (!(struct instanceof Y.Item) || struct.deleted) continue
          const at = struct.parent === this.body ? this.ordinal(struct) : this.topOrdinal(struct.parent as Y.AbstractType<unknown>)
          if (this.zoneOfItemAt(at ?? null) === null) return refuse('deletes outside the part')
        }
      }
    }
    return { refused: null, growth }
  }

  /** Where a top-level item sits in the list, deleted items counted; undefined when it is not there. */
  private ordinal(item: Y.Item): number | undefined {
    // Every top-level item was numbered by the walk in the constructor.
    return this.ordinals.get(item)
  }

  private isTop(parent: BodyItem['parent']): boolean {
    return parent === BODY || parent === this.body
  }

  /** The part's zone, or null when its anchors do not both point into the body, in order, with text between. */
  private zoneOf(part: StoryPart): Zone | null {
    const start = this.anchorAt(part.start)
    const end = this.anchorAt(part.end)
    if (start === null || end === null || start >= end) return null
    let live = false
    for (let k = Math.max(0, Math.floor((start - 2) / 4)); k < this.items.length && 4 * k + 2 < end; k++) {
      if (4 * k + 2 > start && !(this.items[k] as Y.Item).deleted) {
        live = true
        break
      }
    }
    if (!live) return null
    // Widen by the deleted blocks on either side: a block landing among them lands next to the part.
    const widens = (k: number) => (this.items[k] as Y.Item).deleted && !this.othersAnchors.has(this.items[k] as Y.Item)
    let before = Math.floor((start - 3) / 4)
    while (before >= 0 && widens(before)) before--
    let after = Math.floor((end - 2) / 4) + 1
    while (after < this.items.length && widens(after)) after++
    return { part, start, end, lo: 2 * (before + 1), hi: 2 * after }
  }

  /** An anchor in quarters (see Zone), or null when it is not a position in the body. */
  private anchorAt(anchor: string): number | null {
    const position = decodeAnchor(anchor)
    if (!position) return null
    if (position.item === null) {
      if (position.type !== null || position.tname !== BODY) return null
      return position.assoc < 0 ? -1 : 4 * this.items.length + 1
    }
    const found = docItem(this.doc, position.item)
    if (!found || found.item.parent !== this.body) return null
    const k = this.ordinal(found.item)
    if (k === undefined) return null
    // Inside a multi-clock item (merged deleted blocks): on its middle, which no live block shares.
    if (position.assoc < 0) return found.offset === found.item.length - 1 ? 4 * k + 3 : 4 * k + 2
    return found.offset === 0 ? 4 * k + 1 : 4 * k + 2
  }

  /** The zone holding the existing top-level item at `ordinal` between its anchors, or null. */
  private zoneOfItemAt(ordinal: number | null): Zone | null {
    if (ordinal === null) return null
    const at = 4 * ordinal + 2
    return this.zones.find((zone) => zone.start < at && at < zone.end) ?? null
  }

  /** The ordinal of the top-level body item holding `type`, or null when it is not in the body. */
  private topOrdinal(type: Y.AbstractType<unknown>): number | null {
    const known = this.ancestors.get(type)
    if (known !== undefined) return known
    const walked: Array<Y.AbstractType<unknown>> = []
    let current: Y.AbstractType<unknown> = type
    let answer: number | null | undefined
    while (answer === undefined) {
      walked.push(current)
      const holder: Y.Item | null = current._item
      if (holder === null) answer = null
      else if (holder.parent === this.body) answer = this.ordinal(holder) ?? null
      else if (!(holder.parent instanceof Y.AbstractType)) answer = null
      else answer = this.ancestors.get((current = holder.parent))
    }
    for (const walkedType of walked) this.ancestors.set(walkedType, answer)
    return answer
  }

  /** Where a type the update creates lands: follow its chain of new parents to a block. */
  private zoneOfNewParent(start: Y.Item, entries: Map<Y.Item, BodyItem>, landed: Map<Y.Item, Zone | null>): Zone | null {
    const chain: Y.Item[] = []
    let current: Y.Item = start
    let answer: Zone | null | undefined = landed.get(current)
    while (answer === undefined) {
      chain.push(current)
      const entry = entries.get(current)
      // A parent the update holds but does not add (or adds elsewhere than the body): unsure.
      if (!entry || chain.length > entries.size) answer = null
      else if (this.isTop(entry.parent)) answer = this.zoneForNewBlock(current)
      else if (entry.parent instanceof Y.Item) answer = landed.get((current = entry.parent))
      else if (entry.parent instanceof Y.AbstractType) answer = this.zoneOfItemAt(this.topOrdinal(entry.parent))
      else answer = null
    }
    for (const item of chain) landed.set(item, answer)
    return answer
  }

  /** The zone a new top-level block is sure to land in (or next to, with only deleted blocks between), or null. */
  private zoneForNewBlock(item: Y.Item): Zone | null {
    const bounds = this.boundsOf(item)
    if (!bounds || bounds.earliest > bounds.latest) return null
    return this.zones.find((zone) => zone.lo <= bounds.earliest && bounds.latest <= zone.hi) ?? null
  }

  /**
   * The slots a new top-level block can land in: after its origin, before its right origin. A
   * neighbour the update adds itself lends its own bounds; resolved with an explicit stack, since an
   * offline session can chain thousands of new blocks.
   */
  private boundsOf(start: Y.Item): Bounds {
    if (this.bounds.has(start)) return this.bounds.get(start) ?? null
    const stack = [start]
    const onStack = new Set(stack)
    while (stack.length > 0) {
      const item = stack[stack.length - 1] as Y.Item
      const left = item.origin === null ? null : this.neighbour(item.origin, 'left')
      const right = item.rightOrigin === null ? null : this.neighbour(item.rightOrigin, 'right')
      const waiting = [left, right].find((side): side is Y.Item => side instanceof Y.Item && !this.bounds.has(side))
      if (waiting && !onStack.has(waiting)) {
        stack.push(waiting)
        onStack.add(waiting)
        continue
      }
      let bounds: Bounds = null
      // A neighbour still on the stack is a cycle; `false` one it could not place.
      if (!waiting && left !== false && right !== false) {
        const earliest = left === null ? 0 : typeof left === 'number' ? left : this.bounds.get(left)?.earliest
        const latest = right === null ? 2 * this.items.length : typeof right === 'number' ? right : this.bounds.get(right)?.latest
        if (earliest !== undefined && latest !== undefined) bounds = { earliest, latest }
      }
      this.bounds.set(item, bounds)
      stack.pop()
      onStack.delete(item)
    }
    return this.bounds.get(start) ?? null
  }

  /**
   * A neighbour of a new top-level block: the slot it bounds (existing block), the update's new
   * block (whose bounds count), or false when it is neither, or is referred to in its middle.
   */
  private neighbour(id: Y.ID, side: 'left' | 'right'): number | Y.Item | false {
    const found = docItem(this.doc, id)
    if (found) {
      const k = found.item.parent === this.body ? this.ordinal(found.item) : undefined
      if (k === undefined) return false
      if (side === 'left') return found.offset === found.item.length - 1 ? 2 * (k + 1) : 2 * k + 1
      return found.offset === 0 ? 2 * k : 2 * k + 1
    }
    if (id.clock < Y.getState(this.doc.store, id.client)) return false
    return (side === 'left' ? this.byLast : this.byFirst).get(`${id.client}:${id.clock}`) ?? false
  }
}

/**
 * After a part-only writer's update is applied (in the same transaction), take into each part the
 * new blocks that landed just before or after it (`PartCheck.growth`). Returns the fresh Yjs client
 * id the desk change was written under (for the room to record as the writer's), or null when no
 * part grew.
 */
export function growParts(doc: Y.Doc, growth: ReadonlyMap<string, readonly Y.ID[]>): number | null {
  if (growth.size === 0) return null
  const body = getBody(doc)
  const wanted = new Set<Y.Item>()
  for (const ids of growth.values()) {
    for (const id of ids) {
      const found = docItem(doc, id)
      if (found && !found.item.deleted && found.item.parent === body) wanted.add(found.item)
    }
  }
  if (wanted.size === 0) return null
  const indexes = new Map<Y.Item, number>()
  let index = 0
  for (let item = body._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue
    if (wanted.has(item)) indexes.set(item, index)
    index += item.length
  }
  let changed = false
  const parts = readDesk(doc).parts.map((part) => {
    const ids = growth.get(part.id)
    const start = decodeAnchor(part.start)
    const end = decodeAnchor(part.end)
    if (!ids || !start || !end) return part
    const from = Y.createAbsolutePositionFromRelativePosition(start, doc)
    const to = Y.createAbsolutePositionFromRelativePosition(end, doc)
    if (!from || !to || from.type !== body || to.type !== body) return part
    let first = Infinity
    let last = -Infinity
    for (const id of ids) {
      const found = docItem(doc, id)
      const at = found ? indexes.get(found.item) : undefined
      if (at === undefined) continue
      first = Math.min(first, at)
      last = Math.max(last, at)
    }
    let grown = part
    // Anchored like the desk's own (src/panel/PartsPanel.tsx): to the first and the last block.
    if (first < from.index) grown = { ...grown, start: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, first, 0)) }
    if (last >= to.index) grown = { ...grown, end: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, last + 1, -1)) }
    if (grown !== part) changed = true
    return grown
  })
  if (!changed) return null
  // Under a client id of its own, put back at once: the room's transaction applied a client update,
  // so Yjs counts it as remote, and a remote change under the document's own id makes Yjs think
  // another peer took that id (it renames the document). A fresh id also says whose change it was.
  const own = doc.clientID
  doc.clientID = freshClientId(doc)
  const writtenAs = doc.clientID
  try {
    getDesk(doc).set('parts', parts)
  } finally {
    doc.clientID = own
  }
  return writtenAs
}

/** A random Yjs client id the document has no structs of. */
function freshClientId(doc: Y.Doc): number {
  for (;;) {
    const id = globalThis.crypto.getRandomValues(new Uint32Array(1))[0] ?? 0
    if (id !== 0 && !doc.store.clients.has(id)) return id
  }
}
