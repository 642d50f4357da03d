/** Ctrl/⌘+K opens the toolbar's link form for the selection (or the link under the caret). */
import { Extension } from '@tiptap/core'
import { useEditorUi } from '../store/ui'

export const LinkShortcut = Extension.create({
  name: 'deskLinkShortcut',
  addKeyboardShortcuts() {
    return {
      'Mod-k': () => {
        if (!this.editor.isEditable) return false
        const href = this.editor.getAttributes('link').href as string | undefined
        useEditorUi.getState().openLink(href ?? 'https://')
        return true
      },
    }
  },
})
