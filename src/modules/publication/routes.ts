import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { DATA_RETURN_ITEMS } from '../../domain/inspections.js'
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../../domain/suppression.js'
import type { Services } from '../../services.js'
import type { Access } from '../../web/authorisation.js'
import { formErrors } from '../../web/forms.js'
import { LANGUAGES, translate } from '../../web/i18n/catalogue.js'
import { languageSwitchHref } from '../../web/i18n/language.js'
import { welshForceName } from '../press-releases/welsh.js'
import { CHECKERS, PUBLISHERS, TEMPLATE_EDITORS } from './access.js'
import { embargoFrom } from './embargo.js'
import type { ForceFacts } from './facts.js'
import { fileName, versionDocument, versionHtml, versionText } from './files.js'
import { missingFrom } from './missing.js'
import { dictionaryCsv, openDataCsv, openDataJson, openDataOf } from './open-data.js'
import { PdfUnavailableError, pdfAvailable } from './pdf.js'
import { inLanguage, languagesOf, type VersionView } from './present.js'
import { KIND_LABELS, markdownToHtml, PUBLICATION_CSS } from './render.js'
import { PUBLICATION_KINDS, type PublicationKind } from './schema.js'

const PUBLISHER_ACCESS: Access = PUBLISHERS
const WORKFLOW_READERS: Access = [...PUBLISHERS, ...CHECKERS]
const form = z.record(z.string(), z.string().max(200_000))
const versionParams = z.object({ publicationVersionId: z.string().max(100) })
/** The language of a document's file: English unless Welsh is asked for (`?language=cy`). */
const documentQuery = z.object({ language: z.enum(LANGUAGES).optional() })
const inspectionParams = z.object({ inspectionId: z.string().max(100) })
const commentParams = z.object({ commentId: z.string().max(100) })
const kindParams = z.object({ kind: z.string().max(50) })
const listQuery = z.object({
  inspection: z.string().max(100).optional(),
  force: z.string().max(100).optional(),
})

const versionJson = z
  .object({
    id: z.string(),
    kind: z.enum(PUBLICATION_KINDS),
    force: z.object({ code: z.string(), name: z.string() }).nullable(),
    inspectionId: z.string(),
    version: z.number().int(),
    title: z.string(),
    status: z.string(),
    contentHash: z.string().meta({ description: 'SHA-256 of the Markdown content' }),
    changeNote: z.string().nullable(),
    publishedAt: z.string().nullable(),
    embargoUntil: z.string().nullable(),
    content: z.string().meta({ description: 'The document as Markdown' }),
    welsh: z.object({ title: z.string(), content: z.string(), contentHash: z.string() }).nullable().meta({
      description:
        'A Welsh force’s press release in Welsh, published with the English: the same facts, its own Markdown and SHA-256',
    }),
    facts: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'PublicationVersion' })

function toJson(version: VersionView): z.infer<typeof versionJson> {
  return {
    id: version.id,
    kind: version.kind,
    force: version.force ? { code: version.force.code, name: version.force.name } : null,
    inspectionId: version.inspectionId,
    version: version.version,
    title: version.title,
    status: version.status,
    contentHash: version.contentHash,
    changeNote: version.changeNote,
    publishedAt: version.publishedAt?.toISOString() ?? null,
    embargoUntil: version.embargoUntil?.toISOString() ?? null,
    content: version.content,
    welsh: languagesOf(version).includes('cy') ? welshOf(inLanguage(version, 'cy')) : null,
    facts: version.facts as unknown as Record<string, unknown>,
  }
}

function welshOf({ title, content, contentHash }: VersionView) {
  return { title, content, contentHash }
}

function isKind(value: string): value is PublicationKind {
  return (PUBLICATION_KINDS as readonly string[]).includes(value)
}

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

  async function publishedVersions(request: FastifyRequest, inspectionId: string) {
    const documents = await publication().documents(
      { ...request.caller, scope: { kind: 'public' } },
      { inspectionId },
    )
    return documents.flatMap((document) =>
      document.versions.filter((version) => version.isPublic).slice(0, 1),
    )
  }

  app.get(
    '/publications/inspections/:inspectionId/compare',
    { config: { access: 'public' }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => {
      const versions = await publishedVersions(request, request.params.inspectionId)
      const suppressUpTo = await publication().suppressUpTo(request.params.inspectionId)
      const data = openDataOf(versions, suppressUpTo)
      if (!data.inspection) throw new NotFoundError('Nothing has been published for this inspection')
      const items = DATA_RETURN_ITEMS.filter((item) => item.kind === 'count' || item.kind === 'fte-change')
      return reply.render('publication/views/compare.njk', {
        data,
        items,
        inspectionId: request.params.inspectionId,
      })
    },
  )

  app.get(
    '/publications/inspections/:inspectionId/open-data.csv',
    { config: { access: 'public' }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => {
      const versions = await publishedVersions(request, request.params.inspectionId)
      const data = openDataOf(versions, await publication().suppressUpTo(request.params.inspectionId))
      if (!data.inspection) throw new NotFoundError('Nothing has been published for this inspection')
      reply.header('content-disposition', `attachment; filename="${data.inspection.code}-open-data.csv"`)
      return reply.type('text/csv; charset=utf-8').send(openDataCsv(data))
    },
  )

  app.get(
    '/publications/inspections/:inspectionId/data-dictionary.csv',
    { config: { access: 'public' }, schema: { hide: true, params: inspectionParams } },
    async (_request, reply) => {
      reply.header('content-disposition', 'attachment; filename="data-dictionary.csv"')
      return reply.type('text/csv; charset=utf-8').send(dictionaryCsv())
    },
  )

  app.get(
    '/api/publications/inspections/:inspectionId/open-data',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Open data of an inspection',
        description:
          'The figures of every force’s published documents, with a data dictionary. Counts from 1 up to the inspection’s suppression threshold (5 unless a publisher recorded a reason for less) are "*", and where a national total would give one away the next smallest figure of that item is "*" too; `suppression` states the rule.',
        tags: ['publications'],
        params: inspectionParams,
      },
    },
    async (request) => {
      const versions = await publishedVersions(request, request.params.inspectionId)
      const data = openDataOf(versions, await publication().suppressUpTo(request.params.inspectionId))
      if (!data.inspection) throw new NotFoundError('Nothing has been published for this inspection')
      return openDataJson(data)
    },
  )

  app.get(
    '/api/publications',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Published documents',
        description:
          'Every published version whose embargo has ended: press releases, force reports and national reviews.',
        tags: ['publications'],
        response: { 200: z.object({ publications: z.array(versionJson) }) },
      },
    },
    async () => ({
      publications: (await publication().published()).flatMap((document) =>
        document.versions.filter((version) => version.isPublic).map(toJson),
      ),
    }),
  )

  app.get(
    '/api/publications/:publicationVersionId',
    {
      config: { access: 'public' },
      schema: {
        summary: 'One version of a document',
        description:
          'A published version (embargo over) for anyone; drafts and checks only for the inspectorate and the force.',
        tags: ['publications'],
        params: versionParams,
        response: { 200: versionJson },
      },
    },
    async (request) =>
      toJson((await publication().version(request.caller, request.params.publicationVersionId)).version),
  )

  // ---------------------------------------------------------------------------------------------
  // The inspectorate's and the force's work on an inspection's documents

  async function renderManage(
    request: FastifyRequest,
    reply: FastifyReply,
    inspectionId: string,
    extra: {
      errors?: ReturnType<typeof formErrors>
      values?: Record<string, string>
    } = {},
  ) {
    const inspection = await services.inspections.get(request.caller, inspectionId)
    const documents = await publication().documents(request.caller, { inspectionId: inspection.id })
    return reply.code(extra.errors ? 400 : 200).render('publication/views/manage.njk', {
      inspection,
      documents,
      publisher: request.caller.scope.kind === 'inspectorate',
      admin: request.principal?.role === 'inspectorate-admin',
      suppression: await publication().suppression(inspection.id),
      defaultThreshold: DEFAULT_SUPPRESSION_THRESHOLD,
      kinds: PUBLICATION_KINDS.map((kind) => ({ kind, label: KIND_LABELS[kind] })),
      errors: extra.errors,
      values: extra.values ?? {},
    })
  }

  app.get(
    '/publications/inspections/:inspectionId/manage',
    { config: { access: WORKFLOW_READERS }, schema: { hide: true, params: inspectionParams } },
    async (request, reply) => renderManage(request, reply, request.params.inspectionId),
  )

  app.post(
    '/publications/inspections/:inspectionId/generate',
    { config: { access: PUBLISHER_ACCESS }, schema: { hide: true, params: inspectionParams, body: form } },
    async (request, reply) => {
      const forceCode = request.body.force?.trim() || undefined
      try {
        const outcomes = await publication().generate(request.caller, request.params.inspectionId, {
          forceCode,
        })
        return reply
          .flash(`${outcomes.length} documents generated or checked against the records`)
          .redirect(`/publications/inspections/${request.params.inspectionId}/manage`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderManage(request, reply, request.params.inspectionId, {
          errors: formErrors(error.fieldErrors),
        })
      }
    },
  )

  app.post(
    '/publications/inspections/:inspectionId/settings',
    { config: { access: TEMPLATE_EDITORS }, schema: { hide: true, params: inspectionParams, body: form } },
    async (request, reply) => {
      try {
        await publication().setSuppression(request.caller, request.params.inspectionId, request.body)
        return reply
          .flash('Open-data settings saved')
          .redirect(`/publications/inspections/${request.params.inspectionId}/manage`, 303)
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error
        return renderManage(request, reply, request.params.inspectionId, {
          errors: formErrors(error.fieldErrors),
          values: request.body,
        })
      }
    },
  )

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

  // ---------------------------------------------------------------------------------------------
  // Templates, edited by an inspectorate admin

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
