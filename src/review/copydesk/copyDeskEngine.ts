/**
 * The copy desk's checking (issue 13), loaded when checks first start (CopyDesk.ts has the plugin,
 * its state and commands; this is loaded with the story page's other on-demand code, issue 12):
 * the view that has the story checked after edits settle and draws the results, and the mapping
 * of the marks through each edit.
 */
import type { Editor } from '@tiptap/core'
import type { Node as PMNode } from '@tiptap/pm/model'
import { TextSelection, type EditorState, type Selection, type Transaction } from '@tiptap/pm/state'
import { Mapping, StepMap } from '@tiptap/pm/transform'
import { DecorationSet, type Decoration, type EditorView } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import { NOT_CHECKED } from './checkProgress'
import type { ParagraphInput } from './checkParagraph'
import { copyDeskKey, copyDeskState, issuesIn, type CopyDeskEngine, type CopyDeskExtension, type CopyDeskMeta, type CopyDeskState } from './CopyDesk'
import { IncrementalChecker, keyOf } from './incrementalChecker'
import { ignoredIssueKey, issueDecorations, paragraphDecorations, sameDecorations, type CopyDeskIssue, type DecorationInputs, type IssueSpec } from './issueDecorations'
import { NO_KNOWN_WORDS } from './knownWords'
import { storyParagraphs, type StoryParagraph } from './storyParagraphs'
import { followEdits, heldUntil } from './typingHold'
import { refreshAfterPaint, type Refresh } from '../../ui/afterPaint'

/** The issue covering `pos` (or ending at it: the caret just after a word), if any. */
export function issueAt(state: EditorState, pos: number): CopyDeskIssue | null {
  return issuesIn(copyDeskState(state).decorations, pos, pos).find((issue) => issue.from <= pos && pos <= issue.to) ?? null
}

/** The issue whose menu is open, as it is now; null when none is (or it went). */
export function openIssue(state: EditorState): CopyDeskIssue | null {
  const menu = copyDeskState(state).menu
  if (!menu) return null
  return issuesIn(copyDeskState(state).decorations, menu.from, menu.to).find((issue) => issue.from === menu.from && issue.to === menu.to) ?? null
}

/** The view of each editor, so commands can ask it to redraw. */
const views = new WeakMap<Editor, CopyDeskView>()

function setMenu(tr: Transaction, menu: CopyDeskState['menu']): Transaction {
  const meta: CopyDeskMeta = { menu }
  return tr.setMeta(copyDeskKey, meta)
}

/** Checks the story after edits (at most every `delayMs`) and keeps the decorations in step. */
class CopyDeskView {
  private timer: ReturnType<typeof setTimeout> | null = null
  /**
   * Checks after edits: right after the frame that shows an edit, at most every `delayMs`
   * (`refreshAfterPaint`). A check's count and marks drawn from a timer of its own, between two
   * key presses, made the next key press wait for the display's next frame.
   */
  private readonly checks: Refresh
  /** The paragraph keys of the last check (null before the first). */
  private checkedKeys: Set<string> | null = null
  /** Whether checks run (the person's setting); `releases` undo what `start` did. */
  private active = false
  private releases: Array<() => void> = []
  private readonly unsubscribeSwitch: () => void
  /** Paragraphs (keys) with issues held back while typed, drawn again by `settleTimer`. */
  private heldKeys = new Set<string>()
  private settleTimer: ReturnType<typeof setTimeout> | null = null
  private settleAt = 0

  constructor(
    private readonly view: EditorView,
    private readonly extension: CopyDeskExtension,
  ) {
    const { enabled, delayMs } = extension.options
    this.checks = refreshAfterPaint(() => this.check(), delayMs)
    this.unsubscribeSwitch = enabled?.subscribe(() => this.follow()) ?? (() => undefined)
    this.follow()
  }

  /** Start or stop with the person's setting. */
  private follow(): void {
    const on = this.extension.options.enabled?.on() ?? true
    if (on && !this.active && !this.view.isDestroyed) this.start()
    else if (!on && this.active) this.stop()
  }

  /** Start checking: the checker (its worker), the dictionary and story words, a whole check at once. */
  private start(): void {
    const { source, storyWords, createChecker } = this.extension.options
    const { storage } = this.extension
    this.active = true
    // One checker (one worker) per view: started with the editor, or when checks are turned on.
    if (createChecker) {
      const checker = createChecker()
      this.releases.push(() => checker.dispose())
      storage.suggest = (word) => checker.suggest(word)
      // Answers of a checker stopped since (checks turned off) are dropped, its failure too.
      const incremental: IncrementalChecker = new IncrementalChecker(
        checker,
        (keys) => {
          if (storage.checker !== incremental) return
          storage.error = null
          this.redrawParagraphs(keys)
          this.report()
        },
        (error) => {
          if (storage.checker === incremental) storage.error = error.message
        },
      )
      storage.checker = incremental
    }
    // Dictionary and story words change what is shown, not what the checker found: redraw only.
    if (source) this.releases.push(source.subscribe(() => this.redraw()))
    if (source?.open) this.releases.push(source.open())
    if (storyWords) this.releases.push(storyWords.subscribe(() => this.redraw()))
    this.checkedKeys = null
    storage.progress.set(NOT_CHECKED)
    this.schedule(0)
  }

  /** Stop checking: the worker ends, the marks and an open menu go. */
  private stop(): void {
    this.release()
    const { storage } = this.extension
    storage.checker = null
    storage.suggest = async () => []
    storage.error = null
    this.checkedKeys = null
    storage.progress.set(NOT_CHECKED)
    if (this.view.isDestroyed) return
    const { decorations, menu } = copyDeskState(this.view.state)
    if (decorations === DecorationSet.empty && menu === null) return
    const meta: CopyDeskMeta = { decorations: DecorationSet.empty, menu: null }
    this.view.dispatch(this.view.state.tr.setMeta(copyDeskKey, meta).setMeta('addToHistory', false))
  }

  update(view: EditorView, previous: EditorState): void {
    if (view.state.doc !== previous.doc && this.active) this.checks.changed()
  }

  destroy(): void {
    this.unsubscribeSwitch()
    this.release()
    this.extension.storage.checker = null
    if (views.get(this.extension.editor) === this) views.delete(this.extension.editor)
  }

  /** End the checker, the subscriptions and a check waiting to run. */
  private release(): void {
    this.active = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.checks.cancel()
    if (this.settleTimer) clearTimeout(this.settleTimer)
    this.settleTimer = null
    this.heldKeys.clear()
    for (const release of this.releases) release()
    this.releases = []
  }

  /** Check within `delay` ms (a whole check when checks start). */
  private schedule(delay: number): void {
    if (this.timer) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.check()
    }, delay)
  }

  private check(): void {
    const checker = this.extension.storage.checker
    if (!checker || this.view.isDestroyed) return
    const paragraphs = storyParagraphs(this.view.state.doc)
    const inputs = paragraphs.map((paragraph) => paragraph.input)
    checker.request(inputs)
    const keys = new Set(inputs.map(keyOf))
    if (this.checkedKeys === null) {
      this.redraw(paragraphs)
    } else {
      // Unchanged and moved paragraphs kept their decorations (mapped through each edit). A
      // paragraph whose new text was checked before (undo) is drawn now; the rest when checked.
      const known = new Set([...keys].filter((key) => !this.checkedKeys?.has(key) && checker.resultFor(inputOfKey(paragraphs, key)) !== undefined))
      if (known.size > 0) this.redrawParagraphs(known, paragraphs)
    }
    this.checkedKeys = keys
    this.report(paragraphs)
  }

  /**
   * Count the story's paragraphs whose results are drawn: after each check is sent and each answer
   * drawn (the paragraphs are read again only where they changed, so a count costs little).
   */
  private report(paragraphs?: StoryParagraph[]): void {
    const checker = this.extension.storage.checker
    if (!checker || this.view.isDestroyed) return
    let checked = 0
    const all = paragraphs ?? storyParagraphs(this.view.state.doc)
    for (const paragraph of all) if (checker.resultFor(paragraph.input)) checked++
    const { progress } = this.extension.storage
    progress.set({ checked, total: all.length, whole: progress.get().whole || checked === all.length })
  }

  /**
   * What is known now: the newsroom's dictionary, the story's own words, the words ignored here;
   * and which issues are being typed in (held back: their paragraphs are drawn again later).
   */
  private knownNow(state: EditorState): Pick<DecorationInputs, 'known' | 'disabledRules' | 'ignoredIssues' | 'held'> {
    const { source, storyWords, holdMs } = this.extension.options
    const { edits } = copyDeskState(state)
    const clock = Date.now()
    const held = (paragraph: StoryParagraph, from: number, to: number) => {
      const until = edits.length === 0 ? 0 : heldUntil(edits, from, to, clock, holdMs)
      if (until > 0) this.holdBack(keyOf(paragraph.input), until)
      return until > 0
    }
    return {
      held,
      known: {
        newsroom: source?.words() ?? NO_KNOWN_WORDS.newsroom,
        story: storyWords?.words() ?? NO_KNOWN_WORDS.story,
        ignored: this.extension.storage.ignoredWords,
      },
      disabledRules: source?.disabledRules() ?? new Set(),
      ignoredIssues: this.extension.storage.ignoredIssues,
    }
  }

  /**
   * Draw again only the paragraphs with these keys (their results just arrived): their old
   * decorations out, the new in, the rest of the story's decorations untouched. Building the
   * whole set again on every result cost a long story tens of milliseconds per keystroke of
   * anyone typing in it (issue 12's paint bench found it).
   */
  private redrawParagraphs(keys: ReadonlySet<string>, all?: StoryParagraph[]): void {
    const checker = this.extension.storage.checker
    if (!checker || this.view.isDestroyed) return
    const { state } = this.view
    const current = copyDeskState(state).decorations
    const now = this.knownNow(state)
    const old: Decoration[] = []
    const fresh: Decoration[] = []
    for (const paragraph of all ?? storyParagraphs(state.doc)) {
      if (!keys.has(keyOf(paragraph.input))) continue
      const result = checker.resultFor(paragraph.input)
      if (!result) continue
      old.push(...current.find(paragraph.start, paragraph.start + paragraph.input.text.length, (spec) => (spec as Partial<IssueSpec>).copyDesk === true))
      fresh.push(...paragraphDecorations(paragraph, result, now))
    }
    // The same marks as drawn (a paragraph checked again with its issues unchanged): no transaction,
    // so the page is not redrawn (in a long story that costs as much as a key press).
    if (sameDecorations(old, fresh)) return
    this.dispatchDecorations(state, current.remove(old).add(state.doc, fresh))
  }

  /** Draw the paragraph with `key` again at `until`, when its held issue may show. */
  private holdBack(key: string, until: number): void {
    this.heldKeys.add(key)
    if (this.settleTimer && this.settleAt <= until) return
    if (this.settleTimer) clearTimeout(this.settleTimer)
    this.settleAt = until
    this.settleTimer = setTimeout(
      () => {
        this.settleTimer = null
        const keys = this.heldKeys
        this.heldKeys = new Set()
        this.redrawParagraphs(keys)
      },
      Math.max(0, until - Date.now()),
    )
  }

  /** Build the decorations again from the checker's results and what is known now. */
  redraw(paragraphs?: StoryParagraph[]): void {
    const checker = this.extension.storage.checker
    if (!checker || this.view.isDestroyed) return
    const { state } = this.view
    const decorations = issueDecorations(state.doc, {
      ...this.knownNow(state),
      paragraphs: paragraphs ?? storyParagraphs(state.doc),
      resultFor: (input) => checker.resultFor(input),
      previous: copyDeskState(state).decorations,
    })
    // Nothing changed: no transaction at all.
    if (sameIssues(decorations, copyDeskState(state).decorations)) return
    this.dispatchDecorations(state, decorations)
  }

  private dispatchDecorations(state: EditorState, decorations: DecorationSet): void {
    const meta: CopyDeskMeta = { decorations }
    const tr = state.tr.setMeta(copyDeskKey, meta).setMeta('addToHistory', false)
    // A redraw writes the selection back to the page. Arriving between a key that moved the caret
    // (End, an arrow) and the browser's report of it, it would put the caret back where it was, and
    // the next key (Enter) would act there: take the page's selection first.
    const selection = domSelection(this.view)
    if (selection && !selection.eq(state.selection)) tr.setSelection(selection)
    this.view.dispatch(tr)
  }
}

/** The input of the first paragraph with this key. */
function inputOfKey(paragraphs: readonly StoryParagraph[], key: string): ParagraphInput {
  return (paragraphs.find((paragraph) => keyOf(paragraph.input) === key) as StoryParagraph).input
}

/** Whether two decoration sets mark the same issues in the same places. */
function sameIssues(a: DecorationSet, b: DecorationSet): boolean {
  const left = issuesIn(a)
  const right = issuesIn(b)
  return (
    left.length === right.length &&
    left.every((issue, index) => {
      const other = right[index]!
      return issue.from === other.from && issue.to === other.to && issue.kind === other.kind && issue.message === other.message && issue.replacement === other.replacement
    })
  )
}

/**
 * The selection the page shows, when the editor has the focus: it runs ahead of the editor's state
 * until the browser reports it (a "selectionchange" comes a task after the key that moved it).
 */
function domSelection(view: EditorView): Selection | null {
  if (!view.hasFocus()) return null
  const dom = (view.root as Document).getSelection?.()
  if (!dom?.anchorNode || !dom.focusNode || !view.dom.contains(dom.anchorNode) || !view.dom.contains(dom.focusNode)) return null
  try {
    const { doc } = view.state
    return TextSelection.between(doc.resolve(view.posAtDOM(dom.anchorNode, dom.anchorOffset)), doc.resolve(view.posAtDOM(dom.focusNode, dom.focusOffset)))
  } catch {
    // Inside a widget (a collaborator's caret): the editor's own selection stands.
    return null
  }
}

/**
 * How positions moved in a transaction. Remote changes arrive from `@tiptap/y-tiptap` as one step
 * replacing the whole document (with the untouched blocks' nodes reused), which would drop every
 * decoration; mapped instead through the span where the two documents differ, only the changed
 * text loses its marks until it is checked again, and the rest of the story never flickers.
 */
function mappingOf(tr: Transaction, before: PMNode): Mapping {
  const meta = tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined
  if (!meta?.isChangeOrigin) return tr.mapping
  const start = before.content.findDiffStart(tr.doc.content)
  if (start === null) return new Mapping([])
  const end = before.content.findDiffEnd(tr.doc.content) ?? { a: before.content.size, b: tr.doc.content.size }
  let { a: endBefore, b: endAfter } = end
  // Repeated text makes the two ends cross: widen both by the overlap, as ProseMirror's view does.
  const overlap = start - Math.min(endBefore, endAfter)
  if (overlap > 0) {
    endBefore += overlap
    endAfter += overlap
  }
  return new Mapping([new StepMap([start, endBefore - start, endAfter - start])])
}

/** Where `mapping` changed the document, as ranges of the document after it. */
function changedRanges(mapping: Mapping): Array<{ from: number; to: number }> {
  const ranges: Array<{ from: number; to: number }> = []
  mapping.maps.forEach((map, index) => {
    map.forEach((_oldStart, _oldEnd, newStart, newEnd) => {
      const later = mapping.slice(index + 1)
      ranges.push({ from: later.map(newStart, -1), to: later.map(newEnd, 1) })
    })
  })
  return ranges
}

/**
 * Decorations mapped through an edit, less those the edit touched: a word being typed (or that a
 * collaborator is typing in) loses its mark until it is checked again, rather than keep a mark
 * that no longer fits it ("sai" marked while "said" is being typed).
 */
function mapDecorations(decorations: DecorationSet, mapping: Mapping, changed: ReadonlyArray<{ from: number; to: number }>, doc: PMNode): DecorationSet {
  if (decorations === DecorationSet.empty) return decorations
  const mapped = decorations.map(mapping, doc)
  const touched = changed.flatMap((range) => mapped.find(range.from, range.to))
  return touched.length === 0 ? mapped : mapped.remove(touched)
}

/** The plugin state after `tr`: the decorations, an open menu and the recent edits mapped through it. */
function apply(tr: Transaction, value: CopyDeskState, before: EditorState, extension: CopyDeskExtension): CopyDeskState {
  const meta = tr.getMeta(copyDeskKey) as CopyDeskMeta | undefined
  let { decorations, menu, generation, edits } = value
  // With checks off there is nothing to follow (no marks, no checker).
  if (tr.docChanged && (extension.storage.checker || decorations !== DecorationSet.empty || menu)) {
    const mapping = mappingOf(tr, before.doc)
    const changed = changedRanges(mapping)
    decorations = mapDecorations(decorations, mapping, changed, tr.doc)
    edits = followEdits(edits, mapping, changed, Date.now(), extension.options.holdMs)
    if (menu) {
      const from = mapping.mapResult(menu.from, 1)
      const to = mapping.mapResult(menu.to, -1)
      menu = from.deleted || to.deleted || to.pos <= from.pos ? null : { ...menu, from: from.pos, to: to.pos }
    }
  }
  if (meta && 'decorations' in meta) {
    decorations = meta.decorations
    generation++
  }
  if (meta && 'menu' in meta) menu = meta.menu
  return decorations === value.decorations && menu === value.menu && edits === value.edits ? value : { decorations, menu, generation, edits }
}

/** The checking, for the `engine` option of `CopyDesk` (the app adds its checker and dictionary: storyCopyDeskEngine.ts). */
export const copyDeskEngine: CopyDeskEngine = {
  start: (view, extension) => {
    const copyDeskView = new CopyDeskView(view, extension)
    views.set(extension.editor, copyDeskView)
    return copyDeskView
  },

  apply,

  command(extension, name, args, { state, tr, dispatch }) {
    switch (name) {
      case 'openCopyDeskMenu': {
        const issue = issueAt(state, state.selection.from)
        if (!issue) return false
        if (dispatch) setMenu(tr, { from: issue.from, to: issue.to, byKeyboard: true })
        return true
      }
      case 'closeCopyDeskMenu':
        if (!copyDeskState(state).menu) return false
        if (dispatch) setMenu(tr, null)
        return true
      case 'replaceCopyDeskIssue': {
        const [issue, replacement] = args as [Pick<CopyDeskIssue, 'from' | 'to' | 'text'>, string]
        // Only while the text is still what was flagged (someone may have changed it meanwhile).
        const flagged = (text: string) => text.replace(/’/g, "'")
        if (flagged(state.doc.textBetween(issue.from, issue.to, '\n')) !== flagged(issue.text)) return false
        if (dispatch) {
          if (replacement) tr.insertText(replacement, issue.from, issue.to)
          else tr.delete(issue.from, issue.to)
          setMenu(tr, null)
        }
        return true
      }
      case 'ignoreCopyDeskIssue': {
        const [issue] = args as [Pick<CopyDeskIssue, 'kind' | 'text' | 'ruleId'>]
        if (dispatch) {
          if (issue.kind === 'spelling') extension.storage.ignoredWords.add(issue.text)
          else extension.storage.ignoredIssues.add(ignoredIssueKey(issue.ruleId, issue.text))
          setMenu(tr, null)
          // After this command's transaction: the redraw reads the state it leaves.
          queueMicrotask(() => views.get(extension.editor)?.redraw())
        }
        return true
      }
    }
  },

  click(view, pos) {
    const issue = issueAt(view.state, pos)
    const menu = copyDeskState(view.state).menu
    if (issue) view.dispatch(setMenu(view.state.tr, { from: issue.from, to: issue.to, byKeyboard: false }))
    else if (menu) view.dispatch(setMenu(view.state.tr, null))
  },

  openByKeyboard({ editor }) {
    // The caret as the page shows it: an arrow key just before may not have reached the state yet.
    const { view } = editor
    const selection = domSelection(view)
    if (selection && !selection.eq(view.state.selection)) view.dispatch(view.state.tr.setSelection(selection))
    return editor.commands.openCopyDeskMenu()
  },
}
