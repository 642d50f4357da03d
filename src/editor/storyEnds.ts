/**
 * Ctrl+Home and Ctrl+End (⌘↑ and ⌘↓ on a Mac), with Shift to select, done by the editor rather
 * than the browser. The story's paragraphs out of view are not laid out (`content-visibility:
 * auto`, app.css: issue 12), and Chromium's own move to the end stops at the start of the last
 * paragraph, which it has not laid out. Here the caret goes to the story's first or last text
 * position, and into view.
 */
import { Extension } from '@tiptap/core'
import { Selection, TextSelection } from '@tiptap/pm/state'

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

export const StoryEnds = Extension.create({
  name: 'storyEnds',
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
    if (MAC) {
      keys['Mod-ArrowUp'] = moveTo(false, false)
      keys['Mod-ArrowDown'] = moveTo(true, false)
      keys['Shift-Mod-ArrowUp'] = moveTo(false, true)
      keys['Shift-Mod-ArrowDown'] = moveTo(true, true)
    }
    return keys
  },
})
