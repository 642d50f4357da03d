import type { ReactNode } from 'react'

/**
 * What a page or panel says while its code or first data arrives: a status line, shown only once
 * the wait is long enough to notice (app.css `.loading`), so a fast load never flashes it.
 */
export function Loading({ children }: { children: ReactNode }) {
  return (
    <p className="loading muted" role="status">
      {children}
    </p>
  )
}
