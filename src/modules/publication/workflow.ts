import { z } from 'zod'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { ForceReference } from '../forces/service.js'
import { PUBLISHERS } from './access.js'
import type { ForceFacts } from './facts.js'
import { documentText, type GenerateOutcome, generate, readNationalFacts, store } from './generation.js'
import type { VersionView } from './present.js'
import {
  appendEvent,
  isId,
  lockVersionRow,
  PUBLICATION_ENTITY,
  selectLatestVersionNumber,
  selectNumberedVersion,
  selectOpenComments,
  updateVersion,
  type VersionRow,
} from './queries.js'
import { type PublicationContext, readVersion } from './reading.js'
import type { DocumentFacts } from './render.js'
import { templateSources } from './settings.js'

/**
 * A document's way to the public: sent to its force for the factual-accuracy check, approved, published
 * (at once or under an embargo), and corrected by a new version; never changed once published.
 */

const correctionSchema = z.object({
  changeNote: z
    .string('Say what the correction changes')
    .trim()
    .min(1, 'Say what the correction changes: it is published with the new version')
    .max(2000, 'The change note must be 2,000 characters or fewer'),
})

export function refusePublished(version: VersionView | VersionRow) {
  if (version.status === 'published')
    throw new ValidationError({
      version: `Version ${version.version} is published and cannot be changed: make a correction, which becomes version ${version.version + 1}`,
    })
}

function refuseUnlessLatest(version: VersionView, latest: number) {
  if (version.version !== latest)
    throw new ValidationError({
      version: `Version ${version.version} has been replaced by version ${latest}`,
    })
}

async function latestNumber(
  context: PublicationContext,
  caller: Caller,
  publicationId: string,
): Promise<number> {
  const [row] = await inScope(context.db, caller.scope, (tx) => selectLatestVersionNumber(tx, publicationId))
  return row?.version ?? 0
}

/**
 * Why a force's document (its press release, its report) may not be approved for want of a recorded and
 * confirmed HMI and region: a release must name both, and only confirmed ones. Null when it may.
 */
function unconfirmedInspector(row: VersionRow): string | null {
  if (row.forceId === null) return null
  const facts = row.facts as unknown as ForceFacts
  if (facts.pressRelease.hmi && facts.pressRelease.hmiRegion) return null
  const reason =
    facts.referenceGap ?? `the HM Inspector and region of ${facts.force.name} are not recorded and confirmed`
  return `This cannot be approved yet: ${reason}. Then generate the documents again.`
}

/** Regenerates one version from the records as they stand (draft or in its factual-accuracy check only). */
export async function regenerate(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
): Promise<GenerateOutcome> {
  const { version } = await readVersion(context, caller, versionId)
  requireRole(caller, ...PUBLISHERS)
  refuseUnlessLatest(version, await latestNumber(context, caller, version.publicationId))
  refusePublished(version)
  if (version.status === 'approved')
    throw new ValidationError({
      version: 'This version is approved: publish it, or correct it after publishing',
    })
  const [outcome] = await generate(context, caller, version.inspectionId, {
    ...(version.force ? { forceCode: version.force.code } : {}),
    kinds: [version.kind],
  })
  return outcome as GenerateOutcome
}

/** Moves a version on, in the inspectorate's scope, with the row locked and audited. */
async function transition(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
  action: string,
  change: (tx: Transaction, row: VersionRow) => Promise<Partial<VersionRow>>,
): Promise<VersionView> {
  requireRole(caller, ...PUBLISHERS)
  if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
  if (!isId(versionId)) throw new NotFoundError('No such document')
  await inScope(context.db, caller.scope, async (tx) => {
    const [row] = await lockVersionRow(tx, versionId)
    if (!row) throw new NotFoundError('No such document')
    refusePublished(row)
    const set = await change(tx, row)
    const [after] = await updateVersion(tx, row.id, set)
    await appendEvent(context, tx, caller, {
      forceId: row.forceId,
      entityType: PUBLICATION_ENTITY,
      entityId: row.id,
      action,
      before: { status: row.status },
      after: {
        status: after?.status,
        embargoUntil: after?.embargoUntil ?? null,
        contentHash: after?.contentHash,
      },
    })
  })
  return (await readVersion(context, caller, versionId)).version
}

/** Sends a force's draft to the force for its factual-accuracy check. */
export function sendForCheck(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
): Promise<VersionView> {
  return transition(context, caller, versionId, 'send-for-check', async (_tx, row) => {
    if (row.forceId === null)
      throw new ValidationError({
        version: 'The national review has no force to check it: approve it when it is ready',
      })
    if (row.status !== 'draft')
      throw new ValidationError({ version: 'Only a draft can be sent for a factual-accuracy check' })
    return { status: 'factual-accuracy' }
  })
}

/**
 * Refuses to approve or publish a force's document while its data return's records have changed since
 * it was computed and no one has acknowledged those changes (read before the version's transaction).
 */
async function refuseStaleReturn(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
): Promise<void> {
  if (!context.sources.staleReturn) return
  const { version } = await readVersion(context, caller, versionId)
  const facts = version.facts as ForceFacts | null
  if (!version.force || !facts || !('inspection' in facts)) return
  const reason = await context.sources.staleReturn(caller, facts.inspection.id, version.force.code)
  if (reason) throw new ValidationError({ version: `This cannot be approved or published yet: ${reason}.` })
}

/** Approves a version: a force's after its factual-accuracy check with every comment answered. */
export async function approve(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
): Promise<VersionView> {
  await refuseStaleReturn(context, caller, versionId)
  return transition(context, caller, versionId, 'approve', async (tx, row) => {
    if (row.forceId !== null && row.status !== 'factual-accuracy')
      throw new ValidationError({
        version: 'Send the document to the force for its factual-accuracy check first',
      })
    if (row.forceId === null && row.status !== 'draft')
      throw new ValidationError({ version: 'Only a draft can be approved' })
    const open = await selectOpenComments(tx, row.id)
    if (open.length)
      throw new ValidationError({
        version: `${open.length === 1 ? 'One comment is' : `${open.length} comments are`} still to be answered: accept or reject each with a reason before approving`,
      })
    const unnamed = unconfirmedInspector(row)
    if (unnamed) throw new ValidationError({ version: unnamed })
    return { status: 'approved', approvedBy: userIdOf(caller), approvedAt: context.now() }
  })
}

/**
 * Publishes an approved version, now or under an embargo: it is stored as published at once (and can
 * no longer change), but the public sees it only once the embargo time has passed on the service's clock.
 */
export async function publish(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
  embargoUntil: Date | null,
): Promise<VersionView> {
  if (embargoUntil && Number.isNaN(embargoUntil.getTime()))
    throw new ValidationError({ embargoDay: 'Enter a real date and time for the embargo' })
  if (embargoUntil && embargoUntil <= context.now())
    throw new ValidationError({
      embargoDay: 'The embargo must end in the future; leave it blank to publish now',
    })
  await refuseStaleReturn(context, caller, versionId)
  return transition(context, caller, versionId, 'publish', async (tx, row) => {
    if (row.status !== 'approved')
      throw new ValidationError({ version: 'Only an approved version can be published' })
    const [newer] = await selectNumberedVersion(tx, row.publicationId, row.version + 1)
    if (newer) throw new ValidationError({ version: 'A newer version exists' })
    return { status: 'published', publishedAt: context.now(), embargoUntil }
  })
}

/**
 * Corrects a published version: a new version, regenerated from the records as they stand, goes
 * through the workflow again with the change noted; the published one stays as it was, and both are listed.
 */
export async function correct(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
  input: { changeNote?: unknown },
): Promise<GenerateOutcome> {
  requireRole(caller, ...PUBLISHERS)
  if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
  const { version } = await readVersion(context, caller, versionId)
  const parsed = correctionSchema.safeParse(input)
  if (!parsed.success)
    throw new ValidationError({ changeNote: parsed.error.issues[0]?.message ?? 'Say what changed' })
  if (version.status !== 'published')
    throw new ValidationError({
      version: 'Only a published version is corrected; change a draft by regenerating it',
    })
  refuseUnlessLatest(version, await latestNumber(context, caller, version.publicationId))
  const inspection = await context.sources.inspection(caller, version.inspectionId)
  const templates = await templateSources(context)
  let facts: DocumentFacts
  if (version.kind === 'national-review') facts = await readNationalFacts(context, caller, inspection.id)
  else facts = await context.sources.forceFacts(caller, inspection.id, (version.force as ForceReference).code)
  const text = documentText(version.kind, templates[version.kind], facts)
  return store(context, caller, inspection, version.force, version.kind, text, facts, parsed.data.changeNote)
}

/** The service's refusal to change a published version's content, in the same words as the workflow's. */
export async function refuseEdit(
  context: PublicationContext,
  caller: Caller,
  versionId: string,
): Promise<never> {
  const { version } = await readVersion(context, caller, versionId)
  requireRole(caller, ...PUBLISHERS)
  refusePublished(version)
  throw new ValidationError({
    content: 'A document is written from its template and the records: regenerate it after changing either',
  })
}
