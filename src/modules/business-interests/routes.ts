import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { type Caller, callerHas } from '../../domain/access.js'
import { optionalDateField } from '../../domain/date-input.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  BUSINESS_INTEREST_CATEGORIES,
  BUSINESS_INTEREST_CRITERIA,
  BUSINESS_INTEREST_STATUSES,
} from '../../domain/registers.js'
import { firstMessages } from '../../domain/validation.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import { staffMemberReferenceJson } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { capitalised, choicesOf, formErrors, safeReturnPath } from '../../web/forms.js'
import { listNavigationIn } from '../../web/i18n/lists.js'
import { PAGE_SIZE, pagedJson, pageOf, pageWindow, typedValues } from '../../web/lists.js'
import { formField, uploadedFile } from '../../web/uploads.js'
import type { ForceReference } from '../forces/service.js'
import type { BusinessInterestView } from './present.js'
import { SORTS } from './queries.js'
import { businessInterestReviewRoutes } from './review-routes.js'
import {
  addMonths,
  type Criterion,
  criterionKey,
  DECISIONS,
  DEFAULT_REVIEW_MONTHS,
  DEFAULT_REVIEW_WINDOW_DAYS,
  STATUS_TAG_CLASSES,
} from './rules.js'

const READERS: Access = ['force-caseworker', 'inspector']
const CASEWORKERS: Access = ['force-caseworker']
const STAFF: Access = ['staff']
const LIST = '/business-interests'

const idParams = z.object({ businessInterestId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))

const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

/** The list's filters, sorting and paging: the page, its downloads and the API take the same. */
const listQuerySchema = z.object({
  force: z.preprocess(blank, z.string().trim().max(100).optional()).meta({
    description: 'A force’s code (inspectorate callers only; a force sees only its own)',
  }),
  status: z.preprocess(blank, z.enum(BUSINESS_INTEREST_STATUSES, 'Select a status from the list').optional()),
  category: z.preprocess(
    blank,
    z.enum(BUSINESS_INTEREST_CATEGORIES, 'Select a category from the list').optional(),
  ),
  unit: z.preprocess(blank, z.string().trim().max(200, 'Unit must be 200 characters or fewer').optional()),
  from: optionalDateField('Submitted from').meta({
    description: 'Submitted on or after this day (YYYY-MM-DD)',
  }),
  to: optionalDateField('Submitted to').meta({ description: 'Submitted on or before this day (YYYY-MM-DD)' }),
  q: z
    .preprocess(blank, z.string().trim().max(200, 'Search must be 200 characters or fewer').optional())
    .meta({
      description: 'Part of the name or staff number of the applicant, the nature or the employer',
    }),
  sort: z.preprocess(blank, z.enum(SORTS).default('submitted')),
  order: z.preprocess(blank, z.enum(['asc', 'desc']).default('desc')),
  page: z.preprocess(
    blank,
    z.coerce.number('Page must be a whole number').int().min(1).max(1_000_000).default(1),
  ),
})
type ListQuery = z.output<typeof listQuerySchema>
const FILTER_FIELDS = ['force', 'status', 'category', 'unit', 'from', 'to', 'q'] as const

const SORT_COLUMNS = [
  { key: 'name', text: 'Applicant' },
  { key: 'category', text: 'Category' },
  { key: 'submitted', text: 'Submitted' },
  { key: 'status', text: 'Status' },
  { key: 'review', text: 'Review date' },
]

const interestJson = z
  .object({
    id: z.string(),
    forceCode: z.string(),
    staffMember: staffMemberReferenceJson,
    submittedOn: z.string().meta({ example: '2012-03-27' }),
    nature: z.string(),
    category: z.enum(BUSINESS_INTEREST_CATEGORIES),
    employer: z.string().nullable(),
    hoursPerWeek: z.number().nullable(),
    paid: z.enum(['yes', 'no']),
    relativesInterests: z.string().nullable(),
    conflictDeclaration: z.string(),
    status: z.enum(BUSINESS_INTEREST_STATUSES),
    assessment: z
      .record(z.string(), z.object({ concern: z.boolean(), note: z.string() }))
      .nullable()
      .meta({ description: 'Per national criterion: whether it raises a concern, and the note' }),
    conditions: z.string().nullable(),
    refusalReason: z.string().nullable(),
    decidedOn: z.string().nullable(),
    reviewDate: z.string().nullable(),
    expiryDate: z.string().nullable(),
    withdrawnOn: z.string().nullable(),
    appeal: z
      .object({
        status: z.enum(['lodged', 'upheld', 'dismissed']),
        grounds: z.string().nullable(),
        outcomeReason: z.string().nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'BusinessInterest' })

function toJson(interest: BusinessInterestView): z.infer<typeof interestJson> {
  return {
    id: interest.id,
    forceCode: interest.force.code,
    staffMember: interest.staffMember,
    submittedOn: interest.submittedOn,
    nature: interest.nature,
    category: interest.category,
    employer: interest.employer,
    hoursPerWeek: interest.hoursPerWeek,
    paid: interest.paid,
    relativesInterests: interest.relativesInterests,
    conflictDeclaration: interest.conflictDeclaration,
    status: interest.status,
    assessment: interest.assessment,
    conditions: interest.conditions,
    refusalReason: interest.refusalReason,
    decidedOn: interest.decidedOn,
    reviewDate: interest.reviewDate,
    expiryDate: interest.expiryDate,
    withdrawnOn: interest.withdrawnOn,
    appeal: interest.appealStatus
      ? {
          status: interest.appealStatus,
          grounds: interest.appealGrounds,
          outcomeReason: interest.appealOutcomeReason,
        }
      : null,
  }
}

const newInterestJson = z
  .strictObject({
    staffNumber: z.string().max(50).meta({ description: 'The applicant’s staff number on the force roster' }),
    submittedOn: z.string().max(10).optional().meta({ description: 'YYYY-MM-DD; today when left out' }),
    nature: z.string().max(2000),
    category: z.enum(BUSINESS_INTEREST_CATEGORIES),
    employer: z.string().max(300).optional(),
    hoursPerWeek: z.number().min(0).max(168).optional(),
    paid: z.enum(['yes', 'no']),
    relativesInterests: z.string().max(2000).optional(),
    conflictDeclaration: z.string().max(2000),
  })
  .meta({ id: 'NewBusinessInterest' })

/** The export's columns; an import takes the same headings (and ignores the ones it cannot set). */
const EXPORT_COLUMNS: Column<BusinessInterestView>[] = [
  { header: 'Reference', value: (row) => row.id },
  { header: 'Staff number', value: (row) => row.staffMember.staffNumber },
  { header: 'Name', value: (row) => row.staffMember.name },
  { header: 'Grade', value: (row) => row.staffMember.grade },
  { header: 'Unit', value: (row) => row.staffMember.unit },
  { header: 'Submitted on', value: (row) => row.submittedOn },
  { header: 'Category', value: (row) => row.category },
  { header: 'Nature', value: (row) => row.nature },
  { header: 'Employer', value: (row) => row.employer },
  { header: 'Hours per week', value: (row) => row.hoursPerWeek },
  { header: 'Paid', value: (row) => row.paid },
  { header: 'Relatives interests', value: (row) => row.relativesInterests },
  { header: 'Conflict declaration', value: (row) => row.conflictDeclaration },
  { header: 'Status', value: (row) => row.status },
  { header: 'Conditions', value: (row) => row.conditions },
  { header: 'Refusal reason', value: (row) => row.refusalReason },
  { header: 'Decided on', value: (row) => row.decidedOn },
  { header: 'Review date', value: (row) => row.reviewDate },
  { header: 'Expiry date', value: (row) => row.expiryDate },
  { header: 'Withdrawn on', value: (row) => row.withdrawnOn },
  { header: 'Appeal', value: (row) => row.appealStatus },
]

const categoryItems = choicesOf(BUSINESS_INTEREST_CATEGORIES)

function statusTag(status: keyof typeof STATUS_TAG_CLASSES) {
  return { text: capitalised(status), classes: STATUS_TAG_CLASSES[status] }
}

function criteriaFor(values: Record<string, string>, assessment: BusinessInterestView['assessment']) {
  return BUSINESS_INTEREST_CRITERIA.map((criterion: Criterion) => {
    const key = criterionKey(criterion)
    const saved = assessment?.[criterion]
    return {
      criterion,
      label: capitalised(criterion),
      key,
      concern: values[`concern-${key}`] ?? (saved ? (saved.concern ? 'yes' : 'no') : ''),
      note: values[`note-${key}`] ?? saved?.note ?? '',
    }
  })
}

function decisionInput(values: Record<string, string>) {
  return {
    assessment: Object.fromEntries(
      BUSINESS_INTEREST_CRITERIA.map((criterion) => {
        const key = criterionKey(criterion)
        return [criterion, { concern: values[`concern-${key}`], note: values[`note-${key}`] }]
      }),
    ),
    decision: values.decision,
    conditions: values.conditions,
    refusalReason: values.refusalReason,
    reviewDate: values.reviewDate,
    expiryDate: values.expiryDate,
  }
}

export const businessInterestsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { businessInterests, forces } = services
  await app.register(businessInterestReviewRoutes, { services })

  /** The force the inspectorate asks about (by code); a force's own people always see their own. */
  async function forceFilter(caller: Caller, code: string | undefined): Promise<number | undefined> {
    if (caller.scope.kind !== 'inspectorate' || !code) return undefined
    const force = (await forces.references()).find((candidate) => candidate.code === code)
    if (!force) throw new ValidationError({ force: 'Select a force from the list' })
    return force.id
  }

  function filterOf(query: ListQuery, forceId: number | undefined) {
    return {
      forceId,
      status: query.status,
      category: query.category,
      unit: query.unit,
      submittedFrom: query.from,
      submittedTo: query.to,
      search: query.q,
    }
  }

  // --- staff self-service --------------------------------------------------------------------------

  async function renderApply(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    if (!request.principal?.staffMemberId)
      return reply.code(errors ? 403 : 200).render('business-interests/views/not-linked.njk')
    return reply.code(errors ? 400 : 200).render('business-interests/views/apply.njk', {
      values,
      errors: errors && formErrors(errors, { category: 'category', paid: 'paid' }),
      categoryItems,
    })
  }

  app.get(`${LIST}/apply`, { config: { access: STAFF }, schema: { hide: true } }, async (request, reply) =>
    renderApply(request, reply, {}),
  )

  app.post(
    `${LIST}/apply`,
    { config: { access: STAFF }, schema: { hide: true, body: form } },
    async (request, reply) => {
      if (!request.principal?.staffMemberId)
        return reply.code(403).render('business-interests/views/not-linked.njk')
      try {
        await businessInterests.apply(request.caller, request.body)
        return reply
          .flash('Your application has been sent. Professional standards will decide it.')
          .redirect(`${LIST}/mine`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderApply(request, reply, request.body, error.fieldErrors)
      }
    },
  )

  app.get(`${LIST}/mine`, { config: { access: STAFF }, schema: { hide: true } }, async (request, reply) => {
    if (!request.principal?.staffMemberId) return reply.render('business-interests/views/not-linked.njk')
    const interests = await businessInterests.mine(request.caller)
    return reply.render('business-interests/views/mine.njk', {
      interests: interests.map((interest) => ({ ...interest, tag: statusTag(interest.status) })),
    })
  })

  // Withdrawing (the applicant or a caseworker) and marking as expired cannot be undone: each asks first.
  app.get(
    `${LIST}/:businessInterestId/withdraw`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
      if (!interest.canWithdraw) throw new NotFoundError('This application cannot be withdrawn')
      const own = interest.staffMember.id === request.principal?.staffMemberId
      return reply.render('business-interests/views/confirm.njk', {
        interest,
        action: 'withdraw',
        own,
        back: own ? `${LIST}/mine` : `${LIST}/${interest.id}`,
      })
    },
  )

  app.post(
    `${LIST}/:businessInterestId/withdraw`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams, body: form.optional() } },
    async (request, reply) => {
      const interest = await businessInterests.withdraw(request.caller, request.params.businessInterestId)
      const back = safeReturnPath(request.body?.returnTo)
      return back === '/'
        ? reply.flash('Your application has been withdrawn.').redirect(`${LIST}/mine`, 303)
        : reply.flash('Application withdrawn').redirect(`${LIST}/${interest.id}`, 303)
    },
  )

  app.get(
    `${LIST}/:businessInterestId/expire`,
    { config: { access: CASEWORKERS }, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
      return reply.render('business-interests/views/confirm.njk', {
        interest,
        action: 'expire',
        back: `${LIST}/${interest.id}`,
      })
    },
  )

  app.get(
    `${LIST}/:businessInterestId/appeal`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams } },
    async (request, reply) => {
      const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
      if (!interest.canAppeal) throw new NotFoundError('This decision cannot be appealed')
      return reply.render('business-interests/views/appeal.njk', { interest, values: {} })
    },
  )

  app.post(
    `${LIST}/:businessInterestId/appeal`,
    { config: { access: STAFF }, schema: { hide: true, params: idParams, body: form } },
    async (request, reply) => {
      try {
        await businessInterests.appeal(request.caller, request.params.businessInterestId, request.body)
        return reply.flash('Your appeal has been sent.').redirect(`${LIST}/mine`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
        return reply.code(400).render('business-interests/views/appeal.njk', {
          interest,
          values: request.body,
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  // --- caseworkers and the inspectorate ------------------------------------------------------------

  app.get(LIST, { config: { access: READERS }, schema: { hide: true } }, async (request, reply) => {
    const values = typedValues(request.query, FILTER_FIELDS)
    const references = await forces.references()
    const showForce = request.caller.scope.kind === 'inspectorate'
    const view = {
      values,
      showForce,
      forces: references,
      categoryItems,
      statuses: BUSINESS_INTEREST_STATUSES,
    }
    const parsed = listQuerySchema.safeParse(request.query)
    let forceId: number | undefined
    try {
      if (!parsed.success) throw new ValidationError(firstMessages(parsed.error.issues))
      forceId = await forceFilter(request.caller, parsed.data.force)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      return reply
        .code(400)
        .render('business-interests/views/list.njk', { ...view, errors: formErrors(error.fieldErrors) })
    }
    const query = parsed.data
    const { total, exact, items } = await businessInterests.list(
      request.caller,
      filterOf(query, forceId),
      query.sort,
      query.order,
      pageWindow(query.page),
    )
    return reply.render('business-interests/views/list.njk', {
      ...view,
      total,
      exact,
      interests: items.map((interest) => ({ ...interest, tag: statusTag(interest.status) })),
      ...listNavigationIn(request, LIST, values, SORT_COLUMNS, {
        ...query,
        total,
        exact,
        rows: items.length,
      }),
      filtered: FILTER_FIELDS.some((field) => values[field]),
      canDecide: callerHas(request.caller, ['force-caseworker']),
    })
  })

  for (const format of ['csv', 'xlsx'] as const satisfies ExportFormat[]) {
    app.get(
      `${LIST}.${format}`,
      { config: { access: READERS }, schema: { hide: true, querystring: listQuerySchema } },
      async (request, reply) => {
        const query = request.query
        const forceId = await forceFilter(request.caller, query.force)
        const items = await businessInterests.export(
          request.caller,
          filterOf(query, forceId),
          query.sort,
          query.order,
          format,
        )
        return sendExport(reply, format, 'business-interests', EXPORT_COLUMNS, items)
      },
    )
  }

  app.get(
    `${LIST}/reviews-due`,
    {
      config: { access: READERS },
      schema: {
        hide: true,
        querystring: z.object({
          days: z.preprocess(
            blank,
            z.coerce.number().int().min(0).max(3650).default(DEFAULT_REVIEW_WINDOW_DAYS),
          ),
          force: z.preprocess(blank, z.string().trim().max(100).optional()),
        }),
      },
    },
    async (request, reply) => {
      const forceId = await forceFilter(request.caller, request.query.force)
      const interests = await businessInterests.reviewsDue(request.caller, {
        forceId,
        days: request.query.days,
      })
      const today = businessInterests.today()
      return reply.render('business-interests/views/reviews-due.njk', {
        days: request.query.days,
        force: request.query.force ?? '',
        showForce: request.caller.scope.kind === 'inspectorate',
        forces: await forces.references(),
        today,
        interests: interests.map((interest) => ({ ...interest, tag: statusTag(interest.status) })),
        canReview: callerHas(request.caller, ['force-caseworker']),
      })
    },
  )

  function renderRecord(
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    return reply.code(errors ? 400 : 200).render('business-interests/views/record.njk', {
      values,
      errors: errors && formErrors(errors),
      categoryItems,
    })
  }

  app.get(
    `${LIST}/record`,
    { config: { access: CASEWORKERS }, schema: { hide: true } },
    async (_request, reply) => renderRecord(reply, {}),
  )

  app.post(
    `${LIST}/record`,
    { config: { access: CASEWORKERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        const interest = await businessInterests.record(request.caller, request.body)
        return reply.flash('Application recorded').redirect(`${LIST}/${interest.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderRecord(reply, request.body, error.fieldErrors)
      }
    },
  )

  app.get(
    `${LIST}/import`,
    { config: { access: CASEWORKERS }, schema: { hide: true } },
    async (_request, reply) =>
      reply.render('business-interests/views/import.njk', {
        columns: EXPORT_COLUMNS.map((column) => column.header),
      }),
  )

  app.post(
    `${LIST}/import`,
    { config: { access: CASEWORKERS }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const file = await uploadedFile(request)
        const preview = await businessInterests.previewImport(request.caller, file)
        return reply
          .code(preview.problems.length ? 400 : 200)
          .render('business-interests/views/import-preview.njk', { preview })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).render('business-interests/views/import.njk', {
          columns: EXPORT_COLUMNS.map((column) => column.header),
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  app.post(
    `${LIST}/import/confirm`,
    { config: { access: CASEWORKERS }, schema: { hide: true, body: form.optional() } },
    async (request, reply) => {
      const importId = request.body?.importId ?? formField(request, 'importId') ?? ''
      const result = await businessInterests.confirmImport(request.caller, importId)
      return reply.render('business-interests/views/import-done.njk', { result })
    },
  )

  async function renderDetail(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    values: Record<string, string> = {},
    errors?: Record<string, string>,
    which?: 'decision' | 'appeal' | 'form',
  ) {
    const { interest, history } = await businessInterests.detail(request.caller, id)
    const reviews = await businessInterests.reviews(request.caller, id)
    const today = businessInterests.today()
    const canDecide =
      request.principal?.role === 'force-admin' || request.principal?.role === 'force-caseworker'
    return reply.code(errors ? 400 : 200).render('business-interests/views/show.njk', {
      interest,
      reviews,
      // Once this one is reviewed, the way on to the review due soonest.
      reviewsWaiting:
        canDecide && reviews.length ? await businessInterests.nextReviewDue(request.caller, id) : undefined,
      // Once this one is decided, the way on to the one that has waited longest.
      waiting:
        canDecide && interest.status !== 'submitted'
          ? await businessInterests.nextWaiting(request.caller, id)
          : undefined,
      tag: statusTag(interest.status),
      history,
      criteria: criteriaFor(which === 'decision' ? values : {}, interest.assessment),
      decisions: DECISIONS,
      values: {
        reviewDate: addMonths(today, DEFAULT_REVIEW_MONTHS),
        ...values,
      },
      which,
      errors:
        errors &&
        formErrors(
          errors,
          Object.fromEntries(
            BUSINESS_INTEREST_CRITERIA.map((criterion) => [
              `concern-${criterionKey(criterion)}`,
              `concern-${criterionKey(criterion)}`,
            ]),
          ),
        ),
      canDecide,
      defaultReviewMonths: DEFAULT_REVIEW_MONTHS,
    })
  }

  app.get(
    `${LIST}/:businessInterestId`,
    { config: { access: READERS }, schema: { hide: true, params: idParams } },
    async (request, reply) => renderDetail(request, reply, request.params.businessInterestId),
  )

  /** Each caseworker action, and what the banner says it did. */
  const actions = {
    decision: async (caller: Caller, id: string, values: Record<string, string>) =>
      `Decision recorded: ${(await businessInterests.decide(caller, id, decisionInput(values))).status}`,
    'appeal-decision': async (caller: Caller, id: string, values: Record<string, string>) =>
      `Appeal decision recorded: ${(await businessInterests.decideAppeal(caller, id, values)).status}`,
    expire: async (caller: Caller, id: string) => {
      await businessInterests.markExpired(caller, id)
      return 'Marked as expired'
    },
  }
  for (const [action, run] of Object.entries(actions)) {
    app.post(
      `${LIST}/:businessInterestId/${action}`,
      { config: { access: CASEWORKERS }, schema: { hide: true, params: idParams, body: form.optional() } },
      async (request, reply) => {
        const id = request.params.businessInterestId
        const values = request.body ?? {}
        try {
          return reply.flash(await run(request.caller, id, values)).redirect(`${LIST}/${id}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          const which = action === 'decision' ? 'decision' : action === 'appeal-decision' ? 'appeal' : 'form'
          return renderDetail(request, reply, id, values, error.fieldErrors, which)
        }
      },
    )
  }

  // --- JSON API ------------------------------------------------------------------------------------

  app.get(
    '/api/business-interests',
    {
      config: { access: READERS, keepResponses: true },
      schema: {
        summary: 'List business interests (second jobs)',
        description:
          `The applications that match the filters, ${PAGE_SIZE} to a page. A force’s caseworkers and ` +
          'administrators see their own force’s; the inspectorate sees every force’s (or one, with `force`).',
        tags: ['business-interests'],
        security: [{ apiToken: [] }],
        querystring: listQuerySchema,
        response: { 200: pagedJson('businessInterests', interestJson) },
      },
    },
    async (request) => {
      const query = request.query
      const forceId = await forceFilter(request.caller, query.force)
      const { total, exact, items } = await businessInterests.list(
        request.caller,
        filterOf(query, forceId),
        query.sort,
        query.order,
        pageWindow(query.page),
      )
      return pageOf('businessInterests', items.map(toJson), { page: query.page, total, exact })
    },
  )

  app.get(
    '/api/business-interests/:businessInterestId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One business interest',
        tags: ['business-interests'],
        security: [{ apiToken: [] }],
        params: idParams,
        response: { 200: interestJson },
      },
    },
    async (request) => {
      const { interest } = await businessInterests.detail(request.caller, request.params.businessInterestId)
      return toJson(interest)
    },
  )

  app.post(
    '/api/business-interests',
    {
      config: { access: CASEWORKERS },
      schema: {
        summary: 'Record a business interest application for a member of staff',
        description:
          'A caseworker’s (or force administrator’s) token records an application for the member of staff ' +
          'with this staff number, e.g. from a paper form. It starts as submitted, to be decided in Probity.',
        tags: ['business-interests'],
        security: [{ apiToken: [] }],
        body: newInterestJson,
        response: { 201: interestJson },
      },
    },
    async (request, reply) => {
      const body = request.body
      const interest = await businessInterests.record(request.caller, {
        ...body,
        hoursPerWeek: body.hoursPerWeek === undefined ? undefined : String(body.hoursPerWeek),
      })
      return reply.code(201).send(toJson(interest))
    },
  )
}

export type { ForceReference }
