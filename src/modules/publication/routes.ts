import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import { LANGUAGES, translate } from '../../web/i18n/catalogue.js'
import { languageSwitchHref } from '../../web/i18n/language.js'
import { welshForceName } from '../press-releases/welsh.js'
import { CHECKERS, PUBLISHERS } from './access.js'
import { embargoFrom } from './embargo.js'
import type { ForceFacts } from './facts.js'
import { fileName, versionDocument, versionHtml, versionText } from './files.js'
import { missingFrom } from './missing.js'
import { PdfUnavailableError, pdfAvailable } from './pdf.js'
import { inLanguage, languagesOf } from './present.js'
import { PUBLICATION_CSS } from './render.js'

const PUBLISHER_ACCESS: Access = PUBLISHERS
const form = z.record(z.string(), z.string().max(200_000))
const versionParams = z.object({ publicationVersionId: z.string().max(100) })
/** The language of a document's file: English unless Welsh is asked for (`?language=cy`). */
const documentQuery = z.object({ language: z.enum(LANGUAGES).optional() })
const commentParams = z.object({ commentId: z.string().max(100) })
const listQuery = z.object({
  inspection: z.string().max(100).optional(),
  force: z.string().max(100).optional(),
})

/**
 * The public site's list of documents, each version's page and files, and the steps and comments the
 * version's page posts.
 */
export const publicationRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const publication = () => services.publication

  app.get(
    '/publications/assets/publication.css',
    { config: { access: 'public' }, schema: { hide: true } },
    (_request, reply) =>
      reply
        .type('text/css; charset=utf-8')
        .header('cache-control', 'public, max-age=3600')
        .send(PUBLICATION_CSS),
  )

  // ---------------------------------------------------------------------------------------------
  // The public site

  app.get(
    '/publications',
    { config: { access: 'public' }, schema: { hide: true, querystring: listQuery } },
    async (request, reply) => {
      const documents = await publication().documents(request.caller)
      const visible = documents.filter((document) => document.latest?.isPublic)
      const inspections = new Map<string, { id: string; code: string; title: string }>()
      for (const document of visible) {
        const facts = document.latest?.facts as ForceFacts | undefined
        if (facts?.inspection) inspections.set(document.inspectionId, facts.inspection)
      }
      const { inspection, force } = request.query
      const chosen = [...inspections.values()].find(
        (entry) => entry.code === inspection || entry.id === inspection,
      )
      const shown = visible.filter(
        (document) =>
          (!chosen || document.inspectionId === chosen.id) && (!force || document.force?.code === force),
      )
      const groups = [...inspections.values()]
        .filter((entry) => !chosen || entry.id === chosen.id)
        .map((entry) => ({
          inspection: entry,
          national: shown.filter((d) => d.inspectionId === entry.id && d.kind === 'national-review'),
          forces: [
            ...new Map(
              shown
                .filter((d) => d.inspectionId === entry.id && d.force)
                .map((d) => [d.force?.code, d.force as NonNullable<typeof d.force>]),
            ).values(),
          ].map((f) => ({
            force: f,
            documents: shown.filter((d) => d.inspectionId === entry.id && d.force?.code === f.code),
          })),
        }))
      const forces = [
        ...new Map(
          visible.filter((d) => d.force).map((d) => [d.force?.code, d.force as NonNullable<typeof d.force>]),
        ).values(),
      ].sort((a, b) => a.name.localeCompare(b.name))
      // Drafts and checks the caller works on, listed separately on the inspection's page.
      const working = documents.some((document) => !document.latest?.isPublic)
      return reply.render('publication/views/list.njk', {
        groups,
        inspections: [...inspections.values()],
        forces,
        values: { inspection: inspection ?? '', force: force ?? '' },
        working,
      })
    },
  )

  app.get(
    '/publications/:publicationVersionId',
    { config: { access: 'public' }, schema: { hide: true, params: versionParams } },
    async (request, reply) => renderVersion(request, reply, request.params.publicationVersionId),
  )

  /** Figures link to the inspectorate's own pages, which only a signed-in member of it can open. */
  function followsSources(request: FastifyRequest): boolean {
    return request.caller.scope.kind === 'inspectorate' && request.principal !== undefined
  }

  async function renderVersion(
    request: FastifyRequest,
    reply: FastifyReply,
    versionId: string,
    extra: { errors?: ReturnType<typeof formErrors>; values?: Record<string, string>; status?: number } = {},
  ) {
    const detail = await publication().version(request.caller, versionId)
    // A Welsh force's press release in the reader's language, with a link to the other; a Welsh force
    // by its Welsh name on a page in Welsh.
    const shown = inLanguage(detail.version, request.language)
    const version =
      shown.force && request.language === 'cy'
        ? { ...shown, force: { ...shown.force, name: welshForceName(shown.force.code, shown.force.name) } }
        : shown
    const languages = languagesOf(version)
    const other = languages.find((language) => language !== version.language)
    const scope = request.caller.scope.kind
    const works = scope === 'inspectorate' && !version.isPublic
    const isLatest = detail.document.latest?.id === version.id
    const latestPublished = detail.document.versions.find((entry) => entry.status === 'published')
    return reply.code(extra.status ?? (extra.errors ? 400 : 200)).render('publication/views/show.njk', {
      version,
      languages,
      otherLanguage: other && {
        language: other,
        // The page itself in the other language (a form's error page is at the form's address).
        href: languageSwitchHref(`/publications/${version.id}`, other),
        text: translate(other, 'publication.language.readThis'),
      },
      body: versionHtml(version, { sourceLinks: followsSources(request) }),
      // The other versions' titles and hashes in the language the page shows the document in.
      document: {
        ...detail.document,
        versions: detail.document.versions.map((entry) => inLanguage(entry, version.language)),
      },
      comments: detail.comments,
      isLatest,
      superseded:
        latestPublished && latestPublished.version > version.version && version.status === 'published',
      publisher: scope === 'inspectorate' && request.principal !== undefined,
      checker: scope === 'force' && version.status === 'factual-accuracy',
      works,
      // What the draft leaves unsaid for want of data: for the inspectorate while it works on it.
      missing: works ? missingFrom(version.kind, version.facts) : [],
      pdf: pdfAvailable(),
      openOnes: detail.comments.filter((comment) => !comment.response).length,
      errors: extra.errors,
      values: extra.values ?? {},
    })
  }

  // Each language's files: `document.pdf` in English, `document.pdf?language=cy` in Welsh (where there is Welsh).
  for (const extension of ['md', 'txt', 'html', 'pdf'] as const) {
    app.get(
      `/publications/:publicationVersionId/document.${extension}`,
      {
        config: { access: 'public' },
        schema: { hide: true, params: versionParams, querystring: documentQuery },
      },
      async (request, reply) => {
        const read = await publication().version(request.caller, request.params.publicationVersionId)
        const language = request.query.language ?? 'en'
        if (!languagesOf(read.version).includes(language))
          throw new NotFoundError('This document is not published in that language')
        const version = inLanguage(read.version, language)
        reply.header('content-disposition', `attachment; filename="${fileName(version, extension)}"`)
        reply.header('x-content-sha256', version.contentHash)
        if (extension === 'md') return reply.type('text/markdown; charset=utf-8').send(version.content)
        if (extension === 'txt') return reply.type('text/plain; charset=utf-8').send(versionText(version))
        const sourceLinks = followsSources(request)
        if (extension === 'html')
          return reply.type('text/html; charset=utf-8').send(versionDocument(version, { sourceLinks }))
        try {
          const pdf = await services.publicationPdfs.pdf(request.caller, version, { sourceLinks })
          return reply.type('application/pdf').send(pdf)
        } catch (error) {
          if (!(error instanceof PdfUnavailableError)) throw error
          reply.removeHeader('content-disposition')
          return reply.code(503).type('text/plain; charset=utf-8').send(error.message)
        }
      },
    )
  }

  // ---------------------------------------------------------------------------------------------
  // The inspectorate's and the force's work on an inspection's documents

  /** An approved or published version's PDFs are printed in the background, so the download is ready when asked for. */
  const printLater = (versionId: string) => {
    services.publicationPdfs.prepare([versionId])
    return versionId
  }

  /** What each step of a version does, where it leads (the version's id) and what the banner says there. */
  type Step = (
    request: FastifyRequest<{ Params: { publicationVersionId: string }; Body: Record<string, string> }>,
  ) => Promise<{ target: string; banner: string }>
  const steps: [string, Step][] = [
    [
      'send',
      async (r) => ({
        target: (await publication().sendForCheck(r.caller, r.params.publicationVersionId)).id,
        banner: 'Sent to the force for its factual-accuracy check',
      }),
    ],
    [
      'approve',
      async (r) => ({
        target: printLater((await publication().approve(r.caller, r.params.publicationVersionId)).id),
        banner: 'Version approved',
      }),
    ],
    [
      'regenerate',
      async (r) => ({
        target: (await publication().regenerate(r.caller, r.params.publicationVersionId)).versionId,
        banner: 'Regenerated from the records',
      }),
    ],
    [
      'publish',
      async (r) => {
        const embargoUntil = embargoFrom(r.body)
        const published = await publication().publish(r.caller, r.params.publicationVersionId, {
          embargoUntil,
        })
        return {
          target: printLater(published.id),
          banner: embargoUntil
            ? 'Published under embargo: the public sees it once the embargo ends'
            : 'Published',
        }
      },
    ],
    [
      'correct',
      async (r) => ({
        target: (await publication().correct(r.caller, r.params.publicationVersionId, r.body)).versionId,
        banner: 'Correction made: the new version goes through the checks again',
      }),
    ],
  ]
  for (const [action, run] of steps) {
    app.post(
      `/publications/:publicationVersionId/${action}`,
      { config: { access: PUBLISHER_ACCESS }, schema: { hide: true, params: versionParams, body: form } },
      async (request, reply) => {
        try {
          const { target, banner } = await run(request)
          return reply.flash(banner).redirect(`/publications/${target}`, 303)
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error
          return renderVersion(request, reply, request.params.publicationVersionId, {
            errors: formErrors(error.fieldErrors),
            values: request.body,
          })
        }
      },
    )
  }

  app.post(
    '/publications/:publicationVersionId/comments',
    { config: { access: CHECKERS }, schema: { hide: true, params: versionParams, body: form } },
    async (request, reply) => {
      try {
        await publication().comment(request.caller, request.params.publicationVersionId, request.body)
        return reply
          .flash('Comment sent')
          .redirect(`/publications/${request.params.publicationVersionId}#comments`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderVersion(request, reply, request.params.publicationVersionId, {
          errors: formErrors(error.fieldErrors),
          values: request.body,
        })
      }
    },
  )

  app.post(
    '/publications/comments/:commentId/respond',
    { config: { access: PUBLISHER_ACCESS }, schema: { hide: true, params: commentParams, body: form } },
    async (request, reply) => {
      const versionId = request.body.versionId ?? ''
      try {
        const comment = await publication().respond(request.caller, request.params.commentId, request.body)
        return reply.flash('Response recorded').redirect(`/publications/${comment.versionId}#comments`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        const errors: Record<string, string> = {}
        for (const [field, message] of Object.entries(error.fieldErrors))
          errors[`${field}-${request.params.commentId}`] = message
        return renderVersion(request, reply, versionId, { errors: formErrors(errors), values: request.body })
      }
    },
  )
}
