/** Browser-test helpers: a signed-in page per person, each in its own browser context. */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { launchBrowser } from './browser'
import { ROOT, startTestServer } from './server'

/** Sign `username` in through the real sign-in page in a fresh context; returns the page. */
export async function signedInPage(browser: Browser, baseUrl: string, username: string, password: string, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } })
  contexts.push(context)
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
  return page
}

/** The body's text without collaborators' caret labels or part labels. */
export function textOf(body: Locator): Promise<string> {
  return body.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement
    for (const widget of copy.querySelectorAll('.collab-caret, .part-label')) widget.remove()
    return copy.textContent ?? ''
  })
}

/** A tab of the story page's side panel. */
export type PanelTabName = 'Details' | 'Review' | 'History'

/**
 * Show a tab of the story page's side panel and wait until its panel is in view: fields on the
 * other tabs are hidden (still mounted, but out of the accessibility tree and not clickable).
 * Clicking a tab takes the focus from the story body, so select text only after this.
 */
export async function showPanelTab(page: Page, tab: PanelTabName): Promise<void> {
  // The Review tab's name goes on with its count of open comments ("Review, 2 open comments").
  const name = new RegExp(`^${tab}\\b`)
  await page.getByRole('tab', { name }).click()
  await page.getByRole('tabpanel', { name }).waitFor()
}

/** The built app on a real server (port 0, fresh data) and a headless Chromium, for one test file. */
export async function openApp(options: { dataDir?: string } = {}): Promise<{ server: RunningServer; browser: Browser }> {
  const dist = path.join(ROOT, 'dist')
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('Build the app first: npm run build')
  const server = await startTestServer({ staticDir: dist, dataDir: options.dataDir })
  return { server, browser: await launchBrowser() }
}

/** Close what `openApp` opened, and every browser context the tests made. */
export async function closeApp(server: RunningServer | undefined, browser: Browser | undefined, contexts: BrowserContext[]): Promise<void> {
  for (const context of contexts) await context.close()
  await browser?.close()
  await server?.close()
}
