import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

/**
 * tests/fixtures/stories: fixture stories in our plain-text format, kept in the repository so a
 * clone of the project alone passes its tests (the same story the demo newsroom imports).
 */
export const STORIES_DIR = fileURLToPath(new URL('../fixtures/stories/', import.meta.url))

/** The text of a fixture story. */
export function readStoryFixture(name: string): string {
  return readFileSync(path.join(STORIES_DIR, name), 'utf8')
}
