import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { CASE_TYPES, REFERRAL_STATUSES } from '../../domain/cases.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { choicesOf, formErrors } from '../../web/forms.js'
import {
  exportLink,
  PAGE_SIZE,
  pagedJson,
  pageOf,
  pageWindow,
  pagination,
  typedValues,
} from '../../web/lists.js'
import { changesOf } from '../audit/present.js'
import type { AuditEvent } from '../audit/service.js'
import { personFromForm } from '../roster/picker.js'
import type { StaffMember } from '../roster/service.js'
import { FILTER_FIELDS, type ReferralQuery, referralQuerySchema } from './fields.js'
import type { ReferralFilter, ReferralView } from './service.js'

const READERS: Access = ['force-caseworker', 'inspector']
const INSPECTORS: Access = ['inspector']
const CASEWORKERS: Access = ['force-caseworker']
const LIST = '/referrals'

const referralParams = z.object({ referralId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))

function historyFor(events: AuditEvent[]) {
  return events.map((event) => ({
    action: event.action,
    actor: event.actorLabel,
    occurredAt: event.occurredAt,
    changes: event.action === 'refer' ? [] : changesOf(event.before, event.after).filter((c) => c.changed),
  }))
}

const EXPORT_COLUMNS: Column<ReferralView>[] = [
  { header: 'Force', value: (r) => r.force.name },
  { header: 'Referred on', value: (r) => r.referredOn },
  { header: 'Type', value: (r) => r.type },
  { header: 'Finding', value: (r) => r.finding },
  { header: 'Evidence address', value: (r) => r.evidenceUrl },
  { header: 'Evidence', value: (r) => r.evidence },
  { header: 'Referred by', value: (r) => r.createdByLabel },
  { header: 'Status', value: (r) => r.status },
  { header: 'Case', value: (r) => r.case?.reference ?? null },
  { header: 'Reason for no action', value: (r) => r.noActionReason },
  { header: 'Answered on', value: (r) => r.respondedOn },
]

export const referralJson = z
  .object({
    id: z.string(),
    force: z.object({ code: z.string(), name: z.string() }),
    type: z.enum(CASE_TYPES),
    finding: z.string(),
    evidenceUrl: z.string().nullable(),
    evidence: z.string().nullable(),
    referredOn: z.string(),
    referredBy: z.string(),
    status: z.enum(REFERRAL_STATUSES),
    case: z
      .object({ id: z.string(), reference: z.string(), status: z.string(), outcome: z.string().nullable() })
      .nullable(),
    noActionReason: z.string().nullable(),
    respondedOn: z.string().nullable(),
  })
  .meta({ id: 'Referral' })

function toJson(r: ReferralView): z.infer<typeof referralJson> {
  return {
    id: r.id,
    force: { code: r.force.code, name: r.force.name },
    type: r.type,
    finding: r.finding,
    evidenceUrl: r.evidenceUrl,
    evidence: r.evidence,
    referredOn: r.referredOn,
    referredBy: r.createdByLabel,
    status: r.status,
    case: r.case,
    noActionReason: r.noActionReason,
    respondedOn: r.respondedOn,
  }
}

const newReferralJson = z.strictObject({
  force: z.string().max(50).meta({ description: 'The force’s code, e.g. cheshire' }),
  type: z
    .string()
    .max(100)
    .meta({ description: `One of: ${CASE_TYPES.join(', ')}` }),
  finding: z.string().max(5000),
  evidenceUrl: z.string().max(2000).optional(),
  evidence: z.string().max(10_000).optional(),
  referredOn: z.string().max(20).meta({ example: '2012-05-14' }),
})

const countsJson = z
  .object({
    forces: z.array(
      z.object({
        force: z.object({ code: z.string(), name: z.string() }),
        referred: z.number().int(),
        accepted: z.number().int(),
        noAction: z.number().int(),
        awaiting: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ReferralCounts' })

export const referralsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const referrals = services.referrals

  async function toFilter(request: FastifyRequest, query: ReferralQuery): Promise<ReferralFilter> {
    let forceId: number | undefined
    if (request.caller.scope.kind === 'force') forceId = request.caller.scope.forceId
    else if (query.force) {
      const force = await referrals.forceByCode(query.force)
      if (!force) throw new NotFoundError('No such force')
      forceId = force.id
    }
    return { forceId, status: query.status, from: query.from, to: query.to }
  }

  app.get(LIST, { config: { access: READERS }, schema: { hide: true } }, async (request, reply) => {
    const values = typedValues(request.query, FILTER_FIELDS)
    const refers = referrals.refers(request.caller)
    const common = {
      values,
      refers,
      forces: refers ? await services.forces.references() : [],
      statuses: choicesOf(REFERRAL_STATUSES),
    }
    const parsed = referralQuerySchema.safeParse(request.query)
    if (!parsed.success) {
      const errors: Record<string, string> = {}
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message
      return reply.code(400).render('referrals/views/list.njk', { ...common, errors: formErrors(errors) })
    }
    const query = parsed.data
    const filter = await toFilter(request, query)
    const { total, referrals: rows } = await referrals.list(request.caller, filter, {
      offset: (query.page - 1) * PAGE_SIZE,
      limit: PAGE_SIZE,
    })
    const counts = await referrals.counts(request.caller, filter)
    return reply.render('referrals/views/list.njk', {
      ...common,
      total,
      referrals: rows,
      counts,
      pagination: pagination(LIST, values, query.page, total),
      csvHref: exportLink(LIST, values, 'csv'),
      xlsxHref: exportLink(LIST, values, 'xlsx'),
    })
  })

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `${LIST}.${format}`,
      { config: { access: READERS }, schema: { hide: true, querystring: referralQuerySchema } },
      async (request, reply) => {
        const rows = await referrals.exportRows(
          request.caller,
          await toFilter(request, request.query as ReferralQuery),
          format,
        )
        return sendExport(reply, format, 'referrals', EXPORT_COLUMNS, rows)
      },
    )
  }

  async function newPage(
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: ReturnType<typeof formErrors>,
  ) {
    return reply.code(errors ? 400 : 200).render('referrals/views/new.njk', {
      values,
      errors,
      forces: await services.forces.references(),
      types: choicesOf(CASE_TYPES),
    })
  }

  app.get(
    `${LIST}/new`,
    { config: { access: INSPECTORS }, schema: { hide: true } },
    async (_request, reply) => newPage(reply, { type: 'social-media misconduct' }),
  )

  app.post(
    `${LIST}/new`,
    { config: { access: INSPECTORS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        const created = await referrals.create(request.caller, request.body)
        return reply.flash(`Finding referred to ${created.force.name}`).redirect(`${LIST}/${created.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newPage(reply, request.body, formErrors(error.fieldErrors))
      }
    },
  )

  async function renderReferral(
    request: FastifyRequest,
    reply: FastifyReply,
    referralId: string,
    extra: {
      errors?: ReturnType<typeof formErrors>
      values?: Record<string, unknown>
      /** The members of staff the subject's name matched, to choose from. */
      candidates?: StaffMember[]
    } = {},
  ) {
    const { referral, history } = await referrals.findWithHistory(request.caller, referralId)
    const forForce = request.caller.scope.kind === 'force'
    const answers = forForce && referral.status === 'awaiting response'
    return reply.code(extra.errors ? 400 : 200).render('referrals/views/show.njk', {
      referral,
      // Once this one is answered, the way on to the one that has waited longest.
      waiting: forForce && !answers ? await referrals.nextWaiting(request.caller, referral.id) : undefined,
      history: historyFor(history),
      answers,
      caseworkers: answers ? await services.integrityCases.caseworkers(request.caller) : [],
      values: extra.values ?? {},
      errors: extra.errors,
      candidates: extra.candidates,
    })
  }

  app.get(
    `${LIST}/:referralId`,
    { config: { access: READERS }, schema: { hide: true, params: referralParams } },
    async (request, reply) => renderReferral(request, reply, request.params.referralId),
  )

  /** The force's two answers, and what the banner says each did. */
  for (const [action, run] of [
    [
      'accept',
      async (request: FastifyRequest, id: string, body: Record<string, string>) => {
        // The subject, if any, is found by name or staff number; when several match, the page asks which.
        const { member, candidates } = await personFromForm(services.roster, request.caller, body)
        if (candidates) return { candidates }
        const accepted = await referrals.accept(request.caller, id, {
          ...body,
          staffNumber: member?.staffNumber,
        })
        return `Accepted into case ${accepted.case?.reference}`
      },
    ],
    [
      'no-action',
      async (request: FastifyRequest, id: string, body: Record<string, string>) => {
        await referrals.noAction(request.caller, id, body)
        return 'No action recorded'
      },
    ],
  ] as const) {
    app.post(
      `${LIST}/:referralId/${action}`,
      { config: { access: CASEWORKERS }, schema: { hide: true, params: referralParams, body: form } },
      async (request, reply) => {
        try {
          const done = await run(request, request.params.referralId, request.body)
          if (typeof done !== 'string')
            return renderReferral(request, reply, request.params.referralId, {
              values: { ...request.body, action },
              candidates: done.candidates,
            })
          return reply.flash(done).redirect(`${LIST}/${request.params.referralId}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return renderReferral(request, reply, request.params.referralId, {
            errors: formErrors(error.fieldErrors),
            values: { ...request.body, action },
          })
        }
      },
    )
  }

  const pageJson = pagedJson('referrals', referralJson)

  app.get(
    '/api/referrals',
    {
      config: { access: READERS, keepResponses: true },
      schema: {
        summary: 'List referrals from the inspectorate',
        description: `Findings the inspectorate referred to forces and the forces’ answers, ${PAGE_SIZE} to a page. A force sees its own.`,
        tags: ['referrals'],
        security: [{ apiToken: [] }],
        querystring: referralQuerySchema,
        response: { 200: pageJson },
      },
    },
    async (request) => {
      const query = request.query
      const { total, referrals: rows } = await referrals.list(
        request.caller,
        await toFilter(request, query),
        pageWindow(query.page),
      )
      return pageOf('referrals', rows.map(toJson), { page: query.page, total })
    },
  )

  app.get(
    '/api/referrals/counts',
    {
      config: { access: READERS },
      schema: {
        summary: 'Count referrals and their outcomes per force',
        tags: ['referrals'],
        security: [{ apiToken: [] }],
        querystring: referralQuerySchema,
        response: { 200: countsJson },
      },
    },
    async (request) => {
      const counts = await referrals.counts(request.caller, await toFilter(request, request.query))
      return {
        forces: counts.map((c) => ({ ...c, force: { code: c.force.code, name: c.force.name } })),
      }
    },
  )

  app.get(
    '/api/referrals/:referralId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One referral',
        tags: ['referrals'],
        security: [{ apiToken: [] }],
        params: referralParams,
        response: { 200: referralJson },
      },
    },
    async (request) => toJson(await referrals.find(request.caller, request.params.referralId)),
  )

  app.post(
    '/api/referrals',
    {
      config: { access: INSPECTORS },
      schema: {
        summary: 'Refer a finding to a force',
        description:
          'Evidence is a web address, a description, or both. A problem with any field answers 400.',
        tags: ['referrals'],
        security: [{ apiToken: [] }],
        body: newReferralJson,
        response: { 201: referralJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send(toJson(await referrals.create(request.caller, request.body)))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
