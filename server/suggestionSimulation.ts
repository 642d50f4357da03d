/**
 * What an update would do to the suggestions in the blocks it touches, worked out before it is
 * applied and without changing the document (server/suggestionReview.ts decides from it whether the
 * update forges a suggestion, and which suggestions it settles).
 *
 * Each touched text is laid out as runs (the document's items, cut where the update refers into
 * them or deletes), the update's new items are placed among them the way Yjs integrates them
 * (`Item.integrate`, yjs 13.6: after their origin, conflicts ordered by client), and the text is
 * walked three times: what each run is covered by now (live suggestion values), at some time before
 * (the values kept after deletion, server/suggestionHistory.ts) and after the update. Blocks
 * (paragraphs, headings) are read the same way for suggested breaks and types. New blocks and texts
 * the update brings are laid out from its items alone; deleted blocks it refers to (an undo puts a
 * deleted paragraph back next to the original) are read for what they held.
 */
import * as Y from 'yjs'
import { BODY } from '../src/shared/storyDoc.js'
import { attributeCover, coverParts, formatCover, isSuggestionFormat, SUGGESTION_ATTRIBUTES, type CoverKey } from './suggestionKeys.js'
import type { SuggestionIndex } from './suggestionIndex.js'
import { Line, runOf, walkText, type TextRun } from './suggestionRuns.js'

export type { TextRun }

type Type = Y.AbstractType<unknown>
type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds']

/** One text the update touches, or brings, or refers to. */
export interface TextLayout {
  /** The document's text; null for one the update brings. */
  type: Type | null
  /** Its first run (runs link to the next with `right`). */
  head: TextRun | null
}

/** One block (a paragraph or heading) the update touches, brings or refers to. */
export interface BlockLayout {
  type: Type | null
  /** The item holding the block: the document's, or the update's. */
  holder: Y.Item
  fresh: boolean
  deleted: boolean
  gone: boolean
  name: string
  /** Suggestion attributes now (live), every value they held (kept ones too), and all attributes after. */
  before: Map<string, unknown>
  ghost: Array<[string, unknown]>
  attrsBefore: Record<string, unknown>
  after: Map<string, unknown>
  /** Its text now. */
  text: string
}

/** What the update does to the suggestions in reach. */
export interface Simulation {
  texts: TextLayout[]
  blocks: BlockLayout[]
  /** The document's texts and blocks in it. */
  touched: Set<Type>
  /** Update items carrying suggestion values, and the text or block (the document's, or a new one's holder) each lands in. */
  carriers: Array<{ item: Y.Item; parent: Type | Y.Item }>
}

type Parent = Type | Y.Item
type Found = { doc: true; item: Y.Item } | { doc: false; item: Y.Item } | null

/**
 * Lay out what `update` does to the suggestions of the blocks it touches, or null when it cannot
 * change what any suggestion covers: it touches no block the index lists and brings no suggestion
 * value, or `interesting` (given every suggestion id in reach) says none of them matters.
 */
export function simulate(doc: Y.Doc, update: Uint8Array, index: SuggestionIndex, interesting: (ids: Set<string>) => boolean): Simulation | null {
  const reader = new Reader(doc, update)
  if (!reader.relevant(index)) return null
  if (!interesting(reader.idsInReach(index))) return null
  return reader.layout()
}

class Reader {
  private readonly store: Y.Doc['store']
  private readonly body: Type | undefined
  private readonly structs: Array<Y.Item | Y.GC | Y.Skip>
  private readonly ds: DeleteSet
  private readonly byClient = new Map<number, Y.Item[]>()
  private readonly parents = new Map<Y.Item, Parent | null>()
  /** Map keys of new items, as Yjs takes them: from the left neighbour, else the right, else the item's own. */
  private readonly subs = new Map<Y.Item, string | null>()
  /** Where runs must start: referred to, deleted from, or where a half-known item's new part begins. */
  private readonly cuts = new Map<number, Set<number>>()
  /** The cuts in order, made once laying out starts (every cut is known by then). */
  private readonly sortedCuts = new Map<number, number[]>()
  private readonly freshTexts = new Map<Parent, Y.Item[]>()
  private readonly freshEntries = new Map<Parent, Array<{ item: Y.Item; key: string }>>()
  private readonly freshBlocks: Y.Item[] = []
  private readonly docTexts = new Set<Type>()
  private readonly docBlocks = new Set<Type>()
  /** Document types the update deletes (and everything in them). */
  private readonly goneTypes = new Set<Type>()
  private readonly deletedEntries = new Set<Y.Item>()
  private readonly carriers: Simulation['carriers'] = []
  private bringsSuggestions = false

  constructor(
    private readonly doc: Y.Doc,
    update: Uint8Array,
  ) {
    this.store = doc.store
    this.body = doc.share.get(BODY) as Type | undefined
    const decoded = Y.decodeUpdate(update)
    this.structs = decoded.structs
    this.ds = decoded.ds
    // Sorted and merged here: a crafted update need not do either, and a deletion missed would pass unseen.
    for (const [client, ranges] of this.ds.clients) this.ds.clients.set(client, mergeRanges(ranges))
    for (const struct of this.structs) {
      if (!(struct instanceof Y.Item)) continue
      let list = this.byClient.get(struct.id.client)
      if (!list) this.byClient.set(struct.id.client, (list = []))
      list.push(struct)
    }
    this.readItems()
    this.readDeletes()
  }

  /** Whether the update touches a listed block or brings a suggestion value. */
  relevant(index: SuggestionIndex): boolean {
    if (this.bringsSuggestions) return true
    for (const type of [...this.docTexts, ...this.docBlocks]) if (index.idsOf(type)) return true
    return false
  }

  /** Every suggestion id the touched blocks may hold or the update brings. */
  idsInReach(index: SuggestionIndex): Set<string> {
    const ids = new Set<string>()
    for (const type of [...this.docTexts, ...this.docBlocks]) for (const id of index.idsOf(type) ?? []) ids.add(id)
    for (const { item } of this.carriers) for (const key of coverOfItem(item, this.subs.get(item) ?? null)) ids.add(coverParts(key).id)
    return ids
  }

  layout(): Simulation {
    const texts: TextLayout[] = []
    for (const type of this.docTexts) texts.push({ type, head: this.layoutText(type, this.freshTexts.get(type) ?? [], this.isGoneType(type)) })
    for (const [parent, items] of this.freshTexts) {
      if (parent instanceof Y.Item) texts.push({ type: null, head: this.layoutText(null, items, this.isGoneHolder(parent)) })
    }
    const blocks: BlockLayout[] = []
    for (const type of this.docBlocks) blocks.push(this.layoutDocBlock(type))
    for (const holder of this.freshBlocks) blocks.push(this.layoutFreshBlock(holder))
    return { texts, blocks, touched: new Set([...this.docTexts, ...this.docBlocks]), carriers: this.carriers }
  }

  // Reading the update ------------------------------------------------------------------------

  private readItems(): void {
    for (const struct of this.structs) {
      if (!(struct instanceof Y.Item)) continue
      const state = Y.getState(this.store, struct.id.client)
      if (struct.id.clock + struct.length <= state) continue
      if (struct.id.clock < state) this.cut(struct.id.client, state)
      if (struct.origin) this.cut(struct.origin.client, struct.origin.clock + 1)
      if (struct.rightOrigin) this.cut(struct.rightOrigin.client, struct.rightOrigin.clock)
      for (const ref of [struct.origin, struct.rightOrigin]) if (ref) this.noteReference(ref)
      const parent = this.parentOf(struct)
      if (parent === null || !this.landsInBody(parent)) continue
      const kind = kindOf(parent)
      const sub = this.subs.get(struct) ?? null
      if (sub !== null) {
        if (kind !== 'element') continue
        push(this.freshEntries, parent, { item: struct, key: sub })
        if (parent instanceof Y.AbstractType) this.docBlocks.add(parent)
      } else if (kind === 'text') {
        push(this.freshTexts, parent, struct)
        if (parent instanceof Y.AbstractType) this.docTexts.add(parent)
      } else if (struct.content instanceof Y.ContentType) {
        const type = struct.content.type
        if (type instanceof Y.XmlElement) this.freshBlocks.push(struct)
        else if (type instanceof Y.XmlText && !this.freshTexts.has(struct)) this.freshTexts.set(struct, [])
      }
      const cover = coverOfItem(struct, sub)
      if (cover.length > 0 || isSuggestionItem(struct, sub)) {
        this.bringsSuggestions = true
        if (cover.length > 0) this.carriers.push({ item: struct, parent })
      }
    }
  }

  private readDeletes(): void {
    for (const [client, ranges] of this.ds.clients) {
      const state = Y.getState(this.store, client)
      const structs = this.store.clients.get(client)
      for (const { clock, len } of ranges) {
        this.cut(client, clock)
        this.cut(client, clock + len)
        if (!structs || clock >= state) continue
        for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
          const struct = structs[index] as Y.Item | Y.GC
          if (struct.id.clock >= clock + len) break
          if (!(struct instanceof Y.Item) || struct.deleted) continue
          const parent = struct.parent as Type
          if (!this.inBody(parent)) continue
          if (struct.parentSub !== null) {
            if (isElement(parent)) {
              this.deletedEntries.add(struct)
              this.docBlocks.add(parent)
            }
          } else if (isText(parent)) {
            this.docTexts.add(parent)
          }
          if (struct.content instanceof Y.ContentType) this.addSubtree(struct.content.type as Type, this.goneTypes)
        }
      }
    }
  }

  /** A new item refers to a deleted block of the document: read what that block held (an undo puts it back). */
  private noteReference(id: Y.ID): void {
    const found = this.find(id)
    if (found?.doc && found.item.deleted && found.item.content instanceof Y.ContentType && this.inBody(found.item.parent as Type)) {
      this.addSubtree(found.item.content.type as Type, null)
    }
  }

  /** List a document type and everything in it as touched (and as gone, with `gone`). */
  private addSubtree(root: Type, gone: Set<Type> | null): void {
    const stack = [root]
    while (stack.length > 0) {
      const type = stack.pop() as Type
      gone?.add(type)
      if (isText(type)) this.docTexts.add(type)
      else if (isElement(type)) this.docBlocks.add(type)
      for (let item = type._start; item !== null; item = item.right) if (item.content instanceof Y.ContentType) stack.push(item.content.type as Type)
    }
  }

  /** The cuts strictly inside (start, end), in order. */
  private cutsWithin(client: number, start: number, end: number): number[] {
    let sorted = this.sortedCuts.get(client)
    if (!sorted) this.sortedCuts.set(client, (sorted = [...(this.cuts.get(client) ?? [])].sort((a, b) => a - b)))
    let low = 0
    let high = sorted.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if ((sorted[mid] as number) <= start) low = mid + 1
      else high = mid
    }
    const points: number[] = []
    for (let index = low; index < sorted.length && (sorted[index] as number) < end; index++) points.push(sorted[index] as number)
    return points
  }

  private cut(client: number, clock: number): void {
    let set = this.cuts.get(client)
    if (!set) this.cuts.set(client, (set = new Set()))
    set.add(clock)
  }

  /** The struct holding `id`: the document's if it has the clock, else the update's. */
  private find(id: Y.ID): Found {
    if (id.clock < Y.getState(this.store, id.client)) {
      const structs = this.store.clients.get(id.client) as Array<Y.Item | Y.GC>
      const struct = structs[Y.findIndexSS(structs, id.clock)]
      return struct instanceof Y.Item ? { doc: true, item: struct } : null
    }
    const list = this.byClient.get(id.client)
    if (!list) return null
    let low = 0
    let high = list.length
    while (low < high) {
      const mid = (low + high) >>> 1
      const item = list[mid] as Y.Item
      if (item.id.clock + item.length <= id.clock) low = mid + 1
      else high = mid
    }
    const item = list[low]
    return item && item.id.clock <= id.clock ? { doc: false, item } : null
  }

  /**
   * The text or element a new item lands in (a document type, or the update's item holding a new
   * one), or null when it is not in the body or lands nowhere (next to collected content). Followed
   * the way Yjs does (left neighbour, else right, else the parent named), with an explicit chain.
   */
  private parentOf(start: Y.Item): Parent | null {
    const chain: Y.Item[] = []
    let current = start
    let result: Parent | null | undefined
    let sub: string | null = null
    while (result === undefined) {
      const known = this.parents.get(current)
      if (known !== undefined) {
        result = known
        sub = this.subs.get(current) ?? null
        break
      }
      if (chain.length > this.structs.length) {
        result = null
        break
      }
      chain.push(current)
      const ref = current.origin ?? current.rightOrigin
      if (ref !== null) {
        const found = this.find(ref)
        if (found === null) result = null
        else if (found.doc) {
          result = this.inBody(found.item.parent as Type) ? (found.item.parent as Type) : null
          sub = found.item.parentSub
        } else current = found.item
        continue
      }
      sub = current.parentSub
      const named = current.parent as unknown as string | Y.ID | null
      if (typeof named === 'string') {
        result = named === BODY && this.body ? this.body : null
        continue
      }
      const holder = named === null ? null : this.find(named)
      if (holder === null || !(holder.item.content instanceof Y.ContentType)) result = null
      else if (holder.doc) result = this.inBody(holder.item.content.type as Type) ? (holder.item.content.type as Type) : null
      else result = holder.item
    }
    for (const item of chain) {
      this.parents.set(item, result)
      this.subs.set(item, sub)
    }
    return result
  }

  /** Whether a parent is in the body: a document type there, or a new type whose holders lead there. */
  private landsInBody(parent: Parent): boolean {
    let current: Parent | null = parent
    for (let steps = 0; current instanceof Y.Item; steps++) {
      if (steps > this.structs.length) return false
      current = this.parentOf(current)
    }
    return current !== null && this.inBody(current)
  }

  private inBody(type: Type): boolean {
    let current = type
    while (current._item !== null) current = current._item.parent as Type
    return current === this.body
  }

  private isDeletedBy(client: number, clock: number): boolean {
    const ranges = this.ds.clients.get(client)
    if (!ranges) return false
    let low = 0
    let high = ranges.length
    while (low < high) {
      const mid = (low + high) >>> 1
      const range = ranges[mid] as { clock: number; len: number }
      if (range.clock + range.len <= clock) low = mid + 1
      else high = mid
    }
    const range = ranges[low]
    return range !== undefined && range.clock <= clock
  }

  private isGoneType(type: Type): boolean {
    for (let current: Type | null = type; current !== null; current = current._item ? (current._item.parent as Type) : null) {
      if (this.goneTypes.has(current)) return true
    }
    return false
  }

  private isGoneHolder(holder: Y.Item): boolean {
    for (let current: Parent | null = holder; current !== null; ) {
      if (current instanceof Y.AbstractType) return this.isGoneType(current)
      if (this.isDeletedBy(current.id.client, current.id.clock)) return true
      current = this.parentOf(current)
    }
    return false
  }

  // Laying texts out ----------------------------------------------------------------------------

  private layoutText(type: Type | null, items: Y.Item[], gone: boolean): TextRun | null {
    const runs: TextRun[] = []
    if (type) for (let item = type._start; item !== null; item = item.right) runs.push(...this.split(item, false))
    const line = new Line(runs)
    const fresh = items.flatMap((item) => this.split(item, true))
    line.integrate(fresh)
    for (const run of [...runs, ...fresh]) {
      run.gone = gone || (!run.deleted && this.isDeletedBy(run.client, run.clock))
    }
    walkText(line.head)
    return line.head
  }

  /** An item as runs, cut where the update refers into it; only the part Yjs integrates of a half-known new one. */
  private split(item: Y.Item, fresh: boolean): TextRun[] {
    const { client } = item.id
    let start = item.id.clock
    let origin = item.origin
    const end = item.id.clock + item.length
    if (fresh) {
      const state = Y.getState(this.store, client)
      if (state > start) {
        origin = Y.createID(client, state - 1)
        start = state
      }
    }
    const points = this.cutsWithin(client, start, end)
    const runs: TextRun[] = []
    let from = start
    for (const to of [...points, end]) {
      runs.push(runOf(item, from, to, from === start ? origin : Y.createID(client, from - 1), fresh))
      from = to
    }
    return runs
  }

  // Laying blocks out ---------------------------------------------------------------------------

  private layoutDocBlock(type: Type): BlockLayout {
    const element = type as Y.XmlElement
    const holder = type._item as Y.Item
    const deleted = holder.deleted
    const gone = this.isGoneType(type)
    const before = new Map<string, unknown>()
    const ghost: Array<[string, unknown]> = []
    for (const attribute of SUGGESTION_ATTRIBUTES) {
      const entry = type._map.get(attribute)
      if (entry && !entry.deleted && entry.content instanceof Y.ContentAny) before.set(attribute, entry.content.getContent().at(-1))
      for (let item: Y.Item | null = entry ?? null; item !== null; item = item.left) {
        if (item.content instanceof Y.ContentAny) for (const value of item.content.getContent()) ghost.push([attribute, value])
      }
    }
    const attrsBefore = deleted ? {} : (element.getAttributes() as Record<string, unknown>)
    const after = new Map<string, unknown>(deleted || gone ? [] : Object.entries(attrsBefore))
    for (const entry of this.deletedEntries) if (entry.parent === type && entry.parentSub !== null) after.delete(entry.parentSub)
    if (!deleted && !gone) this.applyEntries(type, after)
    return { type, holder, fresh: false, deleted, gone, name: element.nodeName, before, ghost, attrsBefore, after, text: textOf(type) }
  }

  private layoutFreshBlock(holder: Y.Item): BlockLayout {
    const gone = this.isGoneHolder(holder)
    const after = new Map<string, unknown>()
    if (!gone) this.applyEntries(holder, after)
    const name = ((holder.content as Y.ContentType).type as Y.XmlElement).nodeName
    return { type: null, holder, fresh: true, deleted: false, gone, name, before: new Map(), ghost: [], attrsBefore: {}, after, text: '' }
  }

  /** The attributes the update sets on a block, in update order (the last one set wins). */
  private applyEntries(parent: Parent, after: Map<string, unknown>): void {
    for (const { item: entry, key } of this.freshEntries.get(parent) ?? []) {
      if (this.isDeletedBy(entry.id.client, entry.id.clock) || !(entry.content instanceof Y.ContentAny)) after.delete(key)
      else after.set(key, entry.content.getContent().at(-1))
    }
  }
}

type Ranges = DeleteSet['clients'] extends Map<number, infer R> ? R : never

/** Delete ranges sorted by clock, overlapping and touching ones merged. */
function mergeRanges(ranges: Ranges): Ranges {
  const sorted = [...ranges].sort((a, b) => a.clock - b.clock)
  const merged: Ranges = []
  for (const range of sorted) {
    const last = merged.at(-1)
    if (last && range.clock <= last.clock + last.len) last.len = Math.max(last.len, range.clock + range.len - last.clock)
    else merged.push(range)
  }
  return merged
}

function push<T>(map: Map<Parent, T[]>, key: Parent, item: T): void {
  const list = map.get(key)
  if (list) list.push(item)
  else map.set(key, [item])
}

/** Whether a type is a text (checked without narrowing: Yjs' event types make the subclasses incompatible). */
function isText(type: Type): boolean {
  return type instanceof Y.XmlText
}

function isElement(type: Type): boolean {
  return type instanceof Y.XmlElement
}

function kindOf(parent: Parent): 'text' | 'element' | 'other' {
  const type = parent instanceof Y.Item ? (parent.content as Y.ContentType).type : parent
  return type instanceof Y.XmlText ? 'text' : type instanceof Y.XmlElement ? 'element' : 'other'
}

/** Whether an item is a suggestion format or attribute (`sub`: its map key), whatever its value (a null ends a mark). */
function isSuggestionItem(item: Y.Item, sub: string | null): boolean {
  if (item.content instanceof Y.ContentFormat) return isSuggestionFormat(item.content.key)
  return sub !== null && SUGGESTION_ATTRIBUTES.has(sub)
}

/**
 * The cover keys of the suggestion values an item carries; `sub` is its map key (an update leaves
 * it out when the item has a left neighbour: Yjs copies it from there).
 */
export function coverOfItem(item: Y.Item, sub: string | null = item.parentSub): CoverKey[] {
  const { content } = item
  if (content instanceof Y.ContentFormat) return formatCover(content.key, content.value)
  if (sub !== null && SUGGESTION_ATTRIBUTES.has(sub) && content instanceof Y.ContentAny) {
    return content.getContent().flatMap((value) => attributeCover(sub, value))
  }
  return []
}

/** A block's text now: its texts' live characters. */
function textOf(type: Type): string {
  let text = ''
  for (let child = type._start; child !== null; child = child.right) {
    if (child.deleted || !(child.content instanceof Y.ContentType) || !(child.content.type instanceof Y.XmlText)) continue
    for (let item = (child.content.type as Type)._start; item !== null; item = item.right) {
      if (!item.deleted && item.content instanceof Y.ContentString) text += item.content.str
    }
  }
  return text
}
