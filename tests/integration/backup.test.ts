/**
 * Backups: `npm run backup -- FILE` copies the SQLite database while a reporter types, and the
 * copy, put back as a data folder, opens with every story whole.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { readStoryFixture } from '../helpers/fixtures'
import { importStoryVia, ROOT, signInAs, startTestServer, tempDataDir } from '../helpers/server'
import { firstParagraphText, startTypist } from '../helpers/typists'
import { synced } from '../helpers/clients'

const run = promisify(execFile)
const cleanup: Array<() => unknown> = []
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.()
})

describe('backups', () => {
  it('copies the database while people write; the copy restores with every story', { timeout: 60_000 }, async () => {
    const dataDir = tempDataDir()
    const srv = await startTestServer({ dataDir })
    cleanup.push(() => srv.close())
    const token = await signInAs(srv, 'chief', 'admin')
    const ids = [await importStoryVia(srv.url, token, readStoryFixture('syria-ceasefire.txt')), await importStoryVia(srv.url, token, 'Second story\n\nStart.\n')]
    const typist = startTypist(srv.url, ids[1]!, token, 'w', 5, 20)
    cleanup.push(() => typist.client.destroy())
    cleanup.push(() => typist.stop())
    await synced(typist.client)
    await new Promise((resolve) => setTimeout(resolve, 500))

    const file = path.join(tempDataDir(), 'copy.db')
    // `npm run backup -- FILE` is this command.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/backup.ts', file], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } })
    expect(stdout).toMatch(/^deskline: backed up .* \(\d+ bytes\)/)
    const typedBefore = typist.words.length
    expect(typedBefore).toBeGreaterThan(5)
    // A second backup to the same file is refused, not overwritten.
    await expect(run(process.execPath, ['--import', 'tsx', 'server/backup.ts', file], { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir } })).rejects.toThrow(/exists already/)

    const check = new Database(file, { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()
    const restored = tempDataDir()
    fs.copyFileSync(file, path.join(restored, 'deskline.db'))
    const again = await startTestServer({ dataDir: restored })
    cleanup.push(() => again.close())
    expect((await again.storage.listStories()).map((story) => story.id).sort()).toEqual([...ids].sort())
    for (const id of ids) expect((await again.storage.loadDoc(id))?.doc).toBeTruthy()
    const second = (await again.storage.loadDoc(ids[1]!))!.doc
    expect(firstParagraphText(second).toString()).toMatch(/Start\./)
    expect(firstParagraphText(second).toString().split(' ').length).toBeGreaterThan(2)
  })
})
