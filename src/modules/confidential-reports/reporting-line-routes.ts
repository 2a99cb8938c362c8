import type { MultipartFile, MultipartValue } from '@fastify/multipart'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ATTACHMENT_LIMITS, FORM_CHALLENGE } from '../../domain/confidential-reports.js'
import { ValidationError } from '../../domain/errors.js'
import { orderedFieldErrors } from '../../domain/validation.js'
import type { Services } from '../../services.js'
import { formatMegabytes } from '../../spreadsheets/limits.js'
import { cookieName, cookieScope } from '../../web/cookie-names.js'
import { formErrors } from '../../web/forms.js'
import { formField } from '../../web/uploads.js'
import type { ForceReference as Force } from '../forces/service.js'
import type { ArrivedFile } from './attachments.js'
import { REPORT_FIELDS } from './fields.js'

/**
 * The public side of a force's confidential reporting line: no sign-in, nothing kept about who sends
 * (the access log has no address and no form fields: src/web/logging.ts). A returning reporter holds
 * a signed cookie naming their report for half an hour, never their receipt code or passphrase.
 */

const codeParams = z.object({ code: z.string().min(1).max(100) })
const form = z.record(z.string(), z.string().max(30_000))

const REPORT_COOKIE = 'probity_report'
const VISIT_MINUTES = 30

/** Per address, in this process's memory only: nothing about the address is written anywhere. */
const SUBMIT_LIMIT = { max: 10, timeWindow: '10 minutes' }
const RETURN_LIMIT = { max: 10, timeWindow: '15 minutes' }
const VISIT_LIMIT = { max: 60, timeWindow: '1 minute' }

/** Busboy cuts a file over the limit short (reported by name) and takes a few more files than allowed, so too many is explained too. */
const UPLOAD_OPTIONS = {
  limits: { files: ATTACHMENT_LIMITS.files + 1, fileSize: ATTACHMENT_LIMITS.bytes },
  // What a form with more files still than that is told it may send.
  filesAllowed: ATTACHMENT_LIMITS.files,
  throwFileSizeLimit: false,
}

/** What the report form and the answer form say of the files they take. */
const attachmentsHint = (request: FastifyRequest) =>
  request.t('report.filesHint', {
    files: ATTACHMENT_LIMITS.files,
    size: formatMegabytes(ATTACHMENT_LIMITS.bytes),
  })

type MultipartBody = Record<string, MultipartFile | MultipartFile[] | MultipartValue | undefined>

/** The files the form carried; a file input left empty sends a part with no name and no bytes. */
async function arrivedFiles(request: FastifyRequest): Promise<ArrivedFile[]> {
  const parts = (request.body as MultipartBody | undefined)?.attachments
  const files: ArrivedFile[] = []
  for (const part of [parts ?? []].flat()) {
    if (part.type !== 'file' || !part.filename) continue
    files.push({ filename: part.filename, data: await part.toBuffer(), truncated: part.file.truncated })
  }
  return files
}

/** The form's plain fields, whether it came as a multipart upload or (with no file input) url-encoded. */
function fields(request: FastifyRequest, names: readonly string[]): Record<string, string | undefined> {
  if (request.isMultipart()) return Object.fromEntries(names.map((name) => [name, formField(request, name)]))
  const body = (request.body ?? {}) as Record<string, string | undefined>
  return Object.fromEntries(names.map((name) => [name, body[name]]))
}

export const reportingLineRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const reports = services.confidentialReports

  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store')

  const renderForm = (
    reply: FastifyReply,
    force: Force,
    extra: { values?: Record<string, unknown>; errors?: Record<string, string>; token?: string } = {},
  ) =>
    noStore(reply).render('confidential-reports/views/report-form.njk', {
      force,
      values: extra.values ?? {},
      errors: extra.errors && Object.keys(extra.errors).length ? formErrors(extra.errors) : undefined,
      token: reports.formToken(force, extra.token),
      challenge: FORM_CHALLENGE,
      attachmentsHint: attachmentsHint(reply.request),
    })

  app.get(
    '/forces/:code/report',
    { config: { access: 'public', rateLimit: VISIT_LIMIT }, schema: { hide: true, params: codeParams } },
    async (request, reply) => renderForm(reply, await reports.force(request.params.code)),
  )

  app.post(
    '/forces/:code/report',
    {
      config: { access: 'public', rateLimit: SUBMIT_LIMIT, multipartOptions: UPLOAD_OPTIONS },
      schema: { hide: true, params: codeParams },
    },
    async (request, reply) => {
      const force = await reports.force(request.params.code)
      const values = fields(request, ['identity', 'name', 'account', 'token', 'proof'])
      try {
        const receipt = await reports.submit(
          force,
          values,
          { token: values.token ?? '', proof: values.proof || undefined },
          await arrivedFiles(request),
        )
        return noStore(reply).render('confidential-reports/views/receipt.njk', { force, ...receipt })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const errors = orderedFieldErrors(REPORT_FIELDS, [], error.fieldErrors)
        // A token that failed its check, or was spent, is replaced; otherwise the form keeps its own.
        const token = errors.form ? undefined : values.token
        return renderForm(reply.code(400), force, { values, errors, token })
      }
    },
  )

  const openedReport = (request: FastifyRequest): string | undefined => {
    const cookie = request.cookies[cookieName(request, REPORT_COOKIE)]
    const unsigned = cookie ? request.unsignCookie(cookie) : undefined
    if (!unsigned?.valid || !unsigned.value) return undefined
    const [reportId, until] = unsigned.value.split('|')
    return reportId && Number(until) > Date.now() ? reportId : undefined
  }

  app.get(
    '/forces/:code/report/return',
    {
      config: { access: 'public', rateLimit: VISIT_LIMIT },
      schema: { hide: true, params: codeParams, querystring: z.object({ left: z.literal('1').optional() }) },
    },
    async (request, reply) =>
      noStore(reply).render('confidential-reports/views/return.njk', {
        force: await reports.force(request.params.code),
        left: request.query.left === '1',
      }),
  )

  app.post(
    '/forces/:code/report/return',
    {
      config: { access: 'public', rateLimit: RETURN_LIMIT },
      schema: { hide: true, params: codeParams, body: form },
    },
    async (request, reply) => {
      const force = await reports.force(request.params.code)
      const reportId = await reports.openReport(force, request.body)
      if (!reportId)
        return noStore(reply.code(400)).render('confidential-reports/views/return.njk', {
          force,
          errors: formErrors({
            receiptCode: `The receipt code and passphrase do not match a report to ${force.name}. Check both and try again`,
          }),
        })
      reply.setCookie(
        cookieName(request, REPORT_COOKIE),
        `${reportId}|${Date.now() + VISIT_MINUTES * 60_000}`,
        {
          ...cookieScope(request),
          httpOnly: true,
          sameSite: 'strict',
          signed: true,
          maxAge: VISIT_MINUTES * 60,
        },
      )
      return reply.redirect(`/forces/${force.code}/report/messages`, 303)
    },
  )

  const renderMessages = async (
    request: FastifyRequest,
    reply: FastifyReply,
    force: Force,
    reportId: string,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown> } = {},
  ) =>
    noStore(reply).render('confidential-reports/views/messages.njk', {
      force,
      ...(await reports.reporterView(force, reportId)),
      values: extra.values ?? {},
      errors: extra.errors ? formErrors(extra.errors) : undefined,
      sent: request.query && (request.query as { sent?: string }).sent === '1',
      attachmentsHint: attachmentsHint(request),
    })

  app.get(
    '/forces/:code/report/messages',
    {
      config: { access: 'public', rateLimit: VISIT_LIMIT },
      schema: { hide: true, params: codeParams, querystring: z.object({ sent: z.literal('1').optional() }) },
    },
    async (request, reply) => {
      const force = await reports.force(request.params.code)
      const reportId = openedReport(request)
      if (!reportId) return reply.redirect(`/forces/${force.code}/report/return`, 303)
      return renderMessages(request, reply, force, reportId)
    },
  )

  // An answer may carry files, as a report does: the same limits, cleaning and sealing.
  app.post(
    '/forces/:code/report/messages',
    {
      config: { access: 'public', rateLimit: SUBMIT_LIMIT, multipartOptions: UPLOAD_OPTIONS },
      schema: { hide: true, params: codeParams },
    },
    async (request, reply) => {
      const force = await reports.force(request.params.code)
      const reportId = openedReport(request)
      if (!reportId) return reply.redirect(`/forces/${force.code}/report/return`, 303)
      const values = fields(request, ['body'])
      try {
        await reports.reply(force, reportId, values, await arrivedFiles(request))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderMessages(request, reply.code(400), force, reportId, {
          errors: error.fieldErrors,
          values,
        })
      }
      return reply.redirect(`/forces/${force.code}/report/messages?sent=1`, 303)
    },
  )

  app.post(
    '/forces/:code/report/leave',
    { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
    async (request, reply) => {
      const force = await reports.force(request.params.code)
      reply.clearCookie(cookieName(request, REPORT_COOKIE), cookieScope(request))
      return reply.redirect(`/forces/${force.code}/report/return?left=1`, 303)
    },
  )
}
