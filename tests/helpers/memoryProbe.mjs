/**
 * Preloaded into a child server by the soak (`NODE_OPTIONS=--expose-gc --import …`, see
 * tests/helpers/soak.ts): on SIGUSR2 it collects garbage and prints the process's memory figures
 * as one JSON line, so a leak (live heap that stays) is told apart from heap V8 keeps for later.
 */
process.on('SIGUSR2', () => {
  globalThis.gc?.()
  process.stdout.write(`${JSON.stringify({ memoryProbe: process.memoryUsage() })}\n`)
})
process.stdout.write(`${JSON.stringify({ memoryProbe: 'ready' })}\n`)
