/**
 * Copy desk checks in the editor (issue 13): spelling, grammar slips and the newsroom's house
 * style, marked as the story is written. The checker runs in a Web Worker, started with the
 * editor; only paragraphs whose text changed are checked again (incrementalChecker.ts), local
 * and remote edits alike, at most every `delayMs` while people type. Issues are decorations
 * (issueDecorations.ts): nothing reaches the Yjs document, a version or an export.
 *
 * This module is what the story page loads with the editor: the plugin's key and state (empty
 * until results come), its commands and keys, and the readers of its issues. The checking itself
 * (copyDeskEngine.ts) is loaded when checks first start, as the story page's other on-demand code
 * (issue 12): the worker must start and answer before any mark is drawn anyway. With checks off it
 * is not loaded at all; if it cannot be (offline before it was cached), the story is edited
 * without checks and the Review tab says why.
 *
 * Clicking a marked word, or Ctrl/⌘+. with the caret in it, opens its menu (CopyDeskMenu.tsx):
 * replacements, Ignore, Add to dictionary. A replacement is an ordinary edit, so in suggest mode
 * it becomes a suggestion (src/review/suggest/SuggestChanges.ts transforms it like typing).
 */
import { Extension, type CommandProps, type Commands, type Editor } from '@tiptap/core'
import { Plugin, PluginKey, type EditorState, type PluginView, type Transaction } from '@tiptap/pm/state'
import { DecorationSet, type EditorView } from '@tiptap/pm/view'
import type { Checker } from './checkerClient'
import { checkProgressStore, type CheckProgressStore } from './checkProgress'
import type { IncrementalChecker } from './incrementalChecker'
import type { CopyDeskIssue, IssueSpec } from './issueDecorations'
import type { RecentEdit } from './typingHold'

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

/** Whether checks run at all: the person's "Check spelling and style as I type" (src/store/copyDeskSettings.ts). */
export interface CopyDeskSwitch {
  on(): boolean
  /** Call `listener` when it may have changed; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
}

export interface CopyDeskOptions {
  /** Makes the checker; the app's runs in a worker (checkerClient.ts). Null: no checks. */
  createChecker: (() => Checker) | null
  /** Off: no checker (no worker started), no marks, nothing asked of the server. Null: always on. */
  enabled: CopyDeskSwitch | null
  source: CopyDeskSource | null
  storyWords: StoryWordsSource | null
  /** How long edits settle before changed paragraphs are checked (ms). */
  delayMs: number
  /** How long an issue stays unmarked while a word in it is being typed (ms; typingHold.ts). */
  holdMs: number
  /**
   * Gives the checking itself (copyDeskEngine.ts), loaded on demand in the app; called when checks
   * first start. Null: no checks.
   */
  engine: (() => CopyDeskEngine | Promise<CopyDeskEngine>) | null
}

/** One editor's copy desk as the plugin sees it: its options, its storage, its editor. */
export interface CopyDeskExtension {
  options: CopyDeskOptions
  storage: CopyDeskStorage
  editor: Editor
}

/** The copy desk's commands, by name. */
export type CopyDeskCommand = keyof Commands<boolean>['copyDesk']

/** The checking, loaded (copyDeskEngine.ts): what the plugin, its commands and keys ask of it. */
export interface CopyDeskEngine {
  /** The plugin's view in `view`: has the story checked and draws the results. */
  start(view: EditorView, extension: CopyDeskExtension): Required<Pick<PluginView, 'update' | 'destroy'>>
  /** The plugin state after `tr`: the decorations, an open menu and recent edits mapped through it. */
  apply(tr: Transaction, value: CopyDeskState, before: EditorState, extension: CopyDeskExtension): CopyDeskState
  /** Run one of the copy desk's commands. */
  command(extension: CopyDeskExtension, name: CopyDeskCommand, args: unknown[], props: CommandProps): boolean
  /** A click at `pos`: opens the menu of the issue there, or closes the open one. */
  click(view: EditorView, pos: number): void
  /** Ctrl/⌘+.: the menu of the issue at the caret (as the page shows it). */
  openByKeyboard(extension: CopyDeskExtension): boolean
  /** Options over the extension's (the app's checker, dictionary, story's words). */
  options?: Partial<CopyDeskOptions>
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
  /** How much of the story has its results drawn (checkProgress.ts): the Review tab's status. */
  progress: CheckProgressStore
}

/** The copy desk's editor state: its decorations and the issue whose menu is open. */
export interface CopyDeskState {
  decorations: DecorationSet
  menu: { from: number; to: number; byKeyboard: boolean } | null
  /** Counts the redraws: lists re-read the issues when it changes, not on every keystroke. */
  generation: number
  /** Each typist's last edit, while it holds the issue around it back (typingHold.ts). */
  edits: readonly RecentEdit[]
}

export type CopyDeskMeta = { decorations: DecorationSet } | { menu: CopyDeskState['menu'] } | { decorations: DecorationSet; menu: null }

export const copyDeskKey = new PluginKey<CopyDeskState>('copyDesk')

const EMPTY_STATE: CopyDeskState = { decorations: DecorationSet.empty, menu: null, generation: 0, edits: [] }

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

/** The issues of a decoration set, in document order (from `from` to `to` when given). */
export function issuesIn(decorations: DecorationSet, from?: number, to?: number): CopyDeskIssue[] {
  return decorations
    .find(from, to, (spec) => (spec as Partial<IssueSpec>).copyDesk === true)
    .sort((a, b) => a.from - b.from)
    .map((decoration) => {
      const spec = decoration.spec as IssueSpec
      return { kind: spec.kind, text: spec.text, message: spec.message, ruleId: spec.ruleId, replacement: spec.replacement, from: decoration.from, to: decoration.to }
    })
}

/** The copy desk's state in `state` (empty when the extension is not there). */
export function copyDeskState(state: EditorState): CopyDeskState {
  return copyDeskKey.getState(state) ?? EMPTY_STATE
}

/** Every issue of the story now, in document order. */
export function copyDeskIssues(state: EditorState): CopyDeskIssue[] {
  return issuesIn(copyDeskState(state).decorations)
}

/** The checking of each editor, once loaded (with the options it brought). */
const engines = new WeakMap<Editor, { engine: CopyDeskEngine; extension: CopyDeskExtension }>()

/**
 * The plugin view: loads the checking when checks first start (the person's switch on), then
 * hands over to it. Nothing is loaded, and no worker started, while checks are off.
 */
class CopyDeskLoader implements PluginView {
  private running: Required<Pick<PluginView, 'update' | 'destroy'>> | null = null
  private loading = false
  private readonly unsubscribeSwitch: () => void

  constructor(
    private readonly view: EditorView,
    private readonly extension: CopyDeskExtension,
  ) {
    this.unsubscribeSwitch = extension.options.enabled?.subscribe(() => this.follow()) ?? (() => undefined)
    this.follow()
  }

  /** Load and start the checking when checks are on; once it runs, it follows the switch itself. */
  private follow(): void {
    const { editor, storage, options } = this.extension
    if (this.running || this.loading || !options.engine || this.view.isDestroyed) return
    // Loaded already (the plugin's views are made again when plugins are added), or on: start.
    if (!engines.has(editor) && !(options.enabled?.on() ?? true)) {
      // Turned off after the checking failed to load: it is not said to have stopped any more.
      if (storage.error) this.tell(null)
      return
    }
    this.loading = true
    const started = (engine: CopyDeskEngine) => {
      this.loading = false
      if (this.view.isDestroyed) return
      if (storage.error) this.tell(null)
      if (!engines.has(editor)) engines.set(editor, { engine, extension: { editor, storage, options: { ...options, ...engine.options } } })
      const loaded = engines.get(editor)!
      this.running = loaded.engine.start(this.view, loaded.extension)
    }
    // Offline before the service worker kept it, say: the story is edited without checks, and the
    // Review tab says why. Tried again when checks are turned off and on.
    const failed = () => {
      this.loading = false
      this.tell('it could not be loaded (offline?). The story can still be edited; reload the page to have it checked.')
    }
    try {
      const loaded = engines.get(editor)?.engine ?? options.engine()
      if (loaded instanceof Promise) loaded.then(started, failed)
      else started(loaded)
    } catch {
      failed()
    }
  }

  /** Say why there are no checks (null: nothing to say), and have the Review tab read it again. */
  private tell(error: string | null): void {
    this.extension.storage.error = error
    if (this.view.isDestroyed) return
    const meta: CopyDeskMeta = { decorations: DecorationSet.empty }
    this.view.dispatch(this.view.state.tr.setMeta(copyDeskKey, meta).setMeta('addToHistory', false))
  }

  update(view: EditorView, previous: EditorState): void {
    this.running?.update(view, previous)
  }

  destroy(): void {
    this.unsubscribeSwitch()
    this.running?.destroy()
  }
}

export const CopyDesk = Extension.create<CopyDeskOptions, CopyDeskStorage>({
  name: 'copyDesk',

  addOptions() {
    return { createChecker: null, enabled: null, source: null, storyWords: null, delayMs: 250, holdMs: 700, engine: null }
  },

  addStorage() {
    return { checker: null, suggest: async () => [], ignoredWords: new Set(), ignoredIssues: new Set(), error: null, progress: checkProgressStore() }
  },

  addProseMirrorPlugins() {
    const extension: CopyDeskExtension = { options: this.options, storage: this.storage, editor: this.editor }
    return [
      new Plugin<CopyDeskState>({
        key: copyDeskKey,
        state: {
          init: () => EMPTY_STATE,
          apply(tr, value, before) {
            const loaded = engines.get(extension.editor)
            if (loaded) return loaded.engine.apply(tr, value, before, loaded.extension)
            // Before the checking runs there is nothing to map: only its failure is told (a redraw).
            return tr.getMeta(copyDeskKey) ? { ...value, generation: value.generation + 1 } : value
          },
        },
        view: (view) => new CopyDeskLoader(view, extension),
        props: {
          decorations: (state) => copyDeskState(state).decorations,
          handleClick(view, pos) {
            engines.get(extension.editor)?.engine.click(view, pos)
            // The click still places the caret.
            return false
          },
        },
      }),
    ]
  },

  addCommands() {
    // Without the checking there is no issue to act on, nor a menu open.
    const command =
      (name: CopyDeskCommand) =>
      (...args: unknown[]) =>
      (props: CommandProps) => {
        const loaded = engines.get(this.editor)
        return loaded ? loaded.engine.command(loaded.extension, name, args, props) : false
      }
    return {
      openCopyDeskMenu: command('openCopyDeskMenu'),
      closeCopyDeskMenu: command('closeCopyDeskMenu'),
      replaceCopyDeskIssue: command('replaceCopyDeskIssue'),
      ignoreCopyDeskIssue: command('ignoreCopyDeskIssue'),
    }
  },

  addKeyboardShortcuts() {
    return {
      'Mod-.': () => {
        const loaded = engines.get(this.editor)
        return loaded ? loaded.engine.openByKeyboard(loaded.extension) : false
      },
      Escape: () => this.editor.commands.closeCopyDeskMenu(),
    }
  },
})
