import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  ESCALATION_RULES,
  MONITORING_STATES,
  STATE_DESCRIPTIONS,
  STATE_LABELS,
} from '../../domain/escalation.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import { alertCountsTable, openAlertCount } from '../alerts/present.js'
import { changeView, overviewRows, stateTag } from './present.js'

const INSPECTORS: Access = ['inspector']
const READERS: Access = ['inspector', 'staff']
const OVERVIEW = '/monitoring'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const form = z.record(z.string(), z.union([z.string().max(10_000), z.array(z.string().max(200)).max(50)]))
const forceParams = z.object({ forceCode: z.string().max(100) })
const changeParams = forceParams.extend({ changeId: z.string().max(100) })

const forcePage = (code: string) => `/forces/${encodeURIComponent(code)}/monitoring`
const changeIdOf = (id: string) => {
  if (!UUID.test(id)) throw new NotFoundError('No such change')
  return id
}

/** The states the rules may point to, as radios offer them (Scan is where no rule fires). */
const TARGET_STATES = MONITORING_STATES.filter((state) => state !== 'scan').map((state) => ({
  value: state,
  text: STATE_LABELS[state],
  hint: { text: STATE_DESCRIPTIONS[state] },
}))

/**
 * Monitoring states of forces: the inspectorate's overview, its rules and evaluation (/monitoring), and
 * each force's state, history and the decision on a proposal (/forces/CODE/monitoring).
 */
export const escalationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const escalation = services.escalation

  app.get(OVERVIEW, { config: { access: INSPECTORS }, schema: { hide: true } }, async (request, reply) => {
    const alertCounts = await services.alerts.countsByForce(request.caller)
    return reply.render('escalation/views/overview.njk', {
      rows: overviewRows(await escalation.overview(request.caller)).map((row) => ({
        ...row,
        openAlerts: String(openAlertCount(alertCounts.get(row.force.id))),
      })),
      states: MONITORING_STATES.map((state) => ({ label: STATE_LABELS[state], ...stateTag(state) })),
    })
  })

  app.post(
    `${OVERVIEW}/evaluate`,
    { config: { access: INSPECTORS }, schema: { hide: true, body: form.optional() } },
    async (request, reply) => {
      const result = await escalation.evaluate(request.caller)
      const count = result.proposed.length
      const over = result.inspection ? ` over ${result.inspection.title}` : ''
      return reply
        .flash(
          `Rules evaluated${over}: ${count ? `${count} change${count === 1 ? '' : 's'} of state proposed` : 'no change of state proposed'}`,
        )
        .redirect(OVERVIEW, 303)
    },
  )

  async function renderRules(
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const rules = await escalation.rules(request.caller)
    return reply.code(errors ? 400 : 200).render('escalation/views/rules.njk', {
      rules: rules.map((setting) => {
        const typed = (request.body as Record<string, unknown> | undefined)?.[`${setting.rule}-judgements`]
        return {
          ...setting,
          title: ESCALATION_RULES[setting.rule].title,
          // What the form asked for when it comes back with errors, else what is stored.
          chosen: errors ? [typed ?? []].flat() : (setting.judgements ?? []),
        }
      }),
      scale: await escalation.judgementScale(request.caller),
      targetStates: TARGET_STATES,
      values: errors ? request.body : undefined,
      errors,
    })
  }

  app.get(`${OVERVIEW}/rules`, { config: { access: INSPECTORS }, schema: { hide: true } }, (request, reply) =>
    renderRules(request, reply),
  )

  app.post(
    `${OVERVIEW}/rules`,
    { config: { access: INSPECTORS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        await escalation.saveRules(request.caller, request.body)
        return reply.flash('Rules saved').redirect(`${OVERVIEW}/rules`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderRules(request, reply, formErrors(error.fieldErrors))
      }
    },
  )

  async function renderForce(
    request: FastifyRequest<{ Params: { forceCode: string } }>,
    reply: FastifyReply,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const caller = request.caller
    const monitoring = await escalation.forForce(caller, request.params.forceCode)
    // Counts only, for the inspectorate and the force's caseworkers: whose and why stay in the force's queue.
    const alertCounts = services.alerts.readsCounts(caller)
      ? alertCountsTable((await services.alerts.countsByForce(caller)).get(monitoring.force.id))
      : null
    return reply.code(errors ? 400 : 200).render('escalation/views/force.njk', {
      force: monitoring.force,
      state: stateTag(monitoring.state),
      since: monitoring.since && changeView(monitoring.since),
      proposal: monitoring.proposal && changeView(monitoring.proposal),
      history: monitoring.history.filter((change) => change.status !== 'proposed').map(changeView),
      decides: escalation.decides(caller),
      alertCounts,
      keepsAlerts: caller.scope.kind === 'force',
      values: errors ? request.body : {},
      errors,
    })
  }

  app.get(
    '/forces/:forceCode/monitoring',
    { config: { access: READERS }, schema: { hide: true, params: forceParams } },
    (request, reply) => renderForce(request, reply),
  )

  app.post(
    '/forces/:forceCode/monitoring/:changeId',
    { config: { access: INSPECTORS }, schema: { hide: true, params: changeParams, body: form } },
    async (request, reply) => {
      const { forceCode, changeId } = request.params
      try {
        const change = await escalation.decide(request.caller, forceCode, changeIdOf(changeId), request.body)
        const done =
          change.status === 'confirmed'
            ? `Change to ${STATE_LABELS[change.toState]} confirmed${change.published ? ' and published' : ''}`
            : 'Change rejected'
        return reply.flash(done).redirect(forcePage(forceCode), 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderForce(request, reply, formErrors(error.fieldErrors))
      }
    },
  )

  app.post(
    '/forces/:forceCode/monitoring/:changeId/publish',
    { config: { access: INSPECTORS }, schema: { hide: true, params: changeParams, body: form.optional() } },
    async (request, reply) => {
      const { forceCode, changeId } = request.params
      try {
        await escalation.publish(request.caller, forceCode, changeIdOf(changeId))
        return reply.flash('Change published on the force’s public page').redirect(forcePage(forceCode), 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderForce(request, reply, formErrors(error.fieldErrors))
      }
    },
  )
}
