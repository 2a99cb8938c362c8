import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import type { Caller } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import type { ForcesService } from '../forces/service.js'
import { mayRead, readScope } from './access.js'
import type { FactsSources } from './facts.js'
import {
  type DocumentView,
  documentsOf,
  isPublic,
  type VersionDetail,
  type VersionView,
  versionDetail,
  versionViews,
} from './present.js'
import {
  isId,
  type PublicationRow,
  selectComments,
  selectDocumentVersions,
  selectVersionsById,
  selectVersionsOfDocument,
  selectVersionWithDocument,
  type VersionRow,
} from './queries.js'

/** What the publication's workflows work with: the database, the services they read from, and the clock. */
export interface PublicationContext {
  db: Database
  forces: ForcesService
  sources: FactsSources
  now: () => Date
}

async function views(
  context: PublicationContext,
  rows: { version: VersionRow; publication: PublicationRow }[],
): Promise<VersionView[]> {
  return versionViews(rows, await context.forces.references(), context.now)
}

/** The documents of an inspection (or of all), each with the versions the caller may read. */
export async function readDocuments(
  context: PublicationContext,
  caller: Caller,
  filter: { inspectionId?: string; forceCode?: string },
): Promise<DocumentView[]> {
  if (filter.inspectionId && !isId(filter.inspectionId)) throw new NotFoundError('No such inspection')
  const force = filter.forceCode
    ? (await context.forces.references()).find((f) => f.code === filter.forceCode)
    : undefined
  if (filter.forceCode && !force) throw new NotFoundError('No such force')
  const rows = await inScope(context.db, readScope(caller), (tx) =>
    selectDocumentVersions(tx, filter.inspectionId, force?.id),
  )
  return documentsOf(
    await views(
      context,
      rows.filter((row) => mayRead(caller, row.version, context.now)),
    ),
  )
}

/** One version with its document's other versions and the factual-accuracy comments; 404 when not the caller's to read. */
export async function readVersion(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
): Promise<VersionDetail> {
  if (!isId(versionId)) throw new NotFoundError('No such document')
  const scope = readScope(caller)
  const found = await inScope(context.db, scope, async (tx) => {
    const [row] = await selectVersionWithDocument(tx, versionId)
    if (!row || !mayRead(caller, row.version, context.now)) return null
    const all = await selectVersionsOfDocument(tx, row.publication.id)
    const comments = scope.kind === 'public' ? [] : await selectComments(tx, versionId)
    return { row, all: all.filter((entry) => mayRead(caller, entry.version, context.now)), comments }
  })
  if (!found) throw new NotFoundError('No such document')
  const [version] = await views(context, [found.row])
  const versions = await views(context, found.all)
  const scopeForce = caller.scope.kind === 'force' ? caller.scope.forceId : null
  const comments =
    scopeForce === null ? found.comments : found.comments.filter((c) => c.forceId === scopeForce)
  return versionDetail(version as VersionView, found.row.publication, versions, comments)
}

/** Loads versions by id for a force's open data, publicly visible only. */
export async function readPublicVersions(context: PublicationContext, ids: string[]): Promise<VersionView[]> {
  if (!ids.length) return []
  const rows = await inScope(context.db, { kind: 'public' }, (tx) => selectVersionsById(tx, ids))
  return views(
    context,
    rows.filter((row) => isPublic(row.version, context.now)),
  )
}
