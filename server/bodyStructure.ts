/**
 * What an update builds in a story's body, checked against the editor schema before the room
 * applies it (issue 11, "Poisoned structure bricks a story"). updateScope.ts works out where each
 * new item lands; this decides whether it is something the editor's binding (@tiptap/y-tiptap)
 * could have written there. Anything else reaches every reader: a string or a sub-document placed
 * straight in `body` blanks the editor, thousands of nested quotes overflow every recursive reader.
 *
 * - List content of `body` and of elements: Y.XmlElement named after a node type of the schema
 *   (never `text` or `doc`) that the parent's content expression admits somewhere (a list item
 *   in a list, not in a paragraph), or Y.XmlText where the parent admits text (a paragraph, a
 *   heading). Nothing else: no strings, numbers, JSON, binary, sub-documents, embeds, maps, hooks.
 * - List content of Y.XmlText: strings, and formatting whose key names a mark of the schema
 *   (y-tiptap's hashed `name--…` keys too).
 * - Attributes (map entries) only on elements, named after an attribute of the element's node
 *   type, holding plain values (string, finite number, boolean, null): y-tiptap writes node attrs
 *   with `setAttribute`, which stores them as ContentAny, and every node attr of this schema is
 *   plain. None on texts or on `body`.
 * - Elements no deeper than MAX_BODY_DEPTH, counting the ancestors the document already has and
 *   those the update itself nests.
 *
 * Deleted content builds nothing and passes; so does an item Yjs drops (its parent ID holds no
 * type). The cost is one look at each new item, plus, for new elements only, a walk up through
 * ancestors not measured before in the same call: typing costs next to nothing.
 */
import { getSchema } from '@tiptap/core'
import type { NodeType } from '@tiptap/pm/model'
import * as Y from 'yjs'
import { storyExtensions } from '../src/shared/schema/index.js'
import { MAX_BODY_DEPTH } from '../src/shared/storyDoc.js'
import { markNameOfKey } from '../src/shared/suggestions.js'
import type { BodyItem, LandingParent } from './updateScope.js'

const schema = getSchema(storyExtensions())
const TEXT = schema.nodes.text as NodeType
const DOC = schema.topNodeType

/** Node types each node type admits anywhere in its content: every edge of its content expression. */
const ADMITS = new Map<NodeType, ReadonlySet<NodeType>>(
  Object.values(schema.nodes).map((type) => {
    const admitted = new Set<NodeType>()
    const seen = new Set([type.contentMatch])
    const matches = [type.contentMatch]
    for (let match = matches.pop(); match; match = matches.pop()) {
      for (let index = 0; index < match.edgeCount; index++) {
        const { type: child, next } = match.edge(index)
        admitted.add(child)
        if (!seen.has(next)) {
          seen.add(next)
          matches.push(next)
        }
      }
    }
    return [type, admitted]
  }),
)

/** The node type an element may be named after: one of the schema, never text or the top node. */
function elementType(nodeName: string): NodeType | null {
  // `nodes` is a plain object: a name like `constructor` must not read its prototype.
  if (!Object.hasOwn(schema.nodes, nodeName)) return null
  const type = schema.nodes[nodeName] as NodeType
  return type === TEXT || type === DOC ? null : type
}

/** What the binding reads a type as: an element's node type, a text, or null for anything it cannot read. */
function readAs(type: Y.AbstractType<unknown>): NodeType | 'text' | null {
  if (type instanceof Y.XmlText) return 'text'
  if (type instanceof Y.XmlElement) return elementType(type.nodeName)
  return null
}

/** What an item lands in: `body` (the top node), an element's node type, a text; 'dropped' when Yjs drops the item; null when unreadable. */
function containerOf(parent: LandingParent): NodeType | 'text' | 'dropped' | null {
  if (parent === null) return 'dropped'
  // updateScope lists only items landing in `body`: a root here is `body` itself.
  if (typeof parent === 'string') return DOC
  if (parent instanceof Y.Item) return parent.content instanceof Y.ContentType ? readAs(parent.content.type) : null
  return parent._item === null ? DOC : readAs(parent)
}

/** A value the binding writes for a node attribute of this schema. */
function isPlain(value: unknown): boolean {
  return value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
}

/** The name of an item's content, for the log. */
const contentName = (content: Y.Item['content']): string => content.constructor.name
/** A name a client chose, cut short for the log. */
const clip = (name: string): string => JSON.stringify(name.slice(0, 40))
const NOTHING: ReadonlySet<NodeType> = new Set()

/**
 * Why the new body items of an update build something the editor cannot hold, or null when they
 * do not. The room refuses the whole update on any answer but null.
 */
export function bodyStructureProblem(items: readonly BodyItem[]): string | null {
  let depths: ElementDepths | null = null
  for (const entry of items) {
    const { item, sub } = entry
    const { content } = item
    if (content instanceof Y.ContentDeleted) continue
    const container = containerOf(entry.parent)
    if (container === 'dropped') continue
    if (container === null) return `${contentName(content)} inside a type the editor does not read`
    if (sub !== null) {
      if (container === 'text' || container === DOC) return `attribute ${clip(sub)} on ${container === 'text' ? 'a text' : 'the body'}`
      if (!Object.hasOwn(container.spec.attrs ?? {}, sub)) return `attribute ${clip(sub)} on ${container.name}`
      if (!(content instanceof Y.ContentAny) || !content.getContent().every(isPlain)) return `attribute ${clip(sub)} of ${container.name} holding ${contentName(content)}`
      continue
    }
    if (container === 'text') {
      if (content instanceof Y.ContentString) continue
      if (content instanceof Y.ContentFormat && Object.hasOwn(schema.marks, markNameOfKey(content.key))) continue
      return content instanceof Y.ContentFormat ? `unknown mark ${clip(content.key)}` : `${contentName(content)} inside a text`
    }
    if (!(content instanceof Y.ContentType)) return `${contentName(content)} inside ${container.name}`
    const child = readAs(content.type)
    if (child === 'text') {
      if ((ADMITS.get(container) ?? NOTHING).has(TEXT)) continue
      return `text inside ${container.name}`
    }
    if (child === null) {
      const type = content.type
      return type instanceof Y.XmlElement ? `unknown node type ${clip(type.nodeName)}` : `${type.constructor.name} inside ${container.name}`
    }
    if (!(ADMITS.get(container) ?? NOTHING).has(child)) return `${child.name} inside ${container.name}`
    depths ??= new ElementDepths(items)
    const parentDepth = depths.of(entry.parent)
    if (parentDepth !== null && parentDepth + 1 > MAX_BODY_DEPTH) return `elements nested deeper than ${MAX_BODY_DEPTH}`
  }
  return null
}

/**
 * How deep each parent sits below `body` (a block directly in it is at 1), memoised for one call:
 * types the document has are measured up through `_item.parent`, the update's own items through
 * the parents updateScope resolved for them. Loops, not recursion: the chains may be long.
 */
class ElementDepths {
  private readonly parents = new Map<Y.Item, LandingParent>()
  private readonly types = new Map<Y.AbstractType<unknown>, number>()
  /** Null: Yjs drops the item and everything in it. */
  private readonly items = new Map<Y.Item, number | null>()

  constructor(items: readonly BodyItem[]) {
    for (const { item, parent } of items) this.parents.set(item, parent)
  }

  /** Depth of what `parent` is (0: `body`); null when Yjs drops it; past the limit when unknown. */
  of(parent: LandingParent): number | null {
    if (parent === null) return null
    if (typeof parent === 'string') return 0
    if (!(parent instanceof Y.Item)) return this.ofType(parent)
    const chain: Y.Item[] = []
    let current: LandingParent = parent
    while (current instanceof Y.Item && !this.items.has(current)) {
      chain.push(current)
      // An update item that is no body item of this update cannot be a parent here: fail closed.
      if (!this.parents.has(current)) return MAX_BODY_DEPTH + 1
      current = this.parents.get(current) as LandingParent
    }
    let depth: number | null
    if (current instanceof Y.Item) depth = this.items.get(current) ?? null
    else if (current === null) depth = null
    else depth = typeof current === 'string' ? 0 : this.ofType(current)
    for (let index = chain.length - 1; index >= 0; index--) {
      if (depth !== null) depth++
      this.items.set(chain[index] as Y.Item, depth)
    }
    return depth
  }

  /** Depth of a type the document has, walking up until a root or a type measured before. */
  private ofType(type: Y.AbstractType<unknown>): number {
    const chain: Array<Y.AbstractType<unknown>> = []
    let current = type
    while (current._item !== null && !this.types.has(current)) {
      chain.push(current)
      current = current._item.parent as Y.AbstractType<unknown>
    }
    let depth = current._item === null ? 0 : (this.types.get(current) as number)
    for (let index = chain.length - 1; index >= 0; index--) this.types.set(chain[index] as Y.AbstractType<unknown>, ++depth)
    return depth
  }
}

/**
 * The element nesting of editor JSON (a `doc`: its blocks are at 1), without recursion: what the
 * server writes into a body itself (a Word import) is held to the same limit as what clients send.
 */
export function jsonBodyDepth(doc: { content?: readonly unknown[] }): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[doc, 0]]
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [node, depth] = entry
    deepest = Math.max(deepest, depth)
    const content = (node as { content?: unknown }).content
    if (!Array.isArray(content)) continue
    for (const child of content as unknown[]) {
      if (typeof child === 'object' && child !== null && (child as { type?: unknown }).type !== 'text') stack.push([child, depth + 1])
    }
  }
  return deepest
}
