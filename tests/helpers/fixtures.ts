import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** ../shared/fixtures/stories beside the repository (a read-only copy in CI). */
export const STORIES_DIR = fileURLToPath(new URL('../../../shared/fixtures/stories/', import.meta.url))

/** The text of a fixture story. */
export function readStoryFixture(name: string): string {
  return readFileSync(path.join(STORIES_DIR, name), 'utf8')
}
