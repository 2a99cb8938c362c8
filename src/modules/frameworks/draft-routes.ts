import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { MAPPING_KINDS, RECOMMENDATION_SCOPES } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { capitalised, choicesOf, formErrors } from '../../web/forms.js'
import type { FrameworkDetail } from './queries.js'
import { FRAMEWORK_READERS } from './service.js'

/**
 * Changing a draft framework: its details, its areas, questions and recommendations, and how the
 * version before maps onto it. Every change is confirmed with a banner; removing asks first.
 */

const READERS: Access = FRAMEWORK_READERS
const ADMINS: Access = ['inspectorate-admin']
const LIST = '/frameworks'

const frameworkParams = z.object({ frameworkId: z.string().max(100) })
const itemParams = z.object({ frameworkId: z.string().max(100), itemId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(20_000))

/** The three kinds of item a draft's pages add, change and remove, alike. */
const ITEM_KINDS = {
  areas: { singular: 'area', save: 'saveArea', remove: 'deleteArea' },
  questions: { singular: 'question', save: 'saveQuestion', remove: 'deleteQuestion' },
  recommendations: { singular: 'recommendation', save: 'saveRecommendation', remove: 'deleteRecommendation' },
} as const
type ItemKind = keyof typeof ITEM_KINDS

/** One item of a draft by kind, or a 404. */
function itemOf(detail: FrameworkDetail, kind: ItemKind, itemId: string) {
  const found =
    kind === 'areas'
      ? detail.areas.find((a) => a.id === itemId)
      : kind === 'questions'
        ? detail.questions.find((q) => q.id === itemId)
        : detail.recommendations.find((r) => r.id === itemId)
  if (!found) throw new NotFoundError(`No such ${ITEM_KINDS[kind].singular}`)
  return found
}

/** What a confirmation page names the item by: its code, and its title or the start of its text. */
function describeItem(item: ReturnType<typeof itemOf>): string {
  const words = 'title' in item ? item.title : item.text
  return `${item.code}: ${words.length > 80 ? `${words.slice(0, 80)}…` : words}`
}

/** What else goes when an area is removed: its questions go with it; its recommendations stay, for all areas. */
function areaRemoval(detail: FrameworkDetail, areaId: string): string {
  const questions = detail.questions.filter((q) => q.areaId === areaId).length
  const recommendations = detail.recommendations.filter((r) => r.areaId === areaId).length
  const parts = [
    questions === 0
      ? 'It has no questions.'
      : `Its ${questions} ${questions === 1 ? 'question is' : 'questions are'} removed with it.`,
  ]
  if (recommendations)
    parts.push(
      `Its ${recommendations} ${recommendations === 1 ? 'recommendation stays' : 'recommendations stay'}, for all areas.`,
    )
  return parts.join(' ')
}

export const draftRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const frameworks = services.frameworks
  const isAdmin = (request: FastifyRequest) =>
    request.caller.scope.kind === 'inspectorate' && request.principal?.role === 'inspectorate-admin'

  async function detailsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values?: Record<string, string>,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const { framework } = await frameworks.get(
      request.caller,
      (request.params as { frameworkId: string }).frameworkId,
    )
    return reply.code(errors ? 400 : 200).render('frameworks/views/details.njk', {
      framework,
      values: values ?? {
        title: framework.title,
        description: framework.description ?? '',
        judgementScale: framework.judgementScale.join('\n'),
      },
      errors,
    })
  }

  app.get(
    `${LIST}/:frameworkId/details`,
    { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams } },
    async (request, reply) => detailsPage(request, reply),
  )
  app.post(
    `${LIST}/:frameworkId/details`,
    { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams, body: form } },
    async (request, reply) => {
      try {
        await frameworks.updateDetails(request.caller, request.params.frameworkId, request.body)
        return reply.flash('Details saved').redirect(`${LIST}/${request.params.frameworkId}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return detailsPage(request, reply, request.body, formErrors(error.fieldErrors))
      }
    },
  )

  async function itemPage(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: ItemKind,
    itemId: string | null,
    values?: Record<string, unknown>,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const detail = await frameworks.get(
      request.caller,
      (request.params as { frameworkId: string }).frameworkId,
    )
    const forces = await services.forces.references()
    let current: Record<string, string> = {}
    if (itemId) {
      const found = itemOf(detail, kind, itemId)
      current = Object.fromEntries(
        Object.entries(found).map(([key, value]) => [key, value === null ? '' : String(value)]),
      )
      if (kind === 'recommendations') {
        const forceId = (found as { forceId: number | null }).forceId
        current.forceCode = forces.find((f) => f.id === forceId)?.code ?? ''
      }
    }
    return reply.code(errors ? 400 : 200).render('frameworks/views/item.njk', {
      framework: detail.framework,
      kind,
      singular: ITEM_KINDS[kind].singular,
      itemId,
      areas: detail.areas,
      forces,
      scopes: choicesOf(RECOMMENDATION_SCOPES),
      values: values ?? current,
      errors,
    })
  }

  for (const kind of Object.keys(ITEM_KINDS) as ItemKind[]) {
    const { singular, save, remove } = ITEM_KINDS[kind]
    app.get(
      `${LIST}/:frameworkId/${kind}/new`,
      { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams } },
      async (request, reply) => itemPage(request, reply, kind, null, request.query as Record<string, string>),
    )
    app.post(
      `${LIST}/:frameworkId/${kind}/new`,
      { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams, body: form } },
      async (request, reply) => {
        try {
          await frameworks[save](request.caller, request.params.frameworkId, null, request.body)
          return reply
            .flash(`${capitalised(singular)} added`)
            .redirect(`${LIST}/${request.params.frameworkId}#${kind}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return itemPage(request, reply, kind, null, request.body, formErrors(error.fieldErrors))
        }
      },
    )
    app.get(
      `${LIST}/:frameworkId/${kind}/:itemId`,
      { config: { access: ADMINS }, schema: { hide: true, params: itemParams } },
      async (request, reply) => itemPage(request, reply, kind, request.params.itemId),
    )
    app.post(
      `${LIST}/:frameworkId/${kind}/:itemId`,
      { config: { access: ADMINS }, schema: { hide: true, params: itemParams, body: form } },
      async (request, reply) => {
        try {
          await frameworks[save](
            request.caller,
            request.params.frameworkId,
            request.params.itemId,
            request.body,
          )
          return reply
            .flash(`${capitalised(singular)} saved`)
            .redirect(`${LIST}/${request.params.frameworkId}#${kind}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return itemPage(
            request,
            reply,
            kind,
            request.params.itemId,
            request.body,
            formErrors(error.fieldErrors),
          )
        }
      },
    )
    // Removing an item asks first, on a page of its own.
    app.get(
      `${LIST}/:frameworkId/${kind}/:itemId/delete`,
      { config: { access: ADMINS }, schema: { hide: true, params: itemParams } },
      async (request, reply) => {
        const detail = await frameworks.get(request.caller, request.params.frameworkId)
        const item = itemOf(detail, kind, request.params.itemId)
        const back = `${LIST}/${detail.framework.id}/${kind}/${item.id}`
        return reply.render('frameworks/views/confirm-remove.njk', {
          framework: detail.framework,
          question: `Are you sure you want to remove ${singular} ${describeItem(item)}?`,
          consequence:
            kind === 'areas' ? areaRemoval(detail, item.id) : `The ${singular} is taken out of this draft.`,
          button: `Yes, remove the ${singular}`,
          action: `${back}/delete`,
          back,
        })
      },
    )
    app.post(
      `${LIST}/:frameworkId/${kind}/:itemId/delete`,
      { config: { access: ADMINS }, schema: { hide: true, params: itemParams } },
      async (request, reply) => {
        await frameworks[remove](request.caller, request.params.frameworkId, request.params.itemId)
        return reply
          .flash(`${capitalised(singular)} removed`)
          .redirect(`${LIST}/${request.params.frameworkId}#${kind}`, 303)
      },
    )
  }

  // --- Mappings --------------------------------------------------------------------------------------

  async function mappingsPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
  ) {
    const frameworkId = (request.params as { frameworkId: string }).frameworkId
    const { framework } = await frameworks.get(request.caller, frameworkId)
    const { previous, mappings } = await frameworks.mappings(request.caller, frameworkId)
    return reply.code(extra.errors ? 400 : 200).render('frameworks/views/mappings.njk', {
      framework,
      previous,
      mappings,
      kinds: choicesOf(MAPPING_KINDS),
      isAdmin: isAdmin(request),
      values: {},
      ...extra,
    })
  }

  app.get(
    `${LIST}/:frameworkId/mappings`,
    { config: { access: READERS }, schema: { hide: true, params: frameworkParams } },
    async (request, reply) => mappingsPage(request, reply),
  )
  app.post(
    `${LIST}/:frameworkId/mappings`,
    { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams, body: form } },
    async (request, reply) => {
      try {
        const added = await frameworks.addMapping(request.caller, request.params.frameworkId, request.body)
        return reply
          .flash(`Mapping added: ${added.fromCode} to ${added.toCode}`)
          .redirect(`${LIST}/${request.params.frameworkId}/mappings`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return mappingsPage(request, reply, { values: request.body, errors: formErrors(error.fieldErrors) })
      }
    },
  )
  app.post(
    `${LIST}/:frameworkId/mappings/auto`,
    { config: { access: ADMINS }, schema: { hide: true, params: frameworkParams } },
    async (request, reply) => {
      try {
        const added = await frameworks.autoMap(request.caller, request.params.frameworkId)
        return reply
          .flash(`${added} ${added === 1 ? 'mapping' : 'mappings'} added`)
          .redirect(`${LIST}/${request.params.frameworkId}/mappings`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return mappingsPage(request, reply, { errors: formErrors(error.fieldErrors) })
      }
    },
  )
  app.get(
    `${LIST}/:frameworkId/mappings/:itemId/delete`,
    { config: { access: ADMINS }, schema: { hide: true, params: itemParams } },
    async (request, reply) => {
      const { framework } = await frameworks.get(request.caller, request.params.frameworkId)
      const { mappings } = await frameworks.mappings(request.caller, framework.id)
      const mapping = mappings.find((m) => m.id === request.params.itemId)
      if (!mapping) throw new NotFoundError('No such mapping')
      const back = `${LIST}/${framework.id}/mappings`
      return reply.render('frameworks/views/confirm-remove.njk', {
        framework,
        question: `Are you sure you want to remove the mapping of ${mapping.kind} ${mapping.fromCode} to ${mapping.toCode}?`,
        consequence: 'Trends will no longer join the two across the versions.',
        button: 'Yes, remove the mapping',
        action: `${back}/${mapping.id}/delete`,
        back,
      })
    },
  )
  app.post(
    `${LIST}/:frameworkId/mappings/:itemId/delete`,
    { config: { access: ADMINS }, schema: { hide: true, params: itemParams } },
    async (request, reply) => {
      await frameworks.deleteMapping(request.caller, request.params.frameworkId, request.params.itemId)
      return reply.flash('Mapping removed').redirect(`${LIST}/${request.params.frameworkId}/mappings`, 303)
    },
  )
}
