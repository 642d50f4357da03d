/**
 * Margin threads: beside the text, a compact card per open thread, level with the top of its
 * highlighted passage and pushed down so cards never overlap. Clicking a card puts its thread in
 * focus in the review panel (switching the side panel to its Review tab); clicking a highlight
 * marks its card. Narrow screens hide the margin (comments.css) and show instead, above the text, how
 * many threads are open, as a button to the first of them on the Review tab (on a phone, in the
 * panel's sheet): the highlights alone would not say where their comments went (issue 15).
 *
 * React stays off the keystroke path: React renders the cards only when the threads or the
 * thread in focus change; where they sit is measured and written to the DOM directly, at most
 * once a frame, and only when a position actually moved.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, type RefObject } from 'react'
import { flushSync } from 'react-dom'
import type { Editor } from '@tiptap/core'
import { useUserName } from '../../store/session'
import { useReview } from './reviewStore'
import './comments.css'

/** Space between stacked cards, in px. */
const CARD_GAP = 8
/** Below this width the margin is hidden (keep in step with comments.css). */
const WIDE_SCREEN = '(min-width: 1100px)'
/** Longest excerpt a card shows. */
const EXCERPT_CHARS = 90

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)

/** Where each card goes: level with its passage's top, below the card above it; null when its passage is not drawn. */
function stackedTops(wanted: Array<{ id: string; top: number | null; height: number }>): Map<string, number | null> {
  const tops = new Map<string, number | null>()
  let next = 0
  for (const card of [...wanted].sort((a, b) => (a.top ?? Infinity) - (b.top ?? Infinity))) {
    if (card.top === null) {
      tops.set(card.id, null)
      continue
    }
    const top = Math.max(card.top, next)
    tops.set(card.id, top)
    next = top + card.height + CARD_GAP
  }
  return tops
}

/** Measure the passages and the cards, and move the cards that need moving. */
function layOut(editor: Editor, container: HTMLElement, margin: HTMLElement): void {
  if (editor.isDestroyed || !margin.offsetParent) return
  const origin = container.getBoundingClientRect().top
  // The first element of a passage is its top: inline decorations split across marks and blocks.
  const passageTops = new Map<string, number>()
  for (const element of editor.view.dom.querySelectorAll<HTMLElement>('[data-thread-id]')) {
    const id = element.dataset.threadId
    if (id && !passageTops.has(id)) passageTops.set(id, element.getBoundingClientRect().top - origin)
  }
  const cards = [...margin.querySelectorAll<HTMLElement>('[data-margin-thread]')]
  const tops = stackedTops(cards.map((card) => ({ id: card.dataset.marginThread ?? '', top: passageTops.get(card.dataset.marginThread ?? '') ?? null, height: card.offsetHeight })))
  for (const card of cards) {
    const top = tops.get(card.dataset.marginThread ?? '') ?? null
    const display = top === null ? 'none' : ''
    const px = top === null ? card.style.top : `${Math.round(top)}px`
    if (card.style.display !== display) card.style.display = display
    if (card.style.top !== px) card.style.top = px
  }
}

interface Props {
  editor: Editor
  /** The positioned box around the editor's content: the cards are placed within it. */
  container: RefObject<HTMLElement | null>
}

/** The margin beside the story body: one card per open, attached thread. */
export function MarginThreads({ editor, container }: Props) {
  const highlights = useReview((state) => state.highlights)
  const activeThreadId = useReview((state) => state.activeThreadId)
  const nameOf = useUserName()
  const margin = useRef<HTMLDivElement>(null)
  const frame = useRef<number | null>(null)
  const cards = useMemo(() => highlights.filter((thread) => !thread.detached), [highlights])

  /** Cards shown: with none, a transaction measures nothing (the passages are many, the cards few). */
  const shown = useRef(0)

  const schedule = useMemo(
    () => (): void => {
      if (shown.current === 0) return
      frame.current ??= requestAnimationFrame(() => {
        frame.current = null
        if (container.current && margin.current) layOut(editor, container.current, margin.current)
      })
    },
    [editor, container],
  )

  // Text above a passage moves on every transaction (local or remote) and on reflow.
  useEffect(() => {
    editor.on('transaction', schedule)
    window.addEventListener('resize', schedule)
    const media = window.matchMedia(WIDE_SCREEN)
    media.addEventListener('change', schedule)
    const resized = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(schedule)
    resized?.observe(editor.view.dom)
    return () => {
      editor.off('transaction', schedule)
      window.removeEventListener('resize', schedule)
      media.removeEventListener('change', schedule)
      resized?.disconnect()
      if (frame.current !== null) cancelAnimationFrame(frame.current)
      frame.current = null
    }
  }, [editor, schedule])

  // This renders only when the cards change (new ones, or new sizes): place them again.
  useLayoutEffect(() => {
    shown.current = cards.length
    schedule()
  })

  const open = (id: string) => {
    // Render the side panel's Review tab now: a thread in a hidden tab can be neither scrolled to nor focused.
    flushSync(() => useReview.getState().openThread(id))
    const item = document.getElementById(`thread-${id}`)
    item?.scrollIntoView?.({ block: 'nearest' })
    item?.focus({ preventScroll: true })
  }

  const first = cards[0] ?? highlights[0]
  return (
    <>
      {first && (
        <button type="button" className="margin-threads__cue" onClick={() => open(first.id)}>
          {highlights.length} open {highlights.length === 1 ? 'comment' : 'comments'}
        </button>
      )}
      <div ref={margin} className={cards.length > 0 ? 'margin-threads margin-threads--used' : 'margin-threads'} aria-label="Comments in the margin" role="group">
        {cards.map((thread) => {
          const active = thread.id === activeThreadId
          const excerpt = clip(thread.excerpt, EXCERPT_CHARS)
          const meta = `${nameOf(thread.authorId)}${thread.replies > 0 ? ` · ${thread.replies} ${thread.replies === 1 ? 'reply' : 'replies'}` : ''}`
          return (
            <button
              key={thread.id}
              type="button"
              data-margin-thread={thread.id}
              className={active ? 'margin-thread margin-thread--active' : 'margin-thread'}
              // The passage, then what the card shows: its name holds its visible text (WCAG 2.5.3, issue 15).
              aria-label={`Thread: ${thread.quote} — ${excerpt} ${meta}`}
              aria-current={active ? 'true' : undefined}
              // Hidden until measured: a card never flashes at the top of the text.
              style={{ display: 'none' }}
              onClick={() => open(thread.id)}
            >
              <span className="margin-thread__excerpt">{excerpt}</span>
              <span className="margin-thread__meta">{meta}</span>
            </button>
          )
        })}
      </div>
    </>
  )
}
