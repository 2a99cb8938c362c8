import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.js'
import { PUBLISHERS } from './access.js'
import type { PdfState } from './pdf-store.js'

const inspectionParams = z.object({ inspectionId: z.string().max(100) })

/** Each state as the GOV.UK task list's status shows it: a tag while work is to be done, plain text when done. */
const STATES: Record<PdfState, { text: string; colour?: string }> = {
  ready: { text: 'Ready' },
  preparing: { text: 'Being prepared', colour: 'light-blue' },
  waiting: { text: 'Waiting', colour: 'grey' },
  'not-prepared': { text: 'Not prepared', colour: 'blue' },
  failed: { text: 'Failed', colour: 'red' },
}

/**
 * The PDFs of an inspection's approved and published documents: where each stands, and a button that
 * prints every one not ready in the background. The page does not refresh itself (an automatic refresh
 * fails WCAG 2.2.1): "Check again" reloads it.
 */
export const publicationPdfRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const path = (inspectionId: string) => `/publications/inspections/${inspectionId}/pdfs`

  app.get(
    '/publications/inspections/:inspectionId/pdfs',
    { config: { access: PUBLISHERS }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => {
      const inspection = await services.inspections.get(request.caller, request.params.inspectionId)
      const statuses = await services.publicationPdfs.status(request.caller, inspection.id)
      const items = statuses.map(({ version, state, failure }) => {
        const shown = STATES[state]
        return {
          title: {
            text: `${version.force?.name ?? 'National'}: ${version.kindLabel}, version ${version.version}`,
            href: `/publications/${version.id}`,
          },
          hint: failure ? { text: failure } : undefined,
          status: shown.colour
            ? { tag: { text: shown.text, classes: `govuk-tag--${shown.colour}` } }
            : { text: shown.text },
        }
      })
      const ready = statuses.filter((entry) => entry.state === 'ready').length
      return reply.render('publication/views/pdfs.njk', {
        inspection,
        items,
        ready,
        total: statuses.length,
        working: statuses.some((entry) => entry.state === 'preparing' || entry.state === 'waiting'),
        toPrepare: statuses.some((entry) => entry.state === 'not-prepared' || entry.state === 'failed'),
        available: services.publicationPdfs.available,
      })
    },
  )

  app.post(
    '/publications/inspections/:inspectionId/pdfs',
    { config: { access: PUBLISHERS }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => {
      const inspection = await services.inspections.get(request.caller, request.params.inspectionId)
      const queued = await services.publicationPdfs.prepareInspection(request.caller, inspection.id)
      return reply
        .flash(
          queued === 1
            ? 'One document’s PDFs are being prepared.'
            : `${queued} documents’ PDFs are being prepared.`,
        )
        .redirect(path(inspection.id), 303)
    },
  )
}
