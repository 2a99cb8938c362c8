import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerHas } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { SELF_ASSESSMENT_RATINGS, SELF_ASSESSMENT_STATUSES } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { choicesOf, formErrors } from '../../web/forms.js'
import { STATUS_TAG } from '../inspections/routes.js'
import { INSPECTION_READERS } from '../inspections/service.js'
import { evidenceField, ratingField, type SelfAssessmentView } from './service.js'
import { SIGN_OFF_PAGE } from './sign-off-routes.js'

const READERS: Access = INSPECTION_READERS
const PAGE = '/inspections/:inspectionId/forces/:forceCode/self-assessment'

const params = z.object({ inspectionId: z.string().max(100), forceCode: z.string().max(100) })
const areaParams = params.extend({ areaCode: z.string().max(100) })
const form = z.record(z.string(), z.string().max(20_000))

const base = (view: SelfAssessmentView) =>
  `/inspections/${view.assessment.inspection.id}/forces/${view.assessment.force.code}/self-assessment`

const selfAssessmentJson = z
  .object({
    inspection: z.object({ id: z.string(), code: z.string(), title: z.string() }),
    force: z.object({ code: z.string(), name: z.string() }),
    status: z.enum(SELF_ASSESSMENT_STATUSES),
    signedOffBy: z.object({ name: z.string(), rank: z.string() }).nullable(),
    submittedAt: z.string().nullable(),
    answered: z.number().int(),
    questions: z.number().int(),
    areas: z.array(
      z.object({
        code: z.string(),
        title: z.string(),
        answers: z.array(
          z.object({
            code: z.string(),
            question: z.string(),
            rating: z.enum(SELF_ASSESSMENT_RATINGS).nullable(),
            evidence: z.string().nullable(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'SelfAssessment' })

export const selfAssessmentsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const selfAssessments = services.selfAssessments

  async function overview(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { errors?: ReturnType<typeof formErrors>; values?: Record<string, string> } = {},
  ) {
    const { inspectionId, forceCode } = request.params as z.infer<typeof params>
    const view = await selfAssessments.get(request.caller, inspectionId, forceCode)
    return reply.code(extra.errors ? 400 : 200).render('self-assessments/views/overview.njk', {
      view,
      base: base(view),
      tag: STATUS_TAG[view.status],
      signOffPage:
        request.caller.scope.kind === 'force' && callerHas(request.caller, ['force-admin'])
          ? SIGN_OFF_PAGE
          : null,
      values: extra.values ?? {},
      errors: extra.errors,
    })
  }

  app.get(PAGE, { config: { access: READERS }, schema: { hide: true, params } }, async (request, reply) =>
    overview(request, reply),
  )

  async function areaPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values?: Record<string, string>,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const { inspectionId, forceCode, areaCode } = request.params as z.infer<typeof areaParams>
    const view = await selfAssessments.get(request.caller, inspectionId, forceCode)
    const index = view.areas.findIndex((a) => a.area.code === areaCode)
    const area = view.areas[index]
    if (!area) throw new NotFoundError('No such area')
    if (!view.mayEdit) return reply.redirect(`${base(view)}#area-${area.area.code}`, 303)
    const current: Record<string, string> = {}
    for (const q of area.questions) {
      current[ratingField(q.question.id)] = q.rating ?? ''
      current[evidenceField(q.question.id)] = q.evidence ?? ''
    }
    return reply.code(errors ? 400 : 200).render('self-assessments/views/area.njk', {
      view,
      base: base(view),
      area,
      number: index + 1,
      next: view.areas[index + 1]?.area ?? null,
      ratings: choicesOf(SELF_ASSESSMENT_RATINGS),
      values: values ?? current,
      errors,
    })
  }

  app.get(
    `${PAGE}/areas/:areaCode`,
    { config: { access: READERS }, schema: { hide: true, params: areaParams } },
    async (request, reply) => areaPage(request, reply),
  )

  app.post(
    `${PAGE}/areas/:areaCode`,
    { config: { access: ['force-caseworker'] }, schema: { hide: true, params: areaParams, body: form } },
    async (request, reply) => {
      const { inspectionId, forceCode, areaCode } = request.params
      const view = await selfAssessments.get(request.caller, inspectionId, forceCode)
      const index = view.areas.findIndex((a) => a.area.code === areaCode)
      const area = view.areas[index]
      if (!area) throw new NotFoundError('No such area')
      const answers = area.questions.map(({ question }) => ({
        questionId: question.id,
        rating: request.body[ratingField(question.id)] ?? null,
        evidence: request.body[evidenceField(question.id)] ?? null,
      }))
      try {
        await selfAssessments.saveAnswers(request.caller, inspectionId, forceCode, answers)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return areaPage(request, reply, request.body, formErrors(error.fieldErrors))
      }
      const next = view.areas[index + 1]
      const target =
        request.body.action === 'continue' && next ? `${base(view)}/areas/${next.area.code}` : base(view)
      return reply.flash(`Answers to ${area.area.title} saved as a draft`).redirect(target, 303)
    },
  )

  async function submitPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string> = {},
    fieldErrors?: Record<string, string>,
  ) {
    const { inspectionId, forceCode } = request.params as z.infer<typeof params>
    const view = await selfAssessments.get(request.caller, inspectionId, forceCode)
    if (!view.maySubmit) return reply.redirect(base(view), 303)
    // A missing rating links to its question on the area's page.
    const ids: Record<string, string> = {}
    const hrefs: Record<string, string> = {}
    for (const area of view.areas)
      for (const q of area.questions)
        hrefs[ratingField(q.question.id)] =
          `${base(view)}/areas/${area.area.code}#${ratingField(q.question.id)}`
    const errors = fieldErrors ? formErrors(fieldErrors, ids) : undefined
    if (errors)
      errors.summary = errors.summary.map((item, i) => {
        const field = Object.keys(fieldErrors ?? {})[i] ?? ''
        return hrefs[field] ? { ...item, href: hrefs[field] } : item
      })
    const unrated = view.areas.flatMap((area) =>
      area.questions
        .filter((q) => !q.rating)
        .map((q) => ({ area: area.area, question: q.question, href: hrefs[ratingField(q.question.id)] })),
    )
    return reply.code(errors ? 400 : 200).render('self-assessments/views/submit.njk', {
      view,
      base: base(view),
      signatories: await services.signOff.signatories(request.caller, view.assessment.force.id),
      signOffPage: SIGN_OFF_PAGE,
      unrated,
      values,
      errors,
    })
  }

  app.get(
    `${PAGE}/submit`,
    { config: { access: ['force-admin'] }, schema: { hide: true, params } },
    async (request, reply) => submitPage(request, reply),
  )

  app.post(
    `${PAGE}/submit`,
    { config: { access: ['force-admin'] }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        const view = await selfAssessments.submit(request.caller, inspectionId, forceCode, request.body)
        return reply.flash('Self-assessment submitted').redirect(base(view), 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return submitPage(request, reply, request.body, error.fieldErrors)
      }
    },
  )

  app.post(
    `${PAGE}/reopen`,
    { config: { access: ['inspector'] }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        const view = await selfAssessments.reopen(request.caller, inspectionId, forceCode, request.body)
        return reply
          .flash('Self-assessment reopened: the force can change and submit it again')
          .redirect(base(view), 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return overview(request, reply, { values: request.body, errors: formErrors(error.fieldErrors) })
      }
    },
  )

  app.get(
    '/api/inspections/:inspectionId/forces/:forceCode/self-assessment',
    {
      config: { access: READERS },
      schema: {
        summary: 'A force’s self-assessment',
        description:
          'Its status, sign-off and every answer (rating and evidence), area by area. A force reads only its own; another force’s answers 404.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        response: { 200: selfAssessmentJson },
      },
    },
    async (request) => {
      const view = await selfAssessments.get(
        request.caller,
        request.params.inspectionId,
        request.params.forceCode,
      )
      const { inspection, force } = view.assessment
      return {
        inspection: { id: inspection.id, code: inspection.code, title: inspection.title },
        force: { code: force.code, name: force.name },
        status: view.status,
        signedOffBy:
          view.status === 'submitted' && view.signedOffByName
            ? { name: view.signedOffByName, rank: view.signedOffByRank ?? '' }
            : null,
        submittedAt: view.status === 'submitted' ? (view.submittedAt?.toISOString() ?? null) : null,
        answered: view.answered,
        questions: view.total,
        areas: view.areas.map((area) => ({
          code: area.area.code,
          title: area.area.title,
          answers: area.questions.map((q) => ({
            code: q.question.code,
            question: q.question.text,
            rating: q.rating,
            evidence: q.evidence,
          })),
        })),
      }
    },
  )
}
