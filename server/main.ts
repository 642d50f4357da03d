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

let stopping = false
async function stop(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'shutting down')
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
