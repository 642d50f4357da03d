/**
 * The newsroom end to end: the desk chief assigns a reporter to a story and a part of it; the
 * reporter, in another browser, sees it live on the budget and in the editor and can write the
 * story; a second reporter cannot.
 */
import { describe, expect, test } from 'vitest'
import { bodyBlocks } from '../../src/shared/storyDoc'
import { browserFixtures } from '../helpers/browserTest'
import { textOf } from '../helpers/e2e'
import { addUser, importStoryVia } from '../helpers/server'

const it = test.extend(browserFixtures)

describe('the newsroom in Chromium', () => {
  it('the chief assigns a story and a part; the reporter sees it live and writes; another reporter cannot', async ({ server, signIn }) => {
    const chief = await addUser(server, 'casey', 'chief')
    const riley = await addUser(server, 'riley', 'reporter')
    const robin = await addUser(server, 'robin', 'reporter')
    const text = '1. News\n\nCity budget vote delayed\n\nThe council delayed its vote.\n\nThe budget has grown for years.\n\nResidents reacted with anger.'
    const id = await importStoryVia(server.url, chief.token, text)

    const desk = await signIn('casey', chief.password)
    const reporter = await signIn('riley', riley.password)
    const other = await signIn('robin', robin.password)

    // Riley watches the budget; nothing is Riley's yet.
    await reporter.goto(`${server.url}/budget`)
    const row = reporter.getByRole('row', { name: 'City budget vote delayed' })
    await row.waitFor()
    expect(await row.textContent()).not.toContain('Riley')

    // The chief assigns Riley as lead from the side panel, then a part of the story.
    await desk.goto(`${server.url}/stories/${id}`)
    await desk.getByLabel('Lead reporter').selectOption({ label: 'Riley' })
    await expect.poll(() => row.textContent()).toContain('Riley')

    await desk.getByRole('textbox', { name: 'Story body' }).locator('p').nth(1).click()
    // ProseMirror reads a click's selection a moment later, and only while it has focus: wait for
    // the panel to show the block before moving focus to the form (a person is never this fast).
    await expect.poll(() => desk.getByText('Selected: block 2').count()).toBe(1)
    await desk.getByLabel('Part label').fill('Background')
    await desk.getByLabel('Part assignee').selectOption({ label: 'Riley' })
    await desk.getByRole('button', { name: 'Assign part' }).click()
    const partRow = reporter.getByRole('row', { name: 'Part: Background' })
    await expect.poll(() => partRow.count()).toBe(1)
    expect(await partRow.textContent()).toContain('Riley')

    // In the editor, the part carries its label; Riley can write and the desk sees it.
    await reporter.goto(`${server.url}/stories/${id}`)
    await expect.poll(() => reporter.getByLabel('Story part: Background · Riley').count()).toBe(1)
    const body = reporter.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => body.getAttribute('contenteditable')).toBe('true')
    await body.locator('p').first().click()
    await reporter.keyboard.press('End')
    await reporter.keyboard.type(' Again.')
    await expect.poll(() => textOf(desk.getByRole('textbox', { name: 'Story body' }))).toContain('The council delayed its vote. Again.')

    // Robin is not assigned: the story opens read-only, and the server would refuse anyway.
    await other.goto(`${server.url}/stories/${id}`)
    const robinBody = other.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => robinBody.getAttribute('contenteditable')).toBe('false')
    await expect.poll(() => other.getByRole('note').textContent()).toMatch(/only its assigned reporters/)
    expect(await other.getByLabel('Headline').isDisabled()).toBe(true)
    await expect.poll(() => textOf(robinBody)).toContain('Again.')

    // The chief moves Riley's part to Robin: live for everyone, and now Robin may write his part,
    // and only his part (issue 15).
    await desk.getByLabel('Assignee of Background').selectOption({ label: 'Robin' })
    // Live across three pages on a busy machine: room for a slow round trip.
    const live = { timeout: 10_000 }
    await expect.poll(() => reporter.getByLabel('Story part: Background · Robin').count(), live).toBe(1)
    await expect.poll(() => robinBody.getAttribute('contenteditable'), live).toBe('true')
    await expect.poll(() => other.getByText('You can edit only your part: Background').count(), live).toBe(1)
    await robinBody.locator('p').nth(1).click()
    await other.keyboard.press('End')
    await other.keyboard.type(' Robin adds this.')
    await expect.poll(async () => bodyBlocks((await server.storage.loadDoc(id))!.doc)[1]).toContain('Robin adds this.')
    const before = bodyBlocks((await server.storage.loadDoc(id))!.doc)
    await robinBody.locator('p').first().click()
    await other.keyboard.press('End')
    await other.keyboard.type(' Not his.')
    // Refused in his editor, so nothing goes out; the story is as it was.
    await expect.poll(() => textOf(robinBody)).not.toContain('Not his.')
    await expect.poll(() => other.getByRole('status', { name: 'Save state' }).textContent(), { timeout: 5_000 }).toBe('All changes saved')
    expect(await other.getByRole('status', { name: 'Connection' }).textContent()).toBe('Connected')
    expect(bodyBlocks((await server.storage.loadDoc(id))!.doc)).toEqual(before)
  })
})
