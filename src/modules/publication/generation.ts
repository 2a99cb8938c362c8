import canonicalizeModule from 'canonicalize'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError } from '../../domain/errors.js'
import type { ForceReference } from '../forces/service.js'
import { PUBLISHERS } from './access.js'
import type { ForceFacts, InspectionSummary, NationalFacts } from './facts.js'
import {
  appendEvent,
  insertPublication,
  insertVersion,
  PUBLICATION_ENTITY,
  selectLatestVersionRow,
  selectPublication,
  selectVersionsOfInspection,
  updateVersion,
  type VersionRow,
} from './queries.js'
import type { PublicationContext } from './reading.js'
import {
  contentHash,
  type DocumentFacts,
  KIND_LABELS,
  renderMarkdown,
  renderWelshMarkdown,
  titleOf,
} from './render.js'
import { PUBLICATION_KINDS, type PublicationKind } from './schema.js'
import { templateSources } from './settings.js'

/** A document's Markdown in English and, for a Welsh force's press release, in Welsh too. */
export interface DocumentText {
  markdown: string
  welsh: string | null
}

export interface GenerateOutcome {
  versionId: string
  kind: PublicationKind
  force: ForceReference | null
  result: 'created' | 'regenerated' | 'unchanged' | 'kept'
  /** Why a document was kept as it is (approved or published versions are never regenerated). */
  reason?: string
}

export type GenerateProgress = (done: number, total: number, label: string) => void

// The package is CommonJS whose types declare an ES default export; at run time the import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined

/** The national review's facts: the forces' facts with the desk research and the surveys' headlines. */
async function national(
  context: PublicationContext,
  caller: Caller,
  inspection: InspectionSummary,
  forces: ForceFacts[],
): Promise<NationalFacts> {
  const research = await context.sources.research(caller, inspection)
  const surveys = await context.sources.surveyHeadlines(caller, inspection)
  return { inspection, forces, research, surveys }
}

/** The national review's facts of an inspection, read from every force in its scope. */
export async function readNationalFacts(
  context: PublicationContext,
  caller: Caller,
  inspectionId: string,
  onForce?: (code: string) => void,
): Promise<NationalFacts> {
  requireRole(caller, ...PUBLISHERS)
  const inspection = await context.sources.inspection(caller, inspectionId)
  const forces = await context.sources.allForceFacts(caller, inspection.id)
  for (const force of forces) onForce?.(force.force.code)
  return national(context, caller, inspection, forces)
}

/** A document written from its template and facts, in each of its languages. */
export function documentText(kind: PublicationKind, template: string, facts: DocumentFacts): DocumentText {
  return {
    markdown: renderMarkdown(kind, template, facts),
    welsh: renderWelshMarkdown(kind, facts),
  }
}

/**
 * Generates drafts: for one force or every force in scope, its press release and force report, and
 * (for every force, or when asked) the national review. A document whose latest version is a draft or
 * in its factual-accuracy check is regenerated; an approved or published one is kept as it is.
 */
export async function generate(
  context: PublicationContext,
  caller: Caller,
  inspectionId: string,
  options: { forceCode?: string; kinds?: PublicationKind[]; onProgress?: GenerateProgress },
): Promise<GenerateOutcome[]> {
  requireRole(caller, ...PUBLISHERS)
  if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
  const inspection = await context.sources.inspection(caller, inspectionId)
  const kinds =
    options.kinds ?? (options.forceCode ? ['press-release', 'force-report'] : [...PUBLICATION_KINDS])
  const forceKinds = kinds.filter(
    (kind): kind is Exclude<PublicationKind, 'national-review'> => kind !== 'national-review',
  )
  const inScopeForces = await context.sources.forcesInScope(caller, inspection.id)
  const forces = options.forceCode
    ? inScopeForces.filter((force) => force.code === options.forceCode)
    : inScopeForces
  if (options.forceCode && !forces.length) throw new NotFoundError('That force is not in this inspection')
  const templates = await templateSources(context)
  const nationalReview = kinds.includes('national-review')
  const total = (forceKinds.length ? forces.length : 0) + (nationalReview ? 1 : 0)
  let done = 0
  const outcomes: GenerateOutcome[] = []
  let allFacts: ForceFacts[] = []
  if (forceKinds.length || nationalReview) {
    // Every force's facts read together (one query per source for the whole inspection), unless one
    // force's documents alone are asked for.
    allFacts =
      nationalReview || !options.forceCode
        ? await context.sources.allForceFacts(caller, inspection.id)
        : [await context.sources.forceFacts(caller, inspection.id, options.forceCode)]
    const factsOf = new Map(allFacts.map((facts) => [facts.force.code, facts]))
    // What each document's latest version is, read once: one that would not change is not written.
    const latest = await latestVersions(context, caller, inspection.id)
    // Documents to write, stored together in one transaction at the end (all of them or none).
    const writes: {
      index: number
      force: { id: number; code: string; name: string } | null
      kind: PublicationKind
      text: DocumentText
      facts: DocumentFacts
    }[] = []
    const add = (
      force: { id: number; code: string; name: string } | null,
      kind: PublicationKind,
      facts: DocumentFacts,
    ) => {
      const text = documentText(kind, templates[kind], facts)
      const standing = standingOf(latest.get(`${force?.id ?? ''}:${kind}`), force, kind, text, facts)
      if (!standing) writes.push({ index: outcomes.length, force, kind, text, facts })
      outcomes.push(standing as GenerateOutcome)
    }
    for (const force of forceKinds.length ? forces : []) {
      const facts = factsOf.get(force.code)
      if (!facts) throw new NotFoundError('That force is not in this inspection')
      for (const kind of forceKinds) add(force, kind, facts)
      done += 1
      options.onProgress?.(done, total, force.name)
    }
    if (nationalReview) {
      add(null, 'national-review', await national(context, caller, inspection, allFacts))
      done += 1
      options.onProgress?.(done, total, KIND_LABELS['national-review'])
    }
    if (writes.length)
      await inScope(context.db, caller.scope, async (tx) => {
        for (const { index, force, kind, text, facts } of writes)
          outcomes[index] = await store(context, caller, inspection, force, kind, text, facts, undefined, tx)
      })
  }
  return outcomes
}

/** The latest version of each document of an inspection, by `forceId:kind` (`:kind` for the national one). */
async function latestVersions(
  context: PublicationContext,
  caller: Caller,
  inspectionId: string,
): Promise<Map<string, VersionRow>> {
  const rows = await inScope(context.db, caller.scope, (tx) => selectVersionsOfInspection(tx, inspectionId))
  const latest = new Map<string, VersionRow>()
  for (const { version, publication } of rows) {
    const key = `${publication.forceId ?? ''}:${publication.kind}`
    if (!latest.has(key)) latest.set(key, version)
  }
  return latest
}

/**
 * What generating a document would come to without writing anything, when that is nothing: its latest
 * version is approved or published (kept), or a draft with the same content and facts (unchanged).
 * Undefined when it must be written (`store` decides again, in its transaction).
 */
function standingOf(
  latest: VersionRow | undefined,
  force: { id: number; code: string; name: string } | null,
  kind: PublicationKind,
  text: DocumentText,
  facts: DocumentFacts,
): GenerateOutcome | undefined {
  if (!latest) return undefined
  const reference = force ? { id: force.id, code: force.code, name: force.name } : null
  if (latest.status === 'approved' || latest.status === 'published')
    return {
      versionId: latest.id,
      kind,
      force: reference,
      result: 'kept',
      reason: `version ${latest.version} is ${latest.status}: correct it to change it`,
    }
  if (
    sameText(latest, text) &&
    canonicalize(latest.facts) === canonicalize(JSON.parse(JSON.stringify(facts)))
  )
    return { versionId: latest.id, kind, force: reference, result: 'unchanged' }
  return undefined
}

/**
 * Writes a document's text and facts: its draft (or version in its factual-accuracy check) updated, or
 * a new version after a published one when `changeNote` says what a correction changes.
 */
export async function store(
  context: PublicationContext,
  caller: Caller,
  inspection: InspectionSummary,
  force: { id: number; code: string; name: string } | null,
  kind: PublicationKind,
  text: DocumentText,
  facts: DocumentFacts,
  changeNote?: string,
  within?: Transaction,
): Promise<GenerateOutcome> {
  const { markdown, welsh } = text
  const hash = contentHash(markdown)
  const title = titleOf(markdown, `${KIND_LABELS[kind]}${force ? `: ${force.name}` : ''}`)
  const welshColumns = {
    welshTitle: welsh === null ? null : titleOf(welsh, title),
    welshContent: welsh,
    welshContentHash: welsh === null ? null : contentHash(welsh),
  }
  const reference = force ? { id: force.id, code: force.code, name: force.name } : null
  const inTransaction = (work: (tx: Transaction) => Promise<GenerateOutcome>) =>
    within ? work(within) : inScope(context.db, caller.scope, work)
  return inTransaction(async (tx) => {
    let [publication] = await selectPublication(tx, inspection.id, force?.id ?? null, kind)
    if (!publication) {
      ;[publication] = await insertPublication(tx, {
        inspectionId: inspection.id,
        forceId: force?.id ?? null,
        kind,
        createdAt: context.now(),
      })
    }
    if (!publication) throw new Error('insert returned no row')
    const [latest] = await selectLatestVersionRow(tx, publication.id)
    const factsJson = JSON.parse(JSON.stringify(facts)) as Record<string, unknown>
    if (
      latest &&
      (latest.status === 'approved' || latest.status === 'published') &&
      changeNote === undefined
    ) {
      return {
        versionId: latest.id,
        kind,
        force: reference,
        result: 'kept' as const,
        reason: `version ${latest.version} is ${latest.status}: correct it to change it`,
      }
    }
    if (latest && latest.status !== 'published' && latest.status !== 'approved') {
      if (sameText(latest, text) && canonicalize(latest.facts) === canonicalize(factsJson))
        return { versionId: latest.id, kind, force: reference, result: 'unchanged' as const }
      const [updated] = await updateVersion(tx, latest.id, {
        title,
        content: markdown,
        facts: factsJson,
        contentHash: hash,
        ...welshColumns,
      })
      await appendEvent(context, tx, caller, {
        forceId: force?.id ?? null,
        entityType: PUBLICATION_ENTITY,
        entityId: latest.id,
        action: 'regenerate',
        before: { contentHash: latest.contentHash, welshContentHash: latest.welshContentHash },
        after: {
          contentHash: updated?.contentHash,
          welshContentHash: updated?.welshContentHash ?? null,
          version: latest.version,
        },
      })
      return { versionId: latest.id, kind, force: reference, result: 'regenerated' as const }
    }
    const [created] = await insertVersion(tx, {
      publicationId: publication.id,
      forceId: force?.id ?? null,
      version: (latest?.version ?? 0) + 1,
      status: 'draft',
      title,
      content: markdown,
      facts: factsJson,
      contentHash: hash,
      ...welshColumns,
      changeNote: changeNote ?? null,
      createdBy: userIdOf(caller),
      createdByLabel: caller.actor.label,
      createdAt: context.now(),
    })
    if (!created) throw new Error('insert returned no row')
    await appendEvent(context, tx, caller, {
      forceId: force?.id ?? null,
      entityType: PUBLICATION_ENTITY,
      entityId: created.id,
      action: changeNote === undefined ? 'generate' : 'correct',
      after: {
        kind,
        version: created.version,
        title,
        contentHash: hash,
        welshContentHash: created.welshContentHash,
        changeNote: created.changeNote,
      },
    })
    return { versionId: created.id, kind, force: reference, result: 'created' as const }
  })
}

/** Whether a version already holds this text, in each of its languages. */
function sameText(row: VersionRow, text: DocumentText): boolean {
  return (
    row.contentHash === contentHash(text.markdown) &&
    row.welshContentHash === (text.welsh === null ? null : contentHash(text.welsh))
  )
}
