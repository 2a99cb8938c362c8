import { randomUUID } from 'node:crypto'
import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import { type Logger, type LoggerOptions, pino } from 'pino'

export type LogLevel = NonNullable<LoggerOptions['level']>

/** Fields that may carry a secret or a person's details wherever they appear in a logged object. */
const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'body',
  'req.body',
  'password',
  '*.password',
]

/**
 * The process's structured (JSON) log. Requests are logged by the access log below, never by the
 * web framework's own request logging, which writes whole URLs: query strings carry the names
 * people search for, and those must not reach the logs.
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'probity' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      err: pino.stdSerializers.err,
      // Whatever logs a request gets its id, method and path, never its query, headers or body.
      req: (request: { id?: string; method?: string; url?: string }) => ({
        id: request.id,
        method: request.method,
        path: pathOnly(request.url ?? ''),
      }),
    },
  }
  return destination ? pino(options, destination) : pino(options)
}

/** A request's id: a fresh UUID, never one the client sends (it would let a caller forge log lines). */
export function newRequestId(): string {
  return randomUUID()
}

/** The path without its query string, which is where search terms and filters travel. */
export function pathOnly(url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : url.slice(0, query)
}

/**
 * The framework's request log lines, made audit-safe: one line per answered request with its id,
 * method, route pattern and path (no query, no form fields), status, time taken and who asked (an
 * id, not a name); errors with their stack but without the request's details.
 */
export class AuditSafeLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      route: request.routeOptions.url,
      path: pathOnly(request.url),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      principal: request.principal ? `${request.principal.kind}:${request.principal.id}` : undefined,
    }
    if (error) request.log.error({ ...line, err: error }, 'request failed')
    else request.log.info(line, 'request completed')
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    const line = { path: pathOnly(request.url), status: reply.statusCode, err: error }
    if (reply.statusCode >= 500) request.log.error(line, error.message)
    else request.log.info(line, error.message)
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.info({ method: request.method, path: pathOnly(request.url) }, 'no such route')
  }
}

/** Each answer names its request's id, so a person quoting an error's reference can be matched to its line. */
export function setUpRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })
}
