/** Exports: a story in the formats news systems read (server/export/), for anyone who may read it. */
import { toDocx } from '../export/docx.js'
import { EXPORT_FORMATS, exportFileName, FORMAT_FILES, isExportFormat, toHtml, toMarkdown, toNewsml, toNinjs, toNitf, toText, type ExportFormat } from '../export/formats.js'
import { exportStory, type ExportStory } from '../export/model.js'
import { HttpError } from '../errors.js'
import { existingStoryId, readStory, type Route } from '../router.js'
import type { Services } from '../services.js'

/** Write `story` in `format`. */
export async function render(story: ExportStory, format: ExportFormat): Promise<string | Buffer> {
  switch (format) {
    case 'ninjs':
      return `${JSON.stringify(toNinjs(story), null, 2)}\n`
    case 'newsml':
      return toNewsml(story)
    case 'nitf':
      return toNitf(story)
    case 'html':
      return toHtml(story)
    case 'markdown':
      return toMarkdown(story)
    case 'text':
      return toText(story)
    case 'docx':
      return toDocx(story)
  }
}

/** The export route. */
export function exportRoutes(services: Services): Route[] {
  const { storage, rooms } = services
  return [
    {
      method: 'GET',
      path: /^\/api\/stories\/([^/]+)\/export$/,
      access: 'user',
      async handle(ctx) {
        const id = await existingStoryId(ctx, storage)
        const format = ctx.url.searchParams.get('format') ?? ''
        if (!isExportFormat(format)) {
          throw new HttpError(400, 'invalid_format', `Unknown export format "${format.slice(0, 40)}": use one of ${EXPORT_FORMATS.join(', ')}.`)
        }
        const summary = await storage.getStory(id)
        if (!summary) throw new HttpError(404, 'story_not_found', 'There is no such story.')
        // The version outlets know it by: the last one published (a correction's note with it).
        const published = await services.publishing.lastPublished(id)
        const facts = { id, createdAt: summary.createdAt, updatedAt: summary.updatedAt, version: published?.version ?? 1, edNote: published?.edNote ?? '' }
        const story = await readStory(rooms, id, (doc) => exportStory(doc, facts))
        const body = await render(story, format)
        const name = exportFileName(story, format)
        ctx.res.writeHead(200, {
          'content-type': FORMAT_FILES[format].type,
          'content-length': Buffer.byteLength(body),
          'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        })
        ctx.res.end(body)
      },
    },
  ]
}
