/** Entry point: `npm start` / `npm run server`. SIGTERM and SIGINT shut down cleanly. */
import { startServer } from './app.js'
import { ConfigError, readConfig, type Config } from './config.js'
import { createLogger } from './logger.js'

/** A configuration that cannot work stops here with its message, and no stack trace to dig through. */
function refuse(error: unknown): never {
  if (!(error instanceof ConfigError)) throw error
  process.stderr.write(`deskline: ${error.message}\n`)
  process.exit(1)
}

let config: Config
try {
  config = readConfig()
} catch (error) {
  refuse(error)
}
const log = createLogger(config.logLevel)
const server = await startServer(config, log).catch(refuse)

/** A shutdown that has not finished by then exits anyway. */
const SHUTDOWN_DEADLINE_MS = 10_000

let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'shutting down')
  // Commits in flight finish and sockets close with 1012 well within this; a store that hangs
  // must not keep a restart waiting (what was not committed was never acknowledged).
  setTimeout(() => {
    log.error({ signal }, 'shutdown took longer than 10 s: exiting')
    process.exit(1)
  }, SHUTDOWN_DEADLINE_MS).unref()
  try {
    await server.close()
    process.exit(0)
  } catch (error) {
    log.error({ err: error }, 'unclean shutdown')
    process.exit(1)
  }
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
process.on('uncaughtException', (error) => {
  // The process never falls over on input; anything reaching here is a bug worth a loud log.
  log.fatal({ err: error }, 'uncaught exception')
})
