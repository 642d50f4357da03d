/** One way to fail: errors that carry an HTTP status and a stable id for the client. */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

/** Normalise anything thrown into an Error. */
export function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value))
}
