/**
 * The seeds of a seeded fuzz test (Lexical's CollaborationWithCollisions, tldraw's syncFuzz):
 * fixed seeds, each its own named test (`seed 7: …`) that replays exactly, the seeds that found
 * bugs among them; and, on demand, fresh random ones. `<VARIABLE>=<seed>[,<seed>…]` runs just those
 * seeds, `<VARIABLE>=random` (or `random:<count>`) the fixed ones and that many random ones. A
 * failing seed prints the command that replays it (`replayOnFailure`).
 */
import { onTestFailed } from 'vitest'

/** The seeds to run: `fixed`, or what `<variable>` in the environment asks for. */
export function fuzzSeeds(variable: string, fixed: readonly number[]): number[] {
  const asked = process.env[variable]?.trim()
  if (!asked) return [...fixed]
  const random = /^random(?::(\d+))?$/.exec(asked)
  if (random) {
    const count = Number(random[1] ?? 1)
    return [...fixed, ...Array.from({ length: count }, () => 1 + Math.floor(Math.random() * 0x7fffffff))]
  }
  const seeds = asked.split(',').map((part) => Number(part.trim()))
  if (seeds.some((seed) => !Number.isSafeInteger(seed))) throw new Error(`${variable} takes seeds (1,2,3), "random" or "random:<count>", not "${asked}"`)
  return seeds
}

/** Call inside a fuzz test: when it fails, print how to run this seed alone. */
export function replayOnFailure(variable: string, seed: number, file: string): void {
  onTestFailed(() => {
    console.log(`Replay this seed: ${variable}=${seed} npx vitest run ${file}`)
  })
}
