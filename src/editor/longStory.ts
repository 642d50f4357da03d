/**
 * Editing a long story whose paragraphs out of view are neither laid out nor painted
 * (`content-visibility: auto`, app.css: issue 12). Chromium does not edit well inside a paragraph
 * it has skipped:
 * - A paragraph just made (Enter) starts out skipped until the next frame: a key typed at once
 *   went in, and the caret then fell back to the paragraph's start, so the rest of the word came
 *   before its first letter. The paragraphs holding the caret (and the selection's other end) are
 *   marked `story-body__caret-block`, which the stylesheet never skips, from the moment they exist.
 * - Its own Ctrl+End stopped at the start of a last paragraph it had not laid out. Ctrl+Home and
 *   Ctrl+End (⌘↑ and ⌘↓ on a Mac), with Shift to select, are done by the editor: the caret goes to
 *   the story's first or last text position, and into view.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey, Selection, TextSelection, type EditorState } from '@tiptap/pm/state'
import { Decoration, DecorationSet } from '@tiptap/pm/view'
import { IS_MAC } from '../ui/platform'

/** The class of a top-level block holding an end of the selection (app.css keeps it laid out). */
export const CARET_BLOCK = 'story-body__caret-block'

/** The top-level blocks holding the selection's ends, marked. */
function caretBlocks(state: EditorState): DecorationSet {
  const decorations: Decoration[] = []
  for (const end of new Set([state.selection.$head, state.selection.$anchor].map(($pos) => ($pos.depth > 0 ? $pos.before(1) : -1)))) {
    const block = end >= 0 ? state.doc.nodeAt(end) : null
    if (block) decorations.push(Decoration.node(end, end + block.nodeSize, { class: CARET_BLOCK }))
  }
  return DecorationSet.create(state.doc, decorations)
}

export const LongStory = Extension.create({
  name: 'longStory',
  addProseMirrorPlugins() {
    return [new Plugin({ key: new PluginKey('longStoryCaretBlock'), props: { decorations: caretBlocks } })]
  },
  addKeyboardShortcuts() {
    const moveTo = (end: boolean, extend: boolean) => () => {
      const { state, view } = this.editor
      const target = end ? Selection.atEnd(state.doc) : Selection.atStart(state.doc)
      const selection = extend ? TextSelection.between(state.selection.$anchor, target.$head) : target
      view.dispatch(state.tr.setSelection(selection).scrollIntoView())
      return true
    }
    const keys: Record<string, () => boolean> = {
      'Mod-Home': moveTo(false, false),
      'Mod-End': moveTo(true, false),
      'Shift-Mod-Home': moveTo(false, true),
      'Shift-Mod-End': moveTo(true, true),
    }
    if (IS_MAC) {
      keys['Mod-ArrowUp'] = moveTo(false, false)
      keys['Mod-ArrowDown'] = moveTo(true, false)
      keys['Shift-Mod-ArrowUp'] = moveTo(false, true)
      keys['Shift-Mod-ArrowDown'] = moveTo(true, true)
    }
    return keys
  },
})
