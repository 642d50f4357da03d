/**
 * Demo mode (`NEWSROOM_DEMO=1`): an empty newsroom gets sections, four accounts (password
 * `newsroom`) and the fixture stories, assigned. Never runs outside demo mode, and never on a
 * newsroom that already has accounts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePlainTextStory } from '../src/shared/importText.js'
import type { Services } from './services.js'
import { createStory } from './stories.js'

const DEMO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo')
export const DEMO_PASSWORD = 'newsroom'

/** Seed the demo newsroom when there are no accounts yet. */
export async function seedDemo(services: Services): Promise<void> {
  const { users, sections, storage, events, log } = services
  if ((await users.count()) > 0) return
  await sections.ensureDefaults()
  const people = [
    { username: 'chief', displayName: 'Casey Chief', role: 'chief', isAdmin: true },
    { username: 'editor', displayName: 'Erin Editor', role: 'editor' },
    { username: 'reporter', displayName: 'Riley Reporter', role: 'reporter' },
    { username: 'reporter2', displayName: 'Robin Reporter', role: 'reporter' },
  ] as const
  const created = new Map<string, number>()
  for (const person of people) {
    const user = await users.create({ ...person, password: DEMO_PASSWORD })
    if (user) created.set(person.username, user.id)
  }
  for (const file of fs.readdirSync(DEMO_DIR).filter((name) => name.endsWith('.txt')).sort()) {
    const parsed = parsePlainTextStory(fs.readFileSync(path.join(DEMO_DIR, file), 'utf8'), await sections.list())
    if (!parsed.ok) continue
    await createStory(storage, events, {
      headline: parsed.story.headline,
      section: parsed.story.section,
      dateline: parsed.story.dateline,
      paragraphs: parsed.story.paragraphs,
      plannedWords: 500,
      bylines: ['Riley Reporter'],
      desk: { lead: created.get('reporter') ?? null, editor: created.get('editor') ?? null, deadline: Date.now() + 4 * 3_600_000 },
    })
  }
  log.info('demo newsroom seeded: chief, editor, reporter, reporter2 (password "newsroom")')
}
