import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { DATA_RETURN_ITEMS } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formatDay, formErrors } from '../../web/forms.js'
import { LOCALES } from '../../web/i18n/catalogue.js'
import { formField, uploadedFile } from '../../web/uploads.js'
import { dataReturnApiRoutes } from './api-routes.js'
import { dataReturnComparisonRoutes } from './comparison-routes.js'
import { detailText, SOURCE_TAGS } from './present.js'
import { KIND_HINTS, SUPPLIED_ITEMS, writtenItemValue } from './rules.js'
import { RETURN_CALCULATORS, RETURN_OVERRIDERS, RETURN_READERS, RETURN_SUPPLIERS } from './service.js'

const READERS: Access = RETURN_READERS
const CALCULATORS: Access = RETURN_CALCULATORS
const OVERRIDERS: Access = RETURN_OVERRIDERS
const SUPPLIERS: Access = RETURN_SUPPLIERS

const form = z.record(z.string(), z.string().max(10_000))
const params = z.object({ inspectionId: z.string().max(100), forceCode: z.string().max(100) })

const base = (inspectionId: string, forceCode: string) =>
  `/inspections/${encodeURIComponent(inspectionId)}/forces/${encodeURIComponent(forceCode)}/data-return`

/** A problem with an item on the return's page links to the item's row. */
const ITEM_ROW_IDS = Object.fromEntries(DATA_RETURN_ITEMS.map((item) => [item.code, `item-${item.code}`]))

/** What each write says in the banner on the return after it (reply.flash). */
const DONE_MESSAGES = {
  recalculated: 'The return was recalculated from the force’s records',
  overridden: 'The value was overridden',
  'override-removed': 'The override was removed',
  supplied: 'The values were saved',
  uploaded: 'The uploaded values were saved',
  acknowledged: 'The changes in the records were acknowledged: the return stands as it is',
} as const

export const dataReturnsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const { dataReturns } = services

  async function renderReturn(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    extra: { errors?: Record<string, string>; status?: number } = {},
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    const history = await dataReturns.history(request.caller, inspectionId, forceCode)
    const path = base(inspectionId, forceCode)
    const abilities = dataReturns.abilities(request.caller)
    const locale = LOCALES[request.language]
    // What was published from this return: the force's documents of the inspection that the public reads.
    const documents = await services.publication.documents(request.caller, {
      inspectionId: view.assessment.inspection.id,
      forceCode: view.assessment.force.code,
    })
    const published = documents.flatMap((document) =>
      document.versions.filter((version) => version.isPublic).slice(0, 1),
    )
    return reply.code(extra.status ?? 200).render('data-returns/views/return.njk', {
      view,
      path,
      abilities,
      published,
      errors: extra.errors && formErrors(extra.errors, ITEM_ROW_IDS),
      items: view.items.map((item) => ({
        ...item,
        tag: item.source ? SOURCE_TAGS[item.source] : undefined,
        detailText: detailText(item),
      })),
      census: formatDay(view.assessment.inspection.censusDate, locale),
      revisitsCensus: formatDay(view.assessment.revisits?.censusDate ?? null, locale),
      period: request.t('dataReturns.periodValue', {
        from: formatDay(view.assessment.inspection.dataFrom, locale),
        to: formatDay(view.assessment.inspection.dataTo, locale),
      }),
      history: history.map((event) => ({
        at: event.occurredAt,
        who: event.actorLabel,
        action: event.action,
      })),
    })
  }

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return',
    {
      config: { access: READERS },
      schema: { hide: true, params },
    },
    async (request, reply) =>
      renderReturn(request, reply, request.params.inspectionId, request.params.forceCode),
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/recalculate',
    { config: { access: CALCULATORS }, schema: { hide: true, params, body: form.optional() } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        await dataReturns.refresh(request.caller, inspectionId, forceCode)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReturn(request, reply, inspectionId, forceCode, {
          errors: error.fieldErrors,
          status: 400,
        })
      }
      return reply.flash(DONE_MESSAGES.recalculated).redirect(base(inspectionId, forceCode), 303)
    },
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/acknowledge',
    { config: { access: OVERRIDERS }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        await dataReturns.acknowledgeChanges(request.caller, inspectionId, forceCode, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReturn(request, reply, inspectionId, forceCode, {
          errors: error.fieldErrors,
          status: 400,
        })
      }
      return reply.flash(DONE_MESSAGES.acknowledged).redirect(base(inspectionId, forceCode), 303)
    },
  )

  // --- overrides ---------------------------------------------------------------------------------------

  async function renderOverride(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    mode: 'override' | 'remove',
    values: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    const item = view.items.find((candidate) => candidate.code === values.item)
    if (!item) return reply.redirect(base(inspectionId, forceCode), 303)
    return reply.code(errors ? 400 : 200).render('data-returns/views/override.njk', {
      view,
      item,
      mode,
      path: base(inspectionId, forceCode),
      values: {
        value: mode === 'override' && !errors ? writtenItemValue(item.kind, item.value) : '',
        ...values,
      },
      hint: KIND_HINTS[item.kind],
      errors: errors && formErrors(errors),
    })
  }

  for (const mode of ['override', 'remove'] as const) {
    const suffix = mode === 'override' ? 'override' : 'remove-override'
    app.get(
      `/inspections/:inspectionId/forces/:forceCode/data-return/${suffix}`,
      {
        config: { access: OVERRIDERS },
        schema: { hide: true, params, querystring: z.object({ item: z.string().max(100).optional() }) },
      },
      async (request, reply) =>
        renderOverride(request, reply, request.params.inspectionId, request.params.forceCode, mode, {
          item: request.query.item ?? '',
        }),
    )
    app.post(
      `/inspections/:inspectionId/forces/:forceCode/data-return/${suffix}`,
      { config: { access: OVERRIDERS }, schema: { hide: true, params, body: form } },
      async (request, reply) => {
        const { inspectionId, forceCode } = request.params
        try {
          if (mode === 'override')
            await dataReturns.override(request.caller, inspectionId, forceCode, request.body)
          else await dataReturns.removeOverride(request.caller, inspectionId, forceCode, request.body)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return renderOverride(
            request,
            reply,
            inspectionId,
            forceCode,
            mode,
            request.body,
            error.fieldErrors,
          )
        }
        return reply
          .flash(mode === 'override' ? DONE_MESSAGES.overridden : DONE_MESSAGES['override-removed'])
          .redirect(base(inspectionId, forceCode), 303)
      },
    )
  }

  // --- supplied values: the form, the template and its upload --------------------------------------------

  async function renderSupply(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    values?: Record<string, string>,
    errors?: Record<string, string>,
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    const items = view.items.filter((item) => SUPPLIED_ITEMS.some((supplied) => supplied.code === item.code))
    return reply.code(errors ? 400 : 200).render('data-returns/views/supply.njk', {
      view,
      path: base(inspectionId, forceCode),
      items,
      values:
        values ??
        Object.fromEntries(items.map((item) => [item.code, writtenItemValue(item.kind, item.baseValue)])),
      errors: errors && formErrors(errors),
    })
  }

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return/supply',
    { config: { access: SUPPLIERS }, schema: { hide: true, params } },
    async (request, reply) =>
      renderSupply(request, reply, request.params.inspectionId, request.params.forceCode),
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/supply',
    { config: { access: SUPPLIERS }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        await dataReturns.supply(request.caller, inspectionId, forceCode, request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderSupply(request, reply, inspectionId, forceCode, request.body, error.fieldErrors)
      }
      return reply.flash(DONE_MESSAGES.supplied).redirect(base(inspectionId, forceCode), 303)
    },
  )

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return/template.xlsx',
    { config: { access: READERS }, schema: { hide: true, params } },
    async (request, reply) => {
      const { filename, data } = await dataReturns.template(
        request.caller,
        request.params.inspectionId,
        request.params.forceCode,
      )
      return reply
        .header('content-disposition', `attachment; filename="${filename}"`)
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(data)
    },
  )

  async function renderUpload(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    forceCode: string,
    errors?: Record<string, string>,
  ) {
    const view = await dataReturns.get(request.caller, inspectionId, forceCode)
    return reply.code(errors ? 400 : 200).render('data-returns/views/upload.njk', {
      view,
      path: base(inspectionId, forceCode),
      errors: errors && formErrors(errors),
    })
  }

  app.get(
    '/inspections/:inspectionId/forces/:forceCode/data-return/upload',
    { config: { access: SUPPLIERS }, schema: { hide: true, params } },
    async (request, reply) =>
      renderUpload(request, reply, request.params.inspectionId, request.params.forceCode),
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/upload',
    { config: { access: SUPPLIERS }, schema: { hide: true, params } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      try {
        const file = await uploadedFile(request)
        const preview = await dataReturns.previewUpload(request.caller, inspectionId, forceCode, file)
        const view = await dataReturns.get(request.caller, inspectionId, forceCode)
        return reply
          .code(preview.problems.length ? 400 : 200)
          .render('data-returns/views/upload-preview.njk', {
            view,
            preview,
            path: base(inspectionId, forceCode),
            toSupply: preview.items.filter((item) => item.status === 'to supply').length,
          })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderUpload(request, reply, inspectionId, forceCode, error.fieldErrors)
      }
    },
  )

  app.post(
    '/inspections/:inspectionId/forces/:forceCode/data-return/upload/confirm',
    { config: { access: SUPPLIERS }, schema: { hide: true, params, body: form.optional() } },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      const importId = request.body?.importId ?? formField(request, 'importId') ?? ''
      try {
        await dataReturns.confirmUpload(request.caller, inspectionId, forceCode, importId)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderReturn(request, reply, inspectionId, forceCode, {
          errors: error.fieldErrors,
          status: 400,
        })
      }
      return reply.flash(DONE_MESSAGES.uploaded).redirect(base(inspectionId, forceCode), 303)
    },
  )

  await app.register(dataReturnApiRoutes, { services })
  await app.register(dataReturnComparisonRoutes, { services })
}
