/**
 * Links. Our own mark rather than @tiptap/extension-link: that one brings linkifyjs (about 16 KB
 * of the story page's script, gzip) for autolinking, which stays off here (it rewrites text that
 * arrives from collaborators). The mark's name, attributes and HTML are the same as the library's
 * (stored stories keep their links as they are); a target that is not http(s), mailto or relative
 * is never parsed in and renders with an empty href (the server refuses storing one:
 * server/updateScope.ts).
 */
import { Mark, mergeAttributes } from '@tiptap/core'
import { isSafeHref } from '../links.js'

/** Mark name of links. */
export const LINK = 'link'

/** What every link in a story carries in HTML: nothing of the story is endorsed or tracked. */
const LINK_REL = 'noopener noreferrer nofollow'

declare module '@tiptap/core' {
  interface Commands<ReturnType> {
    storyLink: {
      /** Link the selection (or the link around the cursor, with `extendMarkRange`) to `href`. */
      setLink: (attributes: { href: string }) => ReturnType
      /** Remove the link from the selection. */
      unsetLink: () => ReturnType
    }
  }
}

export const LinkMark = Mark.create({
  name: LINK,
  priority: 1000,
  keepOnSplit: false,
  exitable: true,
  // Typing at a link's end does not extend it.
  inclusive: false,
  addAttributes() {
    return {
      href: { default: null, parseHTML: (element) => element.getAttribute('href') },
      target: { default: null },
      rel: { default: LINK_REL },
      class: { default: null },
      title: { default: null },
    }
  },
  parseHTML() {
    return [{ tag: 'a[href]', getAttrs: (element) => (isSafeHref(element.getAttribute('href')) ? null : false) }]
  },
  renderHTML({ HTMLAttributes }) {
    const href = isSafeHref(HTMLAttributes.href) ? HTMLAttributes.href : ''
    return ['a', mergeAttributes({ rel: LINK_REL }, HTMLAttributes, { href }), 0]
  },
  addCommands() {
    return {
      setLink:
        ({ href }) =>
        ({ chain }) =>
          isSafeHref(href) && chain().setMark(this.name, { href }).setMeta('preventAutolink', true).run(),
      unsetLink:
        () =>
        ({ chain }) =>
          chain().unsetMark(this.name, { extendEmptyMarkRange: true }).setMeta('preventAutolink', true).run(),
    }
  },
})
