/**
 * Browser-test helpers: pages, sign-in, the story page's parts. Test files take their server,
 * browser and pages from the fixtures in `browserTest.ts`, which are built on these.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { DIST } from './build'

/** A fresh page in a new context (kept in `contexts` for closing) that fails the test on any uncaught page error. */
export async function freshPage(browser: Browser, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } })
  contexts.push(context)
  const page = await context.newPage()
  page.on('pageerror', (error) => {
    throw error
  })
  return page
}

/** Sign `username` in on `page` through the real sign-in page at `baseUrl`; returns the page. */
export async function signInOn(page: Page, baseUrl: string, username: string, password: string): Promise<Page> {
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

/**
 * The folder of the built app (`dist/`, or `DESKLINE_TEST_DIST` when several builds are tested
 * side by side), or an error saying to build it first.
 */
export function builtApp(): string {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('Build the app first: npm run build')
  return DIST
}
