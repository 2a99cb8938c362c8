import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { BUSINESS_INTEREST_CATEGORIES, BUSINESS_INTEREST_STATUSES } from '../../domain/registers.js'
import type { Services } from '../../services.js'
import { staffMemberReferenceJson } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { PAGE_SIZE, pagedJson, pageOf, pageWindow } from '../../web/lists.js'
import { filterOf, forceFilter, listQuerySchema } from './filters.js'
import type { BusinessInterestView } from './present.js'

const READERS: Access = ['force-caseworker', 'inspector']
const CASEWORKERS: Access = ['force-caseworker']

const idParams = z.object({ businessInterestId: z.string().max(100) })

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

/** The JSON API: the list, one application, and recording an application for a member of staff. */
export const businessInterestApiRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { businessInterests, forces } = services

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
      const forceId = await forceFilter(forces, request.caller, query.force)
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
