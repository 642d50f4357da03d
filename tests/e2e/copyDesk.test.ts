/**
 * Copy desk checks in Chromium (issue 13, "Done when"): a misspelling typed by one person is
 * marked, its menu offers the right word and choosing it fixes the text for everyone; a date
 * written the long way is flagged with AP's form; a word added to the newsroom dictionary stops
 * being marked in another person's open editor; and none of it is in the story's Yjs document or
 * its exports. `COPYDESK_SCREENSHOT=<file.png>` saves the page with marks and a menu open.
 */
import { describe, expect, test } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { bodyBlocks, getBody } from '../../src/shared/storyDoc'
import { browserFixtures } from '../helpers/browserTest'
import { showPanelTab, textOf } from '../helpers/e2e'
import { addUser, importStoryVia, sendJson } from '../helpers/server'

const it = test.extend(browserFixtures)

/** The story body of a page, once it may be typed in. */
async function storyBody(page: Page): Promise<Locator> {
  const body = page.getByRole('textbox', { name: 'Story body' })
  await expect.poll(() => body.getAttribute('contenteditable')).toBe('true')
  return body
}

/**
 * Let the page take the selection the last keys made (a frame, then a task): Chromium reports a
 * caret moved by End or an arrow a little later, and Enter or Ctrl+. act on the editor's selection.
 */
function selectionTaken(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))
}

/** The marks of `kind` on `text` in `body`. */
const marks = (body: Locator, kind: 'spelling' | 'grammar', text: string) => body.locator(`[aria-invalid="${kind}"]`, { hasText: new RegExp(`^${text}$`) })

/** The story as stored on `server`. */
async function stored(server: RunningServer, id: string) {
  const loaded = await server.storage.loadDoc(id)
  if (!loaded) throw new Error(`story ${id} is not stored`)
  return loaded.doc
}

describe('copy desk checks in Chromium', () => {
  it('marks, fixes for everyone, flags AP dates, learns newsroom words live, and stores none of it', async ({ server, signIn }) => {
    const chief = await addUser(server, 'casey', 'chief')
    const riley = await addUser(server, 'riley', 'reporter')
    const rowan = await addUser(server, 'rowan', 'reporter')
    const id = await importStoryVia(server.url, chief.token, '1. News\n\nCouncil budget\n\nThe council met on Monday.')
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: riley.id, contributors: [rowan.id] }, chief.token, 'PATCH')).status).toBe(200)

    const writer = await signIn('riley', riley.password)
    await writer.goto(`${server.url}/stories/${id}`)
    const other = await signIn('rowan', rowan.password)
    await other.goto(`${server.url}/stories/${id}`)
    const writerBody = await storyBody(writer)
    const otherBody = await storyBody(other)

    // A misspelling, typed: marked here and, as the edit arrives, in the other editor too.
    await writerBody.locator('p').first().click()
    await writer.keyboard.press('End')
    await selectionTaken(writer)
    await writer.keyboard.press('Enter')
    await writer.keyboard.type('The goverment said')
    await expect.poll(() => marks(writerBody, 'spelling', 'goverment').count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => marks(otherBody, 'spelling', 'goverment').count(), { timeout: 15_000 }).toBe(1)
    // Words the dictionary has are not marked.
    await expect.poll(() => writerBody.locator('[aria-invalid]').count()).toBe(1)

    // Its menu offers "government"; choosing it fixes the text for everyone.
    await marks(writerBody, 'spelling', 'goverment').click()
    const spellingMenu = writer.getByRole('menu', { name: 'Spelling: goverment' })
    await spellingMenu.waitFor()
    await spellingMenu.getByRole('menuitem', { name: 'government', exact: true }).click()
    await expect.poll(() => textOf(otherBody)).toContain('The government said')
    expect(await textOf(writerBody)).toContain('The government said')
    await expect.poll(() => otherBody.locator('[aria-invalid]').count()).toBe(0)
    await expect.poll(() => spellingMenu.count()).toBe(0)

    // A date the long way: flagged, with AP's form offered.
    await writer.keyboard.press('End')
    await writer.keyboard.type(' on September 14.')
    await expect.poll(() => marks(writerBody, 'grammar', 'September 14').count(), { timeout: 15_000 }).toBe(1)
    await marks(writerBody, 'grammar', 'September 14').click()
    const styleMenu = writer.getByRole('menu', { name: 'House style: September 14' })
    await styleMenu.waitFor()
    // The menu is described by the rule's message.
    expect(await writer.locator(`[id="${await styleMenu.getAttribute('aria-describedby')}"]`).textContent()).toMatch(/abbreviates Sept\./)
    const sept = styleMenu.getByRole('menuitem', { name: 'Sept. 14', exact: true })
    await sept.waitFor()
    if (process.env.COPYDESK_SCREENSHOT) {
      // Something misspelled beside it, for the picture.
      await writer.screenshot({ path: process.env.COPYDESK_SCREENSHOT })
    }
    await sept.click()
    await expect.poll(() => textOf(otherBody)).toContain('The government said on Sept. 14.')

    // A name the dictionary lacks, marked in both editors until the writer adds it for the newsroom.
    await writer.keyboard.press('End')
    await selectionTaken(writer)
    await writer.keyboard.press('Enter')
    await writer.keyboard.type('Ryabkov agreed.')
    await expect.poll(() => marks(otherBody, 'spelling', 'Ryabkov').count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => marks(writerBody, 'spelling', 'Ryabkov').count(), { timeout: 15_000 }).toBe(1)
    await marks(writerBody, 'spelling', 'Ryabkov').click()
    await writer.getByRole('menu', { name: 'Spelling: Ryabkov' }).getByRole('menuitem', { name: 'Add to dictionary' }).click()
    await expect.poll(() => marks(writerBody, 'spelling', 'Ryabkov').count()).toBe(0)
    // The other person's open editor hears of it from the server and stops marking it.
    await expect.poll(() => marks(otherBody, 'spelling', 'Ryabkov').count(), { timeout: 15_000 }).toBe(0)
    expect(await textOf(otherBody)).toContain('Ryabkov agreed.')

    // From the keyboard: Ctrl+. with the caret in a marked word opens its menu, focus on the first spelling.
    await writer.keyboard.press('End')
    await writer.keyboard.type(' Officials were not immediatly available.')
    await expect.poll(() => marks(writerBody, 'spelling', 'immediatly').count(), { timeout: 15_000 }).toBe(1)
    for (let step = 0; step < ' available.'.length; step++) await writer.keyboard.press('ArrowLeft')
    await writer.keyboard.press('Control+Period')
    const keyboardMenu = writer.getByRole('menu', { name: 'Spelling: immediatly' })
    await keyboardMenu.waitFor()
    await expect.poll(() => writer.evaluate(() => document.activeElement?.textContent)).toBe('immediately')
    await writer.keyboard.press('Enter')
    await expect.poll(() => textOf(otherBody)).toContain('Officials were not immediately available.')

    // The Review tab counts what is left and jumps to it.
    await writer.keyboard.press('End')
    await writer.keyboard.type(' It was okay.')
    await expect.poll(() => marks(writerBody, 'grammar', 'okay').count(), { timeout: 15_000 }).toBe(1)
    await showPanelTab(writer, 'Review')
    const checks = writer.getByRole('region', { name: 'Copy desk checks' })
    await expect.poll(() => checks.getByRole('heading').textContent()).toMatch(/1 issue$/)
    await checks.getByRole('button', { name: /^okay/ }).click()
    await expect.poll(() => writer.evaluate(() => window.getSelection()?.toString())).toBe('okay')

    // An administrator turns the OK rule off on the admin page: the writer's open editor stops flagging it.
    await addUser(server, 'ada', 'admin')
    const admin = await signIn('ada', 'correct horse')
    await admin.goto(`${server.url}/admin`)
    const okRule = admin.getByRole('list', { name: 'House-style rules' }).getByRole('checkbox', { name: /^OK —/ })
    await expect.poll(() => okRule.isChecked()).toBe(true)
    await okRule.uncheck()
    await expect.poll(() => marks(writerBody, 'grammar', 'okay').count(), { timeout: 15_000 }).toBe(0)
    await expect.poll(() => checks.getByRole('heading').textContent()).toMatch(/no issues$/)

    // Nothing of it in the story: not in the Yjs document the server stores, not in any export.
    await expect.poll(async () => getBody(await stored(server, id)).toString()).toContain('It was okay.')
    expect(bodyBlocks(await stored(server, id))).toEqual([
      'The council met on Monday.',
      'The government said on Sept. 14.',
      'Ryabkov agreed. Officials were not immediately available. It was okay.',
    ])
    const body = getBody(await stored(server, id)).toString()
    expect(body).not.toMatch(/aria-invalid|copydesk|spelling|grammar/i)
    for (const format of ['html', 'ninjs', 'newsml', 'text']) {
      const exported = await fetch(`${server.url}/api/stories/${id}/export?format=${format}`, { headers: { authorization: `Bearer ${chief.token}` } })
      expect(exported.status).toBe(200)
      const text = await exported.text()
      expect(text).toContain('immediately available')
      expect(text).not.toMatch(/aria-invalid|copydesk/i)
    }
  })
})
