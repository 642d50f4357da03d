/**
 * Notifications in Chromium (issue 15): a desk chief assigns a story to a reporter on the budget,
 * and the reporter, on the story list in another browser, is notified live (nothing reloads), reads
 * it as a sentence and opens the story from it. A status move of that story then reaches her while
 * she is in it, and opens its History tab. A part assignment opens the story with the cursor in
 * the part.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { encodeAnchor, getBody } from '../../src/shared/storyDoc'
import { browserFixtures } from '../helpers/browserTest'
import { addUser, createStoryVia, importStoryVia, sendJson } from '../helpers/server'

const it = test.extend(browserFixtures)

describe('notifications in Chromium', () => {
  it('a desk chief assigns a reporter; her notification arrives live and opens the story', async ({ server, signIn }) => {
    const chief = await addUser(server, 'chief', 'chief')
    const rita = await addUser(server, 'rita', 'reporter')
    const id = await createStoryVia(server.url, chief.token, { headline: 'Fire at the docks' })

    const reporter = await signIn('rita', rita.password)
    const bell = reporter.getByRole('button', { name: /^Notifications/ })
    await bell.waitFor()
    expect(await bell.textContent()).toBe('Notifications')

    // The desk chief gives Rita the story on the budget.
    const desk = await signIn('chief', chief.password)
    await desk.goto(`${server.url}/budget`)
    await desk.getByRole('button', { name: 'Assign Fire at the docks' }).click()
    const form = desk.getByRole('form', { name: 'Assign Fire at the docks' })
    await form.getByLabel('Lead reporter').selectOption({ label: 'Rita' })
    await form.getByRole('button', { name: 'Save' }).click()
    await form.waitFor({ state: 'detached' })

    // Rita's bell counts it without a reload; the list says who did what.
    const unread = reporter.getByRole('button', { name: /^Notifications.*1 unread/ })
    await unread.waitFor()
    await unread.click()
    const assigned = reporter.getByRole('link', { name: /^Chief assigned you “Fire at the docks”/ })
    await assigned.click()
    await expect.poll(() => new URL(reporter.url()).pathname).toBe(`/stories/${id}`)
    await reporter.getByRole('textbox', { name: 'Story body' }).waitFor()
    await expect.poll(() => reporter.getByRole('tab', { name: /^Details/ }).getAttribute('aria-selected')).toBe('true')
    await expect.poll(() => unread.count()).toBe(0)

    // The desk moves her story on while she is in it: the notification opens its History tab.
    const moved = await sendJson(`${server.url}/api/stories/${id}/status`, { to: 'in_edit' }, chief.token)
    expect(moved.status).toBe(200)
    await unread.waitFor()
    await unread.click()
    await reporter.getByRole('link', { name: /^“Fire at the docks” moved to In edit/ }).click()
    await expect.poll(() => reporter.getByRole('tab', { name: /^History/ }).getAttribute('aria-selected')).toBe('true')
    await reporter.getByRole('tabpanel', { name: /^History/ }).waitFor()
    await expect.poll(() => unread.count()).toBe(0)
  })

  it('a part assignment opens the story with the cursor at the start of the part', async ({ server, signIn }) => {
    const chief = await addUser(server, 'desk', 'chief')
    const robin = await addUser(server, 'robin', 'reporter')
    const id = await importStoryVia(server.url, chief.token, 'Harbour closes\n\nThe harbour closed on Monday.\n\nReaction from the town.\n\nWhat comes next.')
    const reporter = await signIn('robin', robin.password)
    await reporter.getByRole('button', { name: /^Notifications/ }).waitFor()

    // The desk gives Robin the second paragraph, anchored in the server's own copy of the story.
    let anchors = { start: '', end: '' }
    await server.services.rooms.change(id, (room) => {
      const body = getBody(room.doc)
      anchors = { start: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 1, 0)), end: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 2, -1)) }
    })
    const part = await sendJson(`${server.url}/api/stories/${id}/parts`, { ...anchors, assignee: robin.id, label: 'Reaction' }, chief.token)
    expect(part.status).toBe(201)

    await reporter.getByRole('button', { name: /^Notifications.*1 unread/ }).click()
    await reporter.getByRole('link', { name: /^Desk assigned you the part “Reaction” of “Harbour closes”/ }).click()
    await reporter.getByRole('textbox', { name: 'Story body' }).waitFor()
    await expect.poll(() => reporter.evaluate(() => document.getSelection()?.anchorNode?.textContent ?? '')).toBe('Reaction from the town.')
  })
})
