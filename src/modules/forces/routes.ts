import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { readDate } from '../../domain/date-input.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { formatDay, formErrors } from '../../web/forms.js'
import { forceRegisterLinks } from '../../web/navigation.js'
import { uploadedFile } from '../../web/uploads.js'
import { changeView, stateTag } from '../escalation/present.js'
import { REFERENCE_COLUMNS, type ReferencePlan } from './reference-import.js'
import { forceSchema } from './service.js'

const codeParams = z.object({ code: z.string().min(1).max(100) })
const referenceForm = z.record(z.string(), z.string().max(2000))
/** Who edits the forces' regions and HM Inspectors. */
const REFERENCE_EDITORS = ['inspectorate-admin'] as const
const listQuery = z.object({ region: z.string().trim().max(100).optional() })

export const forcesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { forces } = services

  app.get(
    '/forces',
    { config: { access: 'public' }, schema: { hide: true, querystring: listQuery } },
    async (request, reply) => {
      const region = request.query.region || undefined
      const [list, regionNames] = await Promise.all([forces.list({ region }), forces.regionNames()])
      return reply.render('forces/views/list.njk', { forces: list, regionNames, region })
    },
  )

  app.get(
    '/forces/reference',
    { config: { access: REFERENCE_EDITORS }, schema: { hide: true } },
    async (_request, reply) => {
      const [list, references] = await Promise.all([forces.list(), forces.referencesOn('9999-12-31')])
      return reply.render('forces/views/reference.njk', {
        rows: list.map((force) => ({ force, reference: references.get(force.code) ?? null })),
      })
    },
  )

  // --- The reference data from a spreadsheet: checked whole, then confirmed -------------------------

  const importPage = (reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) =>
    reply.code(status).render('forces/views/reference-import.njk', { columns: REFERENCE_COLUMNS, ...extra })

  /** The dry run's page: every problem by line, or what would be added and changed, with the rows to confirm. */
  const previewPage = (reply: FastifyReply, plan: ReferencePlan, carried: unknown) =>
    reply.code(plan.problemCount ? 400 : 200).render('forces/views/reference-import-preview.njk', {
      plan,
      changed: plan.rows.filter((row) => row.change !== 'unchanged'),
      unchanged: plan.rows.filter((row) => row.change === 'unchanged').length,
      carried: JSON.stringify(carried),
    })

  app.get(
    '/forces/reference/import',
    { config: { access: REFERENCE_EDITORS }, schema: { hide: true } },
    async (_request, reply) => importPage(reply),
  )

  app.post(
    '/forces/reference/import',
    { config: { access: REFERENCE_EDITORS }, schema: { hide: true } },
    async (request, reply) => {
      try {
        const file = await uploadedFile(request)
        const { plan, sheet } = await forces.previewReferenceImport(
          request.caller,
          file,
          services.pendingImports.limits,
        )
        return previewPage(reply, plan, sheet)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return importPage(reply, { errors: formErrors(error.fieldErrors) }, 400)
      }
    },
  )

  app.post(
    '/forces/reference/import/confirm',
    {
      config: { access: REFERENCE_EDITORS },
      schema: {
        hide: true,
        body: z.object({ filename: z.string().max(300), rows: z.string().max(5_000_000) }),
      },
    },
    async (request, reply) => {
      let carried: unknown
      try {
        carried = JSON.parse(request.body.rows)
      } catch {
        carried = null
      }
      try {
        const { plan, written } = await forces.confirmReferenceImport(
          request.caller,
          request.body.filename,
          carried,
        )
        if (plan.problemCount) return previewPage(reply, plan, carried)
        return reply
          .flash(`${written} row${written === 1 ? '' : 's'} of ${plan.filename} saved`)
          .redirect('/forces/reference', 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return importPage(reply, { errors: formErrors(error.fieldErrors) }, 400)
      }
    },
  )

  const renderReferenceForm = async (
    reply: FastifyReply,
    code: string,
    extra: { errors?: ReturnType<typeof formErrors>; values?: Record<string, unknown> } = {},
  ) => {
    const force = await forces.find(code)
    if (!force) throw new NotFoundError(`No force has the code ${code}`)
    const history = await forces.referenceHistory(code)
    const current = history.at(-1) ?? null
    const values = extra.values ?? {
      effectiveFrom: current?.effectiveFrom ?? '',
      region: current?.region ?? '',
      hmiName: current?.hmiName ?? '',
      hmiHonours: current?.hmiHonours ?? '',
      confirmed: current ? (current.confirmed ? 'yes' : 'no') : '',
      sourceNote: current?.sourceNote ?? '',
    }
    return reply
      .code(extra.errors ? 400 : 200)
      .render('forces/views/reference-edit.njk', { force, history, current, values, errors: extra.errors })
  }

  app.get(
    '/forces/:code/reference',
    { config: { access: REFERENCE_EDITORS }, schema: { hide: true, params: codeParams } },
    async (request, reply) => renderReferenceForm(reply, request.params.code),
  )

  app.post(
    '/forces/:code/reference',
    {
      config: { access: REFERENCE_EDITORS },
      schema: { hide: true, params: codeParams, body: referenceForm },
    },
    async (request, reply) => {
      // The form's date input is read by the shared parser; the service (and the CSV import) take the
      // day as 2012-01-01, so a wrong date is refused here, with the service's word on the other fields.
      const reading = readDate(request.body.effectiveFrom, 'Holds from')
      const effectiveFrom = 'day' in reading ? reading.day : ''
      try {
        await forces.saveReference(request.caller, request.params.code, { ...request.body, effectiveFrom })
        return reply
          .flash(`Region and HM Inspector from ${formatDay(effectiveFrom)} saved`)
          .redirect(`/forces/${request.params.code}/reference`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const dateProblem =
          'problem' in reading
            ? reading.problem
            : 'blank' in reading
              ? 'Enter the date the row holds from'
              : undefined
        return renderReferenceForm(reply, request.params.code, {
          errors: formErrors(
            dateProblem ? { ...error.fieldErrors, effectiveFrom: dateProblem } : error.fieldErrors,
          ),
          values: request.body,
        })
      }
    },
  )

  app.get(
    '/forces/:code',
    { config: { access: 'public' }, schema: { hide: true, params: codeParams } },
    async (request, reply) => {
      const force = await forces.find(request.params.code)
      if (!force) throw new NotFoundError(`No force has the code ${request.params.code}`)
      const monitoring = await services.escalation.forcePage(request.caller, force.code)
      return reply.render('forces/views/show.njk', {
        force,
        registers: forceRegisterLinks(request.principal, force.code, (key) => request.t(key)),
        monitoring: {
          state: monitoring.own && stateTag(monitoring.own.state),
          proposal: !!monitoring.own?.proposal,
          published: monitoring.published.map(changeView),
        },
      })
    },
  )

  app.get(
    '/api/forces',
    {
      config: { access: 'public' },
      schema: {
        summary: 'List the forces',
        description: 'The 43 territorial forces of England and Wales and British Transport Police.',
        tags: ['forces'],
        querystring: listQuery,
        response: { 200: z.object({ forces: z.array(forceSchema) }) },
      },
    },
    async (request) => ({ forces: await forces.list({ region: request.query.region || undefined }) }),
  )

  app.get(
    '/api/forces/:code',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One force',
        tags: ['forces'],
        params: codeParams,
        response: { 200: forceSchema },
      },
    },
    async (request) => {
      const force = await forces.find(request.params.code)
      if (!force) throw new NotFoundError(`No force has the code ${request.params.code}`)
      return force
    },
  )
}
