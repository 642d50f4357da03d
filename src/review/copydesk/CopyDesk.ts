/**
 * Copy desk checks in the editor (issue 13): spelling, grammar slips and the newsroom's house
 * style, marked as the story is written. The checker runs in a Web Worker, started with the
 * editor; only paragraphs whose text changed are checked again (incrementalChecker.ts), local
 * and remote edits alike, at most every `delayMs` while people type. Issues are decorations
 * (issueDecorations.ts): nothing reaches the Yjs document, a version or an export.
 *
 * Clicking a marked word, or Ctrl/⌘+. with the caret in it, opens its menu (CopyDeskMenu.tsx):
 * replacements, Ignore, Add to dictionary. A replacement is an ordinary edit, so in suggest mode
 * it becomes a suggestion (src/review/suggest/SuggestChanges.ts transforms it like typing).
 */
import { Extension, type Editor } from '@tiptap/core'
import type { Node as PMNode } from '@tiptap/pm/model'
import { Plugin, PluginKey, TextSelection, type EditorState, type Selection, type Transaction } from '@tiptap/pm/state'
import { Mapping, StepMap } from '@tiptap/pm/transform'
import { DecorationSet, type Decoration, type EditorView } from '@tiptap/pm/view'
import { ySyncPluginKey } from '@tiptap/y-tiptap'
import type { Checker } from './checkerClient'
import type { ParagraphInput } from './checkParagraph'
import { IncrementalChecker, keyOf } from './incrementalChecker'
import { ignoredIssueKey, issueDecorations, issuesIn, paragraphDecorations, type CopyDeskIssue, type IssueSpec } from './issueDecorations'
import { NO_KNOWN_WORDS, type KnownWords } from './knownWords'
import { storyParagraphs, type StoryParagraph } from './storyParagraphs'

/** Where the newsroom's dictionary and its rules turned off come from (newsroomDictionary.ts). */
export interface CopyDeskSource {
  words(): ReadonlySet<string>
  disabledRules(): ReadonlySet<string>
  /** Call `listener` whenever either changes; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
  /** Add a word for the whole newsroom. */
  addWord(word: string): Promise<void>
  /** Keep it current while an editor needs it; returns the release. */
  open?(): () => void
}

/** The story's own names (bylines, dateline city): lower-cased words, and a way to hear of changes. */
export interface StoryWordsSource {
  words(): ReadonlySet<string>
  subscribe(listener: () => void): () => void
}

export interface CopyDeskOptions {
  /** Makes the checker; the app's runs in a worker (checkerClient.ts). Null: no checks. */
  createChecker: (() => Checker) | null
  source: CopyDeskSource | null
  storyWords: StoryWordsSource | null
  /** How long edits settle before changed paragraphs are checked (ms). */
  delayMs: number
}

export interface CopyDeskStorage {
  checker: IncrementalChecker | null
  /** Spellings of a word, from the checker (empty without one). */
  suggest: (word: string) => Promise<string[]>
  /** Words and style issues ignored in this editor (not stored anywhere). */
  ignoredWords: Set<string>
  ignoredIssues: Set<string>
  /** Set when the checker fails: shown in the Review tab. */
  error: string | null
}

/** The copy desk's editor state: its decorations and the issue whose menu is open. */
export interface CopyDeskState {
  decorations: DecorationSet
  menu: { from: number; to: number; byKeyboard: boolean } | null
  /** Counts the redraws: lists re-read the issues when it changes, not on every keystroke. */
  generation: number
}

type CopyDeskMeta = { decorations: DecorationSet } | { menu: CopyDeskState['menu'] }

export const copyDeskKey = new PluginKey<CopyDeskState>('copyDesk')

const EMPTY_STATE: CopyDeskState = { decorations: DecorationSet.empty, menu: null, generation: 0 }

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    copyDesk: {
      /** Open the menu of the issue at the caret (false when there is none). */
      openCopyDeskMenu: () => ReturnType
      closeCopyDeskMenu: () => ReturnType
      /** Replace an issue's text (a suggestion in suggest mode). */
      replaceCopyDeskIssue: (issue: Pick<CopyDeskIssue, 'from' | 'to' | 'text'>, replacement: string) => ReturnType
      /** Stop marking this issue here: a word everywhere in the story, a style issue with the same text. */
      ignoreCopyDeskIssue: (issue: Pick<CopyDeskIssue, 'kind' | 'text' | 'ruleId'>) => ReturnType
    }
  }
  interface Storage {
    copyDesk: CopyDeskStorage
  }
}

/** The copy desk's state in `state` (empty when the extension is not there). */
export function copyDeskState(state: EditorState): CopyDeskState {
  return copyDeskKey.getState(state) ?? EMPTY_STATE
}

/** Every issue of the story now, in document order. */
export function copyDeskIssues(state: EditorState): CopyDeskIssue[] {
  return issuesIn(copyDeskState(state).decorations)
}

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

/** Checks the story after edits settle and keeps the decorations in step. */
class CopyDeskView {
  private timer: ReturnType<typeof setTimeout> | null = null
  /** The paragraph keys of the last check (null before the first). */
  private checkedKeys: Set<string> | null = null
  private readonly unsubscribe: Array<() => void> = []
  private stopChecker: () => void = () => undefined

  constructor(
    private readonly view: EditorView,
    private readonly extension: { options: CopyDeskOptions; storage: CopyDeskStorage },
  ) {
    const { source, storyWords, createChecker } = extension.options
    const { storage } = extension
    // One checker (one worker) per view: started with the editor, stopped with it.
    if (createChecker) {
      const checker = createChecker()
      this.stopChecker = () => checker.dispose()
      storage.suggest = (word) => checker.suggest(word)
      storage.checker = new IncrementalChecker(
        checker,
        (keys) => {
          storage.error = null
          this.redrawParagraphs(keys)
        },
        (error) => {
          storage.error = error.message
        },
      )
    }
    // Dictionary and story words change what is shown, not what the checker found: redraw only.
    if (source) this.unsubscribe.push(source.subscribe(() => this.redraw()))
    if (source?.open) this.unsubscribe.push(source.open())
    if (storyWords) this.unsubscribe.push(storyWords.subscribe(() => this.redraw()))
    this.schedule(0)
  }

  update(view: EditorView, previous: EditorState): void {
    if (view.state.doc !== previous.doc) this.schedule(this.extension.options.delayMs)
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer)
    for (const unsubscribe of this.unsubscribe) unsubscribe()
    this.stopChecker()
    this.extension.storage.checker = null
  }

  /** Check within `delay` ms; edits meanwhile do not push it back (remote typing never stops it). */
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
  }

  /** What is known now: the newsroom's dictionary, the story's own words, the words ignored here. */
  private knownNow(): { known: KnownWords; disabledRules: ReadonlySet<string>; ignoredIssues: ReadonlySet<string> } {
    const { source, storyWords } = this.extension.options
    return {
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
    const now = this.knownNow()
    const old: Decoration[] = []
    const fresh: Decoration[] = []
    for (const paragraph of all ?? storyParagraphs(state.doc)) {
      if (!keys.has(keyOf(paragraph.input))) continue
      const result = checker.resultFor(paragraph.input)
      if (!result) continue
      old.push(...current.find(paragraph.start, paragraph.start + paragraph.input.text.length, (spec) => (spec as Partial<IssueSpec>).copyDesk === true))
      fresh.push(...paragraphDecorations(paragraph, result, now))
    }
    if (old.length === 0 && fresh.length === 0) return
    this.dispatchDecorations(state, current.remove(old).add(state.doc, fresh))
  }

  /** Build the decorations again from the checker's results and what is known now. */
  redraw(paragraphs?: StoryParagraph[]): void {
    const checker = this.extension.storage.checker
    if (!checker || this.view.isDestroyed) return
    const { state } = this.view
    const decorations = issueDecorations(state.doc, {
      ...this.knownNow(),
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
function mapDecorations(decorations: DecorationSet, mapping: Mapping, doc: PMNode): DecorationSet {
  const mapped = decorations.map(mapping, doc)
  const touched = changedRanges(mapping).flatMap((range) => mapped.find(range.from, range.to))
  return touched.length === 0 ? mapped : mapped.remove(touched)
}

/** The view of each editor, so commands can ask it to redraw. */
const views = new WeakMap<Editor, CopyDeskView>()

function setMenu(tr: Transaction, menu: CopyDeskState['menu']): Transaction {
  const meta: CopyDeskMeta = { menu }
  return tr.setMeta(copyDeskKey, meta)
}

export const CopyDesk = Extension.create<CopyDeskOptions, CopyDeskStorage>({
  name: 'copyDesk',

  addOptions() {
    return { createChecker: null, source: null, storyWords: null, delayMs: 250 }
  },

  addStorage() {
    return { checker: null, suggest: async () => [], ignoredWords: new Set(), ignoredIssues: new Set(), error: null }
  },

  addProseMirrorPlugins() {
    const extension = { options: this.options, storage: this.storage, editor: this.editor }
    return [
      new Plugin<CopyDeskState>({
        key: copyDeskKey,
        state: {
          init: () => EMPTY_STATE,
          apply(tr, value, before) {
            const meta = tr.getMeta(copyDeskKey) as CopyDeskMeta | undefined
            let { decorations, menu, generation } = value
            if (tr.docChanged) {
              const mapping = mappingOf(tr, before.doc)
              decorations = mapDecorations(decorations, mapping, tr.doc)
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
            return decorations === value.decorations && menu === value.menu ? value : { decorations, menu, generation }
          },
        },
        view: (view) => {
          const copyDeskView = new CopyDeskView(view, extension)
          views.set(extension.editor, copyDeskView)
          return copyDeskView
        },
        props: {
          decorations: (state) => copyDeskState(state).decorations,
          handleClick(view, pos) {
            const issue = issueAt(view.state, pos)
            const menu = copyDeskState(view.state).menu
            if (issue) view.dispatch(setMenu(view.state.tr, { from: issue.from, to: issue.to, byKeyboard: false }))
            else if (menu) view.dispatch(setMenu(view.state.tr, null))
            // The click still places the caret.
            return false
          },
        },
      }),
    ]
  },

  addCommands() {
    return {
      openCopyDeskMenu:
        () =>
        ({ state, tr, dispatch }) => {
          const issue = issueAt(state, state.selection.from)
          if (!issue) return false
          if (dispatch) setMenu(tr, { from: issue.from, to: issue.to, byKeyboard: true })
          return true
        },
      closeCopyDeskMenu:
        () =>
        ({ state, tr, dispatch }) => {
          if (!copyDeskState(state).menu) return false
          if (dispatch) setMenu(tr, null)
          return true
        },
      replaceCopyDeskIssue:
        (issue, replacement) =>
        ({ state, tr, dispatch }) => {
          // Only while the text is still what was flagged (someone may have changed it meanwhile).
          const flagged = (text: string) => text.replace(/’/g, "'")
          if (flagged(state.doc.textBetween(issue.from, issue.to, '\n')) !== flagged(issue.text)) return false
          if (dispatch) {
            if (replacement) tr.insertText(replacement, issue.from, issue.to)
            else tr.delete(issue.from, issue.to)
            setMenu(tr, null)
          }
          return true
        },
      ignoreCopyDeskIssue:
        (issue) =>
        ({ tr, dispatch }) => {
          if (dispatch) {
            if (issue.kind === 'spelling') this.storage.ignoredWords.add(issue.text)
            else this.storage.ignoredIssues.add(ignoredIssueKey(issue.ruleId, issue.text))
            setMenu(tr, null)
            // After this command's transaction: the redraw reads the state it leaves.
            queueMicrotask(() => views.get(this.editor)?.redraw())
          }
          return true
        },
    }
  },

  addKeyboardShortcuts() {
    return {
      'Mod-.': () => {
        // The caret as the page shows it: an arrow key just before may not have reached the state yet.
        const { view } = this.editor
        const selection = domSelection(view)
        if (selection && !selection.eq(view.state.selection)) view.dispatch(view.state.tr.setSelection(selection))
        return this.editor.commands.openCopyDeskMenu()
      },
      Escape: () => this.editor.commands.closeCopyDeskMenu(),
    }
  },
})
