import type { MouseEvent, ReactNode } from 'react'

/**
 * A link, first on its page and shown only while focused, that takes the keyboard past the top bar
 * to the element with the id `target` (WCAG 2.4.1 Bypass Blocks, issue 15).
 */
export function SkipLink({ target, children }: { target: string; children: ReactNode }) {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    const element = document.getElementById(target)
    // Not there yet (the page is still loading): the plain fragment link does no harm.
    if (!element) return
    // Focus it, rather than only scroll to it: a fragment moves no focus to the story body.
    event.preventDefault()
    element.focus()
  }
  return (
    <a className="skip-link" href={`#${target}`} onClick={skip}>
      {children}
    </a>
  )
}
