/**
 * Every screen (issue 15), in Chromium at a phone's 390x844 and a tablet's 1024x768: the top bar
 * folds into a menu, the story list and the budget are cards that never scroll sideways, a
 * reporter files from a phone through the story details sheet, and on a tablet the budget's
 * Assign buttons are whole and comments stay reachable when the margin has no room.
 */
import { AxeBuilder } from '@axe-core/playwright'
import { describe, expect, test } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { browserFixtures } from '../helpers/browserTest'
import { textOf } from '../helpers/e2e'
import { addUser, createStoryVia, importStoryVia, sendJson } from '../helpers/server'

const it = test.extend(browserFixtures)

const PHONE = { width: 390, height: 844 }
const TABLET = { width: 1024, height: 768 }

type Account = Awaited<ReturnType<typeof addUser>>

let newsroom: Promise<{ chief: Account; rita: Account; storyId: string }> | undefined

/** The desk chief, Rita the reporter and a story she leads, on the file's server. */
function newsroomOn(server: RunningServer) {
  newsroom ??= (async () => {
    const chief = await addUser(server, 'chief', 'admin')
    const rita = await addUser(server, 'rita', 'reporter')
    const storyId = await importStoryVia(server.url, chief.token, 'Council delays vote on the harbour bridge\n\nThe council delayed its vote.\n\nA second paragraph.')
    const { status } = await sendJson(`${server.url}/api/stories/${storyId}/desk`, { lead: rita.id, section: 'World', deadline: Date.now() + 7_200_000, plannedWords: 400 }, chief.token, 'PATCH')
    if (status !== 200) throw new Error(`assigning failed: ${status}`)
    await createStoryVia(server.url, chief.token, { headline: 'A very long headline about the regional transport authority and its overdue timetable review', section: 'Business' })
    await createStoryVia(server.url, chief.token, { headline: 'Tip about the bridge' })
    return { chief, rita, storyId }
  })()
  return newsroom
}

/** Whether the page scrolls sideways. */
function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
}

/** Whether `locator` has the keyboard focus. */
function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement, undefined, { timeout: 1_000 })
}

/** Whether the keyboard focus is inside `locator`. */
function hasFocusWithin(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element.contains(document.activeElement), undefined, { timeout: 1_000 })
}

describe('on a phone (390x844)', () => {
  it('the top bar folds into a Menu button; its panel has the links, notifications and Sign out', async ({ server, signIn }) => {
    const { rita } = await newsroomOn(server)
    const page = await signIn(rita.username, rita.password)
    await page.setViewportSize(PHONE)
    const menu = page.getByRole('button', { name: 'Menu' })
    const signOut = page.getByRole('button', { name: 'Sign out' })
    await menu.waitFor()
    expect(await menu.getAttribute('aria-expanded')).toBe('false')
    expect(await signOut.isVisible()).toBe(false)
    expect(await scrollsSideways(page)).toBe(false)

    // Opened, it shows everything the wide bar does; Escape closes it and gives the keyboard back.
    await menu.click()
    expect(await menu.getAttribute('aria-expanded')).toBe('true')
    const panel = page.locator(`#${await menu.getAttribute('aria-controls')}`)
    for (const name of ['Stories', 'Budget']) expect(await panel.getByRole('link', { name, exact: true }).isVisible()).toBe(true)
    expect(await panel.getByRole('button', { name: /^Notifications/ }).isVisible()).toBe(true)
    expect(await panel.getByText('Rita').isVisible()).toBe(true)
    await page.keyboard.press('Escape')
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false')
    await expect.poll(() => isFocused(menu)).toBe(true)
    expect(await signOut.isVisible()).toBe(false)

    // Following a link closes it too.
    await menu.click()
    await panel.getByRole('link', { name: 'Budget' }).click()
    await page.getByRole('heading', { name: 'Budget', level: 1 }).waitFor()
    await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false')

    await menu.click()
    await signOut.click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
  })

  it('the story list and the budget are cards, and the page never scrolls sideways', async ({ server, signIn }) => {
    const { chief } = await newsroomOn(server)
    const page = await signIn(chief.username, chief.password)
    await page.setViewportSize(PHONE)
    const headline = page.getByRole('link', { name: 'Council delays vote on the harbour bridge' })
    await headline.waitFor()
    // Each story is a card: its row drawn as a box of its own, the headline leading it as its link.
    const card = page.getByRole('row').filter({ has: headline })
    expect(await card.evaluate((row) => getComputedStyle(row).display)).toBe('grid')
    expect(await card.evaluate((row) => row.getBoundingClientRect().width <= window.innerWidth)).toBe(true)
    for (const label of ['Status', 'Section', 'Deadline', 'Lead', 'Words']) {
      expect(await card.locator(`[data-label="${label}"]`).isVisible()).toBe(true)
    }
    expect(await card.getByText('World').isVisible()).toBe(true)
    expect(await scrollsSideways(page)).toBe(false)

    // Sorting stays on hand.
    await page.getByRole('button', { name: 'Headline' }).click()
    await expect.poll(() => page.getByRole('columnheader', { name: /Headline/ }).getAttribute('aria-sort')).toBe('ascending')

    await page.goto(`${server.url}/budget`)
    const row = page.getByRole('row', { name: 'Council delays vote on the harbour bridge' })
    await row.waitFor()
    expect(await row.evaluate((element) => getComputedStyle(element).display)).toBe('grid')
    const assign = page.getByRole('button', { name: 'Assign Council delays vote on the harbour bridge' })
    const box = await assign.boundingBox()
    expect(box && box.x + box.width <= PHONE.width).toBe(true)
    expect(await scrollsSideways(page)).toBe(false)
  })

  it('a reporter files: types in the body, sets the headline and the status in the details sheet, and it is saved', async ({ server, signIn }) => {
    const { rita, storyId } = await newsroomOn(server)
    const page = await signIn(rita.username, rita.password)
    await page.setViewportSize(PHONE)
    await page.goto(`${server.url}/stories/${storyId}`)
    const body = page.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => body.getAttribute('contenteditable')).toBe('true')
    // The body has the width; the side panel waits in its sheet.
    const details = page.getByRole('button', { name: 'Story details' })
    const headlineField = page.getByLabel('Headline')
    expect(await headlineField.isVisible()).toBe(false)
    expect(await body.evaluate((element) => element.getBoundingClientRect().width)).toBeGreaterThan(PHONE.width * 0.8)
    expect(await scrollsSideways(page)).toBe(false)

    await body.locator('p').last().click()
    await page.keyboard.press('End')
    await page.keyboard.type(' Filed from a phone.')
    await expect.poll(() => textOf(body)).toContain('Filed from a phone.')

    await details.click()
    const sheet = page.getByRole('dialog', { name: 'Story details' })
    await sheet.waitFor()
    expect(await sheet.getAttribute('aria-modal')).toBe('true')
    expect(await details.getAttribute('aria-expanded')).toBe('true')
    await expect.poll(() => hasFocusWithin(sheet)).toBe(true)
    // The same tabs as the side panel.
    await sheet.getByRole('tab', { name: 'Details' }).click()
    await headlineField.fill('Council delays bridge vote again')
    await sheet.getByLabel('Status').selectOption({ label: 'In edit' })
    await expect.poll(() => sheet.getByLabel('Status').inputValue()).toBe('in_edit')

    await page.keyboard.press('Escape')
    await expect.poll(() => sheet.isVisible()).toBe(false)
    await expect.poll(() => isFocused(details)).toBe(true)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Council delays bridge vote again')
    await expect.poll(() => page.getByRole('status', { name: 'Save state' }).textContent(), { timeout: 5_000 }).toBe('All changes saved')

    // Saved on the server: the story list there says so.
    const list = await fetch(`${server.url}/api/stories`, { headers: { authorization: `Bearer ${rita.token}` } }).then((res) => res.json() as Promise<{ stories: Array<{ id: string; headline: string; status: string }> }>)
    expect(list.stories.find((story) => story.id === storyId)).toMatchObject({ headline: 'Council delays bridge vote again', status: 'in_edit' })

    // The close button shuts it too, and the sheet kept what it held.
    await details.click()
    await sheet.waitFor()
    expect(await headlineField.inputValue()).toBe('Council delays bridge vote again')
    await sheet.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => sheet.isVisible()).toBe(false)
  })

  it('axe finds no serious or critical violation on the story page with the details sheet open', async ({ server, signIn }) => {
    const { rita, storyId } = await newsroomOn(server)
    const page = await signIn(rita.username, rita.password)
    await page.setViewportSize(PHONE)
    await page.goto(`${server.url}/stories/${storyId}`)
    await page.getByRole('button', { name: 'Story details' }).click()
    await page.getByRole('dialog', { name: 'Story details' }).getByLabel('Headline').waitFor()
    const results = await new AxeBuilder({ page }).analyze()
    const serious = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .flatMap((violation) => violation.nodes.map((node) => `${violation.id} ${node.target.join(' ')}: ${node.failureSummary ?? violation.help}`))
    expect(serious).toEqual([])
  })
})

describe('on a tablet (1024x768)', () => {
  it("the budget's Assign buttons are whole: inside the window and inside their table", async ({ server, signIn }) => {
    const { chief } = await newsroomOn(server)
    const page = await signIn(chief.username, chief.password)
    await page.setViewportSize(TABLET)
    await page.goto(`${server.url}/budget`)
    await page.getByRole('row', { name: 'Tip about the bridge' }).waitFor()
    const buttons = page.getByRole('button', { name: /^Assign / })
    expect(await buttons.count()).toBeGreaterThanOrEqual(3)
    const outside = await buttons.evaluateAll((elements) =>
      elements.flatMap((element) => {
        const box = element.getBoundingClientRect()
        const table = element.closest('table')?.getBoundingClientRect()
        const whole = box.right <= window.innerWidth && box.left >= 0 && table !== undefined && box.right <= table.right
        return whole ? [] : [element.getAttribute('aria-label')]
      }),
    )
    expect(outside).toEqual([])
  })

  it('with no room for the margin, a cue above the text opens the comments on the Review tab', async ({ server, signIn }) => {
    const { chief } = await newsroomOn(server)
    const storyId = await importStoryVia(server.url, chief.token, 'Harbour dredging approved\n\nThe harbour board approved the dredging plan.')
    const page = await signIn(chief.username, chief.password)
    await page.setViewportSize(TABLET)
    await page.goto(`${server.url}/stories/${storyId}`)
    const body = page.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => body.getAttribute('contenteditable')).toBe('true')
    await body.locator('p').first().click()
    await page.keyboard.press('Home')
    await page.keyboard.press('Shift+End')
    // The editor reads a selection a moment later: once the toolbar's Comment can be used, the
    // passage is there for the shortcut (a person is never this fast).
    await expect.poll(() => page.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name: 'Comment', exact: true }).isEnabled(), { timeout: 10_000 }).toBe(true)
    await page.keyboard.press('Control+Alt+m')
    await page.getByRole('textbox', { name: 'Comment', exact: true }).fill('Which board meeting?')
    await page.keyboard.press('Control+Enter')
    await page.getByRole('list', { name: 'Open comments' }).getByRole('listitem').first().waitFor()

    // The margin's cards are hidden at this width; the cue stands in for them.
    expect(await page.getByRole('group', { name: 'Comments in the margin' }).isVisible()).toBe(false)
    await page.getByRole('tab', { name: 'Details' }).click()
    const cue = page.getByRole('button', { name: '1 open comment' })
    await cue.click()
    await expect.poll(() => page.getByRole('tab', { name: /^Review/ }).getAttribute('aria-selected')).toBe('true')
    const thread = page.getByRole('listitem', { name: /^Comment thread on/ })
    await expect.poll(() => isFocused(thread)).toBe(true)
    expect(await thread.isVisible()).toBe(true)
  })
})
