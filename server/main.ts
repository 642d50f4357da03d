/** Entry point: `npm start` / `npm run server`. SIGTERM and SIGINT shut down cleanly. */
import { startServer } from './app.js'
import { readConfig } from './config.js'
import { createLogger } from './logger.js'

const config = readConfig()
const log = createLogger(config.logLevel)
const server = await startServer(config, log)

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
