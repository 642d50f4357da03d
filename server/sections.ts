/** The paper's sections, managed by administrators; each story has one. */
import type Database from 'better-sqlite3'
import { SECTIONS } from '../src/shared/newsroom.js'

export class Sections {
  constructor(private readonly db: Database.Database) {}

  /** Sections in desk order. */
  list(): string[] {
    return (this.db.prepare('SELECT name FROM sections ORDER BY position, name').all() as Array<{ name: string }>).map((row) => row.name)
  }

  /** Whether a section of this name exists (case-insensitive); returns its stored spelling. */
  find(name: string): string | null {
    const row = this.db.prepare('SELECT name FROM sections WHERE name = ?').get(name) as { name: string } | undefined
    return row?.name ?? null
  }

  /** Add a section at the end; false when it exists. */
  add(name: string): boolean {
    if (this.find(name)) return false
    const position = (this.db.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM sections').get() as { p: number }).p
    this.db.prepare('INSERT INTO sections (name, position) VALUES (?, ?)').run(name, position)
    return true
  }

  /** Remove a section; stories keep their label until re-sectioned. */
  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM sections WHERE name = ?').run(name).changes > 0
  }

  /** Seed the default sections when there are none. */
  ensureDefaults(): void {
    const count = (this.db.prepare('SELECT count(*) AS n FROM sections').get() as { n: number }).n
    if (count === 0) SECTIONS.forEach((name) => this.add(name))
  }
}
