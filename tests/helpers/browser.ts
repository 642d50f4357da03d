/** Debian's Chromium driven by playwright-core (no browser downloads on these machines). */
import fs from 'node:fs'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(
  (candidate): candidate is string => Boolean(candidate),
)

/** Path of the Chromium binary, or a clear error saying how to install it. */
export function chromiumPath(): string {
  const found = CANDIDATES.find((candidate) => fs.existsSync(candidate))
  if (!found) throw new Error('Chromium not found: run `apt-get install -y chromium` or set CHROMIUM_PATH.')
  return found
}

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Launch headless Chromium (playwright gives it a fresh temporary profile) with the flags this closed network needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ARGS })
}

/**
 * Launch headless Chromium on the profile in `userDataDir`, which outlives it: closing and
 * launching again on the same folder is a browser restart (IndexedDB, service workers and
 * cookies kept).
 */
export async function launchProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: chromiumPath(), headless: true, args: ARGS, viewport: { width: 1300, height: 900 } })
}
