import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ALERT_STATUSES, type AlertStatus } from '../../domain/alert-rules.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'

const KEEPERS: Access = ['force-caseworker']
const SETTERS: Access = ['force-admin']
const LIST = '/alerts'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const form = z.record(z.string(), z.string().max(10_000))
const alertParams = z.object({ alertId: z.string().max(100) })
const queueQuery = z.object({ status: z.string().max(30).optional() })

/** Where each register's record behind an alert is read. */
const RECORD_PAGES: Record<string, { text: string; href: string }> = {
  gifts: { text: 'Gift or hospitality', href: '/gifts-hospitality' },
  'second-jobs': { text: 'Second job', href: '/business-interests' },
  cases: { text: 'Case', href: '/cases' },
  organisations: { text: 'Organisation', href: '/organisations' },
}

/** The force's alerts (/alerts): the queue, each alert and what is done with it, and the rules' settings. */
export const alertsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const alerts = services.alerts

  app.get(
    LIST,
    { config: { access: KEEPERS }, schema: { hide: true, querystring: queueQuery } },
    async (request, reply) => {
      const asked = request.query.status ?? 'open'
      if (!(ALERT_STATUSES as readonly string[]).includes(asked))
        throw new NotFoundError('No such list of alerts')
      const status = asked as AlertStatus
      return reply.render('alerts/views/queue.njk', {
        status,
        rows: await alerts.queue(request.caller, status),
        counts: await alerts.counts(request.caller),
        statuses: ALERT_STATUSES,
      })
    },
  )

  async function renderRules(
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: ReturnType<typeof formErrors>,
  ) {
    return reply.code(errors ? 400 : 200).render('alerts/views/rules.njk', {
      rules: await alerts.rules(request.caller),
      values: errors ? request.body : undefined,
      errors,
      setter: request.principal?.role === 'force-admin',
    })
  }

  app.get(`${LIST}/rules`, { config: { access: KEEPERS }, schema: { hide: true } }, (request, reply) =>
    renderRules(request, reply),
  )

  app.post(
    `${LIST}/rules`,
    { config: { access: SETTERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        const raised = await alerts.saveRules(request.caller, request.body)
        return reply
          .flash(`Rules saved${raised ? `: ${raised} new alert${raised === 1 ? '' : 's'}` : ''}`)
          .redirect(`${LIST}/rules`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderRules(request, reply, formErrors(error.fieldErrors))
      }
    },
  )

  async function renderAlert(
    request: FastifyRequest<{ Params: { alertId: string } }>,
    reply: FastifyReply,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const id = request.params.alertId
    if (!UUID.test(id)) throw new NotFoundError('No such alert')
    const alert = await alerts.find(request.caller, id)
    return reply.code(errors ? 400 : 200).render('alerts/views/show.njk', {
      alert,
      records: alert.records.map((record) => {
        const page = RECORD_PAGES[record.register] ?? { text: record.register, href: '' }
        return { text: page.text, href: `${page.href}/${record.id}` }
      }),
      open: alert.status === 'open' || alert.status === 'assessed',
      values: errors ? request.body : {},
      errors,
    })
  }

  app.get(
    `${LIST}/:alertId`,
    { config: { access: KEEPERS }, schema: { hide: true, params: alertParams } },
    (request, reply) => renderAlert(request, reply),
  )

  app.post(
    `${LIST}/:alertId`,
    { config: { access: KEEPERS }, schema: { hide: true, params: alertParams, body: form } },
    async (request, reply) => {
      const id = request.params.alertId
      if (!UUID.test(id)) throw new NotFoundError('No such alert')
      try {
        const alert = await alerts.decide(request.caller, id, request.body)
        const done = {
          assessed: 'Assessment recorded',
          dismissed: 'Alert dismissed',
          'case opened': 'Case opened',
        }
        const message = done[alert.status as keyof typeof done] ?? 'Alert updated'
        return reply.flash(message).redirect(alert.caseId ? `/cases/${alert.caseId}` : `${LIST}/${id}`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderAlert(request, reply, formErrors(error.fieldErrors))
      }
    },
  )
}
