import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import { formText, SETTINGS_EDITORS } from './settings-service.js'

const EDITORS: Access = [...SETTINGS_EDITORS]
const params = z.object({ inspectionId: z.string().max(100) })
const form = z.record(z.string(), z.string().max(40_000))

/** An inspection's press-release settings: the HM Inspector's national finding and the notes to editors. */
export const pressReleaseSettingsRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const path = (inspectionId: string) => `/publications/inspections/${inspectionId}/press-release-settings`

  async function renderForm(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    extra: { errors?: Record<string, string>; values?: Record<string, string> } = {},
  ) {
    const inspection = await services.inspections.get(request.caller, inspectionId)
    const settings = await services.pressReleaseSettings.forInspection(inspection.id)
    return reply.code(extra.errors ? 400 : 200).render('press-releases/views/settings.njk', {
      inspection,
      edited: settings.edited,
      values: extra.values ?? {
        nationalFinding: formText(settings.nationalFinding),
        notesToEditors: formText(settings.notesToEditors),
      },
      errors: extra.errors && formErrors(extra.errors),
    })
  }

  app.get(
    '/publications/inspections/:inspectionId/press-release-settings',
    { config: { access: EDITORS }, schema: { hide: true, params } },
    async (request, reply) => renderForm(request, reply, request.params.inspectionId),
  )

  app.post(
    '/publications/inspections/:inspectionId/press-release-settings',
    { config: { access: EDITORS }, schema: { hide: true, params, body: form } },
    async (request, reply) => {
      const { inspectionId } = request.params
      const reset = request.body.action === 'reset'
      try {
        await services.pressReleaseSettings.save(request.caller, inspectionId, reset ? 'reset' : request.body)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderForm(request, reply, inspectionId, { errors: error.fieldErrors, values: request.body })
      }
      return reply
        .flash(
          reset
            ? 'The press releases’ national finding and notes to editors are the defaults again'
            : 'Press-release settings saved: regenerate the drafts to use them',
        )
        .redirect(path(inspectionId), 303)
    },
  )
}
