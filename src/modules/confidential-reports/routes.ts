import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { CASE_TYPES } from '../../domain/cases.js'
import { REPORT_STATUSES, RETENTION_DAYS_RANGE } from '../../domain/confidential-reports.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { choicesOf, formErrors } from '../../web/forms.js'
import { presentMessages, presentQueueRow, STATUS_TAGS } from './present.js'
import { REPORT_READERS, REPORT_SETTERS } from './service.js'

/** The force's anti-corruption caseworkers' side: the queue, a report, and what they do with it. */

const READERS: Access = REPORT_READERS
const SETTERS: Access = REPORT_SETTERS
const LIST = '/confidential-reports'
const form = z.record(z.string(), z.string().max(30_000))
const reportParams = z.object({ reportId: z.string().max(100) })
const attachmentParams = z.object({ reportId: z.string().max(100), attachmentId: z.string().max(100) })
const queueQuery = z.object({ status: z.string().max(50).optional() })

export const confidentialReportsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const reports = services.confidentialReports

  app.get(
    LIST,
    { config: { access: READERS }, schema: { hide: true, querystring: queueQuery } },
    async (request, reply) => {
      const status = request.query.status ?? 'open'
      if (!(REPORT_STATUSES as readonly string[]).includes(status))
        throw new NotFoundError('No such list of reports')
      const queue = await reports.queue(request.caller, status as (typeof REPORT_STATUSES)[number])
      return reply.header('cache-control', 'no-store').render('confidential-reports/views/queue.njk', {
        status,
        statusLabel: STATUS_TAGS[status as (typeof REPORT_STATUSES)[number]].text,
        force: (await services.forces.references()).find((force) => force.id === request.principal?.forceId),
        statuses: REPORT_STATUSES.map((value) => ({
          value,
          label: STATUS_TAGS[value].text,
          count: queue.statusCounts[value] ?? 0,
        })),
        rows: queue.reports.map(presentQueueRow),
        deleted: queue.deleted,
        retentionDays: queue.retentionDays,
        setsRetention: request.principal?.role === 'force-admin',
      })
    },
  )

  const renderSettings = async (
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) =>
    reply.render('confidential-reports/views/settings.njk', {
      retentionDays: extra.values?.retentionDays ?? (await reports.retentionDays(request.caller)),
      range: RETENTION_DAYS_RANGE,
      errors: extra.errors ? formErrors(extra.errors) : undefined,
    })

  app.get(`${LIST}/settings`, { config: { access: SETTERS }, schema: { hide: true } }, (request, reply) =>
    renderSettings(request, reply),
  )

  app.post(
    `${LIST}/settings`,
    { config: { access: SETTERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        await reports.saveRetentionDays(request.caller, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderSettings(request, reply.code(400), { errors: error.fieldErrors, values: request.body })
      }
      return reply.flash('The retention period has been saved').redirect(LIST, 303)
    },
  )

  const renderReport = async (
    request: FastifyRequest,
    reply: FastifyReply,
    reportId: string,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) => {
    const found = await reports.find(request.caller, reportId)
    return reply.header('cache-control', 'no-store').render('confidential-reports/views/show.njk', {
      ...found,
      statusTag: STATUS_TAGS[found.report.status],
      messages: presentMessages(found.messages),
      caseTypes: choicesOf(CASE_TYPES),
      values: extra.values ?? {},
      errors: extra.errors ? formErrors(extra.errors) : undefined,
    })
  }

  app.get(
    `${LIST}/:reportId`,
    { config: { access: READERS }, schema: { hide: true, params: reportParams } },
    (request, reply) => renderReport(request, reply, request.params.reportId),
  )

  /** A change to the report from its page: done and confirmed, or the page again with what to put right. */
  const action = (
    path: string,
    work: (
      request: FastifyRequest<{ Params: { reportId: string }; Body: Record<string, string> }>,
    ) => Promise<string>,
  ) =>
    app.post(
      `${LIST}/:reportId/${path}`,
      { config: { access: READERS }, schema: { hide: true, params: reportParams, body: form } },
      async (request, reply) => {
        let done: string
        try {
          done = await work(request)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return renderReport(request, reply.code(400), request.params.reportId, {
            errors: error.fieldErrors,
            values: request.body,
          })
        }
        return reply.flash(done).redirect(`${LIST}/${request.params.reportId}`, 303)
      },
    )

  action('questions', async (request) => {
    await reports.ask(request.caller, request.params.reportId, request.body)
    return 'Your question has been sent: the reporter reads it when they come back with their receipt code'
  })
  action('case', async (request) => {
    await reports.attachToCase(request.caller, request.params.reportId, request.body)
    return 'The report has been added to the case'
  })
  action('close', async (request) => {
    await reports.close(request.caller, request.params.reportId, request.body)
    return 'The report has been closed'
  })

  app.get(
    `${LIST}/:reportId/attachments/:attachmentId`,
    { config: { access: READERS }, schema: { hide: true, params: attachmentParams } },
    async (request, reply) => {
      const file = await reports.attachment(
        request.caller,
        request.params.reportId,
        request.params.attachmentId,
      )
      return reply
        .header('content-type', file.mediaType)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .header('cache-control', 'no-store')
        .send(file.data)
    },
  )
}
