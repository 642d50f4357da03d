/**
 * Soak at newsroom size (issue 11): 200 stock providers over 50 stories typing at human speed,
 * dropping off and coming back, closing tabs, through a kill -9 and restart of the server in the
 * middle; the workload and its checks are tests/helpers/soak.ts, which the CI-sized test runs too.
 */
import { runSoak, type SoakResult } from '../tests/helpers/soak'

export const SOAK_CLIENTS = 200
export const SOAK_STORIES = 50

/** Run the soak at bench size; the result's figures are printed by run.ts. */
export function benchSoak(seed = 11): Promise<SoakResult> {
  return runSoak({
    clients: SOAK_CLIENTS,
    stories: SOAK_STORIES,
    typeBeforeKillMs: 30_000,
    typeAfterRestartMs: 30_000,
    keystrokeMs: [200, 500],
    savedEveryMs: 1_000,
    disconnectEveryMs: 20_000,
    offlineMs: [500, 3_000],
    closeTabChance: 0.1,
    convergeMs: 120_000,
    // Memory is read 10 s after everyone left (rooms unload at once; V8 keeps heap it grew).
    settleMs: 10_000,
    seed,
    log: (line) => console.log(line),
  })
}
