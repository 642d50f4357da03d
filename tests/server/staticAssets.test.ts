/**
 * How the built app is served (issue 12): pre-compressed, hashed files cached for a year, the
 * rest revalidated. Needs the build (`npm test` builds first).
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../server/app'
import { DIST } from '../helpers/build'
import { startTestServer } from '../helpers/server'

let server: RunningServer
let entry: string

/** GET `pathname` with `acceptEncoding`; the raw body as sent (node:http, since fetch decodes) and headers. */
function get(pathname: string, acceptEncoding: string): Promise<{ status: number; headers: Headers; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${server.url}${pathname}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const headers = new Headers()
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(name, value)
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) })
      })
    })
    req.on('error', reject)
  })
}

beforeAll(async () => {
  const manifest = path.join(DIST, '.vite', 'manifest.json')
  if (!fs.existsSync(manifest)) throw new Error('Build the app first: npm run build')
  entry = `/${(JSON.parse(fs.readFileSync(manifest, 'utf8')) as Record<string, { file: string }>)['index.html']!.file}`
  server = await startTestServer({ staticDir: DIST })
})

afterAll(() => server.close())

describe('the built app over HTTP', () => {
  it('sends hashed scripts brotli- or gzip-compressed as the browser asks, cached for a year', async () => {
    const original = fs.readFileSync(path.join(DIST, entry))
    const brotli = await get(entry, 'gzip, deflate, br')
    expect(brotli.status).toBe(200)
    expect(brotli.headers.get('content-encoding')).toBe('br')
    expect(brotli.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(brotli.headers.get('vary')).toBe('Accept-Encoding')
    expect(zlib.brotliDecompressSync(brotli.body).equals(original)).toBe(true)
    expect(brotli.body.length).toBeLessThan(original.length / 2)

    const gzip = await get(entry, 'gzip')
    expect(gzip.headers.get('content-encoding')).toBe('gzip')
    expect(zlib.gunzipSync(gzip.body).equals(original)).toBe(true)

    const plain = await get(entry, 'identity')
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(plain.body.equals(original)).toBe(true)
  })

  it('does not publish source maps', async () => {
    expect(fs.existsSync(path.join(DIST, `${entry}.map`))).toBe(true)
    expect((await get(`${entry}.map`, 'gzip')).status).toBe(404)
    expect(fs.readFileSync(path.join(DIST, entry), 'utf8')).not.toContain('sourceMappingURL')
  })

  it('has index.html, the service worker and client routes revalidated on every visit', async () => {
    for (const pathname of ['/', '/sw.js', '/manifest.webmanifest', '/stories/some-story', '/budget']) {
      const answer = await get(pathname, 'gzip, br')
      expect([pathname, answer.status, answer.headers.get('cache-control')]).toEqual([pathname, 200, 'no-cache'])
    }
  })
})
