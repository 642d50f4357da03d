import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app'
import { encodeAnchor, getBody } from '../../src/shared/storyDoc'
import { browserFixtures, type BrowserFixtures } from '../helpers/browserTest'
import { addUser, createStoryVia, importStoryVia, sendJson } from '../helpers/server'

type Account = Awaited<ReturnType<typeof addUser>>

const HOUR = 3_600_000

/** The newsroom of these tests: its people, and what the desk chief does through the API. */
interface Newsroom {
  chief: Account
  rita: Account
  eddie: Account
  /** A story created and assigned by the desk chief; returns its id. */
  assignedStory(headline: string, section: string | null, desk?: Record<string, unknown>): Promise<string>
  assign(id: string, desk: Record<string, unknown>): Promise<void>
  /** Import a plain-text story as the desk chief; returns its id. */
  importedStory(text: string): Promise<string>
  /** Give body blocks [from, to) of a story to `assignee` as a part, anchored in the server's own document. */
  addPart(id: string, from: number, to: number, assignee: number, label: string): Promise<void>
}

/** The desk chief, a reporter and an editor on `server`, and the desk chief's API calls. */
async function newsroomOn(server: RunningServer): Promise<Newsroom> {
  const chief = await addUser(server, 'chief', 'admin')
  const rita = await addUser(server, 'rita', 'reporter')
  const eddie = await addUser(server, 'eddie', 'editor')
  const assign = async (id: string, desk: Record<string, unknown>): Promise<void> => {
    const { status, body } = await sendJson(`${server.url}/api/stories/${id}/desk`, desk, chief.token, 'PATCH')
    if (status !== 200) throw new Error(`assigning ${id} failed: ${status} ${JSON.stringify(body)}`)
  }
  return {
    chief,
    rita,
    eddie,
    assign,
    async assignedStory(headline, section, desk = {}) {
      const id = await createStoryVia(server.url, chief.token, section ? { headline, section } : { headline })
      if (Object.keys(desk).length) await assign(id, desk)
      return id
    },
    importedStory: (text) => importStoryVia(server.url, chief.token, text),
    async addPart(id, from, to, assignee, label) {
      let anchors = { start: '', end: '' }
      await server.services.rooms.change(id, (room) => {
        const body = getBody(room.doc)
        anchors = {
          start: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, from, 0)),
          end: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, to, -1)),
        }
      })
      const { status, body } = await sendJson(`${server.url}/api/stories/${id}/parts`, { ...anchors, assignee, label }, chief.token)
      if (status !== 201) throw new Error(`adding a part failed: ${status} ${JSON.stringify(body)}`)
    },
  }
}

const it = test.extend<BrowserFixtures & { newsroom: Newsroom; budgetFor: (account: Account) => Promise<Page> }>({
  ...browserFixtures,
  // Once per file, like the server it lives on: usernames are unique, and each test's stories
  // stay on the budget the next test sees.
  newsroom: [async ({ server }, use) => use(await newsroomOn(server)), { scope: 'file' }],
  /** `account` signed in through the sign-in page, looking at the budget. */
  budgetFor: async ({ signIn }, use) =>
    use(async (account) => {
      const page = await signIn(account.username, account.password)
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Budget', exact: true }).click()
      await page.getByRole('heading', { level: 1, name: 'Budget' }).waitFor()
      return page
    }),
})

/** Headlines of the story rows in the section headed `section` (all sections when null). */
function headlines(page: Page, section: string | null = null): Promise<string[]> {
  const scope = section === null ? page.locator('main') : page.getByRole('region', { name: section, exact: true })
  return scope.locator('tr.budget__story').evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''))
}

describe('budget in Chromium', () => {
  it('groups stories by section with their assignees and flags the overdue one', async ({ newsroom, budgetFor }) => {
    const { chief, rita, eddie } = newsroom
    await newsroom.assignedStory('Council budget vote', 'News', { lead: rita.id, contributors: [], editor: eddie.id, deadline: Date.now() - HOUR, plannedWords: 600 })
    await newsroom.assignedStory('Derby preview', 'Sports', { lead: rita.id, editor: eddie.id, deadline: Date.now() + 2 * HOUR, plannedWords: 400 })
    await newsroom.assignedStory('Tip about the bridge', null)
    const page = await budgetFor(chief)

    await expect.poll(() => page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['News', 'Sports', 'No section'])
    expect(await headlines(page, 'News')).toEqual(['Council budget vote'])
    expect(await headlines(page, 'Sports')).toEqual(['Derby preview'])
    expect(await headlines(page, 'No section')).toEqual(['Tip about the bridge'])

    const vote = page.getByRole('row', { name: 'Council budget vote' })
    expect(await vote.getAttribute('data-overdue')).toBe('true')
    const voteText = await vote.textContent()
    for (const part of ['Draft', 'Rita', 'Eddie', 'Overdue', '0 / 600']) expect(voteText).toContain(part)
    expect(await vote.getByRole('link', { name: 'Council budget vote' }).getAttribute('href')).toMatch(/^\/stories\//)

    const derby = page.getByRole('row', { name: 'Derby preview' })
    expect(await derby.getAttribute('data-overdue')).toBeNull()
    expect(await derby.textContent()).not.toContain('Overdue')
    expect(await page.getByRole('region', { name: 'News' }).textContent()).toContain('1 story · 0 of 600 words')
  })

  it('shows the desk assigning a story on an open budget without a reload', async ({ newsroom, budgetFor }) => {
    const { chief, rita, eddie } = newsroom
    const page = await budgetFor(chief)
    await page.getByRole('heading', { level: 2 }).first().waitFor()
    const id = await newsroom.assignedStory('Storm closes schools', 'World')
    const row = page.getByRole('row', { name: 'Storm closes schools' })
    await expect.poll(() => row.textContent()).toContain('Unassigned')

    await newsroom.assign(id, { lead: rita.id, editor: eddie.id, deadline: Date.now() - HOUR })
    await expect.poll(() => row.textContent()).toContain('Rita')
    expect(await row.textContent()).toContain('Eddie')
    await expect.poll(() => row.getAttribute('data-overdue')).toBe('true')
    expect(await headlines(page, 'World')).toEqual(['Storm closes schools'])
  })

  it('filters to my stories, one section and one status', async ({ server, newsroom, budgetFor }) => {
    const { chief, rita } = newsroom
    const mia = await addUser(server, 'mia', 'reporter')
    const mine = await newsroom.assignedStory('Harbour dredging delayed', 'Business', { lead: mia.id })
    await newsroom.assignedStory('Museum reopens', 'Culture', { contributors: [mia.id] })
    await newsroom.assignedStory('Market slides', 'Business', { lead: rita.id })
    const page = await budgetFor(mia)
    await expect.poll(() => headlines(page)).toContain('Market slides')

    await page.getByLabel('Mine').check()
    await expect.poll(() => headlines(page)).toEqual(['Harbour dredging delayed', 'Museum reopens'])

    await page.getByLabel('Section').selectOption({ label: 'Business' })
    await expect.poll(() => headlines(page)).toEqual(['Harbour dredging delayed'])
    expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Business'])

    await page.getByLabel('Mine').uncheck()
    await expect.poll(() => headlines(page)).toEqual(['Harbour dredging delayed', 'Market slides'])

    // Status: the desk moves one story on; the filter follows it live.
    await page.getByLabel('Status').selectOption({ label: 'In edit' })
    await expect.poll(() => page.getByText('No stories match these filters.').isVisible()).toBe(true)
    const moved = await sendJson(`${server.url}/api/stories/${mine}/status`, { to: 'in_edit' }, chief.token)
    expect(moved.status).toBe(200)
    await expect.poll(() => headlines(page)).toEqual(['Harbour dredging delayed'])
    expect(await page.getByRole('row', { name: 'Harbour dredging delayed' }).textContent()).toContain('In edit')

    await page.getByLabel('Section').selectOption({ label: 'All' })
    await page.getByLabel('Status').selectOption({ label: 'All' })
    await expect.poll(() => headlines(page)).toContain('Council budget vote')
  })

  it("lists a story's parts under it with assignee and words", async ({ newsroom, budgetFor }) => {
    const { chief, rita } = newsroom
    const id = await newsroom.importedStory('1. Politics\n\nLevy passes narrowly\n\nThe levy passed by four votes.\n\nParents said they were relieved and tired.\n')
    await newsroom.addPart(id, 1, 2, rita.id, 'Reaction')
    const page = await budgetFor(chief)
    const group = page.getByRole('region', { name: 'Politics' }).getByRole('rowgroup').filter({ has: page.getByRole('row', { name: 'Levy passes narrowly' }) })
    const part = group.getByRole('row', { name: 'Part: Reaction' })
    await expect.poll(() => part.textContent()).toContain('Rita')
    expect(await part.getByRole('cell').allTextContents()).toEqual(['Reaction', 'Rita', '7', ''])
    expect(await page.getByRole('row', { name: 'Levy passes narrowly' }).textContent()).toContain('13')
  })

  it('lets the desk chief assign a story from the budget, saving with Enter', async ({ server, newsroom, budgetFor }) => {
    const { chief } = newsroom
    await addUser(server, 'noor', 'reporter')
    await newsroom.assignedStory('Ferry strike talks', null)
    const page = await budgetFor(chief)
    const row = page.getByRole('row', { name: 'Ferry strike talks' })
    await expect.poll(() => row.textContent()).toContain('Unassigned')

    const button = page.getByRole('button', { name: 'Assign Ferry strike talks' })
    await button.click()
    expect(await button.getAttribute('aria-expanded')).toBe('true')
    const form = page.getByRole('form', { name: 'Assign Ferry strike talks' })
    await form.getByLabel('Lead reporter').selectOption({ label: 'Rita' })
    await form.getByLabel('Contributor: Noor').check()
    await form.getByLabel('Assigned editor').selectOption({ label: 'Eddie' })
    // A fixed date long gone: overdue in any time zone.
    await form.getByLabel('Deadline').fill('2020-01-15T09:30')
    await form.getByLabel('Section').selectOption({ label: 'Business' })
    await form.getByLabel('Planned words').fill('800')
    await form.getByLabel('Planned words').press('Enter')

    await form.waitFor({ state: 'detached' })
    // The row is the server's event stream at work: nothing reloads it.
    const moved = page.getByRole('region', { name: 'Business' }).getByRole('row', { name: 'Ferry strike talks' })
    await expect.poll(() => moved.textContent()).toContain('Overdue')
    const text = await moved.textContent()
    for (const part of ['Rita', 'Noor', 'Eddie', 'Jan 15, 2020, 09:30', '0 / 800']) expect(text).toContain(part)
    expect(await moved.getAttribute('data-overdue')).toBe('true')
    expect(await headlines(page, 'No section')).not.toContain('Ferry strike talks')
  })

  it('cancels the assignment editor with Escape and sends nothing', async ({ newsroom, budgetFor }) => {
    const { chief } = newsroom
    await newsroom.assignedStory('Library hours cut', 'News')
    const page = await budgetFor(chief)
    const deskRequests: string[] = []
    page.on('request', (request) => {
      if (request.url().endsWith('/desk')) deskRequests.push(request.method())
    })
    await page.getByRole('button', { name: 'Assign Library hours cut' }).click()
    const form = page.getByRole('form', { name: 'Assign Library hours cut' })
    await form.getByLabel('Lead reporter').selectOption({ label: 'Rita' })
    await form.getByLabel('Planned words').fill('500')
    await form.getByLabel('Planned words').press('Escape')
    await form.waitFor({ state: 'detached' })
    // Focus goes back to the button that opened the editor.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Assign Library hours cut')

    await page.getByRole('button', { name: 'Assign Library hours cut' }).click()
    expect(await form.getByLabel('Lead reporter').inputValue()).toBe('')
    expect(await form.getByLabel('Planned words').inputValue()).toBe('')
    await form.getByRole('button', { name: 'Cancel' }).click()
    await form.waitFor({ state: 'detached' })
    expect(await page.getByRole('row', { name: 'Library hours cut' }).textContent()).not.toContain('Rita')
    expect(deskRequests).toEqual([])
  })

  it("shows the server's refusal and keeps the editor open", async ({ server, newsroom, budgetFor }) => {
    const { rita } = newsroom
    const dana = await addUser(server, 'dana', 'chief')
    await newsroom.assignedStory('Tram fares rise', 'News')
    const page = await budgetFor(dana)
    await page.getByRole('button', { name: 'Assign Tram fares rise' }).click()
    const form = page.getByRole('form', { name: 'Assign Tram fares rise' })
    await form.getByLabel('Lead reporter').selectOption({ label: 'Rita' })
    // Dana stops being a desk chief while the editor is open; the server has the last word.
    await server.services.users.update(dana.id, { role: 'editor' })
    await form.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => form.getByRole('alert').textContent()).toBe('Only desk chiefs assign stories.')
    expect(await form.getByLabel('Lead reporter').inputValue()).toBe(String(rita.id))
    expect(await page.getByRole('row', { name: 'Tram fares rise' }).textContent()).toContain('Unassigned')
  })

  it('gives reporters and editors no Assign buttons', async ({ newsroom, budgetFor }) => {
    const { rita, eddie } = newsroom
    await newsroom.assignedStory('Pier repairs start', 'News', { lead: rita.id })
    for (const account of [rita, eddie]) {
      const page = await budgetFor(account)
      await page.getByRole('row', { name: 'Pier repairs start' }).waitFor()
      expect(await page.getByRole('button', { name: /^Assign/ }).count()).toBe(0)
      expect(await page.getByRole('columnheader', { name: 'Assign' }).count()).toBe(0)
    }
  })

  it('shows who is in a story now, and drops them when they leave', async ({ server, newsroom, budgetFor }) => {
    const { chief, rita } = newsroom
    const id = await newsroom.assignedStory('Bridge inspection report', 'News', { lead: rita.id })
    const desk = await budgetFor(chief)
    const present = desk.getByRole('row', { name: 'Bridge inspection report' }).getByRole('list', { name: 'In the story now' })
    await expect.poll(() => present.textContent()).toBe('')

    const reporter = await budgetFor(rita)
    await reporter.getByRole('link', { name: 'Bridge inspection report' }).click()
    await reporter.waitForURL(`${server.url}/stories/${id}`)
    await expect.poll(() => present.textContent()).toContain('Rita')

    await reporter.goBack()
    await reporter.getByRole('heading', { level: 1, name: 'Budget' }).waitFor()
    await expect.poll(() => present.textContent()).toBe('')
  })
})
