/**
 * A TCP relay in front of a test server: clients keep one address while the server behind it
 * restarts on another port, and `blip()` cuts every connection at once, as a network drop does.
 */
import net from 'node:net'
import type { AddressInfo } from 'node:net'

export interface TestProxy {
  /** `http://127.0.0.1:<port>` of the relay. */
  url: string
  /** Send new connections to this port from now on. */
  setTarget(port: number): void
  /** Cut every relayed connection (both ends see the TCP connection die). */
  blip(): void
  /**
   * Go silent, as a network that drops without a word does (Wi-Fi gone): nothing is relayed either
   * way and nobody is told; connections made meanwhile hang. `resume()` ends it, cutting what was
   * open (their bytes are lost).
   */
  stall(): void
  resume(): void
  close(): Promise<void>
}

/**
 * Start a relay on a free port forwarding to `targetPort` on 127.0.0.1, holding every chunk for
 * `latencyMs` each way as a real network does (a WAN round trip is what opens the window between a
 * reconnected client's first keystroke and the resync that carries its earlier edits).
 */
export async function startProxy(targetPort: number, latencyMs = 0): Promise<TestProxy> {
  let target = targetPort
  const pairs = new Set<net.Socket>()
  const state = { stalled: false }
  const server = net.createServer((inbound) => {
    const outbound = net.connect(target, '127.0.0.1')
    pairs.add(inbound)
    pairs.add(outbound)
    const drop = () => {
      inbound.destroy()
      outbound.destroy()
      pairs.delete(inbound)
      pairs.delete(outbound)
    }
    inbound.on('error', drop)
    outbound.on('error', drop)
    inbound.on('close', drop)
    outbound.on('close', drop)
    relay(inbound, outbound, latencyMs, state)
    relay(outbound, inbound, latencyMs, state)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    setTarget(next) {
      target = next
    },
    blip() {
      for (const socket of pairs) socket.destroy()
      pairs.clear()
    },
    stall() {
      state.stalled = true
    },
    resume() {
      state.stalled = false
      for (const socket of pairs) socket.destroy()
      pairs.clear()
    },
    close() {
      for (const socket of pairs) socket.destroy()
      pairs.clear()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** Copy `from` to `to`, each chunk `latencyMs` later (timers of one delay fire in order); nothing while stalled. */
function relay(from: net.Socket, to: net.Socket, latencyMs: number, state: { stalled: boolean }): void {
  from.on('data', (chunk: Buffer) => {
    if (state.stalled) return
    if (latencyMs === 0) to.write(chunk)
    else setTimeout(() => to.destroyed || to.write(chunk), latencyMs)
  })
}
