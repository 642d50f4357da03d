import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { MemoryFailureCounts, SignInThrottle } from '../../server/auth'
import { addressKey, clientAddress } from '../../server/clientAddress'
import { ConnectionCaps } from '../../server/connectionCaps'

/** A request from `peer` with an optional X-Forwarded-For header. */
function request(peer: string, forwarded?: string): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } } as unknown as IncomingMessage
}

describe('client addresses', () => {
  it('is the peer without TRUST_PROXY, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('203.0.113.7', '198.51.100.1'), 0)).toBe('203.0.113.7')
    expect(clientAddress(request('::ffff:203.0.113.7'), 0)).toBe('203.0.113.7')
  })

  it('behind trusted proxies, is the last entry none of them wrote; entries the client wrote are never read', () => {
    // One proxy: it appended the address it was reached from.
    expect(clientAddress(request('10.0.0.2', '203.0.113.7'), 1)).toBe('203.0.113.7')
    expect(clientAddress(request('10.0.0.2', '198.51.100.1, 203.0.113.7'), 1)).toBe('203.0.113.7')
    // Two: a CDN, then the balancer.
    expect(clientAddress(request('10.0.0.2', '198.51.100.1, 203.0.113.7, 192.0.2.10'), 2)).toBe('203.0.113.7')
    // A chain shorter than the hops trusted: its first entry.
    expect(clientAddress(request('10.0.0.2', '203.0.113.7'), 3)).toBe('203.0.113.7')
    // Nothing forwarded (a script on the proxy's machine): the peer.
    expect(clientAddress(request('10.0.0.2'), 1)).toBe('10.0.0.2')
    // Ports and brackets as some proxies write them.
    expect(clientAddress(request('10.0.0.2', '203.0.113.7:51234'), 1)).toBe('203.0.113.7')
    expect(clientAddress(request('10.0.0.2', '[2001:db8::1]:443'), 1)).toBe('2001:db8::1')
  })

  it('counts IPv6 by its /64 and leaves loopback unlimited', () => {
    expect(addressKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64')
    expect(addressKey('2001:db8:0:1:bbbb:cccc:dddd:eeee')).toBe('2001:db8:0:1::/64')
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(addressKey('::ffff:1.2.3.4')).toBe('0:0:0:0::/64')
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7')
    expect(addressKey('127.0.0.1')).toBeNull()
    expect(addressKey('::1')).toBeNull()
  })
})

describe('connection caps', () => {
  it('refuses an address past its cap until one of its connections is gone; others and loopback go on', () => {
    const caps = new ConnectionCaps(2)
    const first = caps.take('203.0.113.7')
    expect(caps.take('203.0.113.7')).not.toBeNull()
    expect(caps.take('203.0.113.7')).toBeNull()
    expect(caps.take('203.0.113.8')).not.toBeNull()
    expect(caps.take(null)).not.toBeNull()
    first?.()
    // A second release of the same connection frees nothing more.
    first?.()
    expect(caps.held('203.0.113.7')).toBe(1)
    expect(caps.take('203.0.113.7')).not.toBeNull()
    expect(caps.take('203.0.113.7')).toBeNull()
  })
})

describe('sign-in attempts per address', () => {
  it('counts attempts as they start: past the budget one per growing turn, the rest refused with a wait; successes are taken back', async () => {
    let now = 1_000_000
    const throttle = new SignInThrottle(new MemoryFailureCounts(() => now), 3)
    /** An attempt the address may make now. */
    const begin = async (address = '203.0.113.7') => {
      const started = await throttle.attemptFrom(address)
      if ('retryAfterMs' in started) throw new Error(`refused for ${started.retryAfterMs} ms`)
      return started
    }
    /** How long an attempt that must be refused is told to wait. */
    const refusal = async () => {
      const started = await throttle.attemptFrom('203.0.113.7')
      if (!('retryAfterMs' in started)) throw new Error('not refused')
      return started.retryAfterMs
    }
    // Successes do not use the budget up.
    for (let index = 0; index < 10; index++) await (await begin()).finish(false)
    // Three made together, all failing: the budget.
    for (const started of await Promise.all([begin(), begin(), begin()])) await started.finish(true)
    // The fourth takes the first turn (250 ms); the next must wait for it.
    await (await begin()).finish(true)
    expect(await refusal()).toBe(250)
    now += 100
    expect(await refusal()).toBe(150)
    now += 150
    // Refused attempts were not counted: the next turn is 500 ms, not longer.
    await (await begin()).finish(true)
    expect(await refusal()).toBe(500)
    // Another address has its own budget; after the window the count is gone.
    await (await begin('203.0.113.8')).finish(true)
    now += 15 * 60_000
    await expect(begin()).resolves.toHaveProperty('finish')
  })
})
