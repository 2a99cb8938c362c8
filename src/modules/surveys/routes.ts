import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Caller } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { sendExport } from '../../web/exports.js'
import { formErrors } from '../../web/forms.js'
import { formField, uploadedFile } from '../../web/uploads.js'
import { CELL_COLUMNS, type ResultCell, resultCells, resultsView } from './present.js'
import { ImportRejectedError, SURVEY_ROLES } from './service.js'

const INSPECTORATE: Access = SURVEY_ROLES
const BASE = '/surveys'
const VIEWS = 'surveys/views'

const surveyParams = z.object({ surveyCode: z.string().max(100) })
const waveParams = surveyParams.extend({ waveCode: z.string().max(100) })
const resultsQuery = z.object({
  wave: z.string().max(100).optional().catch(undefined),
  area: z.string().max(300).optional().catch(undefined),
})

const resultCellJson = z
  .object({
    survey: z.string(),
    synthetic: z.boolean().meta({ description: 'Made-up demonstration data, not a real survey' }),
    wave: z.string(),
    source: z.enum(['respondents', 'aggregates']),
    questionnaireVersion: z.number().int(),
    question: z.string(),
    trend: z.string().meta({ description: 'The question’s key across waves (the mapping between versions)' }),
    questionText: z.string(),
    answer: z.string(),
    answerLabel: z.string(),
    areaKind: z.enum(['national', 'region', 'force']),
    area: z.string().meta({ example: 'region:Northern' }),
    areaName: z.string(),
    base: z
      .number()
      .int()
      .meta({ description: 'Unweighted respondents who answered the question in the area' }),
    effectiveBase: z.number().meta({ description: 'Kish’s effective base, (Σw)²/Σw²' }),
    suppressed: z
      .boolean()
      .meta({ description: 'The base is under the survey’s minimum: no share is given' }),
    share: z.number().nullable().meta({ description: 'Weighted share, 0 to 1' }),
    lower: z.number().nullable().meta({ description: '95% confidence interval, lower end' }),
    upper: z.number().nullable().meta({ description: '95% confidence interval, upper end' }),
    change: z.number().nullable().meta({ description: 'Change in the share since the previous wave' }),
    significant: z.boolean().nullable().meta({ description: 'Whether that change is significant at 5%' }),
  })
  .meta({ id: 'SurveyResultCell' })

const surveyJson = z
  .object({
    code: z.string(),
    name: z.string(),
    synthetic: z.boolean(),
    minimumBase: z.number().int(),
    waves: z.array(
      z.object({
        code: z.string(),
        label: z.string(),
        source: z.enum(['respondents', 'aggregates']).nullable(),
        respondents: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'Survey' })

export const surveysRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const surveys = services.surveys

  app.get(BASE, { config: { access: INSPECTORATE }, schema: { hide: true } }, async (request, reply) =>
    reply.render(`${VIEWS}/list.njk`, { surveys: await surveys.list(request.caller) }),
  )

  const definePage = (reply: FastifyReply, errors?: ReturnType<typeof formErrors>) =>
    reply.code(errors ? 400 : 200).render(`${VIEWS}/define.njk`, { errors })

  app.get(
    `${BASE}/define`,
    { config: { access: INSPECTORATE }, schema: { hide: true } },
    async (_request, reply) => definePage(reply),
  )

  app.post(
    `${BASE}/define`,
    { config: { access: INSPECTORATE }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const file = await uploadedFile(request)
        let definition: unknown
        try {
          definition = JSON.parse(file.data.toString('utf8'))
        } catch {
          throw new ValidationError({ file: `${file.filename} is not valid JSON` })
        }
        const survey = await surveys.save(request.caller, definition)
        return reply.redirect(`${BASE}/${survey.code}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        // A rule of the definition names its place in the document; the page has one field, the file.
        return definePage(reply, formErrors({ file: error.message }))
      }
    },
  )

  app.get(
    `${BASE}/:surveyCode`,
    { config: { access: INSPECTORATE }, schema: { hide: true, params: surveyParams } },
    async (request, reply) =>
      reply.render(`${VIEWS}/show.njk`, {
        ...(await surveys.find(request.caller, request.params.surveyCode)),
      }),
  )

  app.get(
    `${BASE}/:surveyCode/results`,
    {
      config: { access: INSPECTORATE },
      schema: { hide: true, params: surveyParams, querystring: resultsQuery },
    },
    async (request, reply) => {
      const results = await surveys.results(request.caller, request.params.surveyCode)
      return reply.render(`${VIEWS}/results.njk`, {
        survey: results.survey,
        view: resultsView(results, request.query.wave, request.query.area),
      })
    },
  )

  const exportCells = async (caller: Caller, code: string, format: string): Promise<ResultCell[]> => {
    const cells = resultCells(await surveys.results(caller, code))
    await surveys.recordExport(caller, code, format, cells.length)
    return cells
  }

  for (const format of ['csv', 'xlsx'] as const)
    app.get(
      `${BASE}/:surveyCode/results.${format}`,
      { config: { access: INSPECTORATE }, schema: { hide: true, params: surveyParams } },
      async (request, reply) => {
        const { surveyCode } = request.params
        const cells = await exportCells(request.caller, surveyCode, format)
        const synthetic = cells[0]?.synthetic ? '-synthetic' : ''
        return sendExport(reply, format, `survey-${surveyCode}-results${synthetic}`, CELL_COLUMNS, cells)
      },
    )

  const importPage = async (
    caller: Caller,
    params: { surveyCode: string; waveCode: string },
    reply: FastifyReply,
    extra: {
      errors?: ReturnType<typeof formErrors>
      problems?: { line: number; reason: string }[]
      more?: number
      kind?: string
    } = {},
  ) => {
    const { survey, wave, questionnaire } = await surveys.findWave(caller, params.surveyCode, params.waveCode)
    return reply
      .code(extra.errors ? 400 : 200)
      .render(`${VIEWS}/import.njk`, { survey, wave, questionnaire, kind: 'respondents', ...extra })
  }

  app.get(
    `${BASE}/:surveyCode/waves/:waveCode/import`,
    { config: { access: INSPECTORATE }, schema: { hide: true, params: waveParams } },
    async (request, reply) => importPage(request.caller, request.params, reply),
  )

  app.post(
    `${BASE}/:surveyCode/waves/:waveCode/import`,
    { config: { access: INSPECTORATE }, schema: { hide: true, params: waveParams } },
    async (request, reply) => {
      const { surveyCode, waveCode } = request.params
      const kind = formField(request, 'kind') === 'aggregates' ? 'aggregates' : 'respondents'
      try {
        const file = await uploadedFile(request)
        const outcome =
          kind === 'aggregates'
            ? await surveys.importAggregates(request.caller, surveyCode, waveCode, file)
            : await surveys.importRespondents(request.caller, surveyCode, waveCode, {
                filename: file.filename,
                source: file.data,
              })
        const { wave } = await surveys.findWave(request.caller, surveyCode, waveCode)
        const imported =
          'cells' in outcome
            ? `${outcome.cells.toLocaleString('en-GB')} cells of published tables`
            : `${outcome.respondents.toLocaleString('en-GB')} respondents`
        return reply.flash(`${wave.label}: ${imported} imported`).redirect(`${BASE}/${surveyCode}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const rejected = error instanceof ImportRejectedError ? error : undefined
        return importPage(request.caller, request.params, reply, {
          errors: formErrors(error.fieldErrors),
          problems: rejected?.problems,
          more: rejected ? rejected.problemCount - rejected.problems.length : 0,
          kind,
        })
      }
    },
  )

  const api = { tags: ['surveys'], security: [{ apiToken: [] }] }

  app.get(
    '/api/surveys',
    {
      config: { access: INSPECTORATE },
      schema: {
        ...api,
        summary: 'The surveys and their waves',
        response: { 200: z.object({ surveys: z.array(surveyJson) }) },
      },
    },
    async (request) => ({
      surveys: (await surveys.list(request.caller)).map((survey) => ({
        code: survey.code,
        name: survey.name,
        synthetic: survey.synthetic,
        minimumBase: survey.minimumBase,
        waves: survey.waves.map((wave) => ({
          code: wave.code,
          label: wave.label,
          source: wave.source,
          respondents: wave.respondents,
        })),
      })),
    }),
  )

  app.post(
    '/api/surveys',
    {
      config: { access: INSPECTORATE },
      schema: {
        ...api,
        summary: 'Save a survey’s definition',
        description:
          'Creates a survey with its questionnaire versions and waves, or adds new versions and waves to one (an existing version or wave must be given unchanged). Each question’s `trend` (its code by default) maps it across versions.',
        body: z.unknown().meta({ description: 'A SurveyDefinition' }),
        response: { 201: z.object({ code: z.string() }), 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        const survey = await surveys.save(request.caller, request.body)
        return reply.code(201).send({ code: survey.code })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )

  app.get(
    '/api/surveys/:surveyCode/results',
    {
      config: { access: INSPECTORATE },
      schema: {
        ...api,
        summary: 'A survey’s weighted results (open data)',
        description:
          'Every wave, question, answer and area (national, region, and force area where the strata are forces): the unweighted and effective base, the weighted share with its 95% interval (Kish design effect), suppression under the survey’s minimum base, and the change since the previous wave with its significance. Aggregates only: never a respondent.',
        params: surveyParams,
        response: { 200: z.object({ cells: z.array(resultCellJson) }) },
      },
    },
    async (request) => ({ cells: await exportCells(request.caller, request.params.surveyCode, 'json') }),
  )
}
