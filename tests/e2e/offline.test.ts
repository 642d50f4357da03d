/**
 * A reporter in the field: a story opened once opens again without the server (a reload, a
 * browser restart), takes edits, says how many are kept on the device, and merges them when the
 * server is back; signing out leaves nothing of it in the browser.
 *
 * The server is stopped for real (STACK.md: Playwright's setOffline can leave a socket up), on a
 * port it comes back on, so the page's origin, service worker and IndexedDB stay the same.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { BrowserContext, Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { bodyBlocks, getBody } from '../../src/shared/storyDoc'
import { launchProfile } from '../helpers/browser'
import { DIST } from '../helpers/build'
import { connectClient, synced } from '../helpers/clients'
import { textOf } from '../helpers/e2e'
import { startProxy } from '../helpers/proxy'
import { addUser, createStoryVia, signInAs, startTestServer, tempDataDir } from '../helpers/server'

const PASSWORD = 'correct horse'

let server: RunningServer | null = null
let dataDir: string
let port: number
let profile: string
let context: BrowserContext | null = null

/** Start the server on `dataDir`, on the port it had before once it has had one. */
async function startServer(): Promise<RunningServer> {
  server = await startTestServer({ staticDir: DIST, dataDir, port })
  port = server.port
  return server
}

async function stopServer(): Promise<void> {
  await server?.close()
  server = null
}

/** A page in the profile's browser, launched again when it was closed (a browser restart). */
async function openPage(): Promise<Page> {
  context ??= await launchProfile(profile)
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  return page
}

/** A browser of its own, on a fresh profile. */
async function freshBrowser(): Promise<void> {
  await context?.close()
  context = null
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-profile-'))
}

/** Sign `username` in through the sign-in page at `baseUrl`. */
async function signIn(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}

/** The databases this origin has in IndexedDB. */
function databases(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name ?? ''))
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('Build the app first: npm run build')
  dataDir = tempDataDir()
  port = 0
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'deskline-profile-'))
  await startServer()
})

afterAll(async () => {
  await context?.close()
  await stopServer()
})

describe('offline drafting in Chromium', () => {
  it('opens a story kept on the device without the server, keeps edits through a reload and a browser restart, and merges them when the server is back', async () => {
    const live = server as RunningServer
    await addUser(live, 'rita', 'reporter', PASSWORD)
    const desk = await signInAs(live, 'desk', 'admin')
    const rita = (await live.services.users.byUsername('rita'))!
    const id = await createStoryVia(live.url, desk, { headline: 'Flood warning for the valley' })
    const neverOpened = await createStoryVia(live.url, desk, { headline: 'Never opened here' })
    const lead = await fetch(`${live.url}/api/stories/${id}/desk`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${desk}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lead: rita.id }),
    })
    expect(lead.status).toBe(200)

    let page = await openPage()
    await signIn(page, live.url, 'rita')
    await page.goto(`${live.url}/stories/${id}`)
    const body = () => page.getByRole('textbox', { name: 'Story body' })
    const connection = () => page.getByRole('status', { name: 'Connection' })
    const saved = () => page.getByRole('status', { name: 'Save state' })
    await expect.poll(() => connection().textContent()).toBe('Connected')
    await body().click()
    await page.keyboard.type('Filed from the office.')
    await expect.poll(() => saved().textContent(), { timeout: 5_000 }).toBe('All changes saved')
    // The app shell is in the service worker's cache before the network goes.
    await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)

    await stopServer()
    await expect.poll(() => connection().textContent(), { timeout: 2_000 }).toBe('Offline · reconnecting…')
    await page.keyboard.type(' Written in the field.')
    await expect.poll(() => saved().textContent()).toMatch(/^Not saved yet — \d+ changes kept on this device/)

    // Signing out now would delete edits the server has not got: the page asks first.
    const warning = new Promise<string>((resolve) => page.once('dialog', (dialog) => void dialog.dismiss().then(() => resolve(dialog.message()))))
    await page.getByRole('button', { name: 'Sign out' }).click()
    expect(await warning).toMatch(/changes on this device have not reached the server yet\. Signing out deletes them/)
    await expect.poll(() => textOf(body())).toBe('Filed from the office. Written in the field.')

    // A reload without the server: the page comes from the service worker, the story from the device.
    await page.reload()
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'You are offline' }).count()).toBe(1)
    await expect.poll(() => textOf(body())).toBe('Filed from the office. Written in the field.')
    await expect.poll(() => saved().textContent(), { timeout: 2_000 }).toMatch(/^Not saved yet — \d+ changes kept on this device/)
    await body().click()
    await page.keyboard.press('Control+End')
    await page.keyboard.type(' After a reload.')
    await expect.poll(() => textOf(body())).toBe('Filed from the office. Written in the field. After a reload.')
    // Give IndexedDB its moment to commit the last keystrokes, then restart the browser.
    await page.waitForTimeout(300)
    await context!.close()
    context = null

    page = await openPage()
    await page.goto(`http://127.0.0.1:${port}/stories/${id}`)
    await expect.poll(() => textOf(body())).toBe('Filed from the office. Written in the field. After a reload.')
    await expect.poll(() => connection().textContent(), { timeout: 2_000 }).toBe('Offline · reconnecting…')

    // The story list offers what the device keeps; a story never opened here says so.
    await page.getByRole('link', { name: 'Stories', exact: true }).click()
    const kept = page.getByRole('region', { name: 'On this device' })
    await expect.poll(() => kept.getByRole('link').allTextContents()).toEqual(['Flood warning for the valley'])
    await page.goto(`http://127.0.0.1:${port}/stories/${neverOpened}`)
    await expect.poll(() => page.getByRole('heading', { name: 'Not available offline' }).count()).toBe(1)

    // The server comes back: the edits made offline merge, and only then the page says saved.
    await page.goto(`http://127.0.0.1:${port}/stories/${id}`)
    await expect.poll(() => textOf(body())).toBe('Filed from the office. Written in the field. After a reload.')
    const back = await startServer()
    await expect.poll(() => connection().textContent(), { timeout: 15_000 }).toBe('Connected')
    await expect.poll(() => saved().textContent(), { timeout: 10_000 }).toBe('All changes saved')
    const row = await back.storage.loadDoc(id)
    expect(row && bodyBlocks(row.doc)).toEqual(['Filed from the office. Written in the field. After a reload.'])
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'You are offline' }).count(), { timeout: 10_000 }).toBe(0)

    // Signing out (nothing unsaved: no question) deletes every copy kept in the browser.
    expect(await databases(page)).toContain(`deskline:${rita.id}:${id}`)
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await expect.poll(() => databases(page).then((names) => names.filter((name) => name.startsWith('deskline:')))).toEqual([])
    expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('deskline:')))).toEqual([])
  })

  it('opens a story kept on the device at once when online, and catches up with what others wrote meanwhile', async () => {
    const live = server ?? (await startServer())
    await freshBrowser()
    await addUser(live, 'otto', 'editor', PASSWORD)
    const desk = await signInAs(live, 'desk', 'admin')
    const id = await createStoryVia(live.url, desk, { headline: 'Bridge reopens' })
    const page = await openPage()
    await signIn(page, live.url, 'otto')
    await page.goto(`${live.url}/stories/${id}`)
    const body = page.getByRole('textbox', { name: 'Story body' })
    await body.click()
    await page.keyboard.type('Mine first.')
    await expect.poll(() => page.getByRole('status', { name: 'Save state' }).textContent(), { timeout: 5_000 }).toBe('All changes saved')
    await page.getByRole('link', { name: 'Stories', exact: true }).click()

    // Someone else writes while the story is closed here.
    const other = connectClient(live.url, id, { token: desk })
    await synced(other)
    const paragraph = getBody(other.doc).get(0) as Y.XmlElement
    // Plain text, as an editor writes it: without attributes Yjs would carry on the formatting
    // around it (Otto's text is a suggestion: editors suggest on stories they do not write).
    ;(paragraph.get(0) as Y.XmlText).insert('Mine first.'.length, ' Theirs after.', {})
    await expect.poll(async () => bodyBlocks((await live.storage.loadDoc(id))!.doc)).toEqual(['Mine first. Theirs after.'])
    other.destroy()

    await page.goto(`${live.url}/stories/${id}`)
    await expect.poll(() => textOf(body)).toBe('Mine first. Theirs after.')
    await expect.poll(() => page.getByRole('status', { name: 'Save state' }).textContent(), { timeout: 5_000 }).toBe('All changes saved')
  })

  it('says within two seconds that a network gone silent is offline, and saves once it is back', async () => {
    const live = server ?? (await startServer())
    await freshBrowser()
    const proxy = await startProxy(live.port)
    try {
      await addUser(live, 'sam', 'editor', PASSWORD)
      const id = await createStoryVia(live.url, await signInAs(live, 'desk', 'admin'), { headline: 'Storm front' })
      const page = await openPage()
      await signIn(page, proxy.url, 'sam')
      await page.goto(`${proxy.url}/stories/${id}`)
      const connection = page.getByRole('status', { name: 'Connection' })
      const saved = page.getByRole('status', { name: 'Save state' })
      await expect.poll(() => connection.textContent()).toBe('Connected')
      await page.getByRole('textbox', { name: 'Story body' }).click()
      await page.keyboard.type('Wind first.')
      await expect.poll(() => saved.textContent(), { timeout: 5_000 }).toBe('All changes saved')

      // The network drops without closing anything: the socket still looks open.
      proxy.stall()
      await page.keyboard.type(' Rain next.')
      await expect.poll(() => connection.textContent(), { timeout: 2_000 }).toBe('Offline · reconnecting…')
      await expect.poll(() => saved.textContent()).toMatch(/^Not saved yet — \d+ changes kept on this device/)

      proxy.resume()
      await expect.poll(() => connection.textContent(), { timeout: 15_000 }).toBe('Connected')
      await expect.poll(() => saved.textContent(), { timeout: 10_000 }).toBe('All changes saved')
      expect(bodyBlocks((await live.storage.loadDoc(id))!.doc)).toEqual(['Wind first. Rain next.'])
    } finally {
      await proxy.close()
    }
  })
})
