/**
 * Locked copy in Chromium (issue 15): a published story opens read-only for everyone under a
 * "Published 14:32 — locked" banner; the desk reopens it for a correction through a dialog that
 * asks for the note, and everyone's editor comes back at once. A spiked story is restored to Draft.
 */
import { AxeBuilder } from '@axe-core/playwright'
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { browserFixtures, type BrowserFixtures } from '../helpers/browserTest'
import { textOf } from '../helpers/e2e'
import { addUser, createStoryVia, sendJson, signInAs, type TestRole } from '../helpers/server'

const PASSWORD = 'correct horse'
/** Waits that include a round trip to the server (a status move, the history): generous on 2 busy cores. */
const ROUND_TRIP = { timeout: 10_000 }

/** A person with an account on the file's server (created on first use), signed in through the sign-in page. */
type Person = (username: string, role: TestRole) => Promise<Page>

const it = test.extend<BrowserFixtures & { person: Person }>({
  ...browserFixtures,
  person: async ({ server, signIn }, use) =>
    use(async (username, role) => {
      if (!(await server.services.users.byUsername(username))) await addUser(server, username, role, PASSWORD)
      return signIn(username, PASSWORD)
    }),
})

/** axe's serious and critical violations on the page as it is now (rule and target). */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze()
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id} ${node.target.join(' ')}`))
}

describe('locked copy in Chromium', () => {
  it('a published story is read-only under a banner; the desk reopens it for a correction with a note', async ({ server, person }) => {
    const token = await signInAs(server, 'desk', 'admin')
    const reporter = await person('riley', 'reporter')
    const riley = await server.services.users.byUsername('riley')
    const id = await createStoryVia(server.url, token, { headline: 'Ferry timetable changes' })
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: riley!.id }, token, 'PATCH')).status).toBe(200)
    for (const to of ['in_edit', 'copy_edit', 'ready', 'published']) expect((await sendJson(`${server.url}/api/stories/${id}/status`, { to }, token)).status).toBe(200)

    // The reporter who leads it: a banner, a read-only body and fields, and no way to reopen it.
    await reporter.goto(`${server.url}/stories/${id}`)
    const reporterBanner = reporter.getByRole('region', { name: 'Story locked' })
    await expect.poll(() => reporterBanner.textContent(), ROUND_TRIP).toMatch(/Published \d\d:\d\d — locked/)
    const reporterBody = reporter.getByRole('textbox', { name: 'Story body' })
    expect(await reporterBody.getAttribute('contenteditable')).toBe('false')
    expect(await reporter.getByLabel('Headline').isDisabled()).toBe(true)
    expect(await reporterBanner.getByRole('button', { name: 'Reopen for correction' }).count()).toBe(0)
    await reporterBody.click()
    await reporter.keyboard.type('Sneaked in.')
    expect(await textOf(reporterBody)).not.toContain('Sneaked in.')

    // The desk chief: the same banner with the way out, and a status control that still works.
    const chief = await person('cara', 'chief')
    await chief.goto(`${server.url}/stories/${id}`)
    const banner = chief.getByRole('region', { name: 'Story locked' })
    await expect.poll(() => banner.textContent(), ROUND_TRIP).toMatch(/Published \d\d:\d\d — locked/)
    expect(await chief.getByRole('textbox', { name: 'Story body' }).getAttribute('contenteditable')).toBe('false')
    const status = chief.getByLabel('Status')
    expect(await status.isEnabled()).toBe(true)
    expect(await seriousViolations(chief)).toEqual([])

    // The dialog asks for the note: a labelled text area, focused; an empty note is refused, Escape cancels.
    await banner.getByRole('button', { name: 'Reopen for correction' }).click()
    const dialog = chief.getByRole('dialog', { name: 'Reopen for correction' })
    const note = dialog.getByRole('textbox', { name: 'Correction note' })
    await expect.poll(() => note.evaluate((element) => element === document.activeElement)).toBe(true)
    expect(await seriousViolations(chief)).toEqual([])
    await dialog.getByRole('button', { name: 'Reopen for correction' }).click()
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Say what is being corrected')
    await chief.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(await status.inputValue()).toBe('published')

    // Choosing In edit in the status control asks the same way; with a note it reopens.
    await status.selectOption({ label: 'In edit' })
    await note.fill('Corrects the first sailing time.')
    await dialog.getByRole('button', { name: 'Reopen for correction' }).click()
    await expect.poll(() => dialog.count(), ROUND_TRIP).toBe(0)
    await expect.poll(() => status.inputValue(), ROUND_TRIP).toBe('in_edit')
    await expect.poll(() => banner.count(), ROUND_TRIP).toBe(0)
    await expect.poll(() => chief.getByRole('note', { name: 'Correction' }).textContent(), ROUND_TRIP).toContain('Corrects the first sailing time.')

    // The reporter's page follows at once: unlocked, editable, and what they type is saved.
    await expect.poll(() => reporterBanner.count(), ROUND_TRIP).toBe(0)
    await expect.poll(() => reporterBody.getAttribute('contenteditable'), ROUND_TRIP).toBe('true')
    await reporterBody.click()
    await reporter.keyboard.type('The first ferry now leaves at 6:40.')
    await expect.poll(() => textOf(chief.getByRole('textbox', { name: 'Story body' })), ROUND_TRIP).toContain('The first ferry now leaves at 6:40.')
    await expect.poll(() => reporter.getByRole('status', { name: 'Save state' }).textContent(), ROUND_TRIP).toBe('All changes saved')
  })

  it('a spiked story is locked until the desk restores it to Draft', async ({ server, person }) => {
    const token = await signInAs(server, 'desk', 'admin')
    const id = await createStoryVia(server.url, token, { headline: 'Killed story' })
    for (const to of ['in_edit', 'copy_edit', 'ready', 'spiked']) expect((await sendJson(`${server.url}/api/stories/${id}/status`, { to }, token)).status).toBe(200)
    const chief = await person('cara', 'chief')
    await chief.goto(`${server.url}/stories/${id}`)
    const banner = chief.getByRole('region', { name: 'Story locked' })
    await expect.poll(() => banner.textContent(), ROUND_TRIP).toContain('Spiked — locked')
    const body = chief.getByRole('textbox', { name: 'Story body' })
    expect(await body.getAttribute('contenteditable')).toBe('false')
    await banner.getByRole('button', { name: 'Restore to Draft' }).click()
    await expect.poll(() => chief.getByLabel('Status').inputValue(), ROUND_TRIP).toBe('draft')
    await expect.poll(() => body.getAttribute('contenteditable'), ROUND_TRIP).toBe('true')
    expect(await banner.count()).toBe(0)
  })
})
