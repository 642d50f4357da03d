/**
 * Random y-websocket frames for the protocol fuzz test (tests/integration/fuzz.test.ts): real Yjs
 * updates made by random edits on a scratch Y.Doc (body, meta, desk, unknown roots, every content
 * type Yjs has), the other messages of the protocol (sync step 1, awareness, query-awareness, our
 * `saved`), and mutations of all of them (bit flips, truncations, varuint lengths that lie, spliced
 * garbage, unknown message types, empty and oversized frames). No vitest here: pure functions of a
 * seeded generator, so a failing seed replays the same frames.
 */
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import * as Y from 'yjs'
import { MAX_FRAME_BYTES, MessageType } from '../../src/shared/protocol'
import { BODY, META, MetaKey } from '../../src/shared/storyDoc'
import { seededRandom } from './random'

/** A seeded generator with the helpers the fuzzer needs. */
export interface Rng {
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  chance(p: number): boolean
  pick<T>(items: readonly T[]): T
  bytes(n: number): Uint8Array
}

/** A generator for `seed` (mulberry32, tests/helpers/random.ts). */
export function rng(seed: number): Rng {
  const next = seededRandom(seed)
  const int = (n: number) => Math.floor(next() * n)
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]) => items[int(items.length)] as T,
    bytes(n) {
      const out = new Uint8Array(n)
      for (let index = 0; index < n; index++) out[index] = int(256)
      return out
    },
  }
}

/**
 * Words the fuzzer writes, named after what must become of them: text a read-only user sent, or
 * text in the same update as a change no client may make, must never be stored; text a writer sent
 * may be; text in a frame that is mutated before sending may be anything.
 */
export const Marker = { writer: 'okfuzz', readOnly: 'ROFUZZ', forbidden: 'XFORBID', mutated: 'mutfuzz' } as const
export type Marker = (typeof Marker)[keyof typeof Marker]

const HREFS = ['https://example.org/a', 'mailto:desk@example.org', '/stories/x', 'javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'data:text/html,x', 'vbscript:x', '']
const ELEMENTS = ['paragraph', 'heading', 'blockquote', 'bulletList', 'orderedList', 'listItem', 'hardBreak', 'script', 'doc', 'text', 'constructor', 'div']
const ROOT_NAMES = ['desk2', 'comments', 'evil', '__proto__', 'Body', 'metadata', '']

/** A scratch document the fuzzer edits, and what of it the fuzzer made (the only thing it deletes). */
export class Scratch {
  readonly doc = new Y.Doc()
  private readonly ownTexts: Y.XmlText[] = []
  private readonly ownElements: Y.XmlElement[] = []
  /** The type each unknown root was made with (Yjs refuses one name for two types). */
  private readonly rootKinds = new Map<string, number>()
  private words = 0

  constructor(private readonly r: Rng) {}

  /**
   * Make one random transaction and return its update (null when it changed nothing). With
   * `forbidden`, the transaction also makes a change no client may make over the socket (a desk
   * field, `meta.section`/`status`/`plannedWords`, an unknown meta key or root, a shared field
   * replaced), so the server must refuse it whole. Every word it writes carries `marker`.
   */
  edit(marker: Marker, forbidden: boolean): Uint8Array | null {
    let update: Uint8Array | null = null
    const capture = (change: Uint8Array) => {
      update = update ? Y.mergeUpdates([update, change]) : change
    }
    this.doc.on('update', capture)
    try {
      this.doc.transact(() => {
        const ops = 1 + this.r.int(3)
        for (let index = 0; index < ops; index++) this.allowedOp(marker)
        if (forbidden) this.forbiddenOp(marker)
      })
    } finally {
      this.doc.off('update', capture)
    }
    return update
  }

  private word(marker: Marker): string {
    return `${marker}${this.words++}`
  }

  private text(marker: Marker): Y.XmlText {
    const text = new Y.XmlText()
    text.insert(0, `${this.word(marker)} `)
    this.ownTexts.push(text)
    return text
  }

  /** A small block of the schema, or now and then something no editor writes (deep, unknown, misplaced). */
  private block(marker: Marker): Y.XmlElement {
    const r = this.r
    const paragraph = () => {
      const element = new Y.XmlElement(r.chance(0.8) ? 'paragraph' : 'heading')
      if (element.nodeName === 'heading') element.setAttribute('level', String(r.pick([2, 3, 4, 1, 9])))
      element.insert(0, [this.text(marker)])
      return element
    }
    let element: Y.XmlElement
    switch (r.int(6)) {
      case 0: {
        element = new Y.XmlElement(r.pick(['bulletList', 'orderedList']))
        const item = new Y.XmlElement('listItem')
        item.insert(0, [paragraph()])
        element.insert(0, [item])
        break
      }
      case 1: {
        // Nested quotes: mostly a few, now and then past MAX_BODY_DEPTH.
        const depth = r.chance(0.9) ? 1 + r.int(4) : 60 + r.int(20)
        element = paragraph()
        for (let level = 0; level < depth; level++) {
          const quote = new Y.XmlElement('blockquote')
          quote.insert(0, [element])
          element = quote
        }
        break
      }
      case 2: {
        element = new Y.XmlElement(r.pick(ELEMENTS))
        if (r.chance(0.5)) element.insert(0, [this.text(marker)])
        if (r.chance(0.3)) element.setAttribute(r.pick(['level', 'onclick', 'suggestion', 'suggestedType', 'style']), r.pick(['2', '{"id":"x"}', 'alert(1)']))
        break
      }
      default:
        element = paragraph()
    }
    this.ownElements.push(element)
    return element
  }

  /** Every XmlText in the body, found iteratively (a deep body must not overflow the fuzzer either). */
  private bodyTexts(): Y.XmlText[] {
    const texts: Y.XmlText[] = []
    const stack: Array<Y.XmlFragment | Y.XmlElement> = [this.doc.getXmlFragment(BODY)]
    while (stack.length > 0 && texts.length < 200) {
      const node = stack.pop() as Y.XmlFragment | Y.XmlElement
      for (const child of node.toArray()) {
        if (child instanceof Y.XmlText) texts.push(child)
        else if (child instanceof Y.XmlElement) stack.push(child)
      }
    }
    return texts
  }

  private suggestion(authorId: number | null): Record<string, unknown> {
    return { id: `s${this.r.int(1000)}`, authorId, authorName: this.r.pick(['Erin', 'The Publisher', '']), authorColor: '#123456', time: Date.now() }
  }

  /** One change a writer may make (or that the body's schema check refuses): never a protected field. */
  private allowedOp(marker: Marker): void {
    const r = this.r
    const body = this.doc.getXmlFragment(BODY)
    const meta = this.doc.getMap(META)
    switch (r.int(12)) {
      case 0:
      case 1:
        body.insert(r.int(body.length + 1), [this.block(marker)])
        return
      case 2:
      case 3: {
        const target = r.pick([...this.bodyTexts(), ...this.ownTexts].filter((text) => text.doc === this.doc)) as Y.XmlText | undefined
        if (!target) return
        const attributes = r.chance(0.3) ? r.pick<Record<string, unknown>>([{ bold: true }, { italic: true }, { note: true }, { link: { href: r.pick(HREFS) } }, { insertion: this.suggestion(r.int(50)) }]) : undefined
        target.insert(r.int(target.length + 1), `${this.word(marker)} `, attributes)
        return
      }
      case 4: {
        const target = r.pick(this.bodyTexts()) as Y.XmlText | undefined
        if (!target || target.length === 0) return
        const start = r.int(target.length)
        const format = r.pick<Record<string, unknown>>([
          { bold: true },
          { italic: null },
          { link: { href: r.pick(HREFS) } },
          { deletion: this.suggestion(r.chance(0.5) ? null : r.int(50)) },
          { formatChange: { ...this.suggestion(r.int(50)), added: [{ type: 'bold' }], removed: [] } },
          { madeUpMark: 1 },
        ])
        target.format(start, 1 + r.int(target.length - start), format)
        return
      }
      case 5: {
        // Deletes only what this scratch document wrote itself.
        const own = this.ownTexts.filter((text) => text.length > 0 && !text._item?.deleted)
        const target = r.pick(own) as Y.XmlText | undefined
        if (target) target.delete(r.int(target.length), 1 + r.int(3))
        else {
          const element = r.pick(this.ownElements.filter((candidate) => candidate.parent instanceof Y.XmlFragment && !candidate._item?.deleted)) as Y.XmlElement | undefined
          const parent = element?.parent as Y.XmlFragment | undefined
          const index = element && parent ? parent.toArray().indexOf(element) : -1
          if (parent && index >= 0) parent.delete(index, 1)
        }
        return
      }
      case 6: {
        const key = r.pick([MetaKey.headline, MetaKey.slug])
        const field = meta.get(key)
        if (field instanceof Y.Text) field.insert(r.int(field.length + 1), `${this.word(marker)} `)
        return
      }
      case 7: {
        const bylines = meta.get(MetaKey.bylines)
        if (bylines instanceof Y.Array) bylines.push([r.chance(0.8) ? this.word(marker) : r.pick<unknown>([42, null, { name: this.word(marker) }])])
        return
      }
      case 8: {
        const dateline = meta.get(MetaKey.dateline)
        if (dateline instanceof Y.Map) dateline.set(r.pick(['city', 'country', 'date', 'source', 'evil']), r.chance(0.8) ? this.word(marker) : r.pick<unknown>([7, true, [this.word(marker)]]))
        return
      }
      case 9: {
        // Content no editor puts straight in the body: the schema check refuses it.
        const odd = r.pick<() => unknown>([
          () => this.text(marker),
          () => this.word(marker),
          () => r.int(1000),
          () => r.bytes(8),
          () => new Y.Doc(),
          () => new Y.Map(),
          () => ({ html: this.word(marker) }),
        ])()
        ;(body as unknown as Y.Array<unknown>).insert(r.int(body.length + 1), [odd])
        return
      }
      case 10: {
        const element = r.pick(this.ownElements.filter((candidate) => !candidate._item?.deleted)) as Y.XmlElement | undefined
        element?.setAttribute(r.pick(['level', 'suggestion', 'onclick']), r.pick(['3', this.word(marker), JSON.stringify(this.suggestion(r.int(50)))]))
        return
      }
      default: {
        const target = r.pick(this.bodyTexts()) as Y.XmlText | undefined
        // An embed in text: Y.Text takes objects, the schema has no inline node for them.
        target?.insertEmbed(r.int(target.length + 1), { image: this.word(marker) })
      }
    }
  }

  /** One change no client may make over the socket, of a random content type. */
  private forbiddenOp(marker: Marker): void {
    const r = this.r
    const meta = this.doc.getMap(META)
    const value = () => r.pick<() => unknown>([() => this.word(marker), () => r.int(1e6), () => null, () => true, () => r.bytes(4), () => ({ x: this.word(marker) })])()
    switch (r.int(6)) {
      case 0:
        meta.set(r.pick([MetaKey.section, MetaKey.status, MetaKey.plannedWords]), r.pick<unknown>(['Sports', 'published', 'spiked', 99999, this.word(marker)]))
        return
      case 1:
        // Replacing a shared field would orphan everyone's edits of it.
        meta.set(r.pick([MetaKey.headline, MetaKey.slug, MetaKey.bylines, MetaKey.dateline]), r.chance(0.5) ? new Y.Text(this.word(marker)) : this.word(marker))
        return
      case 2:
        meta.set(`${this.word(marker)}Key`, value())
        return
      case 3: {
        const desk = this.doc.getMap('desk')
        desk.set(r.pick(['lead', 'editor', 'contributors', 'deadline', 'parts', 'evil']), r.pick<unknown>([r.int(100), [r.int(100)], Date.now(), [{ id: 'p', start: '', end: '', assignee: 1, label: this.word(marker) }]]))
        return
      }
      default: {
        const wanted = `${r.pick(ROOT_NAMES)}${r.chance(0.5) ? '' : this.word(marker)}`
        const kind = r.int(4)
        // A root keeps the type it was first used with in this document: another type, another name.
        let name = wanted
        while ((this.rootKinds.get(name) ?? kind) !== kind) name += '~'
        this.rootKinds.set(name, kind)
        switch (kind) {
          case 0:
            this.doc.getMap(name).set(this.word(marker), value())
            return
          case 1:
            this.doc.getArray(name).push([value(), new Y.Map()])
            return
          case 2:
            this.doc.getText(name).insert(0, this.word(marker), { bold: true })
            return
          default:
            this.doc.getXmlFragment(name).insert(0, [this.text(marker)])
        }
      }
    }
  }
}

/** `[sync, step, payload]`: step 0 (state vector), 1 (sync step 2) or 2 (update). */
export function syncFrame(step: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  encoding.writeVarUint(encoder, step)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** Our sync step 1 for `doc`. */
export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.sync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}

/** `[saved, n]`. */
export function savedFrame(request: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MessageType.saved)
  encoding.writeVarUint(encoder, request)
  return encoding.toUint8Array(encoder)
}

/** An awareness frame: a few states, now and then past the bounds (too many, too large, not JSON, someone else's id). */
export function awarenessFrame(r: Rng, ownIds: readonly number[], othersIds: readonly number[]): Uint8Array {
  const count = r.chance(0.95) ? 1 + r.int(3) : 5 + r.int(20)
  const update = encoding.createEncoder()
  encoding.writeVarUint(update, count)
  for (let index = 0; index < count; index++) {
    const clientId = r.chance(0.2) && othersIds.length > 0 ? r.pick(othersIds) : r.pick(ownIds)
    encoding.writeVarUint(update, clientId)
    encoding.writeVarUint(update, 1 + r.int(1000))
    const json = r.pick<() => string>([
      () => JSON.stringify({ user: { name: 'Erin Editor (approves everything)', color: '#ff0000' }, cursor: null }),
      () => JSON.stringify({ user: { name: 'x'.repeat(5000) } }),
      () => 'null',
      () => '{not json',
      () => JSON.stringify([1, 2, 3]),
      () => JSON.stringify({ cursor: { anchor: r.int(100), head: r.int(100) } }),
    ])()
    encoding.writeVarString(update, json)
  }
  const frame = encoding.createEncoder()
  encoding.writeVarUint(frame, MessageType.awareness)
  encoding.writeVarUint8Array(frame, encoding.toUint8Array(update))
  return encoding.toUint8Array(frame)
}

/** What was done to a frame, and the frame (a string is sent as a text frame). */
export interface Mutation {
  kind: string
  frame: Uint8Array | string
}

/** Rewrite a frame's leading varuints and its payload's declared length (a length that lies). */
function lyingLength(frame: Uint8Array, r: Rng): Uint8Array {
  const encoder = encoding.createEncoder()
  const type = frame[0] ?? 0
  encoding.writeVarUint(encoder, type)
  let offset = 1
  if (type === MessageType.sync) {
    encoding.writeVarUint(encoder, frame[1] ?? 0)
    offset = 2
  }
  // Skip the real length varuint.
  while (offset < frame.length && ((frame[offset] ?? 0) & 0x80) !== 0) offset++
  offset++
  const payload = frame.subarray(Math.min(offset, frame.length))
  const lie = r.pick([payload.length + 1 + r.int(64), Math.max(0, payload.length - 1 - r.int(16)), 0x7fffffff, 2 ** 40 + r.int(1000), payload.length * 2 + 5])
  encoding.writeVarUint(encoder, lie)
  encoding.writeUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** Break `frame` in one of many ways. */
export function mutate(frame: Uint8Array, r: Rng): Mutation {
  const copy = () => new Uint8Array(frame)
  switch (r.int(10)) {
    case 0: {
      const out = copy()
      const flips = 1 + r.int(8)
      for (let index = 0; index < flips && out.length > 0; index++) {
        const at = r.int(out.length)
        out[at] = (out[at] ?? 0) ^ (1 << r.int(8))
      }
      return { kind: 'bit flips', frame: out }
    }
    case 1:
      return { kind: 'truncated', frame: frame.slice(0, r.int(frame.length)) }
    case 2:
      return { kind: 'length that lies', frame: lyingLength(frame, r) }
    case 3: {
      const out = copy()
      const at = r.int(out.length)
      out.set(r.bytes(Math.min(out.length - at, 1 + r.int(16))), at)
      return { kind: 'spliced garbage', frame: out }
    }
    case 4: {
      const out = new Uint8Array(frame.length + 1 + r.int(32))
      out.set(frame)
      out.set(r.bytes(out.length - frame.length), frame.length)
      return { kind: 'trailing garbage', frame: out }
    }
    case 5: {
      // An unknown message type: one byte, or a multi-byte varuint.
      const type = r.pick([2, 4 + r.int(90), 102 + r.int(26), 200 + r.int(1000), 2 ** 31])
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, type)
      encoding.writeUint8Array(encoder, frame.subarray(1))
      return { kind: 'unknown message type', frame: encoding.toUint8Array(encoder) }
    }
    case 6: {
      // The sync step byte changed (unknown steps, or an update passed off as a state vector).
      const out = copy()
      if (out.length > 1) out[1] = r.pick([0, 1, 2, 3, 9, 127])
      return { kind: 'other sync step', frame: out }
    }
    case 7:
      return { kind: 'random garbage', frame: r.bytes(r.int(300)) }
    case 8:
      return { kind: r.chance(0.5) ? 'empty frame' : 'text frame', frame: r.chance(0.5) ? new Uint8Array(0) : r.pick(['hello', '{"type":"sync"}', '\u0000\u0002']) }
    default: {
      // Yjs' own obfuscation keeps the structure and scrambles content: still a valid update.
      if (frame[0] === MessageType.sync && (frame[1] === 1 || frame[1] === 2)) {
        try {
          const decoder = decoding.createDecoder(frame)
          decoding.readVarUint(decoder)
          const step = decoding.readVarUint(decoder)
          return { kind: 'obfuscated update', frame: syncFrame(step, Y.obfuscateUpdate(decoding.readVarUint8Array(decoder))) }
        } catch {
          // Not an update after all: flip its last byte instead.
        }
      }
      const out = copy()
      if (out.length > 0) out[out.length - 1] = (out[out.length - 1] ?? 0) ^ 0xff
      return { kind: 'last byte flipped', frame: out }
    }
  }
}

/** A frame just over MAX_FRAME_BYTES, or just under it with a valid header and garbage inside. */
export function hugeFrame(r: Rng, over: boolean): Uint8Array {
  if (over) return new Uint8Array(MAX_FRAME_BYTES + 1 + r.int(1024))
  const payload = r.bytes(MAX_FRAME_BYTES - 16 - r.int(64))
  return syncFrame(r.pick([1, 2]), payload)
}
