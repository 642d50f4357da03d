import { useMemo, useRef, useState } from 'react'
import { listThreads } from '../../api'
import type { ThreadView } from '../../shared/api'
import { useReviewEvents } from '../useReviewEvents'

/** Run an API call, report its failure in the panel and refetch; the answer, or undefined when it failed. */
export type Run = <T>(action: Promise<T>) => Promise<T | undefined>

/**
 * The story's threads, refetched when the server announces a change to them (and after a dropped
 * stream); `run` makes a change through the API, refetches after it, and keeps its failure in
 * `problem` until the next one.
 */
export function useThreads(storyId: string): { threads: ThreadView[] | null; error: string | null; problem: string | null; run: Run } {
  const [state, setState] = useState<{ threads: ThreadView[] | null; error: string | null }>({ threads: null, error: null })
  const [problem, setProblem] = useState<string | null>(null)
  const latest = useRef(0)
  const reload = useMemo(
    () => () => {
      const ticket = ++latest.current
      listThreads(storyId).then(
        (threads) => ticket === latest.current && setState({ threads, error: null }),
        (error: unknown) => ticket === latest.current && setState((current) => ({ ...current, error: error instanceof Error ? error.message : String(error) })),
      )
    },
    [storyId],
  )
  useReviewEvents(storyId, 'comments', reload)
  const run: Run = (action) => {
    setProblem(null)
    return action.then(
      (answer) => {
        reload()
        return answer
      },
      (error: unknown) => {
        setProblem(error instanceof Error ? error.message : String(error))
        return undefined
      },
    )
  }
  return { ...state, problem, run }
}
