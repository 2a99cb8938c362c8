import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'

/** Thrown by a route when what was asked for does not exist, or is not the caller's to see. */
export class NotFoundError extends Error {
  readonly statusCode = 404
  constructor(message = 'Not found') {
    super(message)
  }
}

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url === '/healthz' || request.url === '/readyz'
}

const titles: Record<number, string> = {
  400: 'There is a problem with your request',
  403: 'You do not have permission to see this page',
  404: 'Page not found',
  405: 'That action is not allowed here',
  413: 'The file or form you sent is too large',
  414: 'The web address is too long',
  415: 'That kind of content is not accepted here',
  429: 'Too many requests',
  500: 'Sorry, there is a problem with the service',
}

function reasonPhrase(status: number): string {
  return (
    {
      400: 'Bad Request',
      403: 'Forbidden',
      404: 'Not Found',
      405: 'Method Not Allowed',
      413: 'Payload Too Large',
      414: 'URI Too Long',
      415: 'Unsupported Media Type',
      429: 'Too Many Requests',
    }[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
  )
}

function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  details?: { field: string; message: string }[],
) {
  reply.code(status)
  if (wantsJson(request)) {
    return reply.send({
      statusCode: status,
      error: reasonPhrase(status),
      message,
      ...(details ? { details } : {}),
    })
  }
  if (status === 404) return reply.render('pages/not-found.njk')
  return reply.render('pages/error.njk', {
    title: titles[status] ?? titles[400],
    message,
    reference: status >= 500 ? request.id : undefined,
  })
}

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
      const details = error.validation.map((issue) => ({
        field:
          issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || error.validationContext || 'request',
        message: issue.message ?? 'is not valid',
      }))
      const summary = details.map((detail) => `${detail.field}: ${detail.message}`).join('; ')
      return sendError(
        request,
        reply,
        400,
        `The ${error.validationContext ?? 'request'} is not valid: ${summary}`,
        details,
      )
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) return sendError(request, reply, status, error.message)
    request.log.error({ err: error }, 'request failed')
    return sendError(
      request,
      reply,
      500,
      'Something went wrong on our side and your request was not completed. Try again later.',
    )
  })
}
