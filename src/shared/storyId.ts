/** Story ids: 16 characters of lowercase Crockford base32, made by the server. */

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const ID_LENGTH = 16
const STORY_ID = /^[0-9a-hjkmnp-tv-z]{16}$/

/** A new random story id (80 bits from the platform's CSPRNG). */
export function newStoryId(): string {
  const bytes = new Uint8Array(ID_LENGTH)
  globalThis.crypto.getRandomValues(bytes)
  let id = ''
  for (const byte of bytes) id += ALPHABET[byte & 31]
  return id
}

/** Whether `value` has the shape of a story id; check this before using it as a key. */
export function isStoryId(value: unknown): value is string {
  return typeof value === 'string' && STORY_ID.test(value)
}
