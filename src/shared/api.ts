/** Shapes of the JSON API, validated with zod on the server and typed on the client. */
import { z } from 'zod'
import { SECTIONS, STATUSES, type Section, type Status } from './newsroom.js'

/** `POST /api/stories` body. */
export const CreateStoryBody = z
  .object({
    headline: z.string().max(500).optional(),
    section: z.enum(SECTIONS).optional(),
  })
  .strict()
export type CreateStoryBody = z.infer<typeof CreateStoryBody>

/** A row of the story list (`GET /api/stories`, and each `story` event of the stream). */
export interface StorySummary {
  id: string
  headline: string
  slug: string
  section: Section | ''
  status: Status
  bylines: string[]
  words: number
  createdAt: number
  updatedAt: number
}

/** Runtime check for summaries arriving over the event stream. */
export const StorySummarySchema = z.object({
  id: z.string(),
  headline: z.string(),
  slug: z.string(),
  section: z.union([z.enum(SECTIONS), z.literal('')]),
  status: z.enum(Object.keys(STATUSES) as [Status, ...Status[]]),
  bylines: z.array(z.string()),
  words: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
})

/** Error body of every non-2xx API answer. */
export interface ApiError {
  error: { id: string; message: string }
}
