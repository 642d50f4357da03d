import { useSyncExternalStore } from 'react'
import type { WebsocketProvider } from 'y-websocket'
import { Close, isPermanentClose } from '../shared/protocol'

export type ConnectionStatus =
  | { kind: 'connected' }
  | { kind: 'connecting' }
  | { kind: 'reconnecting' }
  | { kind: 'offline' }
  | { kind: 'closed'; code: number; reason: string }

const cache = new WeakMap<WebsocketProvider, { status: ConnectionStatus; everConnected: boolean; failed: boolean; closed: ConnectionStatus | null }>()

function entry(provider: WebsocketProvider) {
  let value = cache.get(provider)
  if (!value) {
    value = { status: { kind: 'connecting' }, everConnected: false, failed: false, closed: null }
    cache.set(provider, value)
  }
  return value
}

function compute(provider: WebsocketProvider): ConnectionStatus {
  const state = entry(provider)
  if (state.closed) return state.closed
  if (provider.wsconnected) {
    state.everConnected = true
    return { kind: 'connected' }
  }
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { kind: 'offline' }
  // A first attempt that failed means the server cannot be reached: as good as offline.
  return state.everConnected || state.failed ? { kind: 'reconnecting' } : { kind: 'connecting' }
}

function read(provider: WebsocketProvider): ConnectionStatus {
  const state = entry(provider)
  const next = compute(provider)
  // Keep the same object while nothing changed: useSyncExternalStore compares by identity.
  if (JSON.stringify(next) !== JSON.stringify(state.status)) state.status = next
  return state.status
}

/** The sync connection's state: connected, (re)connecting, offline, or closed for good. */
export function useConnectionStatus(provider: WebsocketProvider): ConnectionStatus {
  return useSyncExternalStore(
    (notify) => {
      const onClose = (event: CloseEvent | null) => {
        entry(provider).failed = true
        if (event && isPermanentClose(event.code)) {
          const known = Object.values(Close).find((close) => close.code === event.code)
          entry(provider).closed = { kind: 'closed', code: event.code, reason: known?.reason ?? event.reason }
        }
        notify()
      }
      const onError = () => {
        entry(provider).failed = true
        notify()
      }
      provider.on('status', notify)
      provider.on('connection-close', onClose)
      provider.on('connection-error', onError)
      window.addEventListener('online', notify)
      window.addEventListener('offline', notify)
      return () => {
        provider.off('status', notify)
        provider.off('connection-close', onClose)
        provider.off('connection-error', onError)
        window.removeEventListener('online', notify)
        window.removeEventListener('offline', notify)
      }
    },
    () => read(provider),
  )
}
