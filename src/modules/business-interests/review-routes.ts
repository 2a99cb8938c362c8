import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { BUSINESS_INTEREST_REVIEW_OUTCOMES } from '../../domain/registers.js'
import type { Services } from '../../services.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import type { BusinessInterestView } from './present.js'
import type { ReviewRow } from './queries.js'
import { addMonths, checkReview, DEFAULT_REVIEW_MONTHS, type ReviewInput } from './rules.js'

const READERS: Access = ['force-caseworker', 'inspector']
const CASEWORKERS: Access = ['force-caseworker']
const LIST = '/business-interests'

const idParams = z.object({ businessInterestId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))

const OUTCOME_TEXT: Record<(typeof BUSINESS_INTEREST_REVIEW_OUTCOMES)[number], string> = {
  continue: 'Continue as approved',
  'vary conditions': 'Vary the conditions',
  revoke: 'Revoke the approval',
}

export const reviewJson = z
  .object({
    id: z.string(),
    reviewedOn: z.string().meta({ example: '2013-03-27' }),
    outcome: z.enum(BUSINESS_INTEREST_REVIEW_OUTCOMES),
    conditions: z.string().nullable().meta({ description: 'The conditions from this review on, if varied' }),
    notes: z.string().nullable(),
    nextReviewDate: z.string().nullable().meta({ description: 'None once the approval is revoked' }),
  })
  .meta({ id: 'BusinessInterestReview' })

const newReviewJson = z
  .strictObject({
    reviewedOn: z.string().max(40).optional().meta({ description: 'YYYY-MM-DD; today when left out' }),
    outcome: z
      .string()
      .max(40)
      .meta({ description: `One of: ${BUSINESS_INTEREST_REVIEW_OUTCOMES.join(', ')}` }),
    conditions: z.string().max(4000).optional().meta({ description: 'Required to vary the conditions' }),
    notes: z.string().max(4000).optional(),
    nextReviewDate: z
      .string()
      .max(40)
      .optional()
      .meta({ description: `YYYY-MM-DD; ${DEFAULT_REVIEW_MONTHS} months after the review when left out` }),
  })
  .meta({ id: 'NewBusinessInterestReview' })

function reviewToJson(review: ReviewRow): z.infer<typeof reviewJson> {
  return {
    id: review.id,
    reviewedOn: review.reviewedOn,
    outcome: review.outcome,
    conditions: review.conditions,
    notes: review.notes,
    nextReviewDate: review.nextReviewDate,
  }
}

/** Reviews of approved second jobs: the form the reviews-due list leads to, and the API. */
export const businessInterestReviewRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { businessInterests } = services

  async function reviewable(request: FastifyRequest<{ Params: { businessInterestId: string } }>) {
    const interest = await businessInterests.find(request.caller, request.params.businessInterestId)
    if (!interest.canReview) throw new NotFoundError('This application has no approval to review')
    return interest
  }

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    interest: BusinessInterestView,
    values: Record<string, unknown>,
    errors?: Record<string, string>,
  ) {
    const today = businessInterests.today()
    return reply.code(errors ? 400 : 200).render('business-interests/views/review.njk', {
      interest,
      values: {
        reviewedOn: today,
        nextReviewDate: addMonths(today, DEFAULT_REVIEW_MONTHS),
        conditions: interest.conditions ?? '',
        ...values,
      },
      errors: errors && formErrors(errors, { outcome: 'outcome' }),
      outcomes: BUSINESS_INTEREST_REVIEW_OUTCOMES.map((value) => ({ value, text: OUTCOME_TEXT[value] })),
      waiting: await businessInterests.nextReviewDue(request.caller, interest.id),
      defaultReviewMonths: DEFAULT_REVIEW_MONTHS,
    })
  }

  app.get(
    `${LIST}/:businessInterestId/review`,
    { config: { access: CASEWORKERS }, schema: { hide: true, params: idParams } },
    async (request, reply) => renderForm(request, reply, await reviewable(request), {}),
  )

  app.post(
    `${LIST}/:businessInterestId/review`,
    { config: { access: CASEWORKERS }, schema: { hide: true, params: idParams, body: form } },
    async (request, reply) => {
      const interest = await reviewable(request)
      const values = request.body as ReviewInput & Record<string, unknown>
      // Revoking cannot be undone: once the review is otherwise complete, it asks first.
      if (values.outcome === 'revoke' && values.confirmed !== 'yes') {
        const checked = checkReview(values, businessInterests.today(), interest.decidedOn)
        if (Object.keys(checked.errors).length)
          return renderForm(request, reply, interest, values, checked.errors)
        return reply.render('business-interests/views/confirm-revoke.njk', { interest, review: checked })
      }
      try {
        const { review } = await businessInterests.review(request.caller, interest.id, values)
        return reply
          .flash(
            `Review recorded for ${interest.staffMember.name}: ${OUTCOME_TEXT[review.outcome].toLowerCase()}`,
          )
          .redirect(`${LIST}/${interest.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderForm(request, reply, interest, values, error.fieldErrors)
      }
    },
  )

  app.get(
    '/api/business-interests/:businessInterestId/reviews',
    {
      config: { access: READERS },
      schema: {
        summary: 'The reviews of a business interest, oldest first',
        tags: ['business-interests'],
        security: [{ apiToken: [] }],
        params: idParams,
        response: { 200: z.object({ reviews: z.array(reviewJson) }) },
      },
    },
    async (request) => ({
      reviews: (await businessInterests.reviews(request.caller, request.params.businessInterestId)).map(
        reviewToJson,
      ),
    }),
  )

  app.post(
    '/api/business-interests/:businessInterestId/reviews',
    {
      config: { access: CASEWORKERS },
      schema: {
        summary: 'Record a review of an approved business interest',
        description:
          'The approval continues (with its next review date), has its conditions varied, or is revoked. ' +
          'Only a current approval can be reviewed. A problem with any field answers 400.',
        tags: ['business-interests'],
        security: [{ apiToken: [] }],
        params: idParams,
        body: newReviewJson,
        response: { 201: reviewJson, 400: problemJson },
      },
      // Another force's application (or one that does not exist) is not found, whatever the body holds:
      // looked up before the body is checked.
      preValidation: async (request) => {
        await businessInterests.find(request.caller, request.params.businessInterestId)
      },
    },
    async (request, reply) => {
      try {
        const { review } = await businessInterests.review(
          request.caller,
          request.params.businessInterestId,
          request.body,
        )
        return reply.code(201).send(reviewToJson(review))
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
