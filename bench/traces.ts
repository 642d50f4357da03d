/** Read the editing traces in ../shared/traces (format in their README). */
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
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as SequentialTrace
}
