import canonicalizeModule from 'canonicalize'
import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { DEFAULT_SUPPRESSION_THRESHOLD } from '../../domain/suppression.js'
import type { Language } from '../../web/i18n/catalogue.js'
import { type AuditRecord, appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { recordNotificationEvent } from '../notifications/events.js'
import type { FactsSources, ForceFacts, InspectionSummary, NationalFacts } from './facts.js'
import {
  contentHash,
  type DocumentFacts,
  defaultTemplate,
  KIND_LABELS,
  renderMarkdown,
  renderWelshMarkdown,
  TemplateError,
  titleOf,
} from './render.js'
import {
  factualAccuracyComments,
  openDataSettings,
  PUBLICATION_KINDS,
  type PublicationKind,
  type PublicationStatus,
  publications,
  publicationTemplates,
  publicationVersions,
} from './schema.js'

/** A document's Markdown in English and, for a Welsh force's press release, in Welsh too. */
export interface DocumentText {
  markdown: string
  welsh: string | null
}

/**
 * The version as read in a language: its Welsh title, Markdown and hash where it has them and Welsh
 * is asked for, else as it is (in English).
 */
export function inLanguage(version: VersionView, language: Language): VersionView {
  if (language !== 'cy' || version.welshContent === null || version.welshTitle === null) return version
  return {
    ...version,
    language: 'cy',
    title: version.welshTitle,
    content: version.welshContent,
    contentHash: version.welshContentHash ?? contentHash(version.welshContent),
  }
}

/** The languages a version is published in: English, and Welsh for a Welsh force's press release. */
export function languagesOf(version: VersionView): Language[] {
  return version.welshContent === null ? ['en'] : ['en', 'cy']
}

// The package is CommonJS whose types declare an ES default export; at run time the import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined

/** Who generates documents and takes them through the workflow; who edits templates and settings. */
export const PUBLISHERS: Role[] = ['inspector']
export const TEMPLATE_EDITORS: Role[] = ['inspectorate-admin']
/** Who checks a force's documents for factual accuracy: the force's caseworkers and admins. */
export const CHECKERS: Role[] = ['force-caseworker']

export const PUBLICATION_ENTITY = 'publication-version'
export const COMMENT_ENTITY = 'factual-accuracy-comment'
export const TEMPLATE_ENTITY = 'publication-template'

export const STATUS_LABELS: Record<PublicationStatus, string> = {
  draft: 'Draft',
  'factual-accuracy': 'Factual-accuracy check',
  approved: 'Approved',
  published: 'Published',
}

type VersionRow = typeof publicationVersions.$inferSelect
type PublicationRow = typeof publications.$inferSelect
export type CommentRow = typeof factualAccuracyComments.$inferSelect

export interface VersionView extends Omit<VersionRow, 'facts'> {
  facts: DocumentFacts
  /**
   * The language of `title`, `content` and `contentHash`: English, or Welsh for a Welsh force's press
   * release read in Welsh (`inLanguage`).
   */
  language: Language
  kind: PublicationKind
  kindLabel: string
  statusLabel: string
  inspectionId: string
  force: ForceReference | null
  /** Published and past its embargo on the service's clock: what the public may read. */
  isPublic: boolean
  /** Published, but its embargo has not ended yet. */
  embargoed: boolean
}

export interface DocumentView {
  id: string
  inspectionId: string
  kind: PublicationKind
  kindLabel: string
  force: ForceReference | null
  /** The versions the caller may read, newest first. */
  versions: VersionView[]
  latest: VersionView | null
}

export interface VersionDetail {
  version: VersionView
  document: DocumentView
  comments: CommentRow[]
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

const uuid = z.uuid()
const commentSchema = z.object({
  comment: z
    .string('Enter your comment')
    .trim()
    .min(1, 'Enter your comment')
    .max(5000, 'Comment must be 5,000 characters or fewer'),
})
const responseSchema = z.object({
  response: z.enum(['accepted', 'rejected'], 'Select whether the comment is accepted or rejected'),
  reason: z
    .string('Give the reason')
    .trim()
    .min(1, 'Give the reason for accepting or rejecting the comment')
    .max(5000, 'Reason must be 5,000 characters or fewer'),
})
const correctionSchema = z.object({
  changeNote: z
    .string('Say what the correction changes')
    .trim()
    .min(1, 'Say what the correction changes: it is published with the new version')
    .max(2000, 'The change note must be 2,000 characters or fewer'),
})
const suppressionSchema = z
  .object({
    suppressUpTo: z
      .string()
      .trim()
      .max(3)
      .transform((value, context) => {
        const number = Number(value)
        if (value === '' || !Number.isInteger(number) || number < 0 || number > 10) {
          context.addIssue({
            code: 'custom',
            message: 'Enter a whole number from 0 to 10 (0: suppress nothing)',
          })
          return z.NEVER
        }
        return number
      }),
    reason: z.string().trim().max(2000, 'The reason must be 2,000 characters or fewer'),
  })
  .superRefine((settings, context) => {
    if (settings.suppressUpTo < DEFAULT_SUPPRESSION_THRESHOLD && !settings.reason)
      context.addIssue({
        code: 'custom',
        path: ['reason'],
        message: `Say why the open data may show counts below ${DEFAULT_SUPPRESSION_THRESHOLD}: it is kept in the audit trail`,
      })
  })

/** Made once: a format costs more to make than to use, and the demo's clock reads one each time it is read. */
const LONDON_MINUTE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour12: false,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
})

/** A date and time in England and Wales ("2012-12-11" and "00:01") as an instant. */
export function londonInstant(day: string, time: string): Date | undefined {
  const dayMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim())
  const timeMatch = /^(\d{1,2}):(\d{2})$/.exec(time.trim())
  if (!dayMatch || !timeMatch) return undefined
  const [year, month, date] = dayMatch.slice(1).map(Number) as [number, number, number]
  const [hour, minute] = timeMatch.slice(1).map(Number) as [number, number]
  if (hour > 23 || minute > 59 || month < 1 || month > 12 || date < 1) return undefined
  if (date > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined
  const guess = Date.UTC(year, month - 1, date, hour, minute)
  // London's offset at that moment (GMT or BST), read back through Intl.
  const parts = LONDON_MINUTE.formatToParts(new Date(guess))
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'))
  return new Date(guess - (shown - guess))
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

/**
 * The inspectorate's publications: generated from the facts of `factsFor`, checked by the force for
 * factual accuracy, approved, published (at once or when an embargo ends) and never changed after; a
 * correction is a new version. The public reads only published versions whose embargo has ended.
 */
export class PublicationService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly sources: FactsSources,
    private readonly now: () => Date,
  ) {}

  // -------------------------------------------------------------------------------------------------
  // Facts

  /** The facts of a force's press release (the fixtures' shape): what every document of it states. */
  async factsFor(caller: Caller, inspectionId: string, forceCode: string) {
    return (await this.forceFacts(caller, inspectionId, forceCode)).pressRelease
  }

  /** Everything a force's documents state, built from the records of the services that own them. */
  async forceFacts(caller: Caller, inspectionId: string, forceCode: string): Promise<ForceFacts> {
    requireRole(caller, ...PUBLISHERS)
    return this.sources.forceFacts(caller, inspectionId, forceCode)
  }

  async nationalFacts(
    caller: Caller,
    inspectionId: string,
    onForce?: (code: string) => void,
  ): Promise<NationalFacts> {
    requireRole(caller, ...PUBLISHERS)
    const inspection = await this.sources.inspection(caller, inspectionId)
    const forces = await this.sources.allForceFacts(caller, inspection.id)
    for (const force of forces) onForce?.(force.force.code)
    return this.national(caller, inspection, forces)
  }

  /** The national review's facts: the forces' facts with the desk research and the surveys' headlines. */
  private async national(
    caller: Caller,
    inspection: InspectionSummary,
    forces: ForceFacts[],
  ): Promise<NationalFacts> {
    const research = await this.sources.research(caller, inspection)
    const surveys = await this.sources.surveyHeadlines(caller, inspection)
    return { inspection, forces, research, surveys }
  }

  async inspection(caller: Caller, inspectionId: string): Promise<InspectionSummary> {
    return this.sources.inspection(caller, inspectionId)
  }

  async forcesInScope(caller: Caller, inspectionId: string) {
    return this.sources.forcesInScope(caller, inspectionId)
  }

  // -------------------------------------------------------------------------------------------------
  // Templates

  /** The template source in use for a kind: the admin's edit, or the default we ship. */
  async template(
    kind: PublicationKind,
  ): Promise<{ source: string; edited: boolean; updatedByLabel?: string; updatedAt?: Date }> {
    const [row] = await inScope(this.db, { kind: 'public' }, (tx) =>
      tx.select().from(publicationTemplates).where(eq(publicationTemplates.kind, kind)),
    )
    if (!row) return { source: defaultTemplate(kind), edited: false }
    return { source: row.source, edited: true, updatedByLabel: row.updatedByLabel, updatedAt: row.updatedAt }
  }

  /** Renders a template source for some facts, as a preview: a TemplateError says what is wrong. */
  preview(kind: PublicationKind, source: string, facts: DocumentFacts): string {
    if (!source.trim()) throw new TemplateError('the template is empty')
    return renderMarkdown(kind, source, facts)
  }

  /** Sample facts to check and preview a template with: the inspection's first force, or the national ones. */
  async previewFacts(caller: Caller, kind: PublicationKind, inspectionId: string, forceCode?: string) {
    requireRole(caller, ...PUBLISHERS)
    if (kind === 'national-review') return this.nationalFacts(caller, inspectionId)
    const code = forceCode ?? (await this.sources.forcesInScope(caller, inspectionId))[0]?.code
    if (!code) throw new NotFoundError('The inspection has no forces in scope')
    return this.sources.forceFacts(caller, inspectionId, code)
  }

  /** Saves an admin's template, after checking it compiles and renders the facts given. */
  async saveTemplate(caller: Caller, kind: PublicationKind, source: string, facts: DocumentFacts | null) {
    requireRole(caller, ...TEMPLATE_EDITORS)
    if (!PUBLICATION_KINDS.includes(kind)) throw new NotFoundError('No such template')
    if (typeof source !== 'string' || !source.trim())
      throw new ValidationError({ source: 'Enter the template' })
    if (source.length > 100_000)
      throw new ValidationError({ source: 'The template must be 100,000 characters or fewer' })
    if (facts) this.preview(kind, source, facts)
    await inScope(this.db, caller.scope, async (tx) => {
      const [before] = await tx.select().from(publicationTemplates).where(eq(publicationTemplates.kind, kind))
      const values = {
        kind,
        source,
        ...this.updatedBy(caller),
      }
      await tx
        .insert(publicationTemplates)
        .values(values)
        .onConflictDoUpdate({ target: publicationTemplates.kind, set: values })
      await this.audit(tx, caller, {
        forceId: null,
        entityType: TEMPLATE_ENTITY,
        entityId: kind,
        action: 'update',
        before: before ? { source: before.source } : { source: 'default' },
        after: { source },
      })
    })
  }

  async resetTemplate(caller: Caller, kind: PublicationKind) {
    requireRole(caller, ...TEMPLATE_EDITORS)
    await inScope(this.db, caller.scope, async (tx) => {
      const deleted = await tx
        .delete(publicationTemplates)
        .where(eq(publicationTemplates.kind, kind))
        .returning()
      if (deleted.length)
        await this.audit(tx, caller, {
          forceId: null,
          entityType: TEMPLATE_ENTITY,
          entityId: kind,
          action: 'reset',
          before: { source: deleted[0]?.source },
        })
    })
  }

  // -------------------------------------------------------------------------------------------------
  // Open data settings

  /** The open data's suppression setting: the default threshold unless a publisher set another, with a reason. */
  async suppression(inspectionId: string): Promise<{ suppressUpTo: number; reason: string | null }> {
    if (!uuid.safeParse(inspectionId).success)
      return { suppressUpTo: DEFAULT_SUPPRESSION_THRESHOLD, reason: null }
    const [row] = await inScope(this.db, { kind: 'public' }, (tx) =>
      tx.select().from(openDataSettings).where(eq(openDataSettings.inspectionId, inspectionId)),
    )
    return { suppressUpTo: row?.suppressUpTo ?? DEFAULT_SUPPRESSION_THRESHOLD, reason: row?.reason ?? null }
  }

  /** Counts from 1 up to this are shown as "*" in the open data (0: nothing withheld). */
  async suppressUpTo(inspectionId: string): Promise<number> {
    return (await this.suppression(inspectionId)).suppressUpTo
  }

  /** Sets the threshold; one below the default needs a reason, and both go into the audit trail. */
  async setSuppression(
    caller: Caller,
    inspectionId: string,
    input: { suppressUpTo?: unknown; reason?: unknown },
  ) {
    requireRole(caller, ...TEMPLATE_EDITORS)
    const inspection = await this.sources.inspection(caller, inspectionId)
    const parsed = suppressionSchema.safeParse({
      suppressUpTo: String(input.suppressUpTo ?? ''),
      reason: typeof input.reason === 'string' ? input.reason : '',
    })
    if (!parsed.success)
      throw new ValidationError(
        Object.fromEntries(
          parsed.error.issues.map((issue) => [String(issue.path[0] ?? 'suppressUpTo'), issue.message]),
        ),
      )
    const { suppressUpTo } = parsed.data
    const reason = suppressUpTo < DEFAULT_SUPPRESSION_THRESHOLD ? parsed.data.reason : null
    const before = await this.suppression(inspection.id)
    await inScope(this.db, caller.scope, async (tx) => {
      const values = {
        inspectionId: inspection.id,
        suppressUpTo,
        reason,
        ...this.updatedBy(caller),
      }
      await tx
        .insert(openDataSettings)
        .values(values)
        .onConflictDoUpdate({ target: openDataSettings.inspectionId, set: values })
      await this.audit(tx, caller, {
        forceId: null,
        entityType: 'open-data-settings',
        entityId: inspection.id,
        action: 'update',
        before,
        after: { suppressUpTo, reason },
      })
    })
    return suppressUpTo
  }

  /** Records an event in the audit trail, as the caller, at the service's time. */
  private async audit(tx: Transaction, caller: Caller, event: AuditRecord): Promise<void> {
    await appendAuditEvent(tx, caller.actor, event, this.now())
  }

  /** Who changed a template or a setting, and when: the columns every such row keeps. */
  private updatedBy(caller: Caller) {
    return { updatedBy: userIdOf(caller), updatedByLabel: caller.actor.label, updatedAt: this.now() }
  }

  // -------------------------------------------------------------------------------------------------
  // Reading

  private isPublic(row: VersionRow): boolean {
    return row.status === 'published' && (!row.embargoUntil || row.embargoUntil <= this.now())
  }

  /** Whether the caller may read a version: the inspectorate all; a force its own once sent to it; anyone a public one. */
  private mayRead(caller: Caller, row: VersionRow): boolean {
    if (this.isPublic(row)) return true
    if (caller.scope.kind === 'inspectorate') return callerHas(caller, PUBLISHERS)
    if (caller.scope.kind === 'force')
      return row.forceId === caller.scope.forceId && row.status !== 'draft' && callerHas(caller, CHECKERS)
    return false
  }

  private async view(rows: { version: VersionRow; publication: PublicationRow }[]): Promise<VersionView[]> {
    const byId = new Map((await this.forces.references()).map((force) => [force.id, force]))
    return rows.map(({ version, publication }) => ({
      ...version,
      facts: version.facts as unknown as DocumentFacts,
      language: 'en' as const,
      kind: publication.kind,
      kindLabel: KIND_LABELS[publication.kind],
      statusLabel:
        version.status === 'published' && !this.isPublic(version)
          ? 'Published under embargo'
          : STATUS_LABELS[version.status],
      inspectionId: publication.inspectionId,
      force: publication.forceId === null ? null : (byId.get(publication.forceId) ?? null),
      isPublic: this.isPublic(version),
      embargoed: version.status === 'published' && !this.isPublic(version),
    }))
  }

  private readScope(caller: Caller) {
    // The public and forces read through row-level security too; a caller without a role reads as the public.
    if (caller.scope.kind === 'inspectorate' && !callerHas(caller, PUBLISHERS))
      return { kind: 'public' } as const
    if (caller.scope.kind === 'force' && !callerHas(caller, CHECKERS)) return { kind: 'public' } as const
    return caller.scope
  }

  /** The documents of an inspection (or of all), each with the versions the caller may read. */
  async documents(
    caller: Caller,
    filter: { inspectionId?: string; forceCode?: string } = {},
  ): Promise<DocumentView[]> {
    if (filter.inspectionId && !uuid.safeParse(filter.inspectionId).success)
      throw new NotFoundError('No such inspection')
    const force = filter.forceCode
      ? (await this.forces.references()).find((f) => f.code === filter.forceCode)
      : undefined
    if (filter.forceCode && !force) throw new NotFoundError('No such force')
    const rows = await inScope(this.db, this.readScope(caller), (tx) =>
      selectVersions(tx)
        .where(
          and(
            filter.inspectionId ? eq(publications.inspectionId, filter.inspectionId) : undefined,
            force ? eq(publications.forceId, force.id) : undefined,
          ),
        )
        .orderBy(asc(publications.kind), desc(publicationVersions.version)),
    )
    const visible = await this.view(rows.filter((row) => this.mayRead(caller, row.version)))
    const documents = new Map<string, DocumentView>()
    for (const version of visible) {
      const existing = documents.get(version.publicationId)
      if (existing) existing.versions.push(version)
      else
        documents.set(version.publicationId, {
          id: version.publicationId,
          inspectionId: version.inspectionId,
          kind: version.kind,
          kindLabel: version.kindLabel,
          force: version.force,
          versions: [version],
          latest: version,
        })
    }
    return [...documents.values()].sort(
      (a, b) =>
        (a.force?.name ?? '').localeCompare(b.force?.name ?? '') ||
        PUBLICATION_KINDS.indexOf(a.kind) - PUBLICATION_KINDS.indexOf(b.kind),
    )
  }

  /** One version with its document's other versions and the factual-accuracy comments; 404 when not the caller's to read. */
  async version(caller: Caller, versionId: string): Promise<VersionDetail> {
    if (!uuid.safeParse(versionId).success) throw new NotFoundError('No such document')
    const scope = this.readScope(caller)
    const found = await inScope(this.db, scope, async (tx) => {
      const [row] = await selectVersions(tx).where(eq(publicationVersions.id, versionId))
      if (!row || !this.mayRead(caller, row.version)) return null
      const all = await selectVersions(tx)
        .where(eq(publicationVersions.publicationId, row.publication.id))
        .orderBy(desc(publicationVersions.version))
      const comments =
        scope.kind === 'public'
          ? []
          : await tx
              .select()
              .from(factualAccuracyComments)
              .where(eq(factualAccuracyComments.versionId, versionId))
              .orderBy(asc(factualAccuracyComments.createdAt))
      return { row, all: all.filter((entry) => this.mayRead(caller, entry.version)), comments }
    })
    if (!found) throw new NotFoundError('No such document')
    const [version] = await this.view([found.row])
    const versions = await this.view(found.all)
    const scopeForce = caller.scope.kind === 'force' ? caller.scope.forceId : null
    const comments =
      scopeForce === null ? found.comments : found.comments.filter((c) => c.forceId === scopeForce)
    return {
      version: version as VersionView,
      document: {
        id: found.row.publication.id,
        inspectionId: found.row.publication.inspectionId,
        kind: found.row.publication.kind,
        kindLabel: KIND_LABELS[found.row.publication.kind],
        force: (version as VersionView).force,
        versions,
        latest: versions[0] ?? null,
      },
      comments,
    }
  }

  /** A version the public may read (published, embargo over), or NotFoundError. */
  async publicVersion(versionId: string): Promise<VersionDetail> {
    return this.version(PUBLIC_CALLER, versionId)
  }

  // -------------------------------------------------------------------------------------------------
  // Generating

  private async templateSources(): Promise<Record<PublicationKind, string>> {
    const sources = {} as Record<PublicationKind, string>
    for (const kind of PUBLICATION_KINDS) sources[kind] = (await this.template(kind)).source
    return sources
  }

  /**
   * Generates drafts: for one force or every force in scope, its press release and force report, and
   * (for every force, or when asked) the national review. A document whose latest version is a draft or
   * in its factual-accuracy check is regenerated; an approved or published one is kept as it is.
   */
  async generate(
    caller: Caller,
    inspectionId: string,
    options: { forceCode?: string; kinds?: PublicationKind[]; onProgress?: GenerateProgress } = {},
  ): Promise<GenerateOutcome[]> {
    requireRole(caller, ...PUBLISHERS)
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const inspection = await this.sources.inspection(caller, inspectionId)
    const kinds =
      options.kinds ?? (options.forceCode ? ['press-release', 'force-report'] : [...PUBLICATION_KINDS])
    const forceKinds = kinds.filter(
      (kind): kind is Exclude<PublicationKind, 'national-review'> => kind !== 'national-review',
    )
    const inScopeForces = await this.sources.forcesInScope(caller, inspection.id)
    const forces = options.forceCode
      ? inScopeForces.filter((force) => force.code === options.forceCode)
      : inScopeForces
    if (options.forceCode && !forces.length) throw new NotFoundError('That force is not in this inspection')
    const templates = await this.templateSources()
    const national = kinds.includes('national-review')
    const total = (forceKinds.length ? forces.length : 0) + (national ? 1 : 0)
    let done = 0
    const outcomes: GenerateOutcome[] = []
    let allFacts: ForceFacts[] = []
    if (forceKinds.length || national) {
      // Every force's facts read together (one query per source for the whole inspection), unless one
      // force's documents alone are asked for.
      allFacts =
        national || !options.forceCode
          ? await this.sources.allForceFacts(caller, inspection.id)
          : [await this.sources.forceFacts(caller, inspection.id, options.forceCode)]
      const factsOf = new Map(allFacts.map((facts) => [facts.force.code, facts]))
      // What each document's latest version is, read once: one that would not change is not written.
      const latest = await this.latestVersions(caller, inspection.id)
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
        const text = {
          markdown: renderMarkdown(kind, templates[kind], facts),
          welsh: renderWelshMarkdown(kind, facts),
        }
        const standing = this.standing(latest.get(`${force?.id ?? ''}:${kind}`), force, kind, text, facts)
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
      if (national) {
        add(null, 'national-review', await this.national(caller, inspection, allFacts))
        done += 1
        options.onProgress?.(done, total, KIND_LABELS['national-review'])
      }
      if (writes.length)
        await inScope(this.db, caller.scope, async (tx) => {
          for (const { index, force, kind, text, facts } of writes)
            outcomes[index] = await this.store(caller, inspection, force, kind, text, facts, undefined, tx)
        })
    }
    return outcomes
  }

  /** The latest version of each document of an inspection, by `forceId:kind` (`:kind` for the national one). */
  private async latestVersions(caller: Caller, inspectionId: string): Promise<Map<string, VersionRow>> {
    const rows = await inScope(this.db, caller.scope, (tx) =>
      selectVersions(tx)
        .where(eq(publications.inspectionId, inspectionId))
        .orderBy(desc(publicationVersions.version)),
    )
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
  private standing(
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

  /** Regenerates one version from the records as they stand (draft or in its factual-accuracy check only). */
  async regenerate(caller: Caller, versionId: string): Promise<GenerateOutcome> {
    const { version } = await this.version(caller, versionId)
    requireRole(caller, ...PUBLISHERS)
    this.refuseUnlessLatest(version, await this.latestNumber(caller, version.publicationId))
    this.refusePublished(version)
    if (version.status === 'approved')
      throw new ValidationError({
        version: 'This version is approved: publish it, or correct it after publishing',
      })
    const [outcome] = await this.generate(caller, version.inspectionId, {
      ...(version.force ? { forceCode: version.force.code } : {}),
      kinds: [version.kind],
    })
    return outcome as GenerateOutcome
  }

  private async store(
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
      within ? work(within) : inScope(this.db, caller.scope, work)
    return inTransaction(async (tx) => {
      let [publication] = await tx
        .select()
        .from(publications)
        .where(
          and(
            eq(publications.inspectionId, inspection.id),
            force ? eq(publications.forceId, force.id) : isNull(publications.forceId),
            eq(publications.kind, kind),
          ),
        )
      if (!publication) {
        ;[publication] = await tx
          .insert(publications)
          .values({ inspectionId: inspection.id, forceId: force?.id ?? null, kind, createdAt: this.now() })
          .returning()
      }
      if (!publication) throw new Error('insert returned no row')
      const [latest] = await tx
        .select()
        .from(publicationVersions)
        .where(eq(publicationVersions.publicationId, publication.id))
        .orderBy(desc(publicationVersions.version))
        .limit(1)
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
        const [updated] = await tx
          .update(publicationVersions)
          .set({ title, content: markdown, facts: factsJson, contentHash: hash, ...welshColumns })
          .where(eq(publicationVersions.id, latest.id))
          .returning()
        await this.audit(tx, caller, {
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
      const [created] = await tx
        .insert(publicationVersions)
        .values({
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
          createdAt: this.now(),
        })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await this.audit(tx, caller, {
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

  // -------------------------------------------------------------------------------------------------
  // Workflow

  private refusePublished(version: VersionView | VersionRow) {
    if (version.status === 'published')
      throw new ValidationError({
        version: `Version ${version.version} is published and cannot be changed: make a correction, which becomes version ${version.version + 1}`,
      })
  }

  private refuseUnlessLatest(version: VersionView, latest: number) {
    if (version.version !== latest)
      throw new ValidationError({
        version: `Version ${version.version} has been replaced by version ${latest}`,
      })
  }

  private async latestNumber(caller: Caller, publicationId: string): Promise<number> {
    const [row] = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select({ version: publicationVersions.version })
        .from(publicationVersions)
        .where(eq(publicationVersions.publicationId, publicationId))
        .orderBy(desc(publicationVersions.version))
        .limit(1),
    )
    return row?.version ?? 0
  }

  /** Moves a version on, in the inspectorate's scope, with the row locked and audited. */
  private async transition(
    caller: Caller,
    versionId: string,
    action: string,
    change: (tx: Transaction, row: VersionRow) => Promise<Partial<VersionRow>>,
  ): Promise<VersionView> {
    requireRole(caller, ...PUBLISHERS)
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (!uuid.safeParse(versionId).success) throw new NotFoundError('No such document')
    await inScope(this.db, caller.scope, async (tx) => {
      const [row] = await tx
        .select()
        .from(publicationVersions)
        .where(eq(publicationVersions.id, versionId))
        .for('update')
      if (!row) throw new NotFoundError('No such document')
      this.refusePublished(row)
      const set = await change(tx, row)
      const [after] = await tx
        .update(publicationVersions)
        .set(set)
        .where(eq(publicationVersions.id, row.id))
        .returning()
      await this.audit(tx, caller, {
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
    return (await this.version(caller, versionId)).version
  }

  /** Sends a force's draft to the force for its factual-accuracy check. */
  async sendForCheck(caller: Caller, versionId: string): Promise<VersionView> {
    return this.transition(caller, versionId, 'send-for-check', async (_tx, row) => {
      if (row.forceId === null)
        throw new ValidationError({
          version: 'The national review has no force to check it: approve it when it is ready',
        })
      if (row.status !== 'draft')
        throw new ValidationError({ version: 'Only a draft can be sent for a factual-accuracy check' })
      return { status: 'factual-accuracy' }
    })
  }

  /** The force's comment on a version in its factual-accuracy check. */
  async comment(caller: Caller, versionId: string, input: { comment?: unknown }): Promise<CommentRow> {
    requireRole(caller, ...CHECKERS)
    if (caller.scope.kind !== 'force')
      throw new ForbiddenError('Only the force checks its documents for factual accuracy')
    const { version } = await this.version(caller, versionId)
    if (version.forceId !== caller.scope.forceId) throw new NotFoundError('No such document')
    if (version.status !== 'factual-accuracy')
      throw new ValidationError({ comment: 'This version is not open for factual-accuracy comments' })
    const parsed = commentSchema.safeParse(input)
    if (!parsed.success)
      throw new ValidationError({ comment: parsed.error.issues[0]?.message ?? 'Enter your comment' })
    const forceId = caller.scope.forceId
    return inScope(this.db, caller.scope, async (tx) => {
      const [created] = await tx
        .insert(factualAccuracyComments)
        .values({
          versionId,
          forceId,
          comment: parsed.data.comment,
          authorId: userIdOf(caller),
          authorLabel: caller.actor.label,
          createdAt: this.now(),
        })
        .returning()
      if (!created) throw new Error('insert returned no row')
      await this.audit(tx, caller, {
        forceId,
        entityType: COMMENT_ENTITY,
        entityId: created.id,
        action: 'create',
        after: { versionId, comment: created.comment },
      })
      await recordNotificationEvent(
        tx,
        {
          forceId,
          kind: 'draft-comment',
          eventKey: created.id,
          audience: 'inspectors',
          path: `/publications/${versionId}`,
          details: { title: version.title, forceName: version.force?.name ?? 'A force' },
        },
        created.createdAt,
      )
      return created
    })
  }

  /** The inspectorate accepts or rejects a comment, with its reason. */
  async respond(
    caller: Caller,
    commentId: string,
    input: { response?: unknown; reason?: unknown },
  ): Promise<CommentRow> {
    requireRole(caller, ...PUBLISHERS)
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (!uuid.safeParse(commentId).success) throw new NotFoundError('No such comment')
    const parsed = responseSchema.safeParse(input)
    if (!parsed.success) {
      const errors: Record<string, string> = {}
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message
      throw new ValidationError(errors)
    }
    return inScope(this.db, caller.scope, async (tx) => {
      const [comment] = await tx
        .select()
        .from(factualAccuracyComments)
        .where(eq(factualAccuracyComments.id, commentId))
      if (!comment) throw new NotFoundError('No such comment')
      const [version] = await tx
        .select()
        .from(publicationVersions)
        .where(eq(publicationVersions.id, comment.versionId))
      if (!version) throw new NotFoundError('No such comment')
      this.refusePublished(version)
      if (version.status !== 'factual-accuracy')
        throw new ValidationError({ response: 'The factual-accuracy check of this version is over' })
      const [after] = await tx
        .update(factualAccuracyComments)
        .set({
          response: parsed.data.response,
          responseReason: parsed.data.reason,
          respondedBy: userIdOf(caller),
          respondedByLabel: caller.actor.label,
          respondedAt: this.now(),
        })
        .where(eq(factualAccuracyComments.id, commentId))
        .returning()
      await this.audit(tx, caller, {
        forceId: comment.forceId,
        entityType: COMMENT_ENTITY,
        entityId: comment.id,
        action: parsed.data.response === 'accepted' ? 'accept' : 'reject',
        before: { response: comment.response, responseReason: comment.responseReason },
        after: { response: after?.response, responseReason: after?.responseReason },
      })
      return after as CommentRow
    })
  }

  /**
   * Refuses to approve or publish a force's document while its data return's records have changed since
   * it was computed and no one has acknowledged those changes (read before the version's transaction).
   */
  private async refuseStaleReturn(caller: Caller, versionId: string): Promise<void> {
    if (!this.sources.staleReturn) return
    const { version } = await this.version(caller, versionId)
    const facts = version.facts as ForceFacts | null
    if (!version.force || !facts || !('inspection' in facts)) return
    const reason = await this.sources.staleReturn(caller, facts.inspection.id, version.force.code)
    if (reason) throw new ValidationError({ version: `This cannot be approved or published yet: ${reason}.` })
  }

  /** Approves a version: a force's after its factual-accuracy check with every comment answered. */
  async approve(caller: Caller, versionId: string): Promise<VersionView> {
    await this.refuseStaleReturn(caller, versionId)
    return this.transition(caller, versionId, 'approve', async (tx, row) => {
      if (row.forceId !== null && row.status !== 'factual-accuracy')
        throw new ValidationError({
          version: 'Send the document to the force for its factual-accuracy check first',
        })
      if (row.forceId === null && row.status !== 'draft')
        throw new ValidationError({ version: 'Only a draft can be approved' })
      const open = await tx
        .select({ id: factualAccuracyComments.id })
        .from(factualAccuracyComments)
        .where(and(eq(factualAccuracyComments.versionId, row.id), isNull(factualAccuracyComments.response)))
      if (open.length)
        throw new ValidationError({
          version: `${open.length === 1 ? 'One comment is' : `${open.length} comments are`} still to be answered: accept or reject each with a reason before approving`,
        })
      const unnamed = unconfirmedInspector(row)
      if (unnamed) throw new ValidationError({ version: unnamed })
      return { status: 'approved', approvedBy: userIdOf(caller), approvedAt: this.now() }
    })
  }

  /**
   * Publishes an approved version, now or under an embargo: it is stored as published at once (and can
   * no longer change), but the public sees it only once the embargo time has passed on the service's clock.
   */
  async publish(
    caller: Caller,
    versionId: string,
    options: { embargoUntil?: Date | null } = {},
  ): Promise<VersionView> {
    const embargoUntil = options.embargoUntil ?? null
    if (embargoUntil && Number.isNaN(embargoUntil.getTime()))
      throw new ValidationError({ embargoDay: 'Enter a real date and time for the embargo' })
    if (embargoUntil && embargoUntil <= this.now())
      throw new ValidationError({
        embargoDay: 'The embargo must end in the future; leave it blank to publish now',
      })
    await this.refuseStaleReturn(caller, versionId)
    return this.transition(caller, versionId, 'publish', async (tx, row) => {
      if (row.status !== 'approved')
        throw new ValidationError({ version: 'Only an approved version can be published' })
      const [newer] = await tx
        .select({ id: publicationVersions.id })
        .from(publicationVersions)
        .where(
          and(
            eq(publicationVersions.publicationId, row.publicationId),
            eq(publicationVersions.version, row.version + 1),
          ),
        )
      if (newer) throw new ValidationError({ version: 'A newer version exists' })
      return { status: 'published', publishedAt: this.now(), embargoUntil }
    })
  }

  /**
   * Corrects a published version: a new version, regenerated from the records as they stand, goes
   * through the workflow again with the change noted; the published one stays as it was, and both are listed.
   */
  async correct(
    caller: Caller,
    versionId: string,
    input: { changeNote?: unknown },
  ): Promise<GenerateOutcome> {
    requireRole(caller, ...PUBLISHERS)
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const { version } = await this.version(caller, versionId)
    const parsed = correctionSchema.safeParse(input)
    if (!parsed.success)
      throw new ValidationError({ changeNote: parsed.error.issues[0]?.message ?? 'Say what changed' })
    if (version.status !== 'published')
      throw new ValidationError({
        version: 'Only a published version is corrected; change a draft by regenerating it',
      })
    this.refuseUnlessLatest(version, await this.latestNumber(caller, version.publicationId))
    const inspection = await this.sources.inspection(caller, version.inspectionId)
    const templates = await this.templateSources()
    let facts: DocumentFacts
    if (version.kind === 'national-review') facts = await this.nationalFacts(caller, inspection.id)
    else facts = await this.sources.forceFacts(caller, inspection.id, (version.force as ForceReference).code)
    const text = {
      markdown: renderMarkdown(version.kind, templates[version.kind], facts),
      welsh: renderWelshMarkdown(version.kind, facts),
    }
    return this.store(caller, inspection, version.force, version.kind, text, facts, parsed.data.changeNote)
  }

  /** The service's refusal to change a published version's content, in the same words as the workflow's. */
  async edit(caller: Caller, versionId: string, _input: { content?: unknown }): Promise<never> {
    const { version } = await this.version(caller, versionId)
    requireRole(caller, ...PUBLISHERS)
    this.refusePublished(version)
    throw new ValidationError({
      content: 'A document is written from its template and the records: regenerate it after changing either',
    })
  }

  /** Versions of documents the public may read for an inspection (latest public version of each). */
  async published(inspectionId?: string): Promise<DocumentView[]> {
    const documents = await this.documents(PUBLIC_CALLER, inspectionId ? { inspectionId } : {})
    return documents.filter((document) => document.latest?.isPublic)
  }

  /** Loads versions by id for a force's open data, publicly visible only. */
  async publicVersions(ids: string[]): Promise<VersionView[]> {
    if (!ids.length) return []
    const rows = await inScope(this.db, { kind: 'public' }, (tx) =>
      selectVersions(tx).where(inArray(publicationVersions.id, ids)),
    )
    return this.view(rows.filter((row) => this.isPublic(row.version)))
  }
}

/** Whether a version already holds this text, in each of its languages. */
function sameText(row: VersionRow, text: DocumentText): boolean {
  return (
    row.contentHash === contentHash(text.markdown) &&
    row.welshContentHash === (text.welsh === null ? null : contentHash(text.welsh))
  )
}

/** Versions of documents, each beside its document, for a `.where` to choose from. */
function selectVersions(tx: Transaction) {
  return tx
    .select({ version: publicationVersions, publication: publications })
    .from(publicationVersions)
    .innerJoin(publications, eq(publications.id, publicationVersions.publicationId))
}

/** Someone on the public site: no sign-in, reads only what is published and past its embargo. */
export const PUBLIC_CALLER: Caller = {
  principal: null,
  actor: { type: 'anonymous', id: null, label: 'anonymous', ipAddress: null },
  scope: { kind: 'public' },
}
