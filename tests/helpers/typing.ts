/**
 * Editing a TipTap editor the way a person does, one transaction per keystroke as the browser
 * sends them, and finding where to do it: for the two-editor tests (tests/helpers/peers.ts).
 */
import type * as Y from 'yjs'
import type { Editor } from '@tiptap/core'
import { TextSelection } from '@tiptap/pm/state'
import { yUndoPluginKey } from '@tiptap/y-tiptap'

/** Position just before (or after) `needle` in top-level block `block`. */
export function at(editor: Editor, block: number, needle: string, after = false): number {
  const doc = editor.state.doc
  let pos = 0
  for (let i = 0; i < block; i++) pos += doc.child(i).nodeSize
  const offset = doc.child(block).textContent.indexOf(needle)
  if (offset < 0) throw new Error(`"${needle}" not in block ${block}: "${doc.child(block).textContent}"`)
  return pos + 1 + offset + (after ? needle.length : 0)
}

/** Position just before (or after) the first `needle` inside any text node, however deep. */
export function find(editor: Editor, needle: string, after = false): number {
  let found = -1
  editor.state.doc.descendants((node, pos) => {
    if (found >= 0) return false
    const offset = node.isText ? (node.text ?? '').indexOf(needle) : -1
    if (offset >= 0) found = pos + offset + (after ? needle.length : 0)
    return found < 0
  })
  if (found < 0) throw new Error(`"${needle}" not in the story`)
  return found
}

/** Put the caret at `from`, or select [from, to). */
export function select(editor: Editor, from: number, to = from): void {
  editor.view.dispatch(editor.state.tr.setSelection(TextSelection.create(editor.state.doc, from, to)))
}

/** Type `text` one character at a time at `pos`, as the browser does. */
export function type(editor: Editor, pos: number, text: string): void {
  select(editor, pos)
  for (const char of text) editor.view.dispatch(editor.state.tr.insertText(char))
}

/** Press Backspace `times` times with the caret at `pos` (ProseMirror reads it from the DOM: delete + caret). */
export function backspace(editor: Editor, pos: number, times = 1): void {
  select(editor, pos)
  for (let i = 0; i < times; i++) {
    const head = editor.state.selection.head
    const tr = editor.state.tr.delete(head - 1, head)
    editor.view.dispatch(tr.setSelection(TextSelection.create(tr.doc, head - 1)))
  }
}

/** Select [from, to) and type `text` over it (or delete it when empty). */
export function replace(editor: Editor, from: number, to: number, text: string): void {
  const tr = editor.state.tr.setSelection(TextSelection.create(editor.state.doc, from, to))
  editor.view.dispatch(text ? tr.insertText(text) : tr.deleteSelection())
}

/** A key press as the browser delivers it: to ProseMirror's keydown handlers (TipTap's keymaps). */
export function press(editor: Editor, key: string): void {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })
  editor.view.someProp('handleKeyDown', (handle) => handle(editor.view, event))
}

/** The next change is its own undo step (Yjs merges changes less than 500 ms apart). */
export function stopCapturing(editor: Editor): void {
  const state = yUndoPluginKey.getState(editor.state) as { undoManager: Y.UndoManager } | undefined
  state?.undoManager.stopCapturing()
}
