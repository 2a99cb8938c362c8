import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import { type ExportFormat, sendExport } from '../../web/exports.js'
import { formErrors } from '../../web/forms.js'
import { uploadedFile } from '../../web/uploads.js'
import {
  documentRows,
  type FrameworkDocument,
  frameworkDocument,
  type ParsedDocument,
  parseFrameworkJson,
  parseFrameworkRows,
  SHEET_COLUMNS,
  type SheetColumn,
} from './document.js'
import { draftRoutes } from './draft-routes.js'
import type { FrameworkDetail } from './queries.js'
import { FRAMEWORK_READERS, FrameworkProblemsError } from './service.js'

const READERS: Access = FRAMEWORK_READERS
const ADMINS: Access = ['inspectorate-admin']
const LIST = '/frameworks'

const frameworkParams = z.object({ frameworkId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(20_000))

const frameworkSummaryJson = z
  .object({
    id: z.string(),
    code: z.string(),
    version: z.number().int(),
    title: z.string(),
    status: z.enum(['draft', 'published']),
    publishedOn: z.string().nullable(),
  })
  .meta({ id: 'FrameworkSummary' })

const frameworkJson = frameworkDocument.extend({ id: z.string() }).meta({ id: 'Framework' })

function areasOf(detail: FrameworkDetail) {
  return detail.areas.map((area) => ({
    ...area,
    questions: detail.questions.filter((question) => question.areaId === area.id),
  }))
}

export const frameworksRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const frameworks = services.frameworks
  const isAdmin = (request: FastifyRequest) =>
    request.caller.scope.kind === 'inspectorate' && request.principal?.role === 'inspectorate-admin'

  app.get(LIST, { config: { access: READERS }, schema: { hide: true } }, async (request, reply) => {
    const rows = await frameworks.list(request.caller)
    return reply.render('frameworks/views/list.njk', {
      frameworks: rows,
      isAdmin: isAdmin(request),
    })
  })

  // --- Import ----------------------------------------------------------------------------------------

  const importPage = (reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
    reply.code(status).render('frameworks/views/import.njk', { columns: SHEET_COLUMNS, ...extra })

  app.get(`${LIST}/import`, { config: { access: ADMINS }, schema: { hide: true } }, async (_request, reply) =>
    importPage(reply),
  )

  /** The dry run: the file is read and checked in full; nothing is written until it is confirmed. */
  app.post(
    `${LIST}/import`,
    { config: { access: ADMINS }, schema: { hide: true } },
    async (request, reply) => {
      let parsed: ParsedDocument
      let filename: string
      try {
        const file = await uploadedFile(request)
        filename = file.filename
        if (file.filename.toLowerCase().endsWith('.json'))
          parsed = parseFrameworkJson(file.data.toString('utf8'))
        else if (file.filename.toLowerCase().endsWith('.xlsx'))
          parsed = parseFrameworkRows(await services.pendingImports.readUpload(file, ['kind']))
        else
          throw new ValidationError({
            file: `${file.filename} is neither a JSON (.json) nor an Excel (.xlsx) file`,
          })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return importPage(reply, { errors: formErrors(error.fieldErrors) }, 400)
      }
      const problems = await frameworks.problemsOf(request.caller, parsed)
      if (problems.length || !parsed.document)
        return importPage(
          reply,
          {
            filename,
            problems,
            errors: formErrors({
              file: `${filename} has ${problems.length} problem${problems.length === 1 ? '' : 's'}: nothing was imported`,
            }),
          },
          400,
        )
      const document = parsed.document
      return reply.render('frameworks/views/import-preview.njk', {
        filename,
        document,
        questions: document.areas.reduce((n, area) => n + area.questions.length, 0),
        documentJson: JSON.stringify(document),
      })
    },
  )

  /** The confirmed import: the checked document is checked again and written in one transaction. */
  app.post(
    `${LIST}/import/confirm`,
    { config: { access: ADMINS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      const parsed = parseFrameworkJson(request.body.document ?? '')
      try {
        const framework = await frameworks.importDocument(request.caller, parsed, request.body.filename)
        return reply.flash('Framework imported').redirect(`${LIST}/${framework.id}`, 303)
      } catch (error) {
        if (!(error instanceof FrameworkProblemsError)) throw error
        return importPage(
          reply,
          {
            problems: error.problems,
            errors: formErrors({ file: 'The file could not be imported: nothing was written' }),
          },
          400,
        )
      }
    },
  )

  // --- One framework -------------------------------------------------------------------------------

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    frameworkId: string,
    extra: Record<string, unknown> = {},
  ) {
    const detail = await frameworks.get(request.caller, frameworkId)
    const { previous, mappings } = await frameworks.mappings(request.caller, frameworkId)
    const forces = new Map((await services.forces.references()).map((force) => [force.id, force]))
    const areaTitles = new Map(detail.areas.map((area) => [area.id, area.title]))
    return reply.code(extra.errors ? 400 : 200).render('frameworks/views/show.njk', {
      framework: detail.framework,
      areas: areasOf(detail),
      recommendations: detail.recommendations.map((r) => ({
        ...r,
        area: r.areaId ? (areaTitles.get(r.areaId) ?? '') : '',
        force: r.forceId ? (forces.get(r.forceId)?.name ?? '') : '',
      })),
      previous,
      mappingCount: mappings.length,
      isAdmin: isAdmin(request),
      editable: isAdmin(request) && detail.framework.status === 'draft',
      ...extra,
    })
  }

  app.get(
    `${LIST}/:frameworkId`,
    { config: { access: READERS }, schema: { hide: true, params: frameworkParams } },
    async (request, reply) => showPage(request, reply, request.params.frameworkId),
  )

  app.post(
    `${LIST}/:frameworkId/new-version`,
    { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams } },
    async (request, reply) => {
      const created = await frameworks.newVersion(request.caller, request.params.frameworkId)
      return reply
        .flash('New draft version made: change it, then publish it')
        .redirect(`${LIST}/${created.id}`, 303)
    },
  )

  app.post(
    `${LIST}/:frameworkId/publish`,
    { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams } },
    async (request, reply) => {
      try {
        await frameworks.publish(request.caller, request.params.frameworkId)
        return reply.flash('Framework published').redirect(`${LIST}/${request.params.frameworkId}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return showPage(request, reply, request.params.frameworkId, { errors: formErrors(error.fieldErrors) })
      }
    },
  )

  for (const format of ['json', 'xlsx'] as const) {
    app.get(
      `${LIST}/:frameworkId/export.${format}`,
      { config: { access: READERS }, schema: { hide: true, params: frameworkParams } },
      async (request, reply) => {
        const document = await frameworks.exportDocument(request.caller, request.params.frameworkId)
        await frameworks.recordExport(request.caller, request.params.frameworkId, format)
        const name = `${document.code}-v${document.version}`
        if (format === 'json') {
          reply.header('content-disposition', `attachment; filename="${name}.json"`)
          return reply.type('application/json; charset=utf-8').send(`${JSON.stringify(document, null, 2)}\n`)
        }
        const columns = SHEET_COLUMNS.map((column) => ({
          header: column,
          value: (row: Record<SheetColumn, string>) => row[column],
        }))
        return sendExport(reply, format as ExportFormat, name, columns, documentRows(document))
      },
    )
  }

  await app.register(draftRoutes, { services })

  // --- API -----------------------------------------------------------------------------------------

  app.get(
    '/api/frameworks',
    {
      config: { access: READERS },
      schema: {
        summary: 'List inspection frameworks',
        description: 'Every version of every framework, by code then version.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        response: { 200: z.object({ frameworks: z.array(frameworkSummaryJson) }) },
      },
    },
    async (request) => ({
      frameworks: (await frameworks.list(request.caller)).map((f) => ({
        id: f.id,
        code: f.code,
        version: f.version,
        title: f.title,
        status: f.status,
        publishedOn: f.publishedOn,
      })),
    }),
  )

  app.get(
    '/api/frameworks/:frameworkId',
    {
      config: { access: READERS },
      schema: {
        summary: 'One framework version in full',
        description:
          'Areas with their questions, recommendations and mappings from the previous version: the form the JSON import reads.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params: frameworkParams,
        response: { 200: frameworkJson },
      },
    },
    async (request) => {
      const document: FrameworkDocument = await frameworks.exportDocument(
        request.caller,
        request.params.frameworkId,
      )
      return { id: request.params.frameworkId, ...document }
    },
  )

  app.post(
    '/api/frameworks',
    {
      config: { access: ADMINS },
      schema: {
        summary: 'Import a framework version',
        description:
          'The framework in its JSON form (as GET /api/frameworks/{id} gives it). Every problem answers 400 with its place; nothing is written unless there are none.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        body: z.record(z.string(), z.unknown()),
        response: { 201: frameworkSummaryJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      try {
        const f = await frameworks.loadFramework(request.caller, request.body)
        return reply.code(201).send({
          id: f.id,
          code: f.code,
          version: f.version,
          title: f.title,
          status: f.status,
          publishedOn: f.publishedOn,
        })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
