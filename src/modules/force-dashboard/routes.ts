import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { CASE_TYPES } from '../../domain/cases.js'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { problemJson, problemOf } from '../../web/api.js'
import { cardsOf, caseTypeRows } from './present.js'
import { DASHBOARD_READERS, type ForceDashboard } from './service.js'

const dashboardQuery = z.object({
  force: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((value) => value || undefined)
    .meta({ description: 'A force’s code, e.g. cheshire (the inspectorate; a force sees only its own)' }),
})

const count = z.number().int().min(0)

const dashboardJson = z
  .object({
    force: z.object({ code: z.string(), name: z.string() }),
    asAt: z.string().meta({ description: 'The day the figures are for (London), YYYY-MM-DD' }),
    financialYear: z.object({ from: z.string(), to: z.string(), label: z.string() }),
    secondJobs: z.object({
      currentApproved: count,
      currentApprovedWithConditions: count,
      awaitingDecision: count,
      reviewsDue: count.meta({ description: 'Reviews or expiries due within reviewWindowDays, or past' }),
      reviewWindowDays: count,
      appealsOpen: count,
    }),
    giftsHospitality: z
      .object({ offered: count, accepted: count, declined: count, valueAccepted: z.number() })
      .meta({ description: 'Offered in the financial year' }),
    mediaContacts: z.object({ contacts: count }).meta({ description: 'Logged in the financial year' }),
    integrityCases: z.object({
      notClosed: count,
      open: count,
      continuing: count,
      byType: z.array(z.object({ type: z.enum(CASE_TYPES), open: count, continuing: count })),
      pastTarget: count,
      confidential: count.meta({ description: 'Confidential cases not closed: counted, never detailed' }),
    }),
    referrals: z.object({ awaiting: count, socialMediaAwaiting: count }),
    acuStaffing: z
      .object({ asOf: z.string(), postsFunded: z.number(), postsFilled: z.number() })
      .nullable()
      .meta({ description: 'The latest figures on or before today; null when none are recorded' }),
    policyAwareness: z.object({
      currentVersions: count,
      applicable: count,
      acknowledged: count,
      rate: z
        .number()
        .nullable()
        .meta({ description: 'acknowledged / applicable; null when nobody was asked' }),
      overdueAcknowledgements: count,
      overdueStaff: count,
    }),
  })
  .meta({ id: 'ForceDashboard' })

const toJson = (dashboard: ForceDashboard): z.infer<typeof dashboardJson> => ({
  ...dashboard,
  force: { code: dashboard.force.code, name: dashboard.force.name },
})

export const forceDashboardRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const dashboards = services.forceDashboard

  app.get(
    '/dashboard',
    { config: { access: DASHBOARD_READERS }, schema: { hide: true, querystring: dashboardQuery } },
    async (request, reply) => {
      const caller = request.caller
      const dashboard = await dashboards.dashboard(caller, request.query.force)
      const choosesForce = dashboards.choosesForce(caller)
      return reply.render('force-dashboard/views/dashboard.njk', {
        dashboard,
        choosesForce,
        forces: choosesForce ? await dashboards.choices() : [],
        chosen: dashboard?.force.code ?? '',
        cards: dashboard ? cardsOf(dashboard, caller) : [],
        caseTypes: dashboard ? caseTypeRows(dashboard, caller) : [],
      })
    },
  )

  app.get(
    '/api/dashboard',
    {
      config: { access: DASHBOARD_READERS },
      schema: {
        summary: 'A force’s integrity figures at a glance',
        description:
          'As at today (London): second jobs, gifts and hospitality and media contacts this financial year, ' +
          'integrity cases, referrals, anti-corruption unit staffing and policy awareness. A force sees its ' +
          'own (naming another force answers 404); the inspectorate names the force with `?force=<code>`.',
        tags: ['force dashboard'],
        security: [{ apiToken: [] }],
        querystring: dashboardQuery,
        response: { 200: dashboardJson, 400: problemJson },
      },
    },
    async (request, reply) => {
      const dashboard = await dashboards.dashboard(request.caller, request.query.force)
      if (!dashboard)
        return reply
          .code(400)
          .send(problemOf(new ValidationError({ force: 'Name a force with ?force=<code>' })))
      return toJson(dashboard)
    },
  )
}
