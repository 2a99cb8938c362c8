import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Services } from '../../services.js'
import { inLanguage, languagesOf, type VersionView } from './present.js'
import { PUBLICATION_KINDS } from './schema.js'

const versionParams = z.object({ publicationVersionId: z.string().max(100) })

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

/** The JSON API of published documents: every one, and one version of a document. */
export const publicationApiRoutes: FastifyPluginAsyncZod<{ services: Services }> = async (
  app,
  { services },
) => {
  const publication = () => services.publication

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
}
