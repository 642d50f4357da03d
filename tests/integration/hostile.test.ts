/**
 * The server against hostile requests (issue: never let anyone in, never let anyone stall it):
 * malformed WebSocket upgrades are answered and let go, every answer carries the security headers.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/app'
import { CONTENT_SECURITY_POLICY } from '../../server/http'
import { startTestServer } from '../helpers/server'

let srv: RunningServer
beforeAll(async () => {
  srv = await startTestServer()
})
afterAll(() => srv.close())

/** Send a raw HTTP upgrade request; resolves to what came back before the server closed the socket. */
function rawUpgrade(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(srv.port, '127.0.0.1')
    let answer = ''
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer and no close for ${path}: ${JSON.stringify(answer)}`))
    }, 5_000)
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1')
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answer)
    })
    socket.on('error', () => undefined)
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
    // The client stops writing; the server must answer and close on its own.
    socket.end()
  })
}

describe('hostile requests', () => {
  it('a malformed upgrade is answered and closed, never left holding a socket', async () => {
    for (const path of ['/collab/%E0%A4%A', '/collab/%', '/collab/../../etc', '/nowhere', `/collab/${'a'.repeat(5000)}`]) {
      const answer = await rawUpgrade(path)
      // Refused before or after the handshake: either an HTTP error status, or the WebSocket
      // upgrade followed by a close frame (4401: no session).
      expect(`${path} → ${answer.slice(0, 12)}`).toMatch(/ → HTTP\/1\.1 (400|404|101)/)
    }
    // Many at once: the server keeps answering everyone.
    const answers = await Promise.all(Array.from({ length: 100 }, () => rawUpgrade('/collab/%E0%A4%A')))
    expect(answers.every((answer) => answer.startsWith('HTTP/1.1'))).toBe(true)
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200)
  })

  it('every answer carries the security headers', async () => {
    for (const path of ['/healthz', '/api/stories', '/api/nowhere']) {
      const res = await fetch(`${srv.url}${path}`)
      expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('referrer-policy')).toBe('same-origin')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
    }
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'")
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/)
  })
})
