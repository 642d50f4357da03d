/**
 * Review comments end to end: an editor selects a passage, comments on it (mentioning the
 * reporter), and the reporter, in another browser, sees the thread arrive live, is notified and
 * answers; the editor sees the answer arrive and resolves the thread, which leaves the reporter's
 * open list too. Then the reporter comments by keyboard and deletes the passage: the thread stays,
 * detached, for both. Open threads also show as cards in the margin, level with their passage.
 * Comments live on the side panel's Review tab: starting one (or opening a margin card) shows it.
 */
import { describe, expect, test } from 'vitest'
import type { Locator } from 'playwright-core'
import { browserFixtures } from '../helpers/browserTest'
import { showPanelTab } from '../helpers/e2e'
import { addUser, importStoryVia } from '../helpers/server'

const it = test.extend(browserFixtures)

/** How far apart, in px, the tops of two elements are on screen. */
async function topGap(a: Locator, b: Locator): Promise<number> {
  const [boxA, boxB] = await Promise.all([a.boundingBox(), b.boundingBox()])
  return boxA && boxB ? Math.abs(boxA.y - boxB.y) : Infinity
}

describe('comments in Chromium', () => {
  it('an editor comments on a passage; the reporter sees it live and answers; the editor sees the answer', async ({ server, signIn }) => {
    const editor = await addUser(server, 'edna', 'editor')
    const riley = await addUser(server, 'riley', 'reporter')
    const text = 'Council delays vote\n\nThe council delayed its vote.\n\nThe budget has grown for years.'
    const id = await importStoryVia(server.url, riley.token, text)

    const desk = await signIn('edna', editor.password)
    const reporter = await signIn('riley', riley.password)
    await reporter.goto(`${server.url}/stories/${id}`)
    await desk.goto(`${server.url}/stories/${id}`)
    // Both follow the comments on the side panel's Review tab.
    await showPanelTab(reporter, 'Review')
    await showPanelTab(desk, 'Review')
    await reporter.getByText('No open comments.').waitFor()

    // The editor selects the first paragraph with the keyboard.
    const body = desk.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => body.getAttribute('contenteditable')).toBe('true')
    await body.locator('p').first().click()
    await desk.keyboard.press('Home')
    await desk.keyboard.press('Shift+End')
    // ProseMirror takes a keyboard selection a moment later, and only while it has focus: wait for
    // the panel to show it before the focus moves to the panel.
    await expect.poll(() => desk.getByText('Selected: “The council delayed its vote.”').count()).toBe(1)
    // The toolbar's Comment button.
    await desk.getByRole('button', { name: 'Comment', exact: true }).click()

    // Type, mention Riley through the suggestions, and post with Ctrl+Enter.
    const field = desk.getByRole('textbox', { name: 'Comment', exact: true })
    await field.pressSequentially('Which vote? @ril')
    await desk.getByRole('option', { name: /Riley/ }).waitFor()
    await desk.keyboard.press('Enter')
    await field.pressSequentially('please check.')
    expect(await field.inputValue()).toBe('Which vote? @riley please check.')
    await desk.keyboard.press('Control+Enter')

    const deskThread = desk.getByRole('listitem', { name: 'Comment thread on “The council delayed its vote.”' })
    await deskThread.waitFor()
    await expect.poll(() => desk.getByLabel('Commented passage').textContent()).toBe('The council delayed its vote.')
    // Its card sits in the margin, level with the passage.
    const card = desk.getByRole('button', { name: 'Thread: The council delayed its vote.' })
    await card.waitFor()
    await expect.poll(() => topGap(card, desk.getByLabel('Commented passage'))).toBeLessThan(40)
    expect(await card.textContent()).toContain('Which vote? @riley please check.')
    expect(await card.textContent()).toContain('Edna')

    // Riley sees the thread arrive without reloading, with the passage highlighted, and is notified.
    const thread = reporter.getByRole('listitem', { name: 'Comment thread on “The council delayed its vote.”' })
    await thread.waitFor()
    expect(await thread.textContent()).toContain('Which vote? @riley please check.')
    expect(await thread.textContent()).toContain('Edna')
    await expect.poll(() => reporter.getByLabel('Commented passage').count()).toBe(1)
    // Clicking the passage marks its margin card.
    const rileyCard = reporter.getByRole('button', { name: 'Thread: The council delayed its vote.' })
    await rileyCard.waitFor()
    expect(await rileyCard.getAttribute('aria-current')).toBeNull()
    await reporter.getByLabel('Commented passage').click()
    await expect.poll(() => rileyCard.getAttribute('aria-current')).toBe('true')
    // The mention in the notifications list shows the thread, turning the panel back to Review.
    await showPanelTab(reporter, 'Details')
    const bell = reporter.getByRole('button', { name: /^Notifications.*1 unread/ })
    await bell.click()
    await reporter.getByRole('link', { name: /Edna mentioned you in Council delays vote/ }).click()
    await expect.poll(() => bell.count()).toBe(0)
    await expect.poll(() => reporter.getByRole('tab', { name: /^Review/ }).getAttribute('aria-selected')).toBe('true')

    // Riley answers in the thread.
    await thread.getByRole('textbox', { name: 'Reply' }).fill('The budget vote, on Tuesday.')
    await thread.getByRole('button', { name: 'Reply', exact: true }).click()
    await expect.poll(() => thread.textContent()).toContain('The budget vote, on Tuesday.')

    // The editor sees the answer live, and resolves the thread: it leaves Riley's open list.
    await expect.poll(() => deskThread.textContent()).toContain('The budget vote, on Tuesday.')
    expect(await deskThread.textContent()).toContain('Riley')
    await deskThread.getByRole('button', { name: 'Resolve' }).click()
    await reporter.getByText('No open comments.').waitFor()
    await expect.poll(() => reporter.getByLabel('Commented passage').count()).toBe(0)
    // Riley was in that thread, so it stays in view among the resolved ones.
    await expect.poll(() => thread.textContent()).toContain('Resolved by Edna')
    await reporter.getByRole('button', { name: 'Hide resolved (1)' }).click()
    await expect.poll(() => thread.count()).toBe(0)
    await reporter.getByRole('button', { name: 'Show resolved (1)' }).click()
    await expect.poll(() => thread.count()).toBe(1)

    // Riley comments with the keyboard, then deletes the passage: the thread stays, detached.
    const story = reporter.getByRole('textbox', { name: 'Story body' })
    await story.locator('p').nth(1).click()
    await reporter.keyboard.press('Home')
    await reporter.keyboard.press('Shift+End')
    await expect.poll(() => reporter.getByText('Selected: “The budget has grown for years.”').count()).toBe(1)
    await reporter.keyboard.press('Control+Alt+m')
    await reporter.getByRole('textbox', { name: 'Comment', exact: true }).pressSequentially('Cut this?')
    await reporter.keyboard.press('Control+Enter')
    const second = desk.getByRole('listitem', { name: 'Comment thread on “The budget has grown for years.”' })
    await second.waitFor()
    expect(await second.textContent()).not.toContain('Detached')
    // On the desk, the new thread's margin card puts it in focus in the panel, bringing the
    // Review tab back from wherever the desk was.
    const secondCard = desk.getByRole('button', { name: 'Thread: The budget has grown for years.' })
    await secondCard.waitFor()
    await expect.poll(() => topGap(secondCard, desk.locator('[data-thread-id]').last())).toBeLessThan(40)
    expect(await second.getAttribute('class')).not.toContain('thread--active')
    await showPanelTab(desk, 'History')
    expect(await second.count()).toBe(0)
    await secondCard.click()
    await expect.poll(() => desk.getByRole('tab', { name: /^Review/ }).getAttribute('aria-selected')).toBe('true')
    await expect.poll(() => second.getAttribute('class')).toContain('thread--active')
    expect(await second.evaluate((element) => element === document.activeElement)).toBe(true)
    expect(await secondCard.getAttribute('aria-current')).toBe('true')
    await story.locator('p').nth(1).click()
    await reporter.keyboard.press('Home')
    await reporter.keyboard.press('Shift+End')
    await expect.poll(() => reporter.getByText('Selected: “The budget has grown for years.”').count()).toBe(1)
    await reporter.keyboard.press('Backspace')
    await expect.poll(() => second.textContent()).toContain('Detached')
    expect(await second.textContent()).toContain('Cut this?')
    await expect.poll(() => desk.getByLabel('Commented passage').count()).toBe(0)
    // A detached thread has no margin card.
    await expect.poll(() => secondCard.count()).toBe(0)
  })

  it('Ctrl+Alt+M on a selected passage shows the Review tab with the composer focused; drafts survive switching tabs', async ({ server, signIn }) => {
    const wren = await addUser(server, 'wren', 'reporter')
    const id = await importStoryVia(server.url, wren.token, 'Ferry fares rise\n\nFares rise in May.\n\nCommuters object.')
    const page = await signIn('wren', wren.password)
    await page.goto(`${server.url}/stories/${id}`)
    const details = page.getByRole('tab', { name: /^Details/ })
    const review = page.getByRole('tab', { name: /^Review/ })
    // A fresh browser opens a story on the Details tab.
    await expect.poll(() => details.getAttribute('aria-selected')).toBe('true')
    expect(await review.getAttribute('aria-selected')).toBe('false')
    const body = page.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => body.getAttribute('contenteditable')).toBe('true')

    await body.locator('p').first().click()
    await page.keyboard.press('Home')
    await page.keyboard.press('Shift+End')
    // The toolbar's Comment button comes on once the editor has taken the selection.
    await expect.poll(() => page.getByRole('button', { name: 'Comment', exact: true }).isEnabled()).toBe(true)
    await page.keyboard.press('Control+Alt+m')

    await expect.poll(() => review.getAttribute('aria-selected')).toBe('true')
    expect(await details.getAttribute('aria-selected')).toBe('false')
    expect(await page.getByLabel('Headline').isVisible()).toBe(false)
    const field = page.getByRole('textbox', { name: 'Comment', exact: true })
    await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true)
    expect(await page.getByRole('form', { name: 'New comment' }).getByRole('blockquote').textContent()).toBe('Fares rise in May.')

    // The keyboard is in the composer; a look at another tab keeps the draft.
    await page.keyboard.type('Since when?')
    await showPanelTab(page, 'Details')
    expect(await field.count()).toBe(0)
    await showPanelTab(page, 'Review')
    expect(await field.inputValue()).toBe('Since when?')
    await field.press('Control+Enter')
    await page.getByRole('listitem', { name: 'Comment thread on “Fares rise in May.”' }).waitFor()
    // The tab counts the open threads.
    await expect.poll(() => review.textContent()).toMatch(/^Review 1/)
    await expect.poll(() => page.getByRole('tab', { name: 'Review, 1 open comment', exact: true }).count()).toBe(1)
  })
})
