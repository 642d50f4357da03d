import path from 'node:path'
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { STORIES_DIR } from '../helpers/fixtures'
import { bodyBlocks, encodeAnchor, getBody } from '../../src/shared/storyDoc'
import { browserFixtures, type BrowserFixtures } from '../helpers/browserTest'
import { builtApp, textOf } from '../helpers/e2e'
import { addUser, createStoryVia, importStoryVia, lockDatabase, sendJson, signInAs, startTestServer, tempDataDir, type TestRole } from '../helpers/server'
import { connectClient, synced } from '../helpers/clients'

const PASSWORD = 'correct horse'

/** A person with an account on `on` (the file's server by default; created on first use), signed in through the real sign-in page. */
type Person = (username: string, role: TestRole, on?: RunningServer) => Promise<Page>

const it = test.extend<BrowserFixtures & { person: Person }>({
  ...browserFixtures,
  person: async ({ server, signIn }, use) =>
    use(async (username, role, on = server) => {
      if (!(await on.services.users.byUsername(username))) await addUser(on, username, role, PASSWORD)
      return signIn(username, PASSWORD, on)
    }),
})

/** A token for API calls as the desk on `server` (created as a desk chief on first use). */
async function apiToken(server: RunningServer): Promise<string> {
  return signInAs(server, 'desk', 'admin')
}

describe('editor in Chromium', () => {
  it('two people on one story see each other typing, carets and headline changes', async ({ server, person }) => {
    const id = await createStoryVia(server.url, await apiToken(server), { headline: 'Council meets' })
    const ann = await person('ann', 'editor')
    const ben = await person('ben', 'editor')
    await ann.goto(`${server.url}/stories/${id}`)
    await ben.goto(`${server.url}/stories/${id}`)
    for (const page of [ann, ben]) {
      await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toBe('Connected')
    }

    const annBody = ann.getByRole('textbox', { name: 'Story body' })
    await annBody.click()
    await ann.keyboard.type('The council met on Tuesday.')
    const benBody = ben.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => benBody.textContent()).toContain('The council met on Tuesday.')

    // Ben types in the same paragraph; both converge.
    await benBody.click()
    await ben.keyboard.press('End')
    await ben.keyboard.type(' Ben was there.')
    await expect.poll(() => annBody.textContent()).toContain('The council met on Tuesday. Ben was there.')

    // Carets carry names: Ann sees Ben's and Ben sees Ann's.
    await expect.poll(() => ann.locator('.collab-caret__label').allTextContents()).toContain('Ben')
    await expect.poll(() => ben.locator('.collab-caret__label').allTextContents()).toContain('Ann')
    // Presence lists both.
    await expect.poll(() => ann.getByRole('list', { name: 'In this story now' }).textContent()).toContain('Ben')

    // Headline change syncs into the other panel and the page heading.
    await ann.getByLabel('Headline').fill('Council approves budget')
    await expect.poll(() => ben.getByLabel('Headline').inputValue()).toBe('Council approves budget')
    await expect.poll(() => ben.getByRole('heading', { level: 1 }).textContent()).toBe('Council approves budget')

    // Saved state reaches "saved" after the server stored the edits.
    await expect.poll(() => ann.getByRole('status', { name: 'Save state' }).textContent(), { timeout: 5_000 }).toBe('All changes saved')
  })

  it('formats with the toolbar and shortcuts, and undoes only your own changes', async ({ server, person }) => {
    const id = await createStoryVia(server.url, await apiToken(server), { headline: 'Formatting' })
    const ann = await person('ann', 'editor')
    const ben = await person('ben', 'editor')
    await ann.goto(`${server.url}/stories/${id}`)
    await ben.goto(`${server.url}/stories/${id}`)
    const annBody = ann.getByRole('textbox', { name: 'Story body' })
    const benBody = ben.getByRole('textbox', { name: 'Story body' })
    await annBody.click()
    await ann.keyboard.type('Mayor resigns')
    await expect.poll(() => textOf(benBody)).toBe('Mayor resigns')

    // Ben adds his own sentence; Ann's undo removes her typing and leaves his.
    await benBody.click()
    await ben.keyboard.press('End')
    await ben.keyboard.type(' after vote.')
    await expect.poll(() => textOf(annBody)).toBe('Mayor resigns after vote.')
    await ann.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => textOf(annBody)).toBe(' after vote.')
    await expect.poll(() => textOf(benBody)).toBe(' after vote.')
    await ann.getByRole('button', { name: 'Redo' }).click()
    await expect.poll(() => textOf(benBody)).toBe('Mayor resigns after vote.')

    // Bold by shortcut, link by Ctrl+K, a subhead from the toolbar: all reach Ben.
    await annBody.locator('p').first().click()
    // Select-all is handled by ProseMirror's keymap itself, so the selection is in the editor's
    // state at once (a DOM selection reaches it a moment later).
    await ann.keyboard.press('Control+a')
    await ann.keyboard.press('Control+b')
    await expect.poll(() => benBody.locator('strong').count()).toBe(1)
    expect(await benBody.locator('strong').textContent()).toBe('Mayor resigns after vote.')
    expect(await ann.getByRole('button', { name: 'Bold' }).getAttribute('aria-pressed')).toBe('true')
    await ann.keyboard.press('Control+k')
    const address = ann.getByLabel('Link address')
    await address.fill('https://example.org/mayor')
    await address.press('Enter')
    await expect.poll(() => benBody.locator('a').count()).toBe(1)
    expect(await benBody.locator('a').getAttribute('href')).toBe('https://example.org/mayor')
    await ann.getByRole('button', { name: 'H2 subhead', exact: true }).click()
    await expect.poll(() => benBody.locator('h2').count()).toBe(1)
  })

  it('keeps typing offline and saves it when the server is back', async ({ person }) => {
    const dataDir = tempDataDir()
    let local = await startTestServer({ staticDir: builtApp(), dataDir })
    const port = local.port
    const id = await createStoryVia(local.url, await signInAs(local, 'desk', 'admin'))
    const page = await person('dee', 'editor', local)
    await page.goto(`${local.url}/stories/${id}`)
    const body = page.getByRole('textbox', { name: 'Story body' })
    const connection = page.getByRole('status', { name: 'Connection' })
    const saved = page.getByRole('status', { name: 'Save state' })
    await expect.poll(() => connection.textContent()).toBe('Connected')
    await body.click()
    await page.keyboard.type('Before the outage.')
    await expect.poll(() => saved.textContent(), { timeout: 5_000 }).toBe('All changes saved')

    await local.close()
    await expect.poll(() => connection.textContent()).toBe('Offline · reconnecting…')
    await page.keyboard.type(' Written offline.')
    await expect.poll(() => saved.textContent()).toMatch(/^Not saved yet — \d+ changes kept on this device/)

    local = await startTestServer({ staticDir: builtApp(), dataDir, port })
    try {
      await expect.poll(() => connection.textContent(), { timeout: 15_000 }).toBe('Connected')
      await expect.poll(() => saved.textContent(), { timeout: 5_000 }).toBe('All changes saved')
      const row = await local.storage.loadDoc(id)
      expect(row && bodyBlocks(row.doc)).toEqual(['Before the outage. Written offline.'])
    } finally {
      await local.close()
    }
  })

  it('says honestly when the server cannot store, and saves everything once it can', async ({ person }) => {
    const dataDir = tempDataDir()
    const local = await startTestServer({ staticDir: builtApp(), dataDir })
    try {
      const id = await createStoryVia(local.url, await signInAs(local, 'desk', 'admin'))
      const page = await person('dana', 'editor', local)
      await page.goto(`${local.url}/stories/${id}`)
      const body = page.getByRole('textbox', { name: 'Story body' })
      const saved = page.getByRole('status', { name: 'Save state' })
      await body.click()
      await page.keyboard.type('Stored first.')
      await expect.poll(() => saved.textContent(), { timeout: 5_000 }).toBe('All changes saved')

      // Another process holds the database: the edit is not stored, and the page says why.
      const lock = await lockDatabase(dataDir)
      try {
        await page.keyboard.type(' Typed while locked.')
        await expect.poll(() => saved.textContent(), { timeout: 15_000 }).toMatch(/^Not saved — the server cannot store changes/)
        expect(bodyBlocks((await local.storage.loadDoc(id))!.doc)).toEqual(['Stored first.'])
      } finally {
        await lock.release()
      }
      await expect.poll(() => saved.textContent(), { timeout: 15_000 }).toBe('All changes saved')
      expect(bodyBlocks((await local.storage.loadDoc(id))!.doc)).toEqual(['Stored first. Typed while locked.'])
      await expect.poll(() => textOf(body)).toBe('Stored first. Typed while locked.')
    } finally {
      await local.close()
    }
  })

  it('keeps the story list current while someone else edits', async ({ server, person }) => {
    const id = await createStoryVia(server.url, await apiToken(server), { headline: 'Fire downtown', section: 'News' })
    const desk = await person('cara', 'chief')
    const writer = await person('ann', 'editor')
    await desk.goto(`${server.url}/`)
    const row = desk.getByRole('row', { name: /Fire downtown/ })
    await row.waitFor()

    await writer.goto(`${server.url}/stories/${id}`)
    await writer.getByLabel('Headline').fill('Fire downtown: two hurt')
    await writer.getByLabel('Status').selectOption('in_edit')
    await writer.getByLabel('Byline').fill('Ann')
    await writer.getByRole('button', { name: 'Add' }).click()
    await writer.getByRole('textbox', { name: 'Story body' }).click()
    await writer.keyboard.type('Two people were hurt in a fire.')

    const updated = desk.getByRole('row', { name: /Fire downtown: two hurt/ })
    await expect.poll(() => updated.count()).toBe(1)
    await expect.poll(() => updated.textContent()).toContain('In edit')
    await expect.poll(() => updated.textContent()).toContain('Ann')
    await expect.poll(() => updated.locator('td.num').textContent()).toBe('7')

    // Search and filters narrow the list; the table sorts by a column heading.
    const search = desk.getByRole('searchbox', { name: 'Search stories' })
    await search.fill('hurt downtown')
    await expect.poll(() => desk.getByRole('row', { name: /Fire downtown/ }).count()).toBe(1)
    await search.fill('no such words')
    await expect.poll(() => desk.getByText('No stories match these filters.').count()).toBe(1)
    await desk.getByRole('button', { name: 'Show all stories' }).click()
    await desk.getByLabel('Status').selectOption('in_edit')
    await expect.poll(() => desk.getByRole('table').getByRole('row').count()).toBe(2)
    await desk.getByRole('button', { name: 'Words' }).click()
    expect(await desk.getByRole('columnheader', { name: 'Words' }).getAttribute('aria-sort')).toBe('descending')
  })

  it('says so when a story does not exist, and stops retrying', async ({ server, person }) => {
    const page = await person('ann', 'editor')
    await page.goto(`${server.url}/stories/0000000000000000`)
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Story not found')
    await page.getByRole('link', { name: 'Back to the stories' }).click()
    await page.getByRole('heading', { name: 'Stories' }).waitFor()
  })

  it('imports the Syria fixture through the story list', async ({ server, person }) => {
    const page = await person('cara', 'chief')
    await page.goto(`${server.url}/`)
    await page.getByRole('heading', { name: 'Stories' }).waitFor()
    await page.getByLabel('Import story file').setInputFiles(path.join(STORIES_DIR, 'syria-ceasefire.txt'))
    await page.waitForURL(/\/stories\/[0-9a-z]{16}$/)

    await expect.poll(() => page.getByLabel('Headline').inputValue()).toBe('U.S., Russia remain apart on resumption of Syrian cease-fire')
    expect(await page.getByLabel('Section').inputValue()).toBe('News')
    expect(await page.getByLabel('Dateline city').inputValue()).toBe('HANGZHOU')
    expect(await page.getByLabel('Dateline country').inputValue()).toBe('China')
    expect(await page.getByLabel('Dateline preview').textContent()).toBe('HANGZHOU, China —')
    const paragraphs = page.getByRole('textbox', { name: 'Story body' }).locator('p')
    await expect.poll(() => paragraphs.count()).toBe(9)
    expect(await paragraphs.first().textContent()).toMatch(/^Efforts by the United States/)

    // The list shows the imported story without a reload.
    await page.getByRole('link', { name: 'Stories', exact: true }).click()
    const row = page.getByRole('row', { name: /U\.S\., Russia remain apart/ })
    await expect.poll(() => row.textContent()).toContain('News')
    expect(await row.textContent()).toContain('466')
  })

  it('exports the story from the Export menu, as anyone who may read it', async ({ server, person }) => {
    const id = await createStoryVia(server.url, await apiToken(server), { headline: 'Council & mayor <agree>' })
    // Not assigned to the story: reads it, and may take it away in any format.
    const page = await person('rory', 'reporter')
    await page.goto(`${server.url}/stories/${id}`)
    const exportButton = page.getByRole('button', { name: 'Export' })
    await exportButton.click()
    const formats = page.getByRole('list', { name: 'Export formats' })
    expect(await formats.getByRole('link').allTextContents()).toEqual([
      'Word document (.docx)',
      'Web page (HTML)',
      'Markdown',
      'Plain text (story format)',
      'IPTC ninjs (JSON)',
      'IPTC NewsML-G2 (XML)',
      'IPTC NITF (XML)',
    ])
    const [download] = await Promise.all([page.waitForEvent('download'), formats.getByRole('link', { name: 'Word document (.docx)' }).click()])
    expect(download.suggestedFilename()).toBe('council-mayor-agree.docx')
    const file = await download.path()
    expect((await import('node:fs')).readFileSync(file).subarray(0, 2).toString()).toBe('PK')
    // Escape closes the menu and gives focus back to its button.
    await exportButton.click()
    await formats.waitFor()
    await page.keyboard.press('Escape')
    await expect.poll(() => formats.count()).toBe(0)
    expect(await exportButton.evaluate((element) => element === document.activeElement)).toBe(true)
  })

  it('imports a Word document through the story list and says what it left out', async ({ server, person }) => {
    const { Document, HeadingLevel, ImageRun, Packer, Paragraph, TextRun } = await import('docx')
    const pixel = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    const word = new Document({
      sections: [
        {
          children: [
            new Paragraph({ text: 'Harbour reopens after storm', heading: HeadingLevel.TITLE }),
            new Paragraph({ children: [new TextRun('GDANSK, Poland — The harbour '), new TextRun({ text: 'reopened', bold: true }), new TextRun(' on Monday.')] }),
            new Paragraph({ text: 'Damage', heading: HeadingLevel.HEADING_2 }),
            new Paragraph({ children: [new ImageRun({ type: 'png', data: pixel, transformation: { width: 10, height: 10 } })] }),
          ],
        },
      ],
    })
    const file = path.join(tempDataDir(), 'harbour.docx')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, await Packer.toBuffer(word))
    const page = await person('cara', 'chief')
    await page.goto(`${server.url}/`)
    await page.getByRole('heading', { name: 'Stories' }).waitFor()
    await page.getByLabel('Import story file').setInputFiles(file)
    // What it left out is said on the list, before the story opens.
    const notes = page.getByRole('status', { name: 'Imported' })
    await expect.poll(() => notes.textContent()).toContain('A picture was left out')
    expect(new URL(page.url()).pathname).toBe('/')
    await notes.getByRole('link', { name: 'Open the story' }).click()
    await page.waitForURL(/\/stories\/[0-9a-z]{16}$/)
    const first = new URL(page.url()).pathname
    await expect.poll(() => page.getByLabel('Headline').inputValue()).toBe('Harbour reopens after storm')
    expect(await page.getByLabel('Dateline city').inputValue()).toBe('GDANSK')
    const body = page.getByRole('textbox', { name: 'Story body' })
    await expect.poll(() => body.locator('h2').textContent()).toBe('Damage')
    expect(await body.locator('p strong').textContent()).toBe('reopened')

    // The same file again: the list says the story is here already, and nothing is created unless asked.
    await page.goto(`${server.url}/`)
    await page.getByRole('link', { name: 'Harbour reopens after storm' }).first().waitFor()
    await page.getByLabel('Import story file').setInputFiles(file)
    const duplicate = page.getByRole('alert', { name: 'Already in the newsroom' })
    await expect.poll(() => duplicate.textContent()).toContain('seems to be here already')
    expect(await duplicate.getByRole('link', { name: 'Harbour reopens after storm' }).getAttribute('href')).toBe(first)
    expect((await server.storage.listStories()).filter((story) => story.headline === 'Harbour reopens after storm')).toHaveLength(1)
    await duplicate.getByRole('button', { name: 'Import anyway' }).click()
    await expect.poll(() => notes.textContent()).toContain('A picture was left out')
    expect((await server.storage.listStories()).filter((story) => story.headline === 'Harbour reopens after storm')).toHaveLength(2)
  })

  it('publishes, and republishes a correction with its note; the History tab shows what went out', async ({ server, person }) => {
    const token = await apiToken(server)
    const id = await createStoryVia(server.url, token, { headline: 'Bridge closes for repairs' })
    for (const to of ['in_edit', 'copy_edit', 'ready']) expect((await sendJson(`${server.url}/api/stories/${id}/status`, { to }, token)).status).toBe(200)
    const page = await person('cara', 'chief')
    await page.goto(`${server.url}/stories/${id}`)
    const status = page.getByLabel('Status')
    await expect.poll(() => status.inputValue()).toBe('ready')
    await status.selectOption({ label: 'Published' })
    await page.getByRole('tab', { name: 'History' }).click()
    const publications = page.getByRole('list', { name: 'Publications' })
    await expect.poll(() => publications.textContent()).toContain('Published · version 1')

    // Reopened for a correction (the desk gives the note then), then republished: the note is
    // offered again, and the desk may rewrite it before it goes out.
    await page.getByRole('tab', { name: 'Details' }).click()
    await status.selectOption({ label: 'In edit' })
    const reopen = page.getByRole('dialog', { name: 'Reopen for correction' })
    await reopen.getByRole('textbox', { name: 'Correction note' }).fill('Corrects the date.')
    await reopen.getByRole('button', { name: 'Reopen for correction' }).click()
    await expect.poll(() => status.inputValue()).toBe('in_edit')
    for (const to of ['copy_edit', 'ready']) {
      await expect.poll(async () => (await sendJson(`${server.url}/api/stories/${id}/status`, { to }, token)).status).toBe(200)
    }
    await expect.poll(() => status.inputValue()).toBe('ready')
    await status.selectOption({ label: 'Published' })
    expect(await page.getByLabel('Correction note').inputValue()).toBe('Corrects the date.')
    await page.getByLabel('Correction note').fill('Corrects the closing date.')
    await page.getByRole('button', { name: 'Republish with correction' }).click()
    await expect.poll(() => status.inputValue()).toBe('published')
    await page.getByRole('tab', { name: 'History' }).click()
    await expect.poll(() => publications.textContent()).toContain('Published · version 2')
    expect(await publications.textContent()).toContain('Correction: “Corrects the closing date.”')
  })

  it('a desk chief moves a story past the review gate with a reason, which the history keeps', async ({ server, person }) => {
    const token = await apiToken(server)
    const id = await importStoryVia(server.url, token, 'Gate story\n\nFirst paragraph here.\n\nSecond one.')
    for (const to of ['in_edit', 'copy_edit']) expect((await sendJson(`${server.url}/api/stories/${id}/status`, { to }, token)).status).toBe(200)
    // An open comment on the first words.
    const client = connectClient(server.url, id, { token })
    await synced(client)
    const text = (getBody(client.doc).get(0) as Y.XmlElement).get(0) as Y.XmlText
    const [start, end] = [0, 5].map((index) => encodeAnchor(Y.createRelativePositionFromTypeIndex(text, index)))
    client.destroy()
    expect((await sendJson(`${server.url}/api/stories/${id}/threads`, { start, end, quote: 'First', body: 'Source?' }, token)).status).toBe(201)

    const page = await person('cara', 'chief')
    await page.goto(`${server.url}/stories/${id}`)
    const status = page.getByLabel('Status')
    await expect.poll(() => status.inputValue()).toBe('copy_edit')
    await status.selectOption({ label: 'Ready' })
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('1 unresolved comment')
    const move = page.getByRole('button', { name: 'Move to Ready anyway' })
    expect(await move.isDisabled()).toBe(true)
    await page.getByLabel('Override reason').fill('Source confirmed by phone')
    await move.click()
    await expect.poll(() => status.inputValue()).toBe('ready')
    await page.getByRole('tab', { name: 'History' }).click()
    await expect.poll(() => page.getByRole('list', { name: 'Workflow history' }).textContent()).toContain('“Source confirmed by phone”')
  })

  it('keeps who is here, the connection and the save state in view while scrolling a long story, the toolbar just below', async ({ server, person }) => {
    const paragraphs = Array.from({ length: 120 }, (_, index) => `Paragraph ${index + 1} of the council's long budget story, with enough words to fill a line or two.`)
    const id = await importStoryVia(server.url, await apiToken(server), `The budget, line by line\n\n${paragraphs.join('\n\n')}`)
    const page = await person('sal', 'editor')
    await page.goto(`${server.url}/stories/${id}`)
    const saved = page.getByRole('status', { name: 'Save state' })
    await expect.poll(() => saved.textContent(), { timeout: 5_000 }).toBe('All changes saved')
    await page.getByText('Paragraph 100 of').scrollIntoViewIfNeeded()
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(2000)
    const viewport = page.viewportSize()!
    const top = async (name: string) => (await page.getByRole('status', { name }).boundingBox())!
    for (const name of ['Save state', 'Connection']) {
      const box = await top(name)
      expect(box.y).toBeGreaterThanOrEqual(0)
      expect(box.y + box.height).toBeLessThan(viewport.height)
    }
    // The toolbar sticks below the status bar, not over it.
    const bar = (await page.getByRole('status', { name: 'Save state' }).locator('xpath=..').boundingBox())!
    const toolbar = (await page.getByRole('toolbar').first().boundingBox())!
    expect(toolbar.y).toBeGreaterThanOrEqual(bar.y + bar.height - 1)
  })

  it('in a long story whose paragraphs out of view are not laid out, a new paragraph takes typing at once, and Ctrl+End and Ctrl+Home reach the very ends', async ({ server, person }) => {
    const paragraphs = Array.from({ length: 150 }, (_, index) => `Paragraph ${index + 1} of the long inquiry story, with words enough to fill a line or two of the page.`)
    const id = await importStoryVia(server.url, await apiToken(server), `The inquiry, line by line\n\n${paragraphs.join('\n\n')}`)
    const page = await person('una', 'editor')
    await page.goto(`${server.url}/stories/${id}`)
    const body = page.getByRole('textbox', { name: 'Story body' })
    await body.getByText('Paragraph 2 of').click()
    // The paragraphs far below are not laid out until they come near the view (app.css).
    expect(await body.getByText('Paragraph 150 of').evaluate((element) => getComputedStyle(element).contentVisibility)).toBe('auto')

    await page.keyboard.press('Control+End')
    await page.keyboard.type(' The end.')
    const last = body.getByText('Paragraph 150 of')
    await expect.poll(() => last.textContent()).toMatch(/page\. The end\.$/)
    // The caret is in view, on the line it typed.
    const caret = await page.evaluate(() => {
      const rect = getSelection()!.getRangeAt(0).getBoundingClientRect()
      return { top: rect.top, bottom: rect.bottom, height: rect.height }
    })
    expect(caret.height).toBeGreaterThan(0)
    expect(caret.top).toBeGreaterThanOrEqual(0)
    // Within a pixel: paragraphs above are laid out as they come near the view, and scroll
    // anchoring can leave the line a fraction of a pixel past the edge (900.19 of 900 in one run).
    expect(caret.bottom).toBeLessThanOrEqual(page.viewportSize()!.height + 1)

    // A paragraph just made is typed into at once: every letter lands in order.
    for (const word of ['Ryabkov agreed.', 'Tkachenko did not.', 'Ilyushin left.']) {
      await page.keyboard.press('Enter')
      await page.keyboard.type(word)
    }
    await expect.poll(() => body.locator('p').last().textContent()).toBe('Ilyushin left.')
    await expect.poll(() => body.locator('p').nth(-3).textContent()).toBe('Ryabkov agreed.')

    await page.keyboard.press('Control+Home')
    await page.keyboard.type('Start. ')
    await expect.poll(() => body.locator('p').first().textContent()).toBe('Start. Paragraph 1 of the long inquiry story, with words enough to fill a line or two of the page.')
  })

  it('another person’s paragraphs above keep the caret in view while it is in view, and leave the page where it is once scrolled away', async ({ server, person }) => {
    const paragraphs = Array.from({ length: 120 }, (_, index) => `Paragraph ${index + 1} of the harbour story, with words enough to fill a line or two of the page.`)
    const token = await apiToken(server)
    const id = await importStoryVia(server.url, token, `The harbour, line by line\n\n${paragraphs.join('\n\n')}`)
    const page = await person('hal', 'editor')
    await page.goto(`${server.url}/stories/${id}`)
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toBe('Connected')
    const body = page.getByRole('textbox', { name: 'Story body' })
    await body.getByText('Paragraph 60 of').click()
    await page.keyboard.press('End')
    await page.keyboard.type(' Hal.')
    const caretTop = () => page.evaluate(() => getSelection()!.getRangeAt(0).getBoundingClientRect().top)
    const height = page.viewportSize()!.height

    // The caret near the bottom of the window; someone else writes paragraphs just above it, one at
    // a time: the page follows the caret (the browser's own scroll anchoring would not: the
    // paragraphs go in below the top of the window).
    await page.evaluate((bottom) => window.scrollBy(0, getSelection()!.getRangeAt(0).getBoundingClientRect().top - bottom), height - 90)
    const other = connectClient(server.url, id, { token })
    await synced(other)
    const add = async (count: number, label: string, before: string) => {
      for (let index = 0; index < count; index++) {
        const blocks = getBody(other.doc).toArray()
        const at = blocks.findIndex((block) => block.toString().includes(before))
        const paragraph = new Y.XmlElement('paragraph')
        paragraph.insert(0, [new Y.XmlText(`${label} ${index + 1}, a new paragraph long enough to wrap onto a second line of the page for sure.`)])
        getBody(other.doc).insert(at, [paragraph])
        await new Promise((resolve) => setTimeout(resolve, 60))
      }
      await expect.poll(() => body.getByText(`${label} ${count},`).count()).toBe(1)
    }
    await add(12, 'Above', 'Paragraph 60 of')
    await expect.poll(caretTop).toBeLessThan(height)
    expect(await caretTop()).toBeGreaterThanOrEqual(0)

    // Scrolled to the top to read: more paragraphs there do not pull the page back to the caret.
    await page.evaluate(() => window.scrollTo(0, 0))
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0)
    // The scroll event comes with the next frame, as it does after a person's scroll: an edit
    // arriving between a script's scrollTo and that frame is a case left open (see caretInView.ts).
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))))
    await add(12, 'Later', 'Paragraph 2 of')
    expect(await page.evaluate(() => window.scrollY)).toBeLessThan(200)
    expect(await caretTop()).toBeGreaterThan(height)
    other.destroy()
  })

  it('another person’s caret follows them when they only move it, without typing', async ({ server, person }) => {
    const token = await apiToken(server)
    const id = await importStoryVia(server.url, token, 'Quay story\n\nThe first paragraph of the quay story.\n\nThe second paragraph, further down.')
    const page = await person('ivy', 'editor')
    await page.goto(`${server.url}/stories/${id}`)
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toBe('Connected')
    await page.getByRole('textbox', { name: 'Story body' }).getByText('The first paragraph').click()

    // Cy, an editor, connected without an editor of their own: their presence is all they send.
    const other = connectClient(server.url, id, { token: await signInAs(server, 'cy', 'editor') })
    await synced(other)
    const caretAt = (block: number, index: number) => {
      const text = (getBody(other.doc).get(block) as Y.XmlElement).get(0) as Y.XmlText
      const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, index))
      other.provider.awareness.setLocalState({ user: { name: 'Cy', color: '#2c7a3f' }, cursor: { anchor: at, head: at } })
    }
    const label = page.locator('.collab-caret__label', { hasText: 'Cy' })
    caretAt(0, 4)
    await expect.poll(() => label.count()).toBe(1)
    const first = (await label.boundingBox())!
    caretAt(1, 10)
    await expect.poll(async () => (await label.boundingBox())?.y).toBeGreaterThan(first.y + 10)
    other.destroy()
  })
})
