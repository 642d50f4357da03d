/**
 * Keeps React's commits from walking the whole story (issue 12).
 *
 * Before every commit React DOM (19.3, `commitBeforeMutationEffects`) saves the focused element's
 * selection, and for an element whose `contentEditable` property is "true" it saves it as
 * character offsets: it walks every node inside the element, counting text, with no early exit
 * (`getModernOffsetsFromPoints`). While the caret is in the story body that is the whole story, in
 * every commit anywhere on the page (the save state, the word count, the copy desk's and the
 * review's counts...): the profile of typing into a 50,000-word story put it at about as much time
 * as ProseMirror's own handling of the key presses.
 *
 * React only uses those offsets when the commit took the focus away from the element, to put the
 * caret back by offset into a DOM it rewrote. React never renders inside ProseMirror's DOM, and it
 * still hands the focus back with `focus()` (ProseMirror keeps its selection). So the story body
 * answers "inherit" when a script reads its `contentEditable` property: React then skips the walk,
 * while the `contenteditable` attribute (what the browser, assistive technology, ProseMirror and
 * the tests read, as does `isContentEditable`) is untouched. ProseMirror only compares that
 * property with "false", which "inherit" is not. Writing the property still works.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'

const descriptor = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'contentEditable')

/** Makes `element.contentEditable` read "inherit"; returns the undo. */
export function hideEditableFromReact(element: HTMLElement): () => void {
  Object.defineProperty(element, 'contentEditable', {
    configurable: true,
    get: () => 'inherit',
    set: (value: string) => {
      descriptor?.set?.call(element, value)
    },
  })
  return () => {
    delete (element as { contentEditable?: string }).contentEditable
  }
}

/** The extension: the editor's root element is hidden from React's selection saving while the view lives. */
export const ReactSelectionGuard = Extension.create({
  name: 'reactSelectionGuard',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('reactSelectionGuard'),
        view: (view) => {
          const restore = hideEditableFromReact(view.dom)
          return { destroy: restore }
        },
      }),
    ]
  },
})
