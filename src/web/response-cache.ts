import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { Negotiator } from '@fastify/accept-negotiator'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { type DataChanges, KeptUntilDataChanges } from '../db/data-changes.js'
import { addVary } from './i18n/language.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Keep this GET route's 200 answers in memory, per caller and URL, until the data changes. Only for
     * routes whose answer depends on nothing else: no audited reads, nothing written.
     */
    keepResponses?: boolean
  }
  interface FastifyRequest {
    responseToKeep?: { key: string; mark: string }
  }
}

/** Long enough to spare the database under load; short enough that answers which depend on today move on. */
const KEEP_FOR_MS = 60_000
const MAX_RESPONSES = 10_000
const MAX_BYTES = 64 * 1024 * 1024

const gzipped = promisify(gzip)

/**
 * Encoded once when kept, and compressed once when first asked for again, rather than on every send.
 * Most answers are never asked for again (a list's next reader wants another page or filter, or comes
 * after a change), so compressing as each was kept cost the mix a millisecond of a JSON answer's CPU.
 */
interface KeptResponse {
  body: Buffer
  gzipped?: Promise<Buffer>
  contentType: string
}

/** The body and room for its compressed copy, which for the JSON and HTML kept here is a fraction of it. */
const sizeKept = (response: KeptResponse) => 2 * response.body.byteLength

/**
 * The caller is part of the key (two people may be allowed to see different rows at the same URL), and
 * so is the language the page is in, however it was chosen (the person's account, the browser's cookie
 * or its Accept-Language: src/web/i18n/language.ts), so a page kept in one language is never given to
 * someone who chose the other.
 */
function keyOf(request: FastifyRequest): string {
  const principal = request.principal
  return `${principal ? `${principal.kind}:${principal.id}` : 'anonymous'} ${request.language} ${request.url}`
}

/**
 * Answers repeated reads of routes marked `keepResponses` from memory until any committed change to the
 * data (see `DataChanges`), so a busy register list costs the database one query per change rather
 * than one per request. Runs after authentication and authorisation, so nobody gets what they may not.
 */
export function setUpResponseCache(app: FastifyInstance, changes: DataChanges, now: () => Date): void {
  const kept = new KeptUntilDataChanges<KeptResponse>(changes, now, {
    maxEntries: MAX_RESPONSES,
    maxBytes: MAX_BYTES,
    sizeOf: sizeKept,
  })
  app.decorateRequest('responseToKeep', undefined)
  const encodings = new Negotiator({ supportedValues: ['gzip', 'identity'] })

  // Before validation, so an answer from memory costs no parsing either: the key is the address as sent.
  app.addHook('preValidation', async (request, reply) => {
    if (!request.routeOptions.config.keepResponses || request.method !== 'GET') return
    const key = keyOf(request)
    const response = kept.get(key)
    if (response) {
      reply.type(response.contentType)
      addVary(reply, 'Accept-Encoding')
      const accepted = request.headers['accept-encoding']
      if (accepted && encodings.negotiate(accepted) === 'gzip') {
        response.gzipped ??= gzipped(response.body)
        // Were compressing ever to fail, the answer goes as it is.
        const compressed = await response.gzipped.catch(() => undefined)
        if (compressed) return reply.header('content-encoding', 'gzip').send(compressed)
      }
      return reply.send(response.body)
    }
    // Taken before the handler reads anything: a change after this makes its answer unfit to keep.
    request.responseToKeep = { key, mark: kept.mark }
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const toKeep = request.responseToKeep
    // An answer to a read during a change is not kept: not even encoded for it.
    if (toKeep && reply.statusCode === 200 && typeof payload === 'string' && kept.wouldKeep(toKeep.mark)) {
      const contentType = String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8')
      const body = Buffer.from(payload)
      kept.set(toKeep.key, { body, contentType }, toKeep.mark, new Date(now().getTime() + KEEP_FOR_MS))
      addVary(reply, 'Accept-Encoding')
      return body
    }
    return payload
  })
}
