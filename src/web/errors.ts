import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { isInvalidDatabaseInput } from '../db/errors.js'
import { UnauthenticatedError, ValidationError } from '../domain/errors.js'
import { problemOf } from './api.js'
import { CsrfError } from './csrf.js'
import { MALFORMED_UPLOAD } from './uploads.js'

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url === '/healthz' || request.url === '/readyz'
}

/** Each status's page title (a catalogue key, src/web/i18n) and its HTTP reason phrase, which the API gives. */
const STATUS: Record<number, { title: string; phrase: string }> = {
  400: { title: 'error.title.400', phrase: 'Bad Request' },
  401: { title: 'error.title.401', phrase: 'Unauthorized' },
  403: { title: 'error.title.403', phrase: 'Forbidden' },
  404: { title: 'error.title.404', phrase: 'Not Found' },
  405: { title: 'error.title.405', phrase: 'Method Not Allowed' },
  413: { title: 'error.title.413', phrase: 'Payload Too Large' },
  414: { title: 'error.title.414', phrase: 'URI Too Long' },
  415: { title: 'error.title.415', phrase: 'Unsupported Media Type' },
  429: { title: 'error.title.429', phrase: 'Too Many Requests' },
  500: { title: 'error.title.500', phrase: 'Internal Server Error' },
  503: { title: 'error.title.503', phrase: 'Service Unavailable' },
}

interface ErrorExtras {
  details?: { field: string; message: string }[]
  title?: string
}

function sameOriginReferrer(request: FastifyRequest): string | undefined {
  const referrer = request.headers.referer
  if (!referrer) return undefined
  try {
    const url = new URL(referrer)
    return url.host === request.host ? url.pathname + url.search : undefined
  } catch {
    return undefined
  }
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  extras: ErrorExtras = {},
) {
  const known = STATUS[status] ?? (status >= 500 ? STATUS[500] : STATUS[400])
  reply.code(status)
  if (wantsJson(request)) {
    // Every error answer has the one shape `problemJson` documents, serialised here rather than by the
    // route's response schema, so that an error the route did not foresee can never fail to be sent.
    return reply
      .type('application/json; charset=utf-8')
      .serializer(JSON.stringify)
      .send({ statusCode: status, error: known?.phrase, message, details: extras.details ?? [] })
  }
  if (status === 404) return reply.render('pages/not-found.njk')
  return reply.render('pages/error.njk', {
    title: extras.title ?? request.t(known?.title ?? 'error.title.400'),
    message,
    reference: status >= 500 ? request.id : undefined,
    // A refusal offers the way back to the page the person came from, when it was one of ours.
    back: status === 403 ? sameOriginReferrer(request) : undefined,
  })
}

/** What the multipart reader (busboy) throws, without a status, for an upload that is not well formed. */
const MALFORMED_MULTIPART = new Set([
  'Multipart: Boundary not found',
  'Unexpected end of multipart data',
  'Unsupported Content-Type.',
  'Malformed part header',
])

/**
 * One place turns every failure into a GOV.UK page or a JSON body. Client errors say what was wrong;
 * server errors are logged with a reference and never show their stack or internals.
 */
export function setUpErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, `There is nothing at ${request.method} ${request.url.split('?')[0]}`),
  )

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.flatMap((issue) => {
        const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.')
        // A field the route does not take is named, one detail each, rather than "Unrecognized keys".
        const unknown = issue.keyword === 'unrecognized_keys' ? (issue.params.keys as string[]) : []
        if (unknown.length)
          return unknown.map((key) => ({
            field: path ? `${path}.${key}` : key,
            message: `${key} is not a field this request takes`,
          }))
        return [
          {
            field: path || error.validationContext || 'request',
            message: issue.message ?? 'is not valid',
          },
        ]
      })
      const summary = details.map((detail) => `${detail.field}: ${detail.message}`).join('; ')
      return sendError(
        request,
        reply,
        400,
        `The ${error.validationContext ?? 'request'} is not valid: ${summary}`,
        {
          details,
        },
      )
    }
    if (error instanceof UnauthenticatedError && !wantsJson(request)) {
      const returnTo = request.method === 'GET' ? `?returnTo=${encodeURIComponent(request.url)}` : ''
      return reply.redirect(`/sign-in${returnTo}`, 303)
    }
    if (error instanceof CsrfError) {
      return sendError(request, reply, 403, request.t('error.formNotSentMessage'), {
        title: request.t('error.formNotSent'),
      })
    }
    if (MALFORMED_MULTIPART.has(error.message)) {
      return sendError(request, reply, 400, MALFORMED_UPLOAD)
    }
    if (isInvalidDatabaseInput(error)) {
      // The last line of defence: validation should have refused this value before the database saw it.
      request.log.warn({ err: error }, 'the database refused a value that validation let through')
      return sendError(
        request,
        reply,
        400,
        'A value you sent cannot be stored. Check what you entered and try again.',
      )
    }
    if (error instanceof ValidationError) {
      return sendError(request, reply, 400, error.message, { details: problemOf(error).details })
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) return sendError(request, reply, status, error.message)
    if (status === 503) {
      // Busy, not broken (a search the database stopped): the person is told so and may try again.
      request.log.warn({ err: error }, 'request refused: the service is busy')
      return sendError(request, reply, 503, error.message)
    }
    request.log.error({ err: error }, 'request failed')
    return sendError(
      request,
      reply,
      500,
      'Something went wrong on our side and your request was not completed. Try again later.',
    )
  })
}
