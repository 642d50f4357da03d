/**
 * A build plugin: TipTap's extensions carry their Markdown support in their config (how to parse
 * and write each node and mark: `parseMarkdown`, `renderMarkdown`, `markdownTokenizer`…), read only
 * by @tiptap/markdown, which Deskline does not use (the server writes Markdown exports itself,
 * server/export/). A config object cannot be tree-shaken, so those fields, and the helpers of
 * @tiptap/core they call, went into the story page's script: 2.3 kB gzip (issue 12). This plugin
 * blanks them out of @tiptap's files as the client is built. Blanked with spaces, so every other
 * character keeps its place and the source maps stay right; the minifier drops the spaces.
 */
import { parseSync, type Plugin } from 'vite'

/** The Markdown fields of TipTap's extension configs (see @tiptap/core's ExtendableConfig). */
const MARKDOWN_FIELDS = new Set(['parseMarkdown', 'renderMarkdown', 'markdownTokenizer', 'markdownTokenName', 'markdownOptions'])

const TIPTAP_FILE = /\/node_modules\/@tiptap\/[^/]+\/dist\/.+\.js$/

interface AstNode {
  type?: unknown
  start?: unknown
  end?: unknown
  [key: string]: unknown
}

/** The [start, end) ranges of the Markdown fields in every object literal of `program`. */
function markdownFields(program: unknown, code: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item)
      return
    }
    if (!value || typeof value !== 'object') return
    const node = value as AstNode
    if (node.type === 'Property' && node.computed === false && typeof node.start === 'number' && typeof node.end === 'number') {
      const key = node.key as AstNode | undefined
      const name = key?.type === 'Identifier' ? key.name : undefined
      // The offsets must point at the field itself (they would not if they counted bytes, not characters).
      if (typeof name === 'string' && MARKDOWN_FIELDS.has(name) && code.startsWith(name, node.start)) {
        ranges.push([node.start, node.end])
        return
      }
    }
    for (const child of Object.values(node)) if (child && typeof child === 'object') visit(child)
  }
  visit(program)
  return ranges
}

export function stripTiptapMarkdown(): Plugin {
  return {
    name: 'deskline:strip-tiptap-markdown',
    apply: 'build',
    transform(code, id) {
      if (!TIPTAP_FILE.test(id) || !code.includes('arkdown')) return null
      const ranges = markdownFields(parseSync(id, code).program, code)
      if (ranges.length === 0) return null
      const chars = code.split('')
      for (const [start, end] of ranges) {
        let last = end
        // The comma after the field goes too (a trailing comma stays legal when there is none).
        while (last < code.length && /\s/.test(code[last]!)) last++
        const stop = code[last] === ',' ? last + 1 : end
        for (let at = start; at < stop; at++) if (chars[at] !== '\n') chars[at] = ' '
      }
      return { code: chars.join(''), map: null }
    },
  }
}
