import type { FastifyInstance } from 'fastify'
import { gatherDateInputs } from '../domain/date-input.js'

/**
 * Pages ask for dates with GOV.UK's date input, which sends a date as three fields (`offeredOn-day`,
 * `offeredOn-month`, `offeredOn-year`). Once a form or a page's query string has passed its schema
 * (every raw value is text of bounded length), the three are gathered under the date's name, where
 * the modules' date fields (`dateField`, src/domain/date-input.ts) read them, as they read the one
 * text value the JSON API sends.
 */
export function setUpDateInputs(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    if (request.url.startsWith('/api/')) return
    if (isRecord(request.query)) request.query = gatherDateInputs(request.query)
    const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')
    if (form && isRecord(request.body)) request.body = gatherDateInputs(request.body)
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
