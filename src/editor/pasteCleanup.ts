/**
 * What a paste from Word, Google Docs or a news web page becomes before the editor's schema reads
 * it: the structure kept (subheads, lists, quotes, links, bold, italic), the rest dropped.
 *
 * The schema already drops what it has no place for (scripts, styles, images, fonts). This adds
 * what it cannot know: Word writes lists as paragraphs with `mso-list` styles and their bullets as
 * text inside conditional comments, and its Quote style as a class; Google Docs wraps a copy in
 * `<b style="font-weight:normal">` and sets bold and italic by style; pages bring navigation,
 * asides and figures around the article. Headline-sized headings (h1) become subheads.
 */
import { Extension } from '@tiptap/core'
import { Plugin, PluginKey } from '@tiptap/pm/state'

/** Elements that are never story copy when a page is pasted. */
const DROP = 'script, style, noscript, template, nav, aside, footer, form, button, select, textarea, figure, picture, img, iframe, object, video, audio, svg, canvas, br.Apple-interchange-newline'

/** Word's list paragraph: `mso-list:l0 level2 lfo1` → its list id and level. */
const MSO_LIST = /mso-list:\s*(l\d+)\s+level(\d+)/i

/** Whether a Word bullet glyph is a number or letter (an ordered list). */
const ORDERED_GLYPH = /^\s*(\(?\d+[.)]|\(?[a-z][.)]|\(?[ivxlc]+[.)])\s*$/i

function isWordListParagraph(element: Element): RegExpExecArray | null {
  return element.tagName === 'P' ? MSO_LIST.exec(element.getAttribute('style') ?? '') : null
}

/** Turn Word's runs of list paragraphs into real (nested) lists. */
function wordLists(doc: Document): void {
  for (const first of Array.from(doc.body.querySelectorAll('p'))) {
    if (!first.isConnected || !isWordListParagraph(first)) continue
    // The run of list paragraphs that starts here.
    const run: Array<{ element: Element; level: number; ordered: boolean }> = []
    const listId = isWordListParagraph(first)?.[1]
    for (let node: Element | null = first; node; node = node.nextElementSibling) {
      const match = isWordListParagraph(node)
      // Another list (Word numbers its lists l0, l1…) starts a list of its own.
      if (!match || match[1] !== listId) break
      const glyph = node.querySelector('[data-word-bullet]')
      run.push({ element: node, level: Number(match[2]), ordered: ORDERED_GLYPH.test(glyph?.textContent ?? '') })
      glyph?.remove()
    }
    const root = doc.createElement(run[0]?.ordered ? 'ol' : 'ul')
    first.before(root)
    const stack: Array<{ list: Element; level: number }> = [{ list: root, level: run[0]?.level ?? 1 }]
    for (const { element, level, ordered } of run) {
      while (stack.length > 1 && level < (stack.at(-1)?.level ?? 1)) stack.pop()
      let top = stack.at(-1) as { list: Element; level: number }
      if (level > top.level) {
        const nested = doc.createElement(ordered ? 'ol' : 'ul')
        ;(top.list.lastElementChild ?? top.list).append(nested)
        top = { list: nested, level }
        stack.push(top)
      }
      const item = doc.createElement('li')
      const paragraph = doc.createElement('p')
      paragraph.append(...Array.from(element.childNodes))
      item.append(paragraph)
      top.list.append(item)
      element.remove()
    }
  }
}

/** Google Docs sets bold and italic by style, and wraps the copy in a bold tag that is not bold. */
function styledRuns(doc: Document): void {
  for (const element of Array.from(doc.body.querySelectorAll<HTMLElement>('span[style], b[style]'))) {
    const style = element.style
    const weight = style.fontWeight
    const bold = weight === 'bold' || Number(weight) >= 600
    const italic = style.fontStyle === 'italic'
    if (element.tagName === 'B' && (weight === 'normal' || Number(weight) < 600)) {
      element.replaceWith(...Array.from(element.childNodes))
      continue
    }
    if (element.tagName !== 'SPAN' || (!bold && !italic)) continue
    let inner: Node[] = Array.from(element.childNodes)
    if (italic) {
      const em = doc.createElement('em')
      em.append(...inner)
      inner = [em]
    }
    if (bold) {
      const strong = doc.createElement('strong')
      strong.append(...inner)
      inner = [strong]
    }
    element.replaceWith(...inner)
  }
}

/** Clean pasted HTML (see the file comment); returns HTML for the editor's clipboard parser. */
export function cleanPastedHtml(html: string): string {
  // Word's bullets live in `<![if !supportLists]>…<![endif]>`: kept, marked, and taken out below
  // once they have said whether the list is numbered. Its other conditional comments go.
  const marked = html
    .replace(/<!\[if !supportLists\]>([\s\S]*?)<!\[endif\]>/gi, '<span data-word-bullet>$1</span>')
    .replace(/<!--\[if[\s\S]*?<!\[endif\]-->/gi, '')
    .replace(/<\/?o:p>/gi, '')
  const doc = new DOMParser().parseFromString(marked, 'text/html')
  for (const element of Array.from(doc.body.querySelectorAll(DROP))) element.remove()
  wordLists(doc)
  for (const element of Array.from(doc.body.querySelectorAll('[data-word-bullet]'))) element.remove()
  for (const element of Array.from(doc.body.querySelectorAll('p.MsoQuote, p.MsoIntenseQuote'))) {
    const quote = doc.createElement('blockquote')
    element.replaceWith(quote)
    quote.append(element)
  }
  styledRuns(doc)
  // Paragraphs left empty (one that held only a picture).
  for (const paragraph of Array.from(doc.body.querySelectorAll('p'))) {
    if ((paragraph.textContent ?? '').trim() === '' && !paragraph.querySelector('br')) paragraph.remove()
  }
  for (const heading of Array.from(doc.body.querySelectorAll('h1'))) {
    const subhead = doc.createElement('h2')
    subhead.append(...Array.from(heading.childNodes))
    heading.replaceWith(subhead)
  }
  for (const heading of Array.from(doc.body.querySelectorAll('h5, h6'))) {
    const subhead = doc.createElement('h4')
    subhead.append(...Array.from(heading.childNodes))
    heading.replaceWith(subhead)
  }
  return doc.body.innerHTML
}

/** The editor extension that runs `cleanPastedHtml` on every HTML paste. */
export const PasteCleanup = Extension.create({
  name: 'pasteCleanup',
  addProseMirrorPlugins() {
    return [new Plugin({ key: new PluginKey('pasteCleanup'), props: { transformPastedHTML: cleanPastedHtml } })]
  },
})
