/**
 * What a client's Yjs update would change in a story document, worked out before it is applied,
 * so the room can refuse a forged or out-of-rights update whole (server/room.ts `mayApply`).
 *
 * An update does not name the fields it touches. An item states its parent only when it has no
 * neighbours (`origin`/`rightOrigin`), and then either as a root name or as the ID of the item
 * that holds the parent type; everything else is found by following IDs into the document or
 * into the update itself. This module follows them the way Yjs does when it integrates
 * (`Item.getMissing`/`Item.integrate` in yjs 13.6), but read-only: it never splits, integrates or
 * creates anything in the document (not even a root: `Y.decodeUpdate` keeps root names as strings).
 *
 * Wherever the answer is unsure it fails closed: the caller refuses the update, which for a
 * genuine client only happens to updates no Yjs client produces. An update that builds on structs
 * the server does not have yet is told apart (`missing`): the room holds it until they arrive.
 *
 * The same pass lists the suggestion values (track changes) that new body items carry, so the room
 * can refuse a suggestion attributed to someone else without decoding the update again.
 */
import * as Y from 'yjs'
import { BODY, META } from '../src/shared/storyDoc.js'
import { FORMAT_CHANGE } from '../src/shared/schema/formatChangeMark.js'
import { SUGGESTION_MARKS } from '../src/shared/schema/index.js'
import { BREAK_ATTRIBUTE } from '../src/shared/schema/suggestedBreaks.js'
import { TYPE_ATTRIBUTE } from '../src/shared/schema/suggestedTypes.js'
import { formatStack, parseTypeSuggestion } from '../src/shared/schema/suggestionValues.js'
import { isSafeHref, markNameOfKey } from '../src/shared/suggestions.js'

/** A suggestion value's id and the user it is attributed to. */
export interface SuggestionRef {
  id: string
  authorId: number | null
}

/** Which parts of a story document an update would change. */
export interface UpdateScope {
  /** Root type names the update inserts into or deletes from (e.g. 'body', 'meta', 'desk', or anything forged). */
  roots: Set<string>
  /** Keys of the `meta` map whose value or content the update changes (for nested types like headline, the top-level key). */
  metaKeys: Set<string>
  /** New values the update assigns to top-level `meta` keys holding plain values (ContentAny), e.g. { status: 'ready' } (last one wins). */
  metaValues: Map<string, unknown>
  /**
   * Keys of `meta` the update assigns or deletes outright, rather than editing inside the type the
   * key holds. For headline, slug, bylines and dateline that replaces the shared type, which
   * clients never do (storyDoc.ts): a subset of `metaKeys`.
   */
  replacedMetaKeys: Set<string>
  /**
   * True when the update is one no Yjs client writes (a reference cycle, a forward reference to its
   * own client, neighbours in two places, overlapping blocks, bytes that do not decode): forbidden.
   */
  unresolved: boolean
  /**
   * True when the update builds on structs neither the document nor the update holds: a gap in a
   * client's clocks, an origin or parent not stored yet, deletes past the document's state. Honest
   * clients send these (a keystroke racing the resync after a reconnect, an edit built on another
   * tab's words that reached it over BroadcastChannel first), so the room holds such an update until
   * what it builds on arrives and checks it then; Yjs would park it unchecked.
   */
  missing: boolean
  /**
   * Suggestion values that new items landing in `body` carry, in update order: suggestion marks
   * (format items `insertion`/`deletion`/`formatChange`, hashed keys too, with a value), suggested
   * paragraph breaks (a block's `suggestion` attribute) and suggested block type changes (a block's
   * `suggestedType` attribute). Honest clients re-emit other people's values too (Yjs' restore
   * formats, the binding re-setting attributes), so this lists values, not authorship claims.
   */
  suggestions: SuggestionRef[]
  /** True when a new body item carries a suggestion value that is not a well-formed one: treat as forbidden. */
  malformedSuggestion: boolean
  /**
   * Every new item landing in `body`, in update order, with the type it lands in: what
   * server/bodyStructure.ts checks against the editor schema.
   */
  bodyItems: BodyItem[]
  /**
   * Every new item landing inside a `meta` field's shared type (a headline's text, the byline
   * list, the dateline map), in update order: what server/metaStructure.ts checks.
   */
  metaItems: MetaItem[]
  /**
   * True when a new body item links somewhere no reader should be sent (`javascript:`, `data:`…),
   * as a link mark or inside a format suggestion's records: treat as forbidden.
   */
  unsafeLink: boolean
}

/**
 * The type an item lands in: a root by name, a type the document has, the update's item whose
 * content creates it, or null when Yjs drops the item (its parent ID holds no type).
 */
export type LandingParent = string | Y.AbstractType<unknown> | Y.Item | null

/** A new item inside the shared type of `meta` field `key`, with its map key there (null: list or text content). */
export interface MetaItem {
  item: Y.Item
  key: string
  sub: string | null
}

/** A new item that lands in `body`, with its parent type and map key (null: list content). */
export interface BodyItem {
  item: Y.Item
  parent: LandingParent
  sub: string | null
}

/**
 * Where an item lands: its root, the key of its top-level ancestor there, whether it sits directly
 * in the root, and its own map key (`parentSub`, which Yjs copies from the left neighbour when the
 * update leaves it out).
 */
interface Place {
  root: string
  key: string | null
  top: boolean
  sub: string | null
  parent: LandingParent
}

/**
 * The item becomes a GC struct when integrated, because a neighbour or its parent was garbage
 * collected (content of a deleted type): it changes nothing. Typing into a paragraph that someone
 * else just deleted produces exactly this, so it must not read as forged.
 */
const INERT = Symbol('inert')
/**
 * The item's references are ones no Yjs client writes (a cycle, a forward reference to its own
 * client, neighbours in different places).
 */
const UNRESOLVED = Symbol('unresolved')
/**
 * The item depends on a struct neither the document nor the update holds: Yjs would park it in
 * `pendingStructs` and integrate it later, unchecked.
 */
const MISSING = Symbol('missing')
type Resolution = Place | typeof INERT | typeof UNRESOLVED | typeof MISSING

/** A struct of the update that can be referred to: GC and Item (a Skip holds nothing). */
type UpdateStruct = Y.Item | Y.GC

/** Shape of an item as `Y.decodeUpdate` returns it: the typings say the parent is a type, it is a root name or an ID. */
type DecodedParent = string | Y.ID | null

/** An update as `Y.decodeUpdate` reads it: decoded once per client update and passed along. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

/**
 * Decode an update, or null when it does not decode. A frame Yjs' lazy reader cannot read may
 * still be one its integrating reader accepts (they differ on malformed Skip infos): callers
 * refuse rather than guess.
 */
export function decodeUpdateOrNull(update: Uint8Array): DecodedUpdate | null {
  try {
    return Y.decodeUpdate(update)
  } catch {
    return null
  }
}

/**
 * Whether some struct of `decoded` starts below what `doc` holds of its client: Yjs would apply
 * only its tail, placed after `doc`'s item at the clock before, not at the struct's own origin.
 */
export function overlapsDocument(doc: Y.Doc, decoded: DecodedUpdate): boolean {
  for (const struct of decoded.structs) {
    if (struct.id.clock < Y.getState(doc.store, struct.id.client)) return true
  }
  return false
}

/**
 * Work out what an update would change in `doc`, without changing `doc`. Takes the update's
 * bytes, or what `Y.decodeUpdate` made of them when the caller decoded it already (issue 12: each
 * client update is decoded once for every check).
 */
export function updateScope(doc: Y.Doc, update: Uint8Array | DecodedUpdate): UpdateScope {
  const scope: UpdateScope = {
    roots: new Set(),
    metaKeys: new Set(),
    metaValues: new Map(),
    replacedMetaKeys: new Set(),
    unresolved: false,
    missing: false,
    suggestions: [],
    malformedSuggestion: false,
    unsafeLink: false,
    bodyItems: [],
    metaItems: [],
  }
  const decoded = update instanceof Uint8Array ? decodeUpdateOrNull(update) : update
  if (decoded === null) {
    scope.unresolved = true
    return scope
  }
  try {
    new ScopeReader(doc, decoded.structs, scope).read(decoded.ds)
  } catch {
    // Room code calls this outside its per-update try: a lookup that trips over an
    // inconsistent store must refuse the update, not take the process down.
    scope.unresolved = true
  }
  return scope
}

/** The clients whose structs an update brings (Skips bring nothing). */
export function clientsOf(decoded: DecodedUpdate): Set<number> {
  const clients = new Set<number>()
  for (const struct of decoded.structs) if (!(struct instanceof Y.Skip)) clients.add(struct.id.client)
  return clients
}

/** One call's worth of lookups, with memos that live only as long as the call. */
class ScopeReader {
  private readonly store: Y.Doc['store']
  /** The update's Items and GCs per client, in clock order. */
  private readonly byClient = new Map<number, UpdateStruct[]>()
  private readonly resolved = new Map<Y.Item, Resolution>()

  constructor(
    doc: Y.Doc,
    private readonly structs: Array<Y.Item | Y.GC | Y.Skip>,
    private readonly scope: UpdateScope,
  ) {
    this.store = doc.store
    const ends = new Map<number, number>()
    /** Per client, how far the document and the update's Items and GCs so far reach without a gap. */
    const reach = new Map<number, number>()
    for (const struct of structs) {
      const { client, clock } = struct.id
      const end = ends.get(client)
      // Yjs keeps only the last block of a client when one appears twice, so an overlapping
      // ID could resolve to a struct Yjs never integrates. Encoders never write that.
      if (end !== undefined && clock < end) this.scope.unresolved = true
      ends.set(client, clock + struct.length)
      if (struct instanceof Y.Skip) continue
      // A struct past a gap in its own client's clocks is parked in `pendingStructs`, shipped to
      // every client that syncs, and integrated later when something fills the gap: refuse it now.
      const reached = reach.get(client) ?? Y.getState(this.store, client)
      if (clock > reached) this.scope.missing = true
      reach.set(client, Math.max(reached, clock + struct.length))
      let list = this.byClient.get(client)
      if (!list) this.byClient.set(client, (list = []))
      list.push(struct)
    }
  }

  /** Record every inserted struct's place, then every place the delete set reaches. */
  read(ds: DecodedUpdate['ds']): void {
    for (const struct of this.structs) {
      if (!(struct instanceof Y.Item)) continue
      const resolution = this.resolve(struct)
      // Yjs skips what it already has; only a parked reference still matters for such a struct.
      const isNew = struct.id.clock + struct.length > Y.getState(this.store, struct.id.client)
      if (resolution === UNRESOLVED || resolution === MISSING || isNew) this.record(resolution)
      if (isNew && typeof resolution === 'object' && resolution.root === BODY) {
        this.scope.bodyItems.push({ item: struct, parent: resolution.parent, sub: resolution.sub })
        for (const ref of suggestionValues(struct.content, resolution.sub)) {
          if (ref) this.scope.suggestions.push(ref)
          else this.scope.malformedSuggestion = true
        }
        if (struct.content instanceof Y.ContentFormat && !linksAreSafe(struct.content)) this.scope.unsafeLink = true
      }
      if (isNew && typeof resolution === 'object' && !resolution.top && resolution.root === META && resolution.key !== null) {
        this.scope.metaItems.push({ item: struct, key: resolution.key, sub: resolution.sub })
      }
      if (isNew && typeof resolution === 'object' && resolution.top && resolution.root === META && resolution.key !== null) {
        this.scope.replacedMetaKeys.add(resolution.key)
        const { content } = struct
        if (!(content instanceof Y.ContentType) && !(content instanceof Y.ContentDeleted)) {
          // What `Y.Map.get` reads from the winning item; decode order is clock order per client.
          this.scope.metaValues.set(resolution.key, content.getContent()[struct.length - 1])
        }
      }
    }
    for (const [client, ranges] of ds.clients) {
      const state = Y.getState(this.store, client)
      const structs = this.store.clients.get(client)
      for (const { clock, len } of ranges) {
        const end = clock + len
        if (structs && clock < state) {
          for (let index = Y.findIndexSS(structs, clock); index < structs.length; index++) {
            const struct = structs[index] as Y.Item | Y.GC
            if (struct.id.clock >= end) break
            // GC structs and deleted items are gone already: deleting them again changes nothing.
            if (!(struct instanceof Y.Item) || struct.deleted) continue
            const place = this.placeOfDocItem(struct)
            this.record(place)
            if (place.top && place.root === META && place.key !== null) this.scope.replacedMetaKeys.add(place.key)
          }
        }
        // Past the document's state the range must be the update's own structs (recorded above);
        // anything else Yjs keeps as `pendingDs` and applies later to whatever gets those IDs.
        if (end > state && !this.updateCovers(client, Math.max(clock, state), end)) this.scope.missing = true
      }
    }
  }

  private record(resolution: Resolution): void {
    if (resolution === INERT) return
    if (resolution === UNRESOLVED) {
      this.scope.unresolved = true
      return
    }
    if (resolution === MISSING) {
      this.scope.missing = true
      return
    }
    this.scope.roots.add(resolution.root)
    if (resolution.root !== META) return
    // A keyless item in `meta` is list content no Y.Map call writes: nobody may add it.
    if (resolution.key === null) this.scope.unresolved = true
    else this.scope.metaKeys.add(resolution.key)
  }

  /**
   * Resolve an update item, following references into other update items with an explicit stack:
   * an offline session can chain thousands of items, too deep for recursion.
   */
  private resolve(start: Y.Item): Resolution {
    const known = this.resolved.get(start)
    if (known !== undefined) return known
    const stack = [start]
    const onStack = new Set(stack)
    while (stack.length > 0) {
      const item = stack[stack.length - 1] as Y.Item
      const step = this.step(item)
      if (step instanceof Y.Item && !onStack.has(step)) {
        stack.push(step)
        onStack.add(step)
        continue
      }
      // A reference back onto the stack is a cycle: Yjs would park the lot.
      this.resolved.set(item, step instanceof Y.Item ? UNRESOLVED : step)
      stack.pop()
      onStack.delete(item)
    }
    return this.resolved.get(start) ?? UNRESOLVED
  }

  /** The item's resolution, or an update item that must be resolved first. */
  private step(item: Y.Item): Resolution | Y.Item {
    if (item.origin !== null || item.rightOrigin !== null) {
      // Yjs takes the parent from the left neighbour, else the right, and turns the item into GC
      // if either is GC. A real client's neighbours share one parent; we require both to agree.
      const left = item.origin === null ? null : this.lookup(item.origin, item)
      const right = item.rightOrigin === null ? null : this.lookup(item.rightOrigin, item)
      if (left === UNRESOLVED || right === UNRESOLVED) return UNRESOLVED
      if (left === MISSING || right === MISSING) return MISSING
      if (left instanceof Y.Item) return left
      if (right instanceof Y.Item) return right
      if (left === INERT || right === INERT) return INERT
      if (left && right && (left.root !== right.root || left.key !== right.key || left.top !== right.top || left.sub !== right.sub)) return UNRESOLVED
      return (left ?? right) as Place
    }
    const parent = item.parent as unknown as DecodedParent
    if (typeof parent === 'string') return { root: parent, key: item.parentSub, top: true, sub: item.parentSub, parent }
    if (parent === null) return UNRESOLVED
    // The parent is the type held by the item with this ID: same root and top-level key, one level down.
    const holder = this.lookup(parent, item)
    if (holder instanceof Y.Item || holder === INERT || holder === UNRESOLVED || holder === MISSING) return holder
    return { root: holder.root, key: holder.key, top: false, sub: item.parentSub, parent: this.typeAt(parent) }
  }

  /** What Yjs makes the parent of an item naming `id`: the type held there (or the update's item creating it), else null. */
  private typeAt(id: Y.ID): LandingParent {
    if (id.clock < Y.getState(this.store, id.client)) {
      const structs = this.store.clients.get(id.client) as Array<Y.Item | Y.GC>
      const struct = structs[Y.findIndexSS(structs, id.clock)]
      return struct instanceof Y.Item && struct.content instanceof Y.ContentType ? struct.content.type : null
    }
    const struct = this.findInUpdate(id.client, id.clock)
    return struct instanceof Y.Item && struct.content instanceof Y.ContentType ? struct : null
  }

  /** Find the struct `id` points at: the document's if it has the clock (as Yjs reads it), else the update's. */
  private lookup(id: Y.ID, from: Y.Item): Resolution | Y.Item {
    // Yjs only waits for other clients; a reference to its own later clock breaks integration.
    if (id.client === from.id.client && id.clock >= from.id.clock) return UNRESOLVED
    if (id.clock < Y.getState(this.store, id.client)) {
      const structs = this.store.clients.get(id.client) as Array<Y.Item | Y.GC>
      const struct = structs[Y.findIndexSS(structs, id.clock)]
      return struct instanceof Y.Item ? this.placeOfDocItem(struct) : INERT
    }
    const struct = this.findInUpdate(id.client, id.clock)
    if (struct === undefined) return MISSING
    if (!(struct instanceof Y.Item)) return INERT
    return this.resolved.get(struct) ?? struct
  }

  /** The update's struct holding `clock` of `client`, by binary search. */
  private findInUpdate(client: number, clock: number): UpdateStruct | undefined {
    const list = this.byClient.get(client)
    if (!list) return undefined
    const index = firstEndingAfter(list, clock)
    const struct = list[index]
    return struct && struct.id.clock <= clock ? struct : undefined
  }

  /** Whether the update's own structs fill the clocks [from, to) of `client` without a gap. */
  private updateCovers(client: number, from: number, to: number): boolean {
    const list = this.byClient.get(client)
    if (!list) return false
    let clock = from
    for (let index = firstEndingAfter(list, from); clock < to; index++) {
      const struct = list[index]
      if (!struct || struct.id.clock > clock) return false
      clock = struct.id.clock + struct.length
    }
    return true
  }

  /** Where an integrated item sits: walk up through `type._item` to the root. */
  private placeOfDocItem(item: Y.Item): Place {
    const parent = item.parent as Y.AbstractType<unknown>
    const sub = item.parentSub
    // List content (every character of a paragraph) shares one place per type: no object per lookup.
    if (sub === null) {
      const known = listPlaces.get(parent)
      if (known) return known
    }
    const place: Place =
      parent._item === null
        ? { root: rootName(parent), key: sub, top: true, sub, parent }
        : { ...placeOfType(parent), top: false, sub, parent }
    if (sub === null) listPlaces.set(parent, place)
    return place
  }
}

/**
 * Facts of integrated types that never change (a type stays where it was created, and a root keeps
 * its name), kept across calls: every keystroke asks them again of the same paragraph (issue 12).
 * Weak, so a closed story's types go with it.
 */
const typePlaces = new WeakMap<Y.AbstractType<unknown>, { root: string; key: string | null }>()
const rootNames = new WeakMap<Y.AbstractType<unknown>, string>()
const listPlaces = new WeakMap<Y.AbstractType<unknown>, Place>()

/** Root and top-level key of a nested type, memoised per type. */
function placeOfType(type: Y.AbstractType<unknown>): { root: string; key: string | null } {
  const walked: Array<Y.AbstractType<unknown>> = []
  let current = type
  let found = typePlaces.get(current)
  while (found === undefined) {
    walked.push(current)
    const holder = current._item as Y.Item
    const parent = holder.parent as Y.AbstractType<unknown>
    if (parent._item === null) found = { root: rootName(parent), key: holder.parentSub }
    else found = typePlaces.get((current = parent))
  }
  for (const walkedType of walked) typePlaces.set(walkedType, found)
  return found
}

function rootName(type: Y.AbstractType<unknown>): string {
  let name = rootNames.get(type)
  if (name === undefined) rootNames.set(type, (name = Y.findRootTypeKey(type)))
  return name
}

/** Index of the first struct whose clock range ends after `clock` (structs sorted by clock). */
function firstEndingAfter(list: UpdateStruct[], clock: number): number {
  let low = 0
  let high = list.length
  while (low < high) {
    const mid = (low + high) >>> 1
    const struct = list[mid] as UpdateStruct
    if (struct.id.clock + struct.length <= clock) low = mid + 1
    else high = mid
  }
  return low
}

const NO_SUGGESTIONS: ReadonlyArray<SuggestionRef | null> = []

/** What a suggestion value must hold besides an id and an author. */
type Shape = 'mark' | 'formatChange' | 'break' | 'type'

/**
 * The suggestion values an item's content carries, null for each that is malformed; empty when it
 * carries none. A format key counts as the binding reads it back into a mark, so a hashed
 * `insertion--…` or `formatChange--…` key is one too.
 */
/** Whether a format item's links (a link mark, or links a format suggestion records) are all safe. */
function linksAreSafe(content: Y.ContentFormat): boolean {
  const name = markNameOfKey(content.key)
  if (content.value === null) return true
  if (name === 'link') return isSafeHref((content.value as { href?: unknown } | undefined)?.href)
  if (name !== FORMAT_CHANGE) return true
  for (const record of formatStack(content.value)) {
    const { added, removed } = record as { added?: unknown; removed?: unknown }
    for (const mark of [...(Array.isArray(added) ? added : []), ...(Array.isArray(removed) ? removed : [])]) {
      const { type, attrs } = (mark ?? {}) as { type?: unknown; attrs?: { href?: unknown } }
      if (type === 'link' && !isSafeHref(attrs?.href)) return false
    }
  }
  return true
}

function suggestionValues(content: Y.Item['content'], sub: string | null): ReadonlyArray<SuggestionRef | null> {
  if (content instanceof Y.ContentFormat) {
    const { key } = content
    // A key counts as the mark the binding reads it back into: a hashed `insertion--…` is an insertion.
    const name = SUGGESTION_MARKS.has(key) ? key : markNameOfKey(key)
    // A null value ends the mark: it introduces nothing.
    if (!SUGGESTION_MARKS.has(name) || content.value === null) return NO_SUGGESTIONS
    if (name !== FORMAT_CHANGE) return [suggestionRef(content.value, 'mark')]
    // A format record carries the records it stacked on (`prior`): each is checked like a value.
    const stack = formatStack(content.value)
    if (stack.length === 0) return [null]
    const nested = (stack.at(-1) as { prior?: unknown } | undefined)?.prior
    const tooDeep = nested !== undefined && nested !== null
    return [...stack.map((record) => suggestionRef(record, 'formatChange')), ...(tooDeep ? [null] : [])]
  }
  if ((sub !== BREAK_ATTRIBUTE && sub !== TYPE_ATTRIBUTE) || content instanceof Y.ContentDeleted) return NO_SUGGESTIONS
  // `setAttribute` with a string writes ContentAny; any other content (a type, binary, text…) is forged.
  if (!(content instanceof Y.ContentAny)) return [null]
  if (sub === TYPE_ATTRIBUTE) return content.getContent().flatMap((value) => (typeof value === 'string' ? typeRefs(value) : [null]))
  return content.getContent().map((value) => (typeof value === 'string' ? parseBlockRef(value, 'break') : null))
}

/**
 * A suggested paragraph break's or block type change's id and author, or null unless it is the
 * JSON object clients write.
 */
function parseBlockRef(value: string, shape: 'break' | 'type'): SuggestionRef | null {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return null
  }
  const ref = suggestionRef(parsed, shape)
  // The same check readers apply (`from` with a type and attributes), on top of the author's.
  if (ref && shape === 'type' && parseTypeSuggestion(value) === null) return null
  return ref
}

/** A block type suggestion's records (it stacks on others' in `prior`), each checked like a value. */
function typeRefs(value: string): Array<SuggestionRef | null> {
  const top = parseBlockRef(value, 'type')
  if (!top) return [null]
  const stack = formatStack(JSON.parse(value))
  return stack.map((record) => suggestionRef(record, 'type'))
}

/**
 * A suggestion value's id and author, or null when it lacks a string id or a number-or-null author,
 * or what its shape needs: a break's kind, a format change's `added`/`removed` lists (when there).
 */
function suggestionRef(value: unknown, shape: Shape): SuggestionRef | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, authorId, kind, added, removed } = value as Record<string, unknown>
  if (typeof id !== 'string' || id === '') return null
  if (authorId !== null && typeof authorId !== 'number') return null
  if (shape === 'break' && kind !== 'split' && kind !== 'join') return null
  if (shape === 'formatChange' && ((added !== undefined && !Array.isArray(added)) || (removed !== undefined && !Array.isArray(removed)))) return null
  return { id, authorId }
}

/**
 * Every well-formed suggestion value in the document's body, id → author (the first seen wins),
 * read from the struct store so deleted content Yjs still keeps counts too; with `since` (a state
 * vector), only in structs added after it. Which suggestions a room knows (server/room.ts).
 */
export function suggestionAuthorsIn(doc: Y.Doc, since: Map<number, number> = new Map()): Map<string, number | null> {
  const authors = new Map<string, number | null>()
  const body = doc.share.get(BODY)
  if (!body) return authors
  const inBody = new Map<Y.AbstractType<unknown>, boolean>()
  const isInBody = (type: Y.AbstractType<unknown>): boolean => {
    const walked: Array<Y.AbstractType<unknown>> = []
    let current: Y.AbstractType<unknown> | null = type
    let answer: boolean | undefined
    while (answer === undefined) {
      if (current === null) answer = false
      else if (current === body) answer = true
      else if ((answer = inBody.get(current)) === undefined) {
        walked.push(current)
        current = current._item === null ? null : (current._item.parent as Y.AbstractType<unknown> | null)
      }
    }
    for (const walkedType of walked) inBody.set(walkedType, answer)
    return answer
  }
  for (const [client, structs] of doc.store.clients) {
    const from = since.get(client) ?? 0
    if (from >= Y.getState(doc.store, client)) continue
    for (let index = from === 0 ? 0 : Y.findIndexSS(structs, from); index < structs.length; index++) {
      const struct = structs[index]
      if (!(struct instanceof Y.Item)) continue
      const values = suggestionValues(struct.content, struct.parentSub)
      if (values.length === 0 || !isInBody(struct.parent as Y.AbstractType<unknown>)) continue
      for (const ref of values) if (ref && !authors.has(ref.id)) authors.set(ref.id, ref.authorId)
    }
  }
  return authors
}
