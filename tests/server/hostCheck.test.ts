import { describe, expect, it } from 'vitest'
import { createHostCheck } from '../../server/hostCheck'

describe('the Host rule', () => {
  it('answers localhost, IP addresses and the configured names, on any port; nothing else', () => {
    const isKnown = createHostCheck({ publicOrigins: ['https://desk.example.org'], allowedOrigins: ['http://dev.example.net:5173'] })
    const known = ['localhost', 'localhost:4173', '127.0.0.1:4173', '[::1]:4173', '10.0.0.11', '10.0.0.11:4173', '[2001:db8::1]', 'desk.example.org', 'DESK.example.org:443', 'desk.example.org.', 'dev.example.net:5173']
    expect(known.filter((host) => !isKnown(host))).toEqual([])
    expect(isKnown(undefined)).toBe(true)
    const foreign = ['evil.example', 'evil.example:4173', 'desk.example.org.evil.example', '127.0.0.1.nip.io', 'evil.example@127.0.0.1', '127.0.0.1/x', 'localhost:99999', '', '[::g]']
    expect(foreign.filter((host) => isKnown(host))).toEqual([])
  })

  it('answers only localhost and addresses when nothing is configured', () => {
    const isKnown = createHostCheck({ publicOrigins: [], allowedOrigins: [] })
    expect(isKnown('localhost:4173')).toBe(true)
    expect(isKnown('desk.example.org')).toBe(false)
  })
})
