/** What an import noted, kept for the story page to show once (it opens right after). */
export const importNotes = {
  keep(id: string, warnings: string[]): void {
    if (warnings.length) sessionStorage.setItem(`deskline:import-notes:${id}`, JSON.stringify(warnings))
  },
  take(id: string): string[] {
    const key = `deskline:import-notes:${id}`
    const value = sessionStorage.getItem(key)
    sessionStorage.removeItem(key)
    try {
      const parsed: unknown = value ? JSON.parse(value) : []
      return Array.isArray(parsed) ? parsed.filter((note): note is string => typeof note === 'string') : []
    } catch {
      return []
    }
  },
}
