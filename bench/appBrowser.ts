/** The built app in Chromium for the benchmarks: a person signed in through the real sign-in page. */
import type { Browser } from 'playwright-core'

/** What `context.storageState()` gives: the session cookie, for later contexts. */
export type SignedIn = Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['storageState']>>

/** The window size of every benchmark page. */
export const VIEWPORT = { width: 1300, height: 900 }

/**
 * Sign `username` in through the real sign-in page of `baseUrl` and return the cookies, so each
 * measured page starts in a fresh context (fresh IndexedDB, fresh heap) without signing in again.
 */
export async function signIn(browser: Browser, baseUrl: string, username: string, password: string): Promise<SignedIn> {
  const context = await browser.newContext({ viewport: VIEWPORT, serviceWorkers: 'block' })
  try {
    const page = await context.newPage()
    await page.goto(`${baseUrl}/login`)
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    return await context.storageState()
  } finally {
    await context.close()
  }
}
