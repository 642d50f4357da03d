/**
 * Desk notes: non-printing text inside the body (like the Guardian's note marks). Shown in a
 * distinct style in the editor, never counted as words and never exported.
 */
import { Mark, mergeAttributes } from '@tiptap/core'

/** Mark name of desk notes; the story's plain text (src/shared/storyDoc.ts) leaves them out. */
export const NOTE = 'note'

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    deskNote: {
      /** Turn the selection into a desk note, or back into story text. */
      toggleNote: () => ReturnType
    }
  }
}

export const NoteMark = Mark.create({
  name: NOTE,
  // Like bold: once turned on, everything typed is in the note until it is turned off (a note
  // that kept only its first character printed the rest as copy).
  inclusive: true,
  parseHTML() {
    return [{ tag: 'span[data-desk-note]' }]
  },
  renderHTML({ HTMLAttributes }) {
    return ['span', mergeAttributes(HTMLAttributes, { 'data-desk-note': '', class: 'desk-note', title: 'Desk note: never printed' }), 0]
  },
  addCommands() {
    return {
      toggleNote:
        () =>
        ({ commands }) =>
          commands.toggleMark(this.name),
    }
  },
  addKeyboardShortcuts() {
    return { 'Mod-Alt-n': () => this.editor.commands.toggleNote() }
  },
})
