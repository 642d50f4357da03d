/**
 * Open WebSockets and event streams per client address, capped on each node: one read-only token
 * opened 4,000 sockets (issue 11), each holding a file descriptor and a room's attention.
 */

/** Counts what each address holds open and refuses past `max`. */
export class ConnectionCaps {
  private readonly open = new Map<string, number>()

  constructor(readonly max: number) {}

  /**
   * Count one more connection from `key` (server/clientAddress.ts `addressKey`): its release (call
   * it once the connection is gone; more calls do nothing), or null when the address holds `max`.
   * A null key is not limited.
   */
  take(key: string | null): (() => void) | null {
    if (key === null) return () => undefined
    const held = this.open.get(key) ?? 0
    if (held >= this.max) return null
    this.open.set(key, held + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.open.get(key) ?? 1) - 1
      if (left > 0) this.open.set(key, left)
      else this.open.delete(key)
    }
  }

  /** How many connections `key` holds open now. */
  held(key: string): number {
    return this.open.get(key) ?? 0
  }
}
