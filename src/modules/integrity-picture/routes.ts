import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { callerHas } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import { sayIn } from './present.js'
import { LINE_SETTERS, PICTURE_READERS } from './service.js'

const READERS: Access = PICTURE_READERS
const SETTERS: Access = LINE_SETTERS
export const SETTINGS_PAGE = '/early-intervention'
const form = z.record(z.string(), z.string().max(10_000))
const staffMemberParams = z.object({ staffMemberId: z.string().max(100) })

/** A person's integrity picture (from their roster page) and the force's early-intervention lines. */
export const integrityPictureRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const pictures = services.integrityPicture

  app.get(
    '/roster/:staffMemberId/integrity-picture',
    { config: { access: READERS }, schema: { hide: true, params: staffMemberParams } },
    async (request, reply) => {
      const picture = await pictures.picture(request.caller, request.params.staffMemberId)
      return reply.render('integrity-picture/views/picture.njk', {
        ...picture,
        entries: picture.entries.map((entry) => ({ ...entry, text: sayIn(request.language, entry.says) })),
        firing: picture.indicators.filter((indicator) => indicator.fires),
        settingsPage: SETTINGS_PAGE,
      })
    },
  )

  async function renderSettings(
    request: FastifyRequest,
    reply: FastifyReply,
    errors?: ReturnType<typeof formErrors>,
  ) {
    return reply.code(errors ? 400 : 200).render('integrity-picture/views/settings.njk', {
      settings: await pictures.settings(request.caller),
      values: errors ? request.body : undefined,
      errors,
      setter: callerHas(request.caller, LINE_SETTERS),
      action: SETTINGS_PAGE,
    })
  }

  app.get(SETTINGS_PAGE, { config: { access: READERS }, schema: { hide: true } }, (request, reply) =>
    renderSettings(request, reply),
  )

  app.post(
    SETTINGS_PAGE,
    { config: { access: SETTERS }, schema: { hide: true, body: form } },
    async (request, reply) => {
      try {
        await pictures.saveSettings(request.caller, request.body)
        return reply.flash('Early-intervention lines saved').redirect(SETTINGS_PAGE, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderSettings(request, reply, formErrors(error.fieldErrors))
      }
    },
  )
}
