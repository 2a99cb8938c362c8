import { Readable } from 'node:stream'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import type { Access } from '../../web/authorisation.js'
import { sendExport } from '../../web/exports.js'
import { formErrors } from '../../web/forms.js'
import { pagination } from '../../web/lists.js'
import { uploadedFile } from '../../web/uploads.js'
import { ImportRejectedError } from './import.js'
import type { ExerciseSummary, ForceFigures } from './present.js'
import { formatOf } from './reading.js'

const RESEARCHERS: Access = ['researcher']
const BASE = '/research'
/** Flagged posts on a page of the review queue: each shown post is an audited view of personal data. */
const REVIEW_PAGE = 25
const QUEUE_PAGE = 50

const exerciseParams = z.object({ exerciseCode: z.string().max(100) })
const postParams = exerciseParams.extend({ researchPostId: z.string().max(100) })
const profileParams = exerciseParams.extend({ researchProfileId: z.string().max(100) })
const forceParams = exerciseParams.extend({ forceCode: z.string().max(100) })
const form = z.record(z.string(), z.string().max(10_000))
const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1).default(1),
  status: z.enum(['pending', 'confirmed', 'dismissed']).catch('pending').default('pending'),
})

const SUMMARY_COLUMNS: Column<ForceFigures>[] = [
  { header: 'Force', value: (r) => r.force.name },
  { header: 'Force code', value: (r) => r.force.code },
  { header: 'Profiles reviewed', value: (r) => r.profiles },
  { header: 'Instances', value: (r) => r.instances },
  { header: 'Profiles with instances', value: (r) => r.profilesWithInstances },
  { header: 'Referrals', value: (r) => r.referred },
]

const shareJson = z.object({
  key: z.string(),
  label: z.string(),
  instances: z.number().int(),
  percent: z.number(),
})
const summaryJson = z
  .object({
    exercise: z.object({
      code: z.string(),
      name: z.string(),
      periodFrom: z.string(),
      periodTo: z.string(),
      retainUntil: z.string(),
      purged: z.boolean(),
    }),
    profilesReviewed: z.number().int(),
    postsScreened: z.number().int(),
    flagged: z.number().int(),
    pending: z.number().int(),
    dismissed: z.number().int(),
    instances: z.number().int(),
    profilesWithInstances: z.number().int(),
    awaitingAttribution: z.number().int(),
    byPlatform: z.array(shareJson),
    byCategory: z.array(shareJson),
    byForce: z.array(
      z.object({
        force: z.object({ code: z.string(), name: z.string() }),
        profiles: z.number().int(),
        instances: z.number().int(),
        profilesWithInstances: z.number().int(),
        referred: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ResearchSummary' })

function summaryRows(summary: ExerciseSummary) {
  return summary.byForce.map((row) => ({ ...row, force: { code: row.force.code, name: row.force.name } }))
}

export const deskResearchRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const research = services.deskResearch

  app.get(BASE, { config: { access: RESEARCHERS }, schema: { hide: true } }, async (request, reply) =>
    reply.render('desk-research/views/desk-research/list.njk', {
      exercises: await research.list(request.caller),
    }),
  )

  const newPage = (
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: ReturnType<typeof formErrors>,
  ) => reply.code(errors ? 400 : 200).render('desk-research/views/desk-research/new.njk', { values, errors })

  app.get(
    `${BASE}/new`,
    { config: { access: RESEARCHERS }, schema: { hide: true } },
    async (_request, reply) => newPage(reply, { threshold: '3' }),
  )

  app.post(
    `${BASE}/new`,
    { config: { access: RESEARCHERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        const created = await research.create(request.caller, request.body)
        return reply.redirect(`${BASE}/${created.code}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newPage(reply, request.body, formErrors(error.fieldErrors))
      }
    },
  )

  app.get(
    `${BASE}/:exerciseCode`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: exerciseParams } },
    async (request, reply) => {
      const { exercise, summary } = await research.summary(request.caller, request.params.exerciseCode)
      return reply.render('desk-research/views/desk-research/show.njk', {
        exercise,
        summary,
        categories: research.categoriesOf(exercise),
      })
    },
  )

  app.get(
    `${BASE}/:exerciseCode/summary.csv`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: exerciseParams } },
    async (request, reply) => {
      const rows = await research.exportSummary(request.caller, request.params.exerciseCode, 'csv')
      return sendExport(reply, 'csv', `research-${request.params.exerciseCode}`, SUMMARY_COLUMNS, rows)
    },
  )

  app.get(
    `${BASE}/:exerciseCode/forces/:forceCode`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: forceParams } },
    async (request, reply) => {
      const { exercise, summary } = await research.summary(request.caller, request.params.exerciseCode)
      const figures = summary.byForce.find((row) => row.force.code === request.params.forceCode)
      if (!figures) throw new NotFoundError('No profile of this exercise is attributed to that force')
      return reply.render('desk-research/views/desk-research/force.njk', { exercise, figures })
    },
  )

  const importPage = async (
    request: FastifyRequest<{ Params: { exerciseCode: string } }>,
    reply: FastifyReply,
    extra: {
      errors?: ReturnType<typeof formErrors>
      problems?: { line: number; reason: string }[]
      more?: number
    } = {},
  ) => {
    const exercise = await research.find(request.caller, request.params.exerciseCode)
    return reply
      .code(extra.errors ? 400 : 200)
      .render('desk-research/views/desk-research/import.njk', { exercise, ...extra })
  }

  app.get(
    `${BASE}/:exerciseCode/import`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: exerciseParams } },
    async (request, reply) => importPage(request, reply),
  )

  app.post(
    `${BASE}/:exerciseCode/import`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: exerciseParams } },
    async (request, reply) => {
      try {
        const file = await uploadedFile(request)
        const format = formatOf(file.filename)
        if (!format) throw new ValidationError({ file: 'Select a CSV (.csv) or JSON lines (.jsonl) file' })
        const outcome = await research.importPosts(request.caller, request.params.exerciseCode, {
          stream: Readable.from([file.data]),
          format,
          filename: file.filename,
        })
        const count = (value: number) => value.toLocaleString('en-GB')
        return reply
          .flash(
            `Import finished: ${count(outcome.rows)} ${outcome.rows === 1 ? 'post' : 'posts'} read, ` +
              `${count(outcome.flagged)} flagged`,
          )
          .redirect(`${BASE}/${request.params.exerciseCode}`, 303)
      } catch (error) {
        if (error instanceof ImportRejectedError)
          return importPage(request, reply, {
            errors: formErrors(error.fieldErrors),
            problems: error.problems,
            more: error.problemCount - error.problems.length,
          })
        if (!(error instanceof ValidationError)) throw error
        return importPage(request, reply, { errors: formErrors(error.fieldErrors) })
      }
    },
  )

  const attributionPage = async (
    request: FastifyRequest<{ Params: { exerciseCode: string } }>,
    reply: FastifyReply,
    extra: { errors?: ReturnType<typeof formErrors>; failedProfile?: string } = {},
  ) => {
    const { page } = pageQuery.parse(request.query ?? {})
    const exercise = await research.find(request.caller, request.params.exerciseCode)
    const { total, profiles } = await research.attributionQueue(request.caller, exercise.code, {
      offset: (page - 1) * QUEUE_PAGE,
      limit: QUEUE_PAGE,
    })
    return reply.code(extra.errors ? 400 : 200).render('desk-research/views/desk-research/attribution.njk', {
      exercise,
      total,
      profiles,
      forces: await services.forces.references(),
      pagination: pagination(`${BASE}/${exercise.code}/attribution`, {}, page, total, QUEUE_PAGE),
      ...extra,
    })
  }

  app.get(
    `${BASE}/:exerciseCode/attribution`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: exerciseParams } },
    async (request, reply) => attributionPage(request, reply),
  )

  app.post(
    `${BASE}/:exerciseCode/profiles/:researchProfileId/attribute`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: profileParams, body: form } },
    async (request, reply) => {
      const { exerciseCode, researchProfileId } = request.params
      try {
        await research.attribute(request.caller, exerciseCode, researchProfileId, request.body.force ?? '')
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return attributionPage(request, reply, {
          errors: formErrors(error.fieldErrors, { force: `force-${researchProfileId}` }),
          failedProfile: researchProfileId,
        })
      }
      return reply.redirect(`${BASE}/${exerciseCode}/attribution`, 303)
    },
  )

  app.get(
    `${BASE}/:exerciseCode/review`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: exerciseParams } },
    async (request, reply) => {
      const { page, status } = pageQuery.parse(request.query)
      const exercise = await research.find(request.caller, request.params.exerciseCode)
      const { total, posts } = await research.reviewQueue(
        request.caller,
        exercise.code,
        { status },
        { offset: (page - 1) * REVIEW_PAGE, limit: REVIEW_PAGE },
      )
      return reply.render('desk-research/views/desk-research/review.njk', {
        exercise,
        total,
        posts,
        status,
        pagination: pagination(`${BASE}/${exercise.code}/review`, { status }, page, total, REVIEW_PAGE),
      })
    },
  )

  const postPage = async (
    request: FastifyRequest<{ Params: { exerciseCode: string; researchPostId: string } }>,
    reply: FastifyReply,
    extra: { errors?: ReturnType<typeof formErrors>; values?: Record<string, string> } = {},
  ) => {
    const exercise = await research.find(request.caller, request.params.exerciseCode)
    const post = await research.post(request.caller, exercise.code, request.params.researchPostId)
    return reply.code(extra.errors ? 400 : 200).render('desk-research/views/desk-research/post.njk', {
      exercise,
      post,
      values: extra.values ?? { note: post.note ?? '' },
      errors: extra.errors,
    })
  }

  app.get(
    `${BASE}/:exerciseCode/posts/:researchPostId`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: postParams } },
    async (request, reply) => postPage(request, reply),
  )

  app.post(
    `${BASE}/:exerciseCode/posts/:researchPostId/decision`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: postParams, body: form } },
    async (request, reply) => {
      const { exerciseCode, researchPostId } = request.params
      try {
        await research.decide(request.caller, exerciseCode, researchPostId, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return postPage(request, reply, { errors: formErrors(error.fieldErrors), values: request.body })
      }
      const back =
        request.body.returnTo === 'review'
          ? `${BASE}/${exerciseCode}/review`
          : `${BASE}/${exerciseCode}/posts/${researchPostId}`
      return reply.redirect(back, 303)
    },
  )

  app.get(
    `${BASE}/:exerciseCode/referrals`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: exerciseParams } },
    async (request, reply) => {
      const exercise = await research.find(request.caller, request.params.exerciseCode)
      const { ready, unattributed } = await research.referrable(request.caller, exercise.code)
      return reply.render('desk-research/views/desk-research/referrals.njk', {
        exercise,
        ready,
        unattributed,
      })
    },
  )

  async function renderRefer(
    request: FastifyRequest<{ Params: z.infer<typeof profileParams> }>,
    reply: FastifyReply,
    values: Record<string, unknown> = {},
    errors?: ReturnType<typeof formErrors>,
  ) {
    const { exerciseCode, researchProfileId } = request.params
    const exercise = await research.find(request.caller, exerciseCode)
    const group = await research.referrableProfile(request.caller, exercise.code, researchProfileId)
    return reply.code(errors ? 400 : 200).render('desk-research/views/desk-research/refer.njk', {
      exercise,
      group,
      values,
      errors,
    })
  }

  // Referring asks first: it says what goes to the force and on what date (today, or earlier with a reason).
  app.get(
    `${BASE}/:exerciseCode/profiles/:researchProfileId/refer`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: profileParams } },
    async (request, reply) => renderRefer(request, reply),
  )

  app.post(
    `${BASE}/:exerciseCode/profiles/:researchProfileId/refer`,
    { config: { access: RESEARCHERS }, schema: { hide: true, params: profileParams, body: form } },
    async (request, reply) => {
      const { exerciseCode, researchProfileId } = request.params
      try {
        const { instances } = await research.refer(
          request.caller,
          exerciseCode,
          researchProfileId,
          request.body ?? {},
        )
        return reply
          .flash(`Referred ${instances} ${instances === 1 ? 'instance' : 'instances'} to the force`)
          .redirect(`${BASE}/${exerciseCode}/referrals`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderRefer(request, reply, request.body ?? {}, formErrors(error.fieldErrors))
      }
    },
  )

  app.get(
    '/api/research/:exerciseCode/summary',
    {
      // Figures only, which the national review publishes: inspectors may read them too.
      config: { access: ['inspector'] },
      schema: {
        summary: 'The summary figures of a desk-research exercise',
        description:
          'Profiles reviewed, flagged posts, confirmed instances, profiles with instances, and their share by platform, category and force, with the social-media referrals recorded for each force since the exercise began: the figures a national review quotes. Kept after the personal data is purged. Inspectors may read it; the profiles and posts are for researchers only.',
        tags: ['desk research'],
        security: [{ apiToken: [] }],
        params: exerciseParams,
        response: { 200: summaryJson },
      },
    },
    async (request) => {
      const { exercise, summary } = await research.summary(request.caller, request.params.exerciseCode)
      return {
        exercise: {
          code: exercise.code,
          name: exercise.name,
          periodFrom: exercise.periodFrom,
          periodTo: exercise.periodTo,
          retainUntil: exercise.retainUntil,
          purged: exercise.purgedAt !== null,
        },
        ...summary,
        byForce: summaryRows(summary),
      }
    },
  )
}
