/**
 * Which client a request comes from, for the limits counted per address (open connections, failed
 * sign-ins; issue 11): the peer's address, or behind proxies the address the nearest one we trust
 * was reached from.
 */
import type { IncomingMessage } from 'node:http'
import net from 'node:net'

/** Longest address kept as a key: whatever a proxy wrote, it cannot grow our maps' keys. */
const MAX_ADDRESS_CHARS = 64

/**
 * The address `req` comes from. With `trustProxyHops` proxies in front (`TRUST_PROXY`), each
 * appending the address it was reached from to X-Forwarded-For, the client is that many hops back
 * from the peer: the last entry no trusted proxy wrote. Entries further left were written by the
 * client itself and prove nothing, so they are never read.
 */
export function clientAddress(req: IncomingMessage, trustProxyHops: number): string {
  const peer = normalise(req.socket.remoteAddress ?? '')
  if (trustProxyHops <= 0) return peer
  const header = req.headers['x-forwarded-for']
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  const chain = [...forwarded.map(normalise), peer]
  return chain[Math.max(0, chain.length - 1 - trustProxyHops)] ?? peer
}

/**
 * The key per-address limits count `address` under, or null when it is not limited: a loopback
 * address is this machine (a proxy on it that is not trusted with `TRUST_PROXY` would make the
 * whole newsroom one address, so it is left alone rather than shut out together). IPv6 addresses
 * count by their /64: one machine usually holds the whole of one.
 */
export function addressKey(address: string): string | null {
  if (address === '::1' || /^127\./.test(address)) return null
  if (net.isIPv6(address)) return `${ipv6Prefix64(address)}::/64`
  return address
}

/** An address as one spelling: no port, brackets or zone, IPv4-mapped IPv6 as IPv4. */
function normalise(raw: string): string {
  let address = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address)
  if (bracketed?.[1]) address = bracketed[1]
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'))
  address = address.replace(/%.*$/, '').toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)
  if (mapped?.[1]) address = mapped[1]
  return address.slice(0, MAX_ADDRESS_CHARS)
}

/** The first four groups of a valid IPv6 address, written out (`2001:db8:0:1`). */
function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('::')
  const groupsOf = (part: string) => part.split(':').filter(Boolean).flatMap((group) => (group.includes('.') ? ['0', '0'] : [group]))
  const front = groupsOf(head)
  const back = tail === undefined ? [] : groupsOf(tail)
  const full = [...front, ...Array.from({ length: Math.max(0, 8 - front.length - back.length) }, () => '0'), ...back]
  return full
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')
}
