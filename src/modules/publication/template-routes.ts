import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { formErrors } from '../../web/forms.js'
import { TEMPLATE_EDITORS } from './access.js'
import { KIND_LABELS, markdownToHtml } from './render.js'
import { PUBLICATION_KINDS, type PublicationKind } from './schema.js'

const form = z.record(z.string(), z.string().max(200_000))
const kindParams = z.object({ kind: z.string().max(50) })

function isKind(value: string): value is PublicationKind {
  return (PUBLICATION_KINDS as readonly string[]).includes(value)
}

/** The documents' templates, edited by an inspectorate admin with a preview, or set back to the default. */
export const publicationTemplateRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const publication = () => services.publication

  async function renderTemplate(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: string,
    extra: {
      source?: string
      preview?: string
      errors?: ReturnType<typeof formErrors>
      inspection?: string
    } = {},
  ) {
    if (!isKind(kind)) throw new NotFoundError('No such template')
    const current = await publication().template(kind)
    const inspections = await services.inspections.list(request.caller)
    return reply.code(extra.errors ? 400 : 200).render('publication/views/template.njk', {
      kind,
      kindLabel: KIND_LABELS[kind],
      current,
      source: extra.source ?? current.source,
      preview: extra.preview,
      errors: extra.errors,
      inspections,
      inspection: extra.inspection ?? inspections.at(-1)?.id ?? '',
    })
  }

  app.get(
    '/publications/templates/:kind',
    { config: { access: TEMPLATE_EDITORS }, schema: { hide: true, params: kindParams } },
    async (request, reply) => renderTemplate(request, reply, request.params.kind),
  )

  app.post(
    '/publications/templates/:kind',
    { config: { access: TEMPLATE_EDITORS }, schema: { hide: true, params: kindParams, body: form } },
    async (request, reply) => {
      const { kind } = request.params
      if (!isKind(kind)) throw new NotFoundError('No such template')
      const source = request.body.source ?? ''
      const inspection = request.body.inspection ?? ''
      try {
        // The template must compile and render the current facts of the inspection chosen for the preview.
        const facts = inspection ? await publication().previewFacts(request.caller, kind, inspection) : null
        if (request.body.action === 'save') {
          await publication().saveTemplate(request.caller, kind, source, facts)
          return reply
            .flash('Template saved: documents generated from now on use it')
            .redirect(`/publications/templates/${kind}`, 303)
        }
        if (!facts)
          throw new ValidationError({ inspection: 'Choose an inspection whose facts the preview shows' })
        const preview = markdownToHtml(publication().preview(kind, source, facts))
        return renderTemplate(request, reply, kind, { source, preview, inspection })
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderTemplate(request, reply, kind, {
          source,
          errors: formErrors(error.fieldErrors),
          inspection,
        })
      }
    },
  )

  // Setting a template back to the default discards the edited one, so it asks first.
  app.get(
    '/publications/templates/:kind/reset',
    { config: { access: TEMPLATE_EDITORS }, schema: { hide: true, params: kindParams } },
    async (request, reply) => {
      const { kind } = request.params
      if (!isKind(kind)) throw new NotFoundError('No such template')
      return reply.render('publication/views/reset-template.njk', { kind, kindLabel: KIND_LABELS[kind] })
    },
  )

  app.post(
    '/publications/templates/:kind/reset',
    { config: { access: TEMPLATE_EDITORS }, schema: { hide: true, params: kindParams, body: form } },
    async (request, reply) => {
      if (!isKind(request.params.kind)) throw new NotFoundError('No such template')
      await publication().resetTemplate(request.caller, request.params.kind)
      return reply
        .flash('Template set back to the default')
        .redirect(`/publications/templates/${request.params.kind}`, 303)
    },
  )
}
