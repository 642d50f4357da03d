/** Read the editing traces in ../shared/traces when they are there (format in their README). */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'

export interface SequentialTrace {
  endContent: string
  txns: Array<{ patches: Array<[number, number, string]> }>
}

/** Load a sequential trace (`automerge-paper`, `seph-blog1`). */
export function loadTrace(name: string): SequentialTrace {
  const file = fileURLToPath(new URL(`../../shared/traces/${name}.json.gz`, import.meta.url))
  if (!fs.existsSync(file)) {
    // The traces are large public data sets, not part of the repository: the bench reads them from
    // a shared/ folder beside the clone, as the team's machines and CI lay it out.
    throw new Error(
      `The ${name} editing trace is not at ${file}. Put the editing traces (${name}.json.gz and its siblings, from the team's shared folder) in ../shared/traces/ beside this repository, or run only the benchmarks that need none: npm run bench -- keystroke load`,
    )
  }
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as SequentialTrace
}
