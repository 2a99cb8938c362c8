import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { type Caller, callerHas } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_CRITERIA, BUSINESS_INTEREST_STATUSES } from '../../domain/registers.js'
import { firstMessages } from '../../domain/validation.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { capitalised, formErrors } from '../../web/forms.js'
import { listNavigationIn } from '../../web/i18n/lists.js'
import { pageWindow, typedValues } from '../../web/lists.js'
import { formField, uploadedFile } from '../../web/uploads.js'
import { businessInterestApiRoutes } from './api-routes.js'
import { FILTER_FIELDS, filterOf, forceFilter, listQuerySchema } from './filters.js'
import { type BusinessInterestView, categoryItems, statusTag } from './present.js'
import { businessInterestReviewRoutes } from './review-routes.js'
import {
  addMonths,
  blankToUndefined,
  type Criterion,
  criterionKey,
  DECISIONS,
  DEFAULT_REVIEW_MONTHS,
  DEFAULT_REVIEW_WINDOW_DAYS,
} from './rules.js'
import { businessInterestSelfServiceRoutes } from './self-service-routes.js'

const READERS: Access = ['force-caseworker', 'inspector']
const CASEWORKERS: Access = ['force-caseworker']
const LIST = '/business-interests'

const idParams = z.object({ businessInterestId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))

const SORT_COLUMNS = [
  { key: 'name', text: 'Applicant' },
  { key: 'category', text: 'Category' },
  { key: 'submitted', text: 'Submitted' },
  { key: 'status', text: 'Status' },
  { key: 'review', text: 'Review date' },
]

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

/**
 * The register of second jobs. Here, the caseworkers' and the inspectorate's pages: the list and its
 * downloads, reviews due, recording and importing, and each application with its decisions.
 */
export const businessInterestsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { businessInterests, forces } = services
  await app.register(businessInterestReviewRoutes, { services })
  await app.register(businessInterestSelfServiceRoutes, { services })

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
      forceId = await forceFilter(forces, request.caller, parsed.data.force)
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
        const forceId = await forceFilter(forces, request.caller, query.force)
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
            blankToUndefined,
            z.coerce.number().int().min(0).max(3650).default(DEFAULT_REVIEW_WINDOW_DAYS),
          ),
          force: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()),
        }),
      },
    },
    async (request, reply) => {
      const forceId = await forceFilter(forces, request.caller, request.query.force)
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

  // Marking as expired cannot be undone: it asks first.
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

  await app.register(businessInterestApiRoutes, { services })
}
