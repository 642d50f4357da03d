/**
 * Story search in the story list (issue 15), in Chromium against the built app and a real server:
 * a word only in a story's body finds it through the server, with the body around the word under
 * the headline and the word marked; headline words are still found with no server answer needed.
 */
import { describe, expect, test } from 'vitest'
import { browserFixtures } from '../helpers/browserTest'
import { addUser, importStoryVia } from '../helpers/server'

const it = test.extend(browserFixtures)

describe('story list search', () => {
  it('finds a story by a word only in its body and shows the body around it', async ({ server, signIn }) => {
    const rita = await addUser(server, 'rita', 'reporter')
    await importStoryVia(server.url, rita.token, 'Council meets\n\nThe harbour authority approved a zeppelin mooring mast on Tuesday.\n')
    await importStoryVia(server.url, rita.token, 'Transport plans\n\nA new tram line will pass the harbour by 2030.\n')
    const page = await signIn(rita.username, rita.password)
    const rows = page.getByRole('table').getByRole('row')
    await expect.poll(() => rows.count()).toBe(3)

    const search = page.getByRole('searchbox', { name: /Search stories.*text/ })
    expect(await search.getAttribute('placeholder')).toContain('text')
    await search.fill('ZEPPELIN')
    await expect.poll(() => rows.count()).toBe(2)
    const row = page.getByRole('row', { name: /Council meets/ })
    const snippet = row.locator('.search-snippet')
    await expect.poll(() => snippet.textContent()).toContain('The harbour authority approved a zeppelin mooring mast on Tuesday.')
    expect(await snippet.locator('mark').allTextContents()).toEqual(['zeppelin'])

    // Every word must be there: only the tram story's body has both.
    await search.fill('harbour tram')
    await expect.poll(() => page.getByRole('row', { name: /Transport plans/ }).count()).toBe(1)
    await expect.poll(() => rows.count()).toBe(2)
    expect(await page.getByRole('row', { name: /Transport plans/ }).locator('mark').allTextContents()).toEqual(['tram', 'harbour'])
  })
})
