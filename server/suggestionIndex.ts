/**
 * Which blocks of a story may hold which suggestions, per room: the texts that ever got a
 * suggestion mark's value and the blocks that ever got a suggested break or type, with the ids.
 * Only grows while the room is open (a settled suggestion's block stays listed; blocks found
 * deleted are dropped when asked about), so it is a cheap first look: an update that touches no
 * listed block and brings no suggestion value cannot change what a suggestion covers, and is not
 * looked at further (server/suggestionReview.ts). Built from the whole document at load, then from
 * the new items of every transaction (clients', other nodes', the server's own).
 */
import * as Y from 'yjs'
import { BODY } from '../src/shared/storyDoc.js'
import { attributeCover, coverParts, formatCover, isSuggestionFormat, SUGGESTION_ATTRIBUTES } from './suggestionKeys.js'

type Type = Y.AbstractType<unknown>

export class SuggestionIndex {
  private readonly blocks = new Map<Type, Set<string>>()
  private readonly byId = new Map<string, Set<Type>>()

  constructor(private readonly doc: Y.Doc) {
    for (const structs of doc.store.clients.values()) {
      for (const struct of structs) if (struct instanceof Y.Item) this.note(struct)
    }
    doc.on('afterTransaction', this.onTransaction)
  }

  /** Stop following the document. */
  destroy(): void {
    this.doc.off('afterTransaction', this.onTransaction)
  }

  /** Whether nothing in the story ever held a suggestion. */
  get isEmpty(): boolean {
    return this.blocks.size === 0
  }

  /** The suggestion ids a block may hold; undefined when it never held one. */
  idsOf(block: Type): ReadonlySet<string> | undefined {
    return this.blocks.get(block)
  }

  /** The blocks that may hold suggestion `id`. */
  blocksOf(id: string): ReadonlySet<Type> {
    return this.byId.get(id) ?? new Set()
  }

  /** Forget a block that is gone (deleted). */
  forget(block: Type): void {
    for (const id of this.blocks.get(block) ?? []) this.byId.get(id)?.delete(block)
    this.blocks.delete(block)
  }

  /** List the block an item's suggestion value lands in, if it carries one. */
  note(item: Y.Item): void {
    const { content } = item
    let keys: string[]
    if (content instanceof Y.ContentFormat) {
      if (!isSuggestionFormat(content.key)) return
      keys = formatCover(content.key, content.value)
    } else if (item.parentSub !== null && SUGGESTION_ATTRIBUTES.has(item.parentSub) && content instanceof Y.ContentAny) {
      keys = content.getContent().flatMap((value) => attributeCover(item.parentSub as string, value))
    } else {
      return
    }
    const block = item.parent as Type | null
    if (keys.length === 0 || block === null || !this.inBody(block)) return
    let ids = this.blocks.get(block)
    if (!ids) this.blocks.set(block, (ids = new Set()))
    for (const key of keys) {
      const { id } = coverParts(key)
      ids.add(id)
      let holders = this.byId.get(id)
      if (!holders) this.byId.set(id, (holders = new Set()))
      holders.add(block)
    }
  }

  private readonly onTransaction = (transaction: Y.Transaction): void => {
    for (const [client, after] of transaction.afterState) {
      const before = transaction.beforeState.get(client) ?? 0
      if (after <= before) continue
      const structs = this.doc.store.clients.get(client)
      if (!structs) continue
      for (let index = Y.findIndexSS(structs, before); index < structs.length; index++) {
        const struct = structs[index]
        if (struct instanceof Y.Item) this.note(struct)
      }
    }
  }

  private inBody(type: Type): boolean {
    let current = type
    while (current._item !== null) current = current._item.parent as Type
    return current === this.doc.share.get(BODY)
  }
}
