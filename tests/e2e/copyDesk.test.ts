/**
 * Copy desk checks in Chromium (issue 13, "Done when"): a misspelling typed by one person is
 * marked, its menu offers the right word and choosing it fixes the text for everyone; a date
 * written the long way is flagged with AP's form; a word added to the newsroom dictionary stops
 * being marked in another person's open editor; and none of it is in the story's Yjs document or
 * its exports, nor in a saved version. The "Check spelling and style as I type" switch turns all of
 * it off (no checker worker at all), this browser remembers it, and turning it on checks the story.
 * `COPYDESK_SCREENSHOT=<file.png>` saves the page with marks and a menu open.
 */
import { describe, expect, test } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { bodyBlocks, getBody } from '../../src/shared/storyDoc'
import { browserFixtures } from '../helpers/browserTest'
import { showPanelTab, signInOn, textOf } from '../helpers/e2e'
import { addUser, getJson, importStoryVia, sendJson } from '../helpers/server'

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

  it('keeps the marks out of a saved version', async ({ server, signIn }) => {
    const chief = await addUser(server, 'cleo', 'chief')
    const reporter = await addUser(server, 'remy', 'reporter')
    const id = await importStoryVia(server.url, chief.token, 'Council vote\n\nThe goverment said it would recieve the report on September 14.')
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: reporter.id }, chief.token, 'PATCH')).status).toBe(200)
    const page = await signIn('remy', reporter.password)
    await page.goto(`${server.url}/stories/${id}`)
    const body = await storyBody(page)
    await expect.poll(() => body.locator('[aria-invalid]').count(), { timeout: 15_000 }).toBe(3)
    expect(await marks(body, 'spelling', 'goverment').count()).toBe(1)

    // Saved from the History tab while the page shows the marks.
    await showPanelTab(page, 'History')
    await page.getByLabel('Version name').fill('With typos')
    await page.getByRole('button', { name: 'Save version' }).click()
    await expect.poll(() => page.getByRole('list', { name: 'Version history' }).getByText('With typos').count()).toBe(1)
    const [version] = await server.services.versions.list(id)
    expect(version?.name).toBe('With typos')
    const saved = await server.services.versions.load(id, version!.id)
    const text = getBody(saved!.doc).toString()
    saved!.doc.destroy()
    // The words as written, and nothing of the marks: no attribute, class or mark of the copy desk.
    expect(text).toContain('The goverment said it would recieve the report on September 14.')
    expect(text).not.toMatch(/aria-invalid|copydesk|spelling|grammar/i)
    // What the History tab's comparison reads from the version: the same text, no markup.
    const compared = await getJson(`${server.url}/api/stories/${id}/versions/compare?from=${version!.id}&to=current`, chief.token)
    expect(compared.status).toBe(200)
    expect(JSON.stringify(compared.body)).toContain('goverment')
    expect(JSON.stringify(compared.body)).not.toMatch(/aria-invalid|copydesk/i)
  })

  it('turns checks off and on with the switch, remembered in this browser', async ({ server, signIn }) => {
    const chief = await addUser(server, 'cora', 'chief')
    const reporter = await addUser(server, 'reid', 'reporter')
    const id = await importStoryVia(server.url, chief.token, 'Council vote\n\nThe goverment met.\n\nThey meet again on September 14.')
    expect((await sendJson(`${server.url}/api/stories/${id}/desk`, { lead: reporter.id }, chief.token, 'PATCH')).status).toBe(200)
    const page = await signIn('reid', reporter.password)
    // The checker's workers this page starts (the checks, and spellings for a menu).
    const workers: string[] = []
    page.on('worker', (worker) => workers.push(worker.url()))
    await page.goto(`${server.url}/stories/${id}`)
    const body = await storyBody(page)
    await expect.poll(() => body.locator('[aria-invalid]').count(), { timeout: 15_000 }).toBe(2)
    expect(workers.filter((url) => /checkWorker/.test(url))).toHaveLength(1)
    // The Review tab's badge counts the issues with the open comments and suggestions.
    await expect.poll(() => page.getByRole('tab', { name: 'Review, 2 copy desk issues' }).count()).toBe(1)

    // Off: the marks go, and the count with them.
    await showPanelTab(page, 'Review')
    const checks = page.getByRole('region', { name: 'Copy desk checks' })
    const toggle = checks.getByRole('switch', { name: 'Check spelling and style as I type' })
    expect(await toggle.isChecked()).toBe(true)
    // The status says the whole story is checked, counting its paragraphs.
    const status = checks.getByRole('status')
    await expect.poll(() => status.textContent()).toBe('Story checked.')
    expect([await status.getAttribute('data-checked'), await status.getAttribute('data-paragraphs')]).toEqual(['2', '2'])
    await toggle.uncheck()
    await expect.poll(() => status.count()).toBe(0)
    await expect.poll(() => body.locator('[aria-invalid]').count()).toBe(0)
    await expect.poll(() => checks.getByRole('heading').textContent()).toMatch(/checks off$/)
    await expect.poll(() => page.getByRole('tab', { name: /^Review/ }).getAttribute('aria-label')).toBeNull()
    // Typing a misspelling now marks nothing.
    await body.locator('p').last().click()
    await page.keyboard.press('End')
    await page.keyboard.type(' Teh end.')
    await expect.poll(() => textOf(body)).toContain('on September 14. Teh end.')

    // Opened again, the page remembers: no checker worker is started at all.
    workers.length = 0
    await page.reload()
    const reopened = await storyBody(page)
    await expect.poll(() => textOf(reopened)).toContain('Teh end.')
    const toggleAgain = page.getByRole('region', { name: 'Copy desk checks' }).getByRole('switch', { name: 'Check spelling and style as I type' })
    await expect.poll(() => toggleAgain.isChecked()).toBe(false)
    expect(await reopened.locator('[aria-invalid]').count()).toBe(0)
    expect(workers.filter((url) => /checkWorker/.test(url))).toEqual([])

    // On again (from the keyboard): the whole story is checked, the new misspelling too.
    await toggleAgain.focus()
    await page.keyboard.press('Space')
    await expect.poll(() => reopened.locator('[aria-invalid]').count(), { timeout: 15_000 }).toBe(3)
    expect(await marks(reopened, 'spelling', 'Teh').count()).toBe(1)
    await expect.poll(() => page.getByRole('region', { name: 'Copy desk checks' }).getByRole('status').textContent()).toBe('Story checked.')
    expect(workers.filter((url) => /checkWorker/.test(url))).toHaveLength(1)
  })

  it('edits the story without checks when their code cannot be loaded (offline before it was kept)', async ({ server, browser }) => {
    const reporter = await addUser(server, 'oona', 'reporter')
    const id = await importStoryVia(server.url, reporter.token, 'Offline\n\nThe goverment met.')
    // No service worker to serve it from its copy; the story page's on-demand code cannot be fetched.
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 }, serviceWorkers: 'block' })
    try {
      const page = await context.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      const workers: string[] = []
      page.on('worker', (worker) => workers.push(worker.url()))
      await page.route(/\/assets\/onDemand-[\w-]+\.js$/, (route) => route.abort('internetdisconnected'))
      await signInOn(page, server.url, 'oona', reporter.password)
      await page.goto(`${server.url}/stories/${id}`)
      const body = await storyBody(page)
      await body.locator('p').last().click()
      await page.keyboard.press('End')
      await page.keyboard.type(' Teh end.')
      await expect.poll(() => textOf(body)).toContain('The goverment met. Teh end.')
      expect(await body.locator('[aria-invalid]').count()).toBe(0)
      expect(workers.filter((url) => /checkWorker/.test(url))).toEqual([])
      // What the Review tab's copy desk panel says once it can be loaded (TipTap keeps the editor on its element).
      const error = () => body.evaluate((element) => (element as unknown as { editor: { storage: { copyDesk: { error: string | null } } } }).editor.storage.copyDesk.error)
      await expect.poll(error).toMatch(/could not be loaded \(offline\?\)/)
      // The Review tab's tools share that code: the tab says it could not be loaded.
      await showPanelTab(page, 'Review')
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'could not load the review tools' }).count()).toBe(1)
      // No uncaught error, no unhandled rejection.
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  })
})
