/**
 * Suggest mode in Chromium: an editor suggests an insertion, the lead reporter sees it marked
 * with the editor's name and accepts it from the text; the story then holds plain text.
 */
import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { countOpenSuggestions } from '../../src/shared/suggestions'
import { bodyBlocks } from '../../src/shared/storyDoc'
import { browserFixtures } from '../helpers/browserTest'
import { showPanelTab, textOf } from '../helpers/e2e'
import { addUser, importStoryVia, sendJson } from '../helpers/server'

const it = test.extend(browserFixtures)

/** Let the page handle the selection change the last keys made (a frame, then a task). */
function selectionTaken(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))
}

/** The story as stored on `server`. */
async function stored(server: RunningServer, id: string) {
  const loaded = await server.storage.loadDoc(id)
  if (!loaded) throw new Error(`story ${id} is not stored`)
  return loaded.doc
}

describe('suggestions in Chromium', () => {
  it('an editor suggests an insertion; the lead reporter accepts it; the story holds plain text', async ({ server, signIn }) => {
    const chief = await addUser(server, 'casey', 'chief')
    const riley = await addUser(server, 'riley', 'reporter')
    const eddie = await addUser(server, 'eddie', 'editor')
    const id = await importStoryVia(server.url, chief.token, '1. News\n\nCity budget vote delayed\n\nThe council delayed its vote.\n\nResidents reacted with anger.')
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: riley.id }, chief.token, 'PATCH')).status).toBe(200)

    // The editor turns suggest mode on (it may already be on: editors who are not assigned default to it).
    const editor = await signIn('eddie', eddie.password)
    await editor.goto(`${server.url}/stories/${id}`)
    // Open suggestions and the record of decisions are listed in the side panel's Review tab.
    await showPanelTab(editor, 'Review')
    const editorBody = editor.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => editorBody.getAttribute('contenteditable')).toBe('true')
    // Editors not assigned to the story start in Suggesting; the mode switch says so, and sets it.
    const mode = editor.getByRole('button', { name: /^Mode: / })
    await expect.poll(() => mode.getAttribute('aria-label')).toBe('Mode: Suggesting')
    await mode.click()
    await editor.getByRole('group', { name: 'Mode' }).getByRole('radio', { name: /^Editing/ }).click()
    await expect.poll(() => mode.getAttribute('aria-label')).toBe('Mode: Editing')
    // Viewing: the story cannot be changed here by accident, until another mode is chosen.
    await mode.click()
    await editor.getByRole('group', { name: 'Mode' }).getByRole('radio', { name: /^Viewing/ }).click()
    await expect.poll(() => editorBody.getAttribute('contenteditable')).toBe('false')
    // Google Docs' keys work too.
    await editor.keyboard.press('Control+Alt+Shift+X')
    await expect.poll(() => mode.getAttribute('aria-label')).toBe('Mode: Suggesting')
    await expect.poll(() => editorBody.getAttribute('contenteditable')).toBe('true')

    await editorBody.locator('p').first().click()
    await editor.keyboard.press('End')
    await editor.keyboard.type(' Again.')
    const suggested = editorBody.locator('ins.suggestion--insertion')
    await expect.poll(() => suggested.textContent()).toBe(' Again.')
    expect(await suggested.getAttribute('title')).toMatch(/^Suggested by Eddie, /)
    // Stored on the server as a suggestion, and listed under the story.
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(1)
    await expect.poll(() => editor.getByRole('listitem', { name: 'Suggestion by Eddie' }).count()).toBe(1)

    // The lead reporter sees it marked, puts the caret in it and accepts it from the text.
    const reporter = await signIn('riley', riley.password)
    await reporter.goto(`${server.url}/stories/${id}`)
    // Open suggestions and the record of decisions are listed in the side panel's Review tab.
    await showPanelTab(reporter, 'Review')
    const reporterBody = reporter.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => reporterBody.getAttribute('contenteditable')).toBe('true')
    expect(await reporter.getByRole('button', { name: /^Mode: / }).getAttribute('aria-label')).toBe('Mode: Editing')
    const marked = reporterBody.locator('ins.suggestion--insertion')
    await expect.poll(() => marked.textContent()).toBe(' Again.')
    await marked.click()
    const accept = reporter.getByRole('button', { name: 'Accept suggestion' })
    await accept.waitFor()
    // The popover names who suggested it, in words on screen.
    expect(await reporter.getByRole('group', { name: 'Suggestion by Eddie' }).textContent()).toContain('Suggested by Eddie')
    await accept.click()

    // Plain text everywhere: in the stored story, and with no insertion mark in either browser.
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(0)
    expect(bodyBlocks((await stored(server, id)))).toEqual(['The council delayed its vote. Again.', 'Residents reacted with anger.'])
    await expect.poll(() => marked.count()).toBe(0)
    await expect.poll(() => suggested.count()).toBe(0)
    await expect.poll(() => textOf(editorBody)).toContain('The council delayed its vote. Again.')
    await expect.poll(() => editor.getByRole('listitem', { name: 'Suggestion by Eddie' }).count()).toBe(0)
    // The server records the accept from the change it stored (who, what, whose), and every page
    // open on the story lists it: the reporter's, and the editor's too.
    const decisions = reporter.getByRole('region', { name: 'Suggestion decisions' })
    await expect.poll(() => textOf(decisions)).toMatch(/Accepted by Riley · ‘ Again\.’ by Eddie · /)
    await expect.poll(() => textOf(editor.getByRole('region', { name: 'Suggestion decisions' }))).toMatch(/Accepted by Riley · ‘ Again\.’ by Eddie · /)

    // Backspace strikes text out (the browser's own deletion path): it stays, marked, until the
    // reporter rejects the suggestion from the list under the story.
    await editorBody.locator('p').last().click()
    await editor.keyboard.press('End')
    for (let i = 0; i < 'anger.'.length; i++) await editor.keyboard.press('Backspace')
    const struck = editorBody.locator('del.suggestion--deletion')
    await expect.poll(() => struck.textContent()).toBe('anger.')
    await expect.poll(() => textOf(editorBody)).toContain('Residents reacted with anger.')
    const item = reporter.getByRole('listitem', { name: 'Suggestion by Eddie' })
    await expect.poll(() => item.count()).toBe(1)
    // Rejected once the reporter's list shows the whole deletion, as a person reads it before
    // deciding: a backspace still on its way would arrive after the rejection, struck still.
    await expect.poll(() => item.locator('del').textContent()).toBe('anger.')
    await item.getByRole('button', { name: 'Reject', exact: true }).click()
    await expect.poll(() => struck.count()).toBe(0)
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(0)
    await expect.poll(() => textOf(decisions)).toMatch(/Rejected by Riley · ‘anger\.’ by Eddie · .*Accepted by Riley/)
    expect(bodyBlocks((await stored(server, id)))).toEqual(['The council delayed its vote. Again.', 'Residents reacted with anger.'])
  })

  it('paragraph breaks are suggested too: Enter and Backspace at a paragraph start, rejected and accepted by the reporter', async ({ server, signIn }) => {
    const chief = await addUser(server, 'casey2', 'chief')
    const riley = await addUser(server, 'riley2', 'reporter')
    const eddie = await addUser(server, 'eddie2', 'editor')
    const id = await importStoryVia(server.url, chief.token, '1. News\n\nBridge reopens\n\nThe bridge reopened on Monday after repairs.\n\nTraffic was light.')
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: riley.id }, chief.token, 'PATCH')).status).toBe(200)

    const editor = await signIn('eddie2', eddie.password)
    await editor.goto(`${server.url}/stories/${id}`)
    // Open suggestions and the record of decisions are listed in the side panel's Review tab.
    await showPanelTab(editor, 'Review')
    const editorBody = editor.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => editorBody.getAttribute('contenteditable')).toBe('true')
    // Editors who are not on the story review in suggest mode by default.
    await expect.poll(() => editor.getByRole('button', { name: /^Mode: / }).getAttribute('aria-label')).toBe('Mode: Suggesting')

    // Enter in the middle of the first paragraph, then typing: one suggestion, a new paragraph.
    await editorBody.locator('p').first().click()
    await editor.keyboard.press('End')
    for (let i = 0; i < ' after repairs.'.length; i++) await editor.keyboard.press('ArrowLeft')
    // Enter acts on ProseMirror's selection, which follows the browser's on its next selectionchange.
    await selectionTaken(editor)
    await editor.keyboard.press('Enter')
    await editor.keyboard.type('Crews worked')
    await expect.poll(async () => bodyBlocks((await stored(server, id)))).toEqual(['The bridge reopened on Monday', 'Crews worked after repairs.', 'Traffic was light.'])
    const newParagraph = editorBody.locator('p[data-suggested-break="split"]')
    expect(await newParagraph.getAttribute('title')).toMatch(/^New paragraph\. Suggested by Eddie2?, /i)
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(1)

    // Backspace at the start of the last paragraph suggests joining it: it stays a paragraph.
    await editorBody.locator('p').last().click()
    await editor.keyboard.press('Home')
    await selectionTaken(editor)
    await editor.keyboard.press('Backspace')
    await expect.poll(() => editorBody.locator('p[data-suggested-break="join"]').count()).toBe(1)
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(2)
    expect(bodyBlocks((await stored(server, id)))).toHaveLength(3)

    // The reporter rejects the new paragraph and accepts the join, from the list under the story.
    const reporter = await signIn('riley2', riley.password)
    await reporter.goto(`${server.url}/stories/${id}`)
    // Open suggestions and the record of decisions are listed in the side panel's Review tab.
    await showPanelTab(reporter, 'Review')
    const items = reporter.getByRole('listitem', { name: /^Suggestion by Eddie/ })
    await expect.poll(() => items.count()).toBe(2)
    await expect.poll(() => textOf(items.first())).toContain('¶Crews worked')
    // Each item says what it does: the break suggested away reads as joined paragraphs.
    expect(await textOf(items.nth(1))).toContain('Joined paragraphs')
    await items.first().getByRole('button', { name: 'Reject', exact: true }).click()
    await expect.poll(() => items.count()).toBe(1)
    await items.first().getByRole('button', { name: 'Accept', exact: true }).click()
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(0)
    expect(bodyBlocks((await stored(server, id)))).toEqual(['The bridge reopened on Monday after repairs.Traffic was light.'])
    await expect.poll(() => editorBody.locator('p').count()).toBe(1)

    // Formatting is suggested too: Ctrl+B on a word applies bold at once, recorded; the reporter
    // rejects it from the text and the word is plain again, everywhere.
    await editorBody.locator('p').first().dblclick({ position: { x: 10, y: 8 } })
    await selectionTaken(editor)
    await editor.keyboard.press('Control+b')
    const bolded = editorBody.locator('span.suggestion--format strong, strong span.suggestion--format')
    await expect.poll(() => bolded.count()).toBe(1)
    expect(await editorBody.locator('span.suggestion--format').first().getAttribute('title')).toMatch(/^Bold\. Suggested by Eddie2/)
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(1)
    await expect.poll(() => textOf(items.first())).toMatch(/Bold: ‘The’/)
    await items.first().getByRole('button', { name: 'Reject', exact: true }).click()
    await expect.poll(async () => countOpenSuggestions((await stored(server, id)))).toBe(0)
    await expect.poll(() => editorBody.locator('strong').count()).toBe(0)
    await expect.poll(() => reporter.getByRole('textbox', { name: 'Story body' }).locator('strong').count()).toBe(0)
    const decisions = reporter.getByRole('region', { name: 'Suggestion decisions' })
    await expect.poll(() => textOf(decisions)).toMatch(/Rejected by Riley2 · ‘Bold: The’ by Eddie2/)
  })
})
