import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ValidationError } from '../domain/errors.js'
import { isStorableText, unstorableTextMessage } from '../domain/fields.js'

/** How deep a body is walked: deeper than any form or API body Probity takes. */
const MAX_DEPTH = 20

/**
 * The first value anywhere in the input (query, body, multipart fields, route parameters) that
 * PostgreSQL could not store, with where it was.
 */
function unstorableValue(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return isStorableText(value) ? undefined : path
  if (depth > MAX_DEPTH || typeof value !== 'object' || value === null) return undefined
  if (Buffer.isBuffer(value)) return undefined
  // A multipart form's plain field is an object holding its text; a file part is the file's business.
  if ('type' in value && (value.type === 'field' || value.type === 'file') && 'fieldname' in value)
    return value.type === 'field' ? unstorableValue((value as { value?: unknown }).value, path) : undefined
  for (const [key, item] of Object.entries(value)) {
    const where = path ? `${path}.${key}` : key
    const found = isStorableText(key) ? unstorableValue(item, where, depth + 1) : where
    if (found) return found
  }
  return undefined
}

/**
 * Text the database cannot store (a NUL character, half a surrogate pair) is refused at the door for
 * every route, in any field, before a handler or schema sees it: no route has to remember, and the
 * answer is a 400 that names the field. The schemas' text fields refuse it too, for the CLI and imports.
 */
export function setUpInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const sources = { query: request.query, params: request.params, body: request.body }
    for (const [source, value] of Object.entries(sources)) {
      const field = unstorableValue(value, '')
      if (field !== undefined) {
        const name = field || source
        throw new ValidationError({
          [name]: unstorableTextMessage(`The ${name === source ? source : `field ${name}`}`),
        })
      }
    }
  })
}

/** Whether a body schema refuses fields it does not name (a `z.strictObject`, optional or not). */
function refusesUnknownFields(schema: unknown): boolean {
  let inner = schema
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap()
  if (!(inner instanceof z.ZodObject)) return true
  return inner._zod.def.catchall instanceof z.ZodNever
}

/**
 * Every JSON API body refuses fields it does not know, with a 400 naming them (src/web/errors.ts),
 * rather than dropping them without a word: a client that sends `approver` learns whether it was
 * taken. A route that declares a loose object body stops the app from starting, so none is missed.
 * The HTML forms stay lenient: they always carry the framework's fields (`_csrf`, buttons, return
 * paths), and their services read only the fields they name. A body declared as a whole document
 * (`z.unknown()`, a record) is checked by its own parser.
 */
export function setUpStrictApiBodies(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const body = (route.schema as { body?: unknown } | undefined)?.body
    if (route.url.startsWith('/api/') && body !== undefined && !refusesUnknownFields(body))
      throw new Error(
        `${String(route.method)} ${route.url}: an API body must refuse unknown fields (z.strictObject)`,
      )
  })
}
