/** The one logger: structured JSON lines (pino) on stdout. */
import { pino, type Logger } from 'pino'

export type { Logger }

/** A logger at `level`; tests pass 'silent'. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'deskline' } })
}
