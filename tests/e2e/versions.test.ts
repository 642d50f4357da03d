/**
 * Versions in Chromium: a reporter names a version in the panel, an editor changes the text in
 * another browser, the comparison shows the change with its author, and a restore brings the
 * text back in the reporter's browser live.
 */
import { describe, expect, test } from 'vitest'
import { browserFixtures } from '../helpers/browserTest'
import { showPanelTab, textOf } from '../helpers/e2e'
import { addUser, importStoryVia, sendJson } from '../helpers/server'

const it = test.extend(browserFixtures)

describe('versions in Chromium', () => {
  it('name a version, change the text, compare shows the change, restore brings it back live', async ({ server, signIn }) => {
    const chief = await addUser(server, 'chief', 'chief')
    const riley = await addUser(server, 'riley', 'reporter')
    const ed = await addUser(server, 'ed', 'editor')
    const id = await importStoryVia(server.url, chief.token, 'Council delays budget vote\n\nThe council delayed its vote.\n\nResidents reacted with anger.')
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: riley.id }, chief.token, 'PATCH')).status).toBe(200)

    const reporter = await signIn('riley', riley.password)
    const editor = await signIn('ed', ed.password)
    await reporter.goto(`${server.url}/stories/${id}`)
    await editor.goto(`${server.url}/stories/${id}`)
    // Versions are on the side panel's History tab.
    await showPanelTab(reporter, 'History')
    await showPanelTab(editor, 'History')
    const history = reporter.getByRole('list', { name: 'Version history' })

    // Riley names the current state.
    await reporter.getByLabel('Version name').fill('As filed')
    await reporter.getByRole('button', { name: 'Save version' }).click()
    await expect.poll(() => history.getByText('As filed').count()).toBe(1)
    // The editor's panel hears about it live.
    await expect.poll(() => editor.getByRole('list', { name: 'Version history' }).getByText('As filed').count()).toBe(1)

    // The editor changes the text.
    const editorBody = editor.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => editorBody.getAttribute('contenteditable')).toBe('true')
    await editorBody.locator('p').first().click()
    await editor.keyboard.press('End')
    await editor.keyboard.type(' Again.')
    const reporterBody = reporter.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => textOf(reporterBody)).toContain('The council delayed its vote. Again.')

    // Comparing the version with the current text shows the addition and who made it.
    await reporter.getByRole('button', { name: 'Compare', exact: true }).click()
    const added = reporter.getByRole('region', { name: 'Comparison' }).locator('ins')
    await expect.poll(() => added.count()).toBe(1)
    expect(await added.textContent()).toBe(' Again.')
    expect(await added.getAttribute('title')).toBe('Added by Ed')

    // The editor restores the version (with a confirm step); Riley's text follows live.
    await editor.getByRole('button', { name: 'Restore As filed' }).click()
    await editor.getByRole('button', { name: 'Restore now' }).click()
    await expect.poll(() => textOf(reporterBody)).not.toContain('Again.')
    expect(await textOf(reporterBody)).toContain('The council delayed its vote.')
    await expect.poll(() => history.getByText('Before restoring “As filed”').count()).toBe(1)
  })
})
