/**
 * The official IPTC schemas in tests/fixtures/iptc (copied with their notices): a ninjs 3.1
 * validator (ajv's 2020-12 build with formats, the GeoJSON schema it references added first).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

export const IPTC_DIR = fileURLToPath(new URL('../fixtures/iptc/', import.meta.url))

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(IPTC_DIR, file), 'utf8')) as object

const ajv = new Ajv2020({ allErrors: true, strict: false })
addFormats.default(ajv)
ajv.addSchema(readJson('ninjs/GeoJSON-schema.json'))

/** Validate a ninjs object against ninjs 3.1; `validateNinjs.errors` says why not. */
export const validateNinjs = ajv.compile(readJson('ninjs/ninjs-schema_3.1.json'))
