/**
 * A reporter assigned only a part of a story, in Chromium (issue 15, src/editor/partLock.ts): the
 * editor says which part is theirs, their typing there is saved, and the rest of the story is
 * read-only to them.
 */
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { bodyBlocks, encodeAnchor, getBody } from '../../src/shared/storyDoc'
import { browserFixtures } from '../helpers/browserTest'
import { addUser, importStoryVia, sendJson } from '../helpers/server'

const it = test.extend(browserFixtures)

describe('a part-only reporter in the editor', () => {
  it('types in their part and cannot type in another paragraph', async ({ server, signIn }) => {
    const chief = await addUser(server, 'chief', 'admin')
    const lena = await addUser(server, 'lena', 'reporter')
    const robin = await addUser(server, 'robin', 'reporter')
    const id = await importStoryVia(server.url, chief.token, 'Floods\n\nThe river rose overnight.\n\nResidents were calm.\n\nThe mayor spoke at noon.\n')
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: lena.id }, chief.token, 'PATCH')).status).toBe(200)
    // The second paragraph is Robin's, anchored as the parts panel anchors it.
    let anchors = { start: '', end: '' }
    await server.services.rooms.change(id, (room) => {
      const body = getBody(room.doc)
      anchors = { start: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 1, 0)), end: encodeAnchor(Y.createRelativePositionFromTypeIndex(body, 2, -1)) }
    })
    expect((await sendJson(`${server.url}/api/stories/${id}/parts`, { ...anchors, assignee: robin.id, label: 'Reaction' }, chief.token)).status).toBe(201)
    const stored = async () => bodyBlocks((await server.storage.loadDoc(id))!.doc)

    const page = await signIn(robin.username, robin.password)
    await page.goto(`${server.url}/stories/${id}`)
    const body = page.getByRole('textbox', { name: 'Story body' })
    await body.getByText('Residents were calm.').waitFor()
    const note = page.getByRole('note').filter({ hasText: 'You can edit only your part: Reaction' })
    await note.waitFor()
    // Screen readers hear the note with the story body.
    expect(await note.getAttribute('id')).toBe(await body.getAttribute('aria-describedby'))

    await body.getByText('Residents were calm.').click()
    await page.keyboard.press('End')
    await page.keyboard.type(' Nobody left.')
    await expect.poll(stored).toEqual(['The river rose overnight.', 'Residents were calm. Nobody left.', 'The mayor spoke at noon.'])

    // Another paragraph: clicking there and typing changes nothing, on the page or on the server.
    await body.getByText('The mayor spoke at noon.').click()
    await page.keyboard.press('End')
    await page.keyboard.type(' Not mine.')
    await page.keyboard.press('Backspace')
    await page.keyboard.press('Enter')
    // Back in the part, an edit goes through: anything typed before it would have been saved first.
    await body.getByText('Residents were calm. Nobody left.').click()
    await page.keyboard.press('End')
    await page.keyboard.type(' Shops opened.')
    await expect.poll(stored).toEqual(['The river rose overnight.', 'Residents were calm. Nobody left. Shops opened.', 'The mayor spoke at noon.'])
    expect(await body.locator('p').allTextContents()).toEqual(['The river rose overnight.', 'Residents were calm. Nobody left. Shops opened.', 'The mayor spoke at noon.'])

    // A new paragraph at the end of the part is the part's: it can be written at once, and is kept.
    await page.keyboard.press('Enter')
    await page.keyboard.type('A second voice.')
    await expect.poll(stored).toEqual(['The river rose overnight.', 'Residents were calm. Nobody left. Shops opened.', 'A second voice.', 'The mayor spoke at noon.'])
    await expect.poll(() => body.locator('p.part-lock__locked').allTextContents()).toEqual(['The river rose overnight.', 'The mayor spoke at noon.'])
    // The story's metadata is not the part's: read-only too.
    expect(await page.getByRole('textbox', { name: 'Headline' }).isDisabled()).toBe(true)
  })
})
