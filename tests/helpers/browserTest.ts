/**
 * The browser tests' fixtures (Vitest's test context): the built app on a real server and a
 * headless Chromium, started once per test file when a test first asks for them and closed after
 * its last test; fresh pages, and pages signed in through the real sign-in page, each in a browser
 * context of its own, closed after the test that opened them. A test file makes its `it` from
 * them and each test names what it needs:
 *
 *   const it = test.extend(browserFixtures)
 *   it('…', async ({ server, signIn }) => { const page = await signIn('riley', password) })
 *
 * Each file calls `test.extend` itself, rather than importing an extended `it`, so that the
 * linter's Vitest rules still know its tests (oxlint follows `test.extend` from 'vitest' only).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
// Types only: the shape `test.extend` takes, which vitest does not re-export from its runner.
import type { Fixtures } from '@vitest/runner'
import type { RunningServer } from '../../server/app'
import { launchBrowser } from './browser'
import { builtApp, freshPage, signInOn } from './e2e'
import { startTestServer } from './server'

/** A fresh page in a context of its own that fails the test on any uncaught page error. */
export type NewPage = () => Promise<Page>

/** `username` signed in through the sign-in page of `on` (the file's server by default), in a context of its own. */
export type SignIn = (username: string, password: string, on?: { url: string }) => Promise<Page>

/** What a browser test may ask for. */
export interface BrowserFixtures {
  /** The built app on a real server (port 0, fresh data), shared by the file's tests. */
  server: RunningServer
  /** Headless Chromium, shared by the file's tests. */
  browser: Browser
  newPage: NewPage
  signIn: SignIn
}

export const browserFixtures: Fixtures<BrowserFixtures> = {
  server: [
    // `{}`: Vitest reads a fixture's first parameter to learn what it depends on (nothing here).
    // oxlint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await startTestServer({ staticDir: builtApp() })
      try {
        await use(server)
      } finally {
        await server.close()
      }
    },
    { scope: 'file' },
  ],
  browser: [
    // oxlint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const browser = await launchBrowser()
      try {
        await use(browser)
      } finally {
        await browser.close()
      }
    },
    { scope: 'file' },
  ],
  newPage: async ({ browser }, use) => {
    const contexts: BrowserContext[] = []
    try {
      await use(() => freshPage(browser, contexts))
    } finally {
      for (const context of contexts) await context.close()
    }
  },
  signIn: async ({ server, newPage }, use) => {
    await use(async (username, password, on = server) => signInOn(await newPage(), on.url, username, password))
  },
}
