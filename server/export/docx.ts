/**
 * The Word export (the `docx` package writes the file): the headline as Title, byline and
 * dateline, then the body with Word's own styles, so it opens as a plain, editable document in
 * Word and LibreOffice and comes back through the Word import with the same text: Heading 2-4 for
 * subheads, Word bullets and numbering for lists, the Quote style for quotes, hyperlinks, bold and
 * italic.
 */
import { Document, ExternalHyperlink, HeadingLevel, LevelFormat, Packer, Paragraph, TextRun, AlignmentType, type ParagraphChild } from 'docx'
import { bylineText } from './formats.js'
import type { Block, ExportStory, Inline } from './model.js'

const NUMBERED = 'deskline-numbered'
const HEADINGS = { 2: HeadingLevel.HEADING_2, 3: HeadingLevel.HEADING_3, 4: HeadingLevel.HEADING_4 } as const

function runs(content: readonly Inline[]): ParagraphChild[] {
  return content.map((inline) => {
    if (inline.kind === 'break') return new TextRun({ break: 1 })
    const run = new TextRun({ text: inline.text, bold: inline.bold, italics: inline.italic, style: inline.href ? 'Hyperlink' : undefined })
    return inline.href ? new ExternalHyperlink({ link: inline.href, children: [run] }) : run
  })
}

/** Word has no nested blocks: lists and quotes become styled paragraphs, one per block. */
function paragraphs(blocks: readonly Block[], context: { level: number; quote: boolean; list: number }): Paragraph[] {
  const out: Paragraph[] = []
  for (const block of blocks) {
    switch (block.type) {
      case 'paragraph':
        out.push(new Paragraph({ children: runs(block.content), style: context.quote ? 'Quote' : undefined }))
        break
      case 'heading':
        out.push(new Paragraph({ children: runs(block.content), heading: HEADINGS[block.level] }))
        break
      case 'quote':
        out.push(...paragraphs(block.blocks, { ...context, quote: true }))
        break
      case 'list': {
        const instance = ++context.list
        for (const item of block.items) {
          item.forEach((inner, index) => {
            if (inner.type !== 'paragraph' && inner.type !== 'heading') {
              out.push(...paragraphs([inner], { ...context, level: context.level + 1 }))
              return
            }
            // The item's first paragraph carries the bullet or number; later ones are indented text.
            const listing =
              index > 0
                ? { indent: { left: 720 * (context.level + 1) } }
                : block.ordered
                  ? { numbering: { reference: NUMBERED, level: Math.min(context.level, 8), instance } }
                  : { bullet: { level: Math.min(context.level, 8) } }
            out.push(new Paragraph({ children: runs(inner.content), ...listing }))
          })
        }
        break
      }
    }
  }
  return out
}

/** The story as a .docx file. */
export async function toDocx(story: ExportStory): Promise<Buffer> {
  const byline = bylineText(story.bylines)
  const front = [new Paragraph({ text: story.headline, heading: HeadingLevel.TITLE })]
  if (byline) front.push(new Paragraph({ children: [new TextRun({ text: byline, italics: true })] }))
  const body = paragraphs(story.body, { level: 0, quote: false, list: 0 })
  if (story.datelineText) {
    // The dateline opens the first paragraph, as in print.
    const first = story.body[0]
    if (first?.type === 'paragraph') {
      body[0] = new Paragraph({ children: [new TextRun({ text: `${story.datelineText} ` }), ...runs(first.content)] })
    } else {
      body.unshift(new Paragraph({ text: story.datelineText }))
    }
  }
  const document = new Document({
    creator: byline.replace(/^By /, '') || 'Deskline',
    title: story.headline,
    description: story.slug,
    numbering: {
      config: [
        {
          reference: NUMBERED,
          levels: Array.from({ length: 9 }, (_, level) => ({
            level,
            format: LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            alignment: AlignmentType.START,
            style: { paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } },
          })),
        },
      ],
    },
    // Word's built-in Quote style, defined so the file carries it (the Word import reads it back).
    styles: {
      paragraphStyles: [{ id: 'Quote', name: 'Quote', basedOn: 'Normal', next: 'Normal', run: { italics: true }, paragraph: { indent: { left: 720, right: 720 } } }],
    },
    sections: [{ children: [...front, ...body] }],
  })
  return Packer.toBuffer(document)
}
