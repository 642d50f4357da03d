import { describe, expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { RunningServer } from '../../server/app'
import { browserFixtures, type SignIn } from '../helpers/browserTest'
import { builtApp } from '../helpers/e2e'
import { addUser, startTestServer, tempDataDir, type TestRole } from '../helpers/server'

const it = test.extend(browserFixtures)

const PASSWORD = 'correct horse'

/** An account on the file's server (created on first use). */
async function account(server: RunningServer, username: string, role: TestRole): Promise<void> {
  if (!(await server.services.users.byUsername(username))) await addUser(server, username, role, PASSWORD)
}

/** The administrator, signed in, on People & sections (reached through the nav link). */
async function adminPage(server: RunningServer, signIn: SignIn): Promise<Page> {
  await account(server, 'admin', 'admin')
  const page = await signIn('admin', PASSWORD)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People & sections' }).click()
  await page.getByRole('heading', { level: 1, name: 'People & sections' }).waitFor()
  return page
}

describe('people & sections in Chromium', () => {
  it('first run: an empty newsroom sets up its administrator, who is signed in with the admin link', async ({ browser }) => {
    const fresh = await startTestServer({ dataDir: tempDataDir(), staticDir: builtApp() })
    const context = await browser.newContext({ viewport: { width: 1300, height: 900 } })
    try {
      const page = await context.newPage()
      page.on('pageerror', (error) => {
        throw error
      })
      await page.goto(`${fresh.url}/`)
      await page.getByRole('heading', { name: 'Set up your newsroom' }).waitFor()
      await page.getByLabel('Your name').fill('Maria Lopez')
      await page.getByLabel('Username').fill('maria')
      await page.getByLabel('Password').fill('a long password')
      await page.getByRole('button', { name: 'Create account' }).click()

      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      const adminLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People & sections' })
      expect(await adminLink.isVisible()).toBe(true)

      // The first account is a desk chief and an administrator, and the admin page says so.
      await adminLink.click()
      await page.getByRole('heading', { level: 2, name: 'People' }).waitFor()
      expect(await page.getByLabel('Role of Maria Lopez').inputValue()).toBe('chief')
      expect(await page.getByLabel('Administrator: Maria Lopez').isChecked()).toBe(true)
    } finally {
      // Close the page's connections before the server, so close() does not wait on them.
      await context.close()
      await fresh.close()
    }
  })

  it('the administrator adds a reporter through the form, who can then sign in', async ({ server, signIn }) => {
    const admin = await adminPage(server, signIn)
    await admin.getByLabel('Display name').fill('Rita Reyes')
    await admin.getByLabel('Username', { exact: true }).fill('rita')
    await admin.getByLabel('Password', { exact: true }).fill('rita password')
    await admin.getByLabel('Role', { exact: true }).selectOption({ label: 'Reporter' })
    await admin.getByRole('button', { name: 'Add person' }).click()

    await expect.poll(() => admin.getByLabel('Role of Rita Reyes').count()).toBe(1)
    expect(await admin.getByLabel('Role of Rita Reyes').inputValue()).toBe('reporter')
    expect(await admin.getByLabel('Administrator: Rita Reyes').isChecked()).toBe(false)
    // The form is cleared for the next person.
    expect(await admin.getByLabel('Display name').inputValue()).toBe('')
    expect(await admin.getByLabel('Username', { exact: true }).inputValue()).toBe('')

    // The same username again: the server's message shows.
    await admin.getByLabel('Display name').fill('Another Rita')
    await admin.getByLabel('Username', { exact: true }).fill('rita')
    await admin.getByLabel('Password', { exact: true }).fill('other password')
    await admin.getByRole('button', { name: 'Add person' }).click()
    await expect.poll(() => admin.getByRole('alert').textContent()).toBe('That username is taken.')

    const rita = await signIn('rita', 'rita password')
    expect(await rita.locator('.profile__name').textContent()).toContain('Rita Reyes · Reporter')
  })

  it('the administrator makes one person an editor and deactivates another, who can no longer sign in', async ({ server, newPage, signIn }) => {
    await account(server, 'erin', 'reporter')
    await account(server, 'dave', 'reporter')
    const admin = await adminPage(server, signIn)

    await admin.getByLabel('Role of Erin').selectOption({ label: 'Editor' })
    await expect.poll(async () => (await server.services.users.byUsername('erin'))?.role).toBe('editor')
    expect(await admin.getByLabel('Role of Erin').inputValue()).toBe('editor')

    await admin.getByRole('button', { name: 'Deactivate Dave' }).click()
    await admin.getByRole('button', { name: 'Reactivate Dave' }).waitFor()
    expect(await admin.getByRole('row', { name: /Dave/ }).textContent()).toContain('Deactivated')
    expect((await server.services.users.byUsername('dave'))?.active).toBe(false)

    // The administrator cannot lock themselves out: the server says why.
    await admin.getByRole('button', { name: 'Deactivate Admin' }).click()
    await expect.poll(() => admin.getByRole('alert').textContent()).toContain('You cannot deactivate yourself')
    expect(await admin.getByRole('button', { name: 'Deactivate Admin' }).isVisible()).toBe(true)

    const dave = await newPage()
    await dave.goto(`${server.url}/login`)
    await dave.getByLabel('Username').fill('dave')
    await dave.getByLabel('Password').fill(PASSWORD)
    await dave.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => dave.getByRole('alert').textContent()).toBe('Wrong username or password.')

    const erin = await signIn('erin', PASSWORD)
    expect(await erin.locator('.profile__name').textContent()).toContain('Erin · Editor')
  })

  it('the administrator adds and removes sections, and the list follows', async ({ server, signIn }) => {
    const admin = await adminPage(server, signIn)
    const list = admin.getByRole('list', { name: 'Sections' })
    expect(await list.getByRole('button', { name: 'Remove Opinion' }).count()).toBe(1)

    await admin.getByLabel('New section').fill('Science')
    await admin.getByRole('button', { name: 'Add section' }).click()
    await expect.poll(() => list.getByRole('button', { name: 'Remove Science' }).count()).toBe(1)
    expect(await admin.getByLabel('New section').inputValue()).toBe('')

    await list.getByRole('button', { name: 'Remove Opinion' }).click()
    await expect.poll(() => list.getByRole('button', { name: 'Remove Opinion' }).count()).toBe(0)
    expect((await server.services.sections.list())).toEqual(['News', 'World', 'Politics', 'Business', 'Sports', 'Culture', 'Science'])

    // An existing section: the server's message shows and nothing changes.
    await admin.getByLabel('New section').fill('News')
    await admin.getByRole('button', { name: 'Add section' }).click()
    await expect.poll(() => admin.getByRole('alert').textContent()).toBe('That section exists.')
    expect(await list.getByRole('listitem').count()).toBe(7)
  })

  it('a reporter has no admin link, and /admin tells them it is for administrators', async ({ server, signIn }) => {
    await account(server, 'rory', 'reporter')
    const rory = await signIn('rory', PASSWORD)
    const nav = rory.getByRole('navigation', { name: 'Main' })
    await nav.getByRole('link', { name: 'Stories' }).waitFor()
    expect(await nav.getByRole('link', { name: 'People & sections' }).count()).toBe(0)

    await rory.goto(`${server.url}/admin`)
    await expect.poll(() => rory.getByRole('alert').textContent()).toContain('Only administrators manage people and sections')
    // Nothing of the administration is shown or fetched for them.
    expect(await rory.getByRole('button', { name: /add/i }).count()).toBe(0)
    await rory.getByRole('link', { name: 'Back to the stories' }).click()
    await rory.getByRole('heading', { level: 1, name: 'Stories' }).waitFor()
  })
})
