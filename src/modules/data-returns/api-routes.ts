import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import { dataReturnItem } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import { problemJson, problemOf } from '../../web/api.js'
import type { Access } from '../../web/authorisation.js'
import type { DataReturnView, ReturnItemView } from './present.js'
import { writtenItemValue } from './rules.js'
import { RETURN_OVERRIDERS, RETURN_READERS } from './service.js'

const READERS: Access = RETURN_READERS
const OVERRIDERS: Access = RETURN_OVERRIDERS

const params = z.object({ inspectionId: z.string().max(100), forceCode: z.string().max(100) })

const itemJson = z
  .object({
    code: z.string().meta({ example: 'second-job-applications' }),
    label: z.string(),
    definition: z.string(),
    kind: z.enum(['count', 'fte', 'fte-change', 'rate', 'yes-no']),
    computable: z
      .boolean()
      .meta({ description: 'Whether Probity computes the item from the force’s records' }),
    value: z.number().nullable().meta({
      description:
        'The value as it stands (the override, else the computed or supplied value); a rate is a share from 0 to 1, yes/no is 1/0',
    }),
    source: z.enum(['computed', 'supplied', 'overridden']).nullable(),
    computed: z
      .number()
      .nullable()
      .meta({ description: 'The value computed from the records, when it was computed' }),
    supplied: z
      .number()
      .nullable()
      .meta({ description: 'The value the force supplied, when it supplied it' }),
    override: z.number().nullable(),
    reason: z.string().nullable().meta({ description: 'Why the value was overridden' }),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: 'The counts behind a computed value' }),
  })
  .meta({ id: 'DataReturnItem' })

const returnJson = z
  .object({
    inspection: z.object({ id: z.string(), code: z.string(), title: z.string() }),
    force: z.object({ code: z.string(), name: z.string() }),
    items: z.array(itemJson),
  })
  .meta({ id: 'DataReturn' })

function itemToJson(item: ReturnItemView): z.infer<typeof itemJson> {
  return {
    code: item.code,
    label: item.label,
    definition: item.definition,
    kind: item.kind,
    computable: item.computable,
    value: item.value,
    source: item.source,
    computed: item.baseSource === 'computed' ? item.baseValue : null,
    supplied: item.baseSource === 'supplied' ? item.baseValue : null,
    override: item.override?.value ?? null,
    reason: item.override?.reason ?? null,
    detail: item.detail,
  }
}

function returnToJson(view: DataReturnView): z.infer<typeof returnJson> {
  const { inspection, force } = view.assessment
  return {
    inspection: { id: inspection.id, code: inspection.code, title: inspection.title },
    force: { code: force.code, name: force.name },
    items: view.items.map(itemToJson),
  }
}

/** The JSON API of a force's data return: reading it, and overriding an item or removing its override. */
export const dataReturnApiRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const { dataReturns } = services

  app.get(
    '/api/inspections/:inspectionId/forces/:forceCode/data-return',
    {
      config: { access: READERS },
      schema: {
        summary: 'A force’s data return in an inspection',
        description:
          'Every item with its value as it stands, where it came from (computed, supplied or overridden), the computed or supplied value beneath an override, and the override’s reason. A force reads only its own.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        response: { 200: returnJson },
      },
    },
    async (request) =>
      returnToJson(
        await dataReturns.get(request.caller, request.params.inspectionId, request.params.forceCode),
      ),
  )

  app.post(
    '/api/inspections/:inspectionId/forces/:forceCode/data-return/override',
    {
      config: { access: OVERRIDERS },
      schema: {
        summary: 'Override an item of a force’s data return, or remove its override',
        description:
          'A reason is required either way; the computed or supplied value is kept beside the override. `value` null removes the override. Counts are whole numbers, FTEs have up to 2 decimals, a rate is a share from 0 to 1, yes/no is 1 or 0; a part may not exceed its whole. Force administrators (their own force) and inspectors.',
        tags: ['inspections'],
        security: [{ apiToken: [] }],
        params,
        // Loose here so that another force's return is not found before the body is judged; the
        // service says what is missing or wrong (400) once it knows the return is the caller's.
        body: z
          .strictObject({
            item: z.string().max(100).optional().meta({ example: 'second-job-approvals' }),
            value: z
              .union([z.number(), z.string().max(40)])
              .nullable()
              .optional(),
            reason: z.string().max(2000).optional(),
          })
          .optional(),
        response: { 200: itemJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      const { inspectionId, forceCode } = request.params
      const { item, value, reason } = request.body ?? {}
      try {
        const kind = dataReturnItem(item ?? '')?.kind
        const written =
          typeof value === 'number' && kind && kind !== 'rate' ? writtenItemValue(kind, value) : value
        const result =
          value === null
            ? await dataReturns.removeOverride(request.caller, inspectionId, forceCode, { item, reason })
            : await dataReturns.override(request.caller, inspectionId, forceCode, {
                item,
                value: written,
                reason,
              })
        return itemToJson(result)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return reply.code(400).send(problemOf(error))
      }
    },
  )
}
