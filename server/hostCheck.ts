/**
 * The `Host` rule, against DNS rebinding (issue 11): a page on another site whose name is pointed
 * at this server's address afterwards reaches us under that site's name, and the browser lets that
 * page read our answers as its own. So the server answers only under names it was given.
 */
import net from 'node:net'
import type { Config } from './config.js'

/** `name`, `name:port`, `[v6]` or `[v6]:port`, and nothing else (no user info, path or spaces). */
const HOST_HEADER = /^(?:[a-z0-9_.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i

/**
 * Whether a request's `Host` names this server, on any port: `localhost`, any IP address (a page
 * whose origin is our own address is served by us, so no rebinding reaches us under one), and the
 * host names of `PUBLIC_ORIGIN` and `ALLOWED_ORIGINS`. A request without `Host` (HTTP/1.0; never a
 * browser) passes.
 */
export function createHostCheck(config: Pick<Config, 'publicOrigins' | 'allowedOrigins'>): (host: string | undefined) => boolean {
  const names = new Set(['localhost'])
  for (const origin of [...config.publicOrigins, ...config.allowedOrigins]) {
    try {
      names.add(new URL(origin).hostname.toLowerCase())
    } catch {
      // Not an origin: it names no host.
    }
  }
  return (host) => {
    if (host === undefined) return true
    if (!HOST_HEADER.test(host)) return false
    let hostname: string
    try {
      hostname = new URL(`http://${host}`).hostname.toLowerCase().replace(/\.$/, '')
    } catch {
      return false
    }
    if (hostname.startsWith('[') || net.isIPv4(hostname)) return true
    return names.has(hostname)
  }
}
