import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { isoDay } from '../../domain/fields.js'
import type { Services } from '../../services.js'
import type { Column } from '../../spreadsheets/write.js'
import type { Access } from '../../web/authorisation.js'
import { sendExport } from '../../web/exports.js'
import { type FormErrors, formErrors } from '../../web/forms.js'
import { formBody, text } from './form-input.js'
import { dayIn, type VersionFigures } from './present.js'
import { describeAudience, percent } from './rules.js'
import { policyVersionRoutes } from './version-routes.js'

const READERS: Access = ['force-caseworker', 'inspector']
const MANAGERS: Access = ['force-admin']
const REMINDERS: Access = ['force-caseworker']
const STAFF: Access = ['staff']

const policyParams = z.object({ policyId: z.string().max(100) })

const forceQuery = z.object({ force: z.string().max(100).optional() })

const EXPORT_COLUMNS: Column<VersionFigures>[] = [
  { header: 'Area code', value: (row) => row.area },
  { header: 'Area', value: (row) => row.areaName },
  { header: 'Policy', value: (row) => row.policyTitle },
  { header: 'Version', value: (row) => row.number },
  { header: 'Title', value: (row) => row.title },
  { header: 'Published', value: (row) => row.publishedOn },
  { header: 'Deadline', value: (row) => row.deadline },
  { header: 'Audience', value: (row) => describeAudience(row.audience) },
  { header: 'Restricted', value: (row) => (row.restricted ? 'yes' : 'no') },
  { header: 'Staff asked', value: (row) => row.applicable },
  { header: 'Acknowledged', value: (row) => row.acknowledged },
  { header: 'Rate', value: (row) => (row.rate === null ? '' : Math.round(row.rate * 1000) / 1000) },
  { header: 'Overdue', value: (row) => row.overdue },
]

const figuresJson = z
  .object({
    versionId: z.string(),
    policyId: z.string(),
    area: z.string().meta({ example: 'social-media' }),
    areaName: z.string(),
    policyTitle: z.string(),
    number: z.number().int(),
    title: z.string(),
    publishedOn: z.string(),
    deadline: z.string(),
    restricted: z.boolean(),
    audience: z.string().meta({ description: 'Who was asked, in words' }),
    applicable: z.number().int().meta({ description: 'Staff asked to acknowledge it' }),
    acknowledged: z.number().int(),
    rate: z
      .number()
      .nullable()
      .meta({ description: 'Acknowledged ÷ asked, 0..1; null when nobody was asked' }),
    overdue: z.number().int(),
  })
  .meta({ id: 'PolicyVersionAwareness' })

const areaJson = z
  .object({
    area: z.string(),
    areaName: z.string(),
    versionId: z.string().nullable(),
    version: z.number().int().nullable(),
    applicable: z.number().int(),
    acknowledged: z.number().int(),
    rate: z.number().nullable(),
  })
  .meta({ id: 'PolicyAreaAwareness' })

const policyJson = z
  .object({
    id: z.string().nullable(),
    area: z.string().meta({ example: 'gifts-hospitality' }),
    areaName: z.string(),
    title: z.string().nullable(),
    versions: z.array(
      z.object({
        id: z.string(),
        number: z.number().int(),
        title: z.string(),
        status: z.enum(['draft', 'published']),
        effectiveDate: z.string(),
        reviewDate: z.string().nullable(),
        owner: z.string(),
        nationalGuidance: z.boolean(),
        guidanceName: z.string().nullable(),
        publishedOn: z.string().nullable(),
        deadline: z.string().nullable(),
        restricted: z.boolean(),
        audience: z.string(),
        hasDocument: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'Policy' })

export const policiesRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const policies = services.policies

  /** The force a page reads: the caller's own, or for the inspectorate the one named by code. */
  async function forceOf(request: FastifyRequest, code: string | undefined): Promise<number | undefined> {
    if (request.caller.scope.kind === 'force') return request.caller.scope.forceId
    if (!code) return undefined
    const force = (await services.forces.references()).find((f) => f.code === code.toLowerCase())
    if (!force) throw new NotFoundError('No such force')
    return force.id
  }

  async function forceChoice(request: FastifyRequest, code: string | undefined) {
    const showForce = request.caller.scope.kind === 'inspectorate'
    return {
      showForce,
      forces: showForce ? await services.forces.references() : [],
      forceCode: code ?? '',
      forceId: await forceOf(request, code),
    }
  }

  // --- library ------------------------------------------------------------------------------------

  app.get(
    '/policies',
    { config: { access: READERS }, schema: { hide: true, querystring: forceQuery } },
    async (request, reply) => {
      const choice = await forceChoice(request, request.query.force)
      if (choice.forceId === undefined) return reply.render('policies/views/library.njk', { ...choice })
      const areas = await policies.library(request.caller, choice.forceId)
      return reply.render('policies/views/library.njk', {
        ...choice,
        manages: policies.manages(request.caller),
        areas: areas.map((area) => ({
          ...area,
          latest: area.latestPublished
            ? {
                ...area.latestPublished,
                published: dayIn(request, area.latestPublished.publishedOn),
                review: dayIn(request, area.latestPublished.reviewDate),
              }
            : null,
          drafts: area.versions.filter((version) => version.status === 'draft').length,
        })),
      })
    },
  )

  async function newPolicyPage(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    errors?: FormErrors,
  ) {
    return reply.code(errors ? 400 : 200).render('policies/views/new-policy.njk', {
      values,
      errors,
      areas: await policies.freeAreas(request.caller),
    })
  }

  app.get('/policies/new', { config: { access: MANAGERS }, schema: { hide: true } }, async (request, reply) =>
    newPolicyPage(request, reply, {}),
  )

  app.post(
    '/policies/new',
    { config: { access: MANAGERS }, schema: { hide: true, body: formBody } },
    async (request, reply) => {
      const values = text(request.body)
      try {
        const created = await policies.createPolicy(request.caller, values)
        return reply.flash('Policy added: add its first version').redirect(`/policies/${created.id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return newPolicyPage(request, reply, values, formErrors(error.fieldErrors))
      }
    },
  )

  // --- staff's own list ---------------------------------------------------------------------------

  app.get('/policies/mine', { config: { access: STAFF }, schema: { hide: true } }, async (request, reply) => {
    const { linked, policies: mine } = await policies.mine(request.caller)
    const shown = mine.map((entry) => ({ ...entry, due: dayIn(request, entry.dueOn) }))
    return reply.render('policies/views/mine.njk', {
      linked,
      overdue: shown.filter((entry) => entry.state === 'overdue'),
      toRead: shown.filter((entry) => entry.state === 'to read'),
      done: shown.filter((entry) => entry.state === 'done'),
    })
  })

  // --- awareness ----------------------------------------------------------------------------------

  app.get(
    '/policies/awareness',
    { config: { access: READERS }, schema: { hide: true, querystring: forceQuery } },
    async (request, reply) => {
      const choice = await forceChoice(request, request.query.force)
      if (choice.forceId === undefined) return reply.render('policies/views/awareness.njk', { ...choice })
      const rows = await policies.awareness(request.caller, choice.forceId)
      const census = policies.today()
      const areas = await policies.awarenessByArea(request.caller, choice.forceId, census)
      return reply.render('policies/views/awareness.njk', {
        ...choice,
        census: dayIn(request, census),
        csvHref: `/policies/awareness.csv${choice.showForce ? `?force=${encodeURIComponent(choice.forceCode)}` : ''}`,
        areas: areas.map((area) => ({ ...area, percent: percent(area.rate) })),
        rows: rows.map((row) => ({
          ...row,
          percent: percent(row.rate),
          published: dayIn(request, row.publishedOn),
          due: dayIn(request, row.deadline),
          audienceText: describeAudience(row.audience),
        })),
      })
    },
  )

  app.get(
    '/policies/awareness.csv',
    { config: { access: READERS }, schema: { hide: true, querystring: forceQuery } },
    async (request, reply) => {
      const forceId = await forceOf(request, request.query.force)
      const rows = await policies.exportAwareness(request.caller, forceId, 'csv')
      return sendExport(reply, 'csv', 'policy-awareness', EXPORT_COLUMNS, rows)
    },
  )

  app.get(
    '/policies/reminders',
    {
      config: { access: REMINDERS },
      schema: { hide: true, querystring: z.object({ unit: z.string().max(200).optional() }) },
    },
    async (request, reply) => {
      const unit = request.query.unit?.trim() || undefined
      const everyone = await policies.reminders(request.caller)
      const entries = unit ? everyone.filter((entry) => entry.unit === unit) : everyone
      const byUnit = new Map<string, typeof entries>()
      for (const entry of entries) byUnit.set(entry.unit, [...(byUnit.get(entry.unit) ?? []), entry])
      return reply.render('policies/views/reminders.njk', {
        unit: unit ?? '',
        units: [...new Set(everyone.map((entry) => entry.unit))],
        total: entries.length,
        groups: [...byUnit].map(([name, list]) => ({
          unit: name,
          entries: list.map((entry) => ({ ...entry, due: dayIn(request, entry.dueOn) })),
        })),
      })
    },
  )

  // --- one policy ---------------------------------------------------------------------------------

  app.get(
    '/policies/:policyId',
    { config: { access: READERS }, schema: { hide: true, params: policyParams } },
    async (request, reply) => {
      const { policy, versions } = await policies.findPolicy(request.caller, request.params.policyId)
      return reply.render('policies/views/policy.njk', {
        policy,
        manages: policies.manages(request.caller),
        versions: versions.map((version) => ({
          ...version,
          effective: dayIn(request, version.effectiveDate),
          published: dayIn(request, version.publishedOn),
          due: dayIn(request, version.deadline),
          audienceText: describeAudience(version.audience),
        })),
      })
    },
  )

  await app.register(policyVersionRoutes, { services })

  // --- JSON API -----------------------------------------------------------------------------------

  app.get(
    '/api/policies',
    {
      config: { access: READERS },
      schema: {
        summary: 'List a force’s policies and their versions',
        description:
          'Every integrity area (the six national ones by their stable codes, then any the force adds) with its policy, if any, and all its versions. The inspectorate names the force with `?force=<code>`.',
        tags: ['policies'],
        security: [{ apiToken: [] }],
        querystring: forceQuery,
        response: { 200: z.object({ policies: z.array(policyJson) }) },
      },
    },
    async (request) => {
      const forceId = await forceOf(request, request.query.force)
      if (forceId === undefined) throw new NotFoundError('Name a force with ?force=<code>')
      const areas = await policies.library(request.caller, forceId)
      return {
        policies: areas.map((area) => ({
          id: area.policy?.id ?? null,
          area: area.area,
          areaName: area.areaName,
          title: area.policy?.title ?? null,
          versions: area.versions.map((version) => ({
            id: version.id,
            number: version.number,
            title: version.title,
            status: version.status,
            effectiveDate: version.effectiveDate,
            reviewDate: version.reviewDate,
            owner: version.owner,
            nationalGuidance: version.nationalGuidance,
            guidanceName: version.guidanceName,
            publishedOn: version.publishedOn,
            deadline: version.deadline,
            restricted: version.restricted,
            audience: describeAudience(version.audience),
            hasDocument: version.documentName !== null,
          })),
        })),
      }
    },
  )

  app.get(
    '/api/policies/awareness',
    {
      config: { access: READERS },
      schema: {
        summary: 'Policy awareness: who has acknowledged each published version',
        description:
          'For each published version: staff asked, acknowledged, rate and overdue today; and for each area the rate at the census date (today unless `census` is given): the latest version published by then and the acknowledgements made by then.',
        tags: ['policies'],
        security: [{ apiToken: [] }],
        querystring: forceQuery.extend({
          census: z
            .string()
            .max(20)
            .optional()
            .meta({ description: 'A day, as 2012-03-31', example: '2012-03-31' }),
        }),
        response: {
          200: z.object({
            census: z.string(),
            versions: z.array(figuresJson),
            areas: z.array(areaJson),
          }),
        },
      },
    },
    async (request) => {
      const forceId = await forceOf(request, request.query.force)
      if (forceId === undefined) throw new NotFoundError('Name a force with ?force=<code>')
      const census = request.query.census ? isoDay(request.query.census) : policies.today()
      if (!census)
        throw new ValidationError({ census: 'The census date must be a real date, like 2012-03-31' })
      const versions = await policies.awareness(request.caller, forceId)
      return {
        census,
        versions: versions.map((row) => ({ ...row, audience: describeAudience(row.audience) })),
        areas: await policies.awarenessByArea(request.caller, forceId, census),
      }
    },
  )
}
