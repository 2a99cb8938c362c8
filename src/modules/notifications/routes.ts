import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { formErrors } from '../../web/forms.js'
import { PREFERENCES_PATH } from './messages.js'
import { outboxRow, preferenceQuestions } from './present.js'
import { OUTBOX_READERS } from './service.js'

const OUTBOX = '/admin/notifications'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const form = z.record(z.string(), z.string().max(100))
const messageParams = z.object({ messageId: z.string().max(100) })

/** Each person's email preferences (/account/notifications) and the administrators' outbox (/admin/notifications). */
export const notificationsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const notifications = services.notifications

  async function renderPreferences(
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: ReturnType<typeof formErrors>,
  ) {
    const rows = await notifications.preferences(request.caller)
    return reply.code(errors ? 400 : 200).render('notifications/views/preferences.njk', {
      questions: preferenceQuestions(rows, errors ? (request.body as Record<string, unknown>) : undefined),
      errors,
      smtp: notifications.mailer.kind === 'smtp',
    })
  }

  app.get(PREFERENCES_PATH, { config: { access: 'signed-in' }, schema: { hide: true } }, (request, reply) =>
    renderPreferences(request, reply),
  )

  app.post(
    PREFERENCES_PATH,
    { config: { access: 'signed-in' }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        await notifications.savePreferences(request.caller, request.body)
        return reply.flash('Your email preferences have been saved').redirect(PREFERENCES_PATH, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderPreferences(request, reply, formErrors(error.fieldErrors))
      }
    },
  )

  app.get(OUTBOX, { config: { access: OUTBOX_READERS }, schema: { hide: true } }, async (request, reply) =>
    reply.render('notifications/views/outbox.njk', {
      rows: (await notifications.outbox(request.caller)).map(outboxRow),
      smtp: notifications.mailer.kind === 'smtp',
    }),
  )

  app.get(
    `${OUTBOX}/:messageId`,
    { config: { access: OUTBOX_READERS }, schema: { hide: true, params: messageParams } },
    async (request, reply) => {
      if (!UUID.test(request.params.messageId)) throw new NotFoundError('No such message')
      const message = await notifications.message(request.caller, request.params.messageId)
      return reply.render('notifications/views/message.njk', { message: outboxRow(message) })
    },
  )
}
