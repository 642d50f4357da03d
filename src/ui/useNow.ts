import { useEffect, useState } from 'react'

/**
 * The current time, refreshed every `intervalMs`, so that "5 minutes ago" and "Overdue" stay
 * true on a page nobody touches.
 */
export function useNow(intervalMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}
