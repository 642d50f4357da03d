import { useEffect, type RefObject } from 'react'

/**
 * Keep the height of a sticky bar in a CSS variable on the page (`--topbar-h`, `--statusbar-h`),
 * so what sticks below it starts where it ends, even when it wraps onto two lines on a narrow
 * screen. Removed when the bar goes.
 */
export function useStickyHeight(ref: RefObject<HTMLElement | null>, variable: `--${string}`): void {
  useEffect(() => {
    const element = ref.current
    if (!element || typeof ResizeObserver === 'undefined') return
    const root = document.documentElement
    const observer = new ResizeObserver(() => root.style.setProperty(variable, `${element.offsetHeight}px`))
    observer.observe(element)
    return () => {
      observer.disconnect()
      root.style.removeProperty(variable)
    }
  }, [ref, variable])
}
