import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, max, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { isUniqueViolation } from '../../db/errors.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { POLICY_AREAS } from '../../domain/inspections.js'
import type { Role } from '../../domain/roles.js'
import { orderedFieldErrors, parseOrThrow } from '../../domain/validation.js'
import { type AuditEvent, type AuditService, appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { RosterService, StaffMember } from '../roster/service.js'
import {
  DOCUMENT_TYPES,
  MAX_DOCUMENT_BYTES,
  newPolicySchema,
  newVersionSchema,
  PUBLISH_FIELDS,
  publishSchema,
  questionSchema,
  VERSION_FIELDS,
} from './fields.js'
import {
  addDays,
  inAudience,
  otherAreaCode,
  POLICY_AREA_CODES,
  rateOf,
  type TrendPoint,
  trendOf,
} from './rules.js'
import {
  type ComprehensionQuestion,
  type PolicyAudience,
  policies,
  policyAcknowledgementRequests,
  policyVersions,
} from './schema.js'

/** The force dashboard's policy awareness figures. */
export interface DashboardAwareness {
  /** Current versions: each policy's latest published on or before today. */
  currentVersions: number
  applicable: number
  acknowledged: number
  /** acknowledged / applicable; null when nobody was asked. */
  rate: number | null
  /** Acknowledgements past their deadline, of any version: what the reminders list. */
  overdueAcknowledgements: number
  /** The people those belong to. */
  overdueStaff: number
}

/** Who manages the force's policies and publishes versions. */
export const POLICY_MANAGERS: Role[] = ['force-admin']
/** Who reads the library and the awareness dashboard: the force's caseworkers and the inspectorate. */
export const POLICY_READERS: Role[] = ['force-caseworker', 'inspector']
/** Who reads the overdue lists to remind staff: the force's caseworkers and administrators. */
export const REMINDER_READERS: Role[] = ['force-caseworker']

export const POLICY_ENTITY = 'policy'
export const POLICY_VERSION_ENTITY = 'policy-version'
const AWARENESS_ENTITY = 'policy-awareness'
/** How long someone added to an audience after its deadline has passed gets to acknowledge. */
const LATE_JOINER_DAYS = 28

type PolicyRow = typeof policies.$inferSelect
type VersionRow = typeof policyVersions.$inferSelect
type RequestRow = typeof policyAcknowledgementRequests.$inferSelect

/** A version without its document's bytes: what lists and pages read. */
export type VersionSummary = Omit<VersionRow, 'document'>

const versionColumns = {
  id: policyVersions.id,
  forceId: policyVersions.forceId,
  policyId: policyVersions.policyId,
  number: policyVersions.number,
  title: policyVersions.title,
  body: policyVersions.body,
  documentName: policyVersions.documentName,
  documentType: policyVersions.documentType,
  documentSize: policyVersions.documentSize,
  effectiveDate: policyVersions.effectiveDate,
  reviewDate: policyVersions.reviewDate,
  owner: policyVersions.owner,
  nationalGuidance: policyVersions.nationalGuidance,
  guidanceName: policyVersions.guidanceName,
  questions: policyVersions.questions,
  status: policyVersions.status,
  audience: policyVersions.audience,
  deadline: policyVersions.deadline,
  restricted: policyVersions.restricted,
  publishedOn: policyVersions.publishedOn,
  publishedAt: policyVersions.publishedAt,
  publishedBy: policyVersions.publishedBy,
  createdAt: policyVersions.createdAt,
  updatedAt: policyVersions.updatedAt,
}

export interface PolicyWithVersions {
  policy: PolicyRow
  versions: VersionSummary[]
}

export interface LibraryArea {
  area: string
  areaName: string
  policy: PolicyRow | null
  latestPublished: VersionSummary | null
  versions: VersionSummary[]
}

export interface VersionFigures {
  versionId: string
  policyId: string
  area: string
  areaName: string
  policyTitle: string
  number: number
  title: string
  publishedOn: string
  deadline: string
  restricted: boolean
  audience: PolicyAudience | null
  applicable: number
  acknowledged: number
  rate: number | null
  overdue: number
}

export interface VersionAwareness {
  figures: VersionFigures
  overdueByUnit: { unit: string; overdue: number; applicable: number; acknowledged: number }[]
  trend: TrendPoint[]
}

export interface MyPolicy {
  versionId: string
  policyTitle: string
  areaName: string
  number: number
  title: string
  dueOn: string
  acknowledgedAt: Date | null
  state: 'to read' | 'overdue' | 'done'
}

export interface VersionView {
  policy: PolicyRow
  version: VersionSummary
  /** The caller's own request to read it, if they were asked. */
  request: RequestRow | null
  manages: boolean
  readsFigures: boolean
  history: AuditEvent[]
}

export interface OverdueEntry {
  staffMemberId: string
  staffNumber: string
  name: string
  unit: string
  grade: string
  policyTitle: string
  areaName: string
  versionId: string
  number: number
  dueOn: string
  daysOverdue: number
}

export interface AreaAwareness {
  area: string
  areaName: string
  versionId: string | null
  version: number | null
  applicable: number
  acknowledged: number
  rate: number | null
}

export interface UploadedDocument {
  filename: string
  type: string | undefined
  data: Buffer
}

const notFound = () => new NotFoundError('No such policy')
const versionNotFound = () => new NotFoundError('No such policy version')

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/**
 * The force's policy library: a policy per integrity area, its versions (drafts, then published to an
 * audience with a deadline), every member of staff's request to read and acknowledge a version, and the
 * awareness figures the inspection reads.
 */
export class PoliciesService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly roster: RosterService,
    private readonly audit: AuditService,
    private readonly now: () => Date,
  ) {}

  today(): string {
    return londonToday(this.now())
  }

  private scoped<T>(caller: Caller, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, caller.scope, work)
  }

  /** The force a caller reads: their own (naming another is not found), or for the inspectorate the one named. */
  readingForce(caller: Caller, requested?: number): number {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId)
        throw new NotFoundError('No such force')
      return caller.scope.forceId
    }
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (requested === undefined) throw new ValidationError({ force: 'Select a force' })
    return requested
  }

  /** The force a caller changes: only their own; the command line names one. */
  private changingForce(caller: Caller, requested?: number): number {
    if (caller.scope.kind === 'force') {
      if (requested !== undefined && requested !== caller.scope.forceId)
        throw new NotFoundError('No such force')
      return caller.scope.forceId
    }
    if (caller.actor.type === 'system' && requested !== undefined) return requested
    throw new ForbiddenError('Only a force can change its own policies')
  }

  private async force(forceId: number): Promise<ForceReference> {
    const force = (await this.forces.references()).find((candidate) => candidate.id === forceId)
    if (!force) throw new NotFoundError('No such force')
    return force
  }

  /** Whether the caller manages the force's policies (rather than only reading them). */
  manages(caller: Caller): boolean {
    return (
      (caller.scope.kind === 'force' || caller.actor.type === 'system') && callerHas(caller, POLICY_MANAGERS)
    )
  }

  /** Whether the caller reads the force's library and figures. */
  readsFigures(caller: Caller): boolean {
    return callerHas(caller, POLICY_READERS)
  }

  // --- the library --------------------------------------------------------------------------------

  /** Every area (the six national ones, then the force's own) with its policy and versions. */
  async library(caller: Caller, forceId?: number): Promise<LibraryArea[]> {
    requireRole(caller, ...POLICY_READERS)
    const force = this.readingForce(caller, forceId)
    const { rows, versions } = await this.scoped(caller, async (tx) => ({
      rows: await tx
        .select()
        .from(policies)
        .where(eq(policies.forceId, force))
        .orderBy(asc(policies.areaName)),
      versions: await tx
        .select(versionColumns)
        .from(policyVersions)
        .where(eq(policyVersions.forceId, force))
        .orderBy(desc(policyVersions.number)),
    }))
    const areaOf = (code: string, name: string): LibraryArea => {
      const policy = rows.find((row) => row.area === code) ?? null
      const own = policy ? versions.filter((version) => version.policyId === policy.id) : []
      return {
        area: code,
        areaName: policy?.areaName ?? name,
        policy,
        latestPublished: own.find((version) => version.status === 'published') ?? null,
        versions: own,
      }
    }
    return [
      ...POLICY_AREAS.map((area) => areaOf(area.code, area.name)),
      ...rows
        .filter((row) => !POLICY_AREA_CODES.includes(row.area))
        .map((row) => areaOf(row.area, row.areaName)),
    ]
  }

  /** The areas that do not have a policy yet, for the new policy form. */
  async freeAreas(caller: Caller, forceId?: number): Promise<{ code: string; name: string }[]> {
    const library = await this.library(caller, forceId)
    return library.filter((area) => !area.policy).map((area) => ({ code: area.area, name: area.areaName }))
  }

  async createPolicy(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<PolicyRow> {
    requireRole(caller, ...POLICY_MANAGERS)
    const force = this.changingForce(caller, forceId)
    const values = parseOrThrow(newPolicySchema, input)
    let area = values.area
    let areaName: string | undefined = POLICY_AREAS.find((candidate) => candidate.code === area)?.name
    if (area === 'other') {
      if (!values.areaName) throw new ValidationError({ areaName: 'Enter the name of the area' })
      area = otherAreaCode(values.areaName)
      areaName = values.areaName
    }
    if (!areaName) throw new ValidationError({ area: 'Select the integrity area' })
    const now = this.now()
    try {
      return await this.scoped(caller, async (tx) => {
        const [row] = await tx
          .insert(policies)
          .values({ forceId: force, area, areaName, title: values.title, createdAt: now, updatedAt: now })
          .returning()
        if (!row) throw new Error('the policy was not saved')
        await appendAuditEvent(
          tx,
          caller.actor,
          { forceId: force, entityType: POLICY_ENTITY, entityId: row.id, action: 'create', after: row },
          now,
        )
        return row
      })
    } catch (error) {
      if (isUniqueViolation(error))
        throw new ValidationError({ area: 'The force already has a policy for that area' })
      throw error
    }
  }

  private async policyRow(tx: Transaction, caller: Caller, policyId: string): Promise<PolicyRow> {
    if (!z.uuid().safeParse(policyId).success) throw notFound()
    const [row] = await tx.select().from(policies).where(eq(policies.id, policyId))
    if (!row) throw notFound()
    if (caller.scope.kind === 'force' && row.forceId !== caller.scope.forceId) throw notFound()
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw notFound()
    return row
  }

  /** A policy and all its versions, for its page. */
  async findPolicy(caller: Caller, policyId: string): Promise<PolicyWithVersions> {
    requireRole(caller, ...POLICY_READERS)
    return this.scoped(caller, async (tx) => {
      const policy = await this.policyRow(tx, caller, policyId)
      const versions = await tx
        .select(versionColumns)
        .from(policyVersions)
        .where(eq(policyVersions.policyId, policy.id))
        .orderBy(desc(policyVersions.number))
      return { policy, versions }
    })
  }

  /** The policy a version of which is about to be written, checked for the manager's force. */
  async findPolicyToChange(caller: Caller, policyId: string): Promise<PolicyWithVersions> {
    requireRole(caller, ...POLICY_MANAGERS)
    const found = await this.findPolicy(caller, policyId)
    this.changingForce(caller, found.policy.forceId)
    return found
  }

  private checkDocument(document: UploadedDocument | undefined): UploadedDocument | undefined {
    if (!document) return undefined
    const extension = document.filename.split('.').pop()?.toLowerCase() ?? ''
    const type = DOCUMENT_TYPES[extension]
    if (!type)
      throw new ValidationError({
        document: 'The document must be a PDF, Word (.docx), OpenDocument (.odt) or text file',
      })
    if (document.data.length === 0) throw new ValidationError({ document: 'The document is empty' })
    if (document.data.length > MAX_DOCUMENT_BYTES)
      throw new ValidationError({
        document: `The document must be smaller than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB`,
      })
    const filename = document.filename.replace(/[^\w .()-]+/g, '_').slice(-200)
    return { filename, type, data: document.data }
  }

  /** A draft of the next version of a policy: its text and/or a document, dates, owner and guidance. */
  async createVersion(
    caller: Caller,
    policyId: string,
    input: Record<string, unknown>,
    document?: UploadedDocument,
  ): Promise<VersionSummary> {
    requireRole(caller, ...POLICY_MANAGERS)
    // Another force's policy is not found before anything about the input is said.
    await this.findPolicyToChange(caller, policyId)
    const parsed = newVersionSchema.safeParse(input)
    const extra: Record<string, string> = {}
    let file: UploadedDocument | undefined
    try {
      file = this.checkDocument(document)
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      Object.assign(extra, error.fieldErrors)
    }
    if (parsed.success) {
      const values = parsed.data
      if (!values.body && !file && !extra.document) extra.body = 'Enter the policy text or attach a document'
      if (values.nationalGuidance && !values.guidanceName)
        extra.guidanceName = 'Name the national guidance it is in line with'
      if (values.reviewDate && values.reviewDate <= values.effectiveDate)
        extra.reviewDate = 'The review date must be after the effective date'
    }
    if (!parsed.success || Object.keys(extra).length)
      throw new ValidationError(
        orderedFieldErrors(VERSION_FIELDS, parsed.success ? [] : parsed.error.issues, extra),
      )
    const values = parsed.data
    const now = this.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.scoped(caller, async (tx) => {
          const policy = await this.policyRow(tx, caller, policyId)
          this.changingForce(caller, policy.forceId)
          const [last] = await tx
            .select({ number: max(policyVersions.number) })
            .from(policyVersions)
            .where(eq(policyVersions.policyId, policy.id))
          const [row] = await tx
            .insert(policyVersions)
            .values({
              forceId: policy.forceId,
              policyId: policy.id,
              number: (last?.number ?? 0) + 1,
              title: values.title,
              body: values.body,
              document: file?.data ?? null,
              documentName: file?.filename ?? null,
              documentType: file?.type ?? null,
              documentSize: file?.data.length ?? null,
              effectiveDate: values.effectiveDate,
              reviewDate: values.reviewDate,
              owner: values.owner,
              nationalGuidance: values.nationalGuidance,
              guidanceName: values.nationalGuidance ? values.guidanceName : null,
              createdAt: now,
              updatedAt: now,
            })
            .returning(versionColumns)
          if (!row) throw new Error('the version was not saved')
          await appendAuditEvent(
            tx,
            caller.actor,
            {
              forceId: policy.forceId,
              entityType: POLICY_VERSION_ENTITY,
              entityId: row.id,
              action: 'create',
              after: {
                ...row,
                policy: policy.title,
                body: row.body ? `${row.body.length} characters` : null,
              },
            },
            now,
          )
          return row
        })
      } catch (error) {
        // Two drafts made at the same moment took the same number: number this one again.
        if (attempt < 3 && isUniqueViolation(error)) continue
        throw error
      }
    }
  }

  // --- one version --------------------------------------------------------------------------------

  private async versionRow(tx: Transaction, caller: Caller, versionId: string): Promise<VersionSummary> {
    if (!z.uuid().safeParse(versionId).success) throw versionNotFound()
    const [row] = await tx.select(versionColumns).from(policyVersions).where(eq(policyVersions.id, versionId))
    if (!row) throw versionNotFound()
    if (caller.scope.kind === 'force' && row.forceId !== caller.scope.forceId) throw versionNotFound()
    if (caller.scope.kind !== 'force' && caller.scope.kind !== 'inspectorate') throw versionNotFound()
    return row
  }

  private async ownRequest(tx: Transaction, caller: Caller, versionId: string): Promise<RequestRow | null> {
    const staffMemberId = caller.principal?.staffMemberId
    if (!staffMemberId) return null
    const [request] = await tx
      .select()
      .from(policyAcknowledgementRequests)
      .where(
        and(
          eq(policyAcknowledgementRequests.versionId, versionId),
          eq(policyAcknowledgementRequests.staffMemberId, staffMemberId),
        ),
      )
    return request ?? null
  }

  /**
   * Whether the caller may read a version: the force's caseworkers and administrators and the
   * inspectorate always; other staff of the force a published version, and a restricted one only when
   * they were asked to read it. Anyone else is told it does not exist.
   */
  private async readable(
    tx: Transaction,
    caller: Caller,
    versionId: string,
  ): Promise<{ version: VersionSummary; request: RequestRow | null }> {
    requireRole(caller, 'staff', 'inspector')
    const version = await this.versionRow(tx, caller, versionId)
    const request = await this.ownRequest(tx, caller, version.id)
    if (this.readsFigures(caller)) return { version, request }
    if (version.status !== 'published') throw versionNotFound()
    if (version.restricted && !request) throw versionNotFound()
    return { version, request }
  }

  async findVersion(caller: Caller, versionId: string): Promise<VersionView> {
    const found = await this.scoped(caller, async (tx) => {
      const { version, request } = await this.readable(tx, caller, versionId)
      const [policy] = await tx.select().from(policies).where(eq(policies.id, version.policyId))
      if (!policy) throw versionNotFound()
      return { version, request, policy }
    })
    const readsFigures = this.readsFigures(caller)
    return {
      ...found,
      manages: this.manages(caller),
      readsFigures,
      history: readsFigures ? await this.audit.history(caller, POLICY_VERSION_ENTITY, found.version.id) : [],
    }
  }

  /** The version's attached document, for whoever may read the version. */
  async document(caller: Caller, versionId: string): Promise<{ name: string; type: string; data: Buffer }> {
    return this.scoped(caller, async (tx) => {
      const { version } = await this.readable(tx, caller, versionId)
      const [row] = await tx
        .select({ document: policyVersions.document })
        .from(policyVersions)
        .where(eq(policyVersions.id, version.id))
      if (!row?.document || !version.documentName) throw new NotFoundError('This version has no document')
      return {
        name: version.documentName,
        type: version.documentType ?? 'application/octet-stream',
        data: row.document,
      }
    })
  }

  /** One change to a version the caller manages, with its audit event, in one transaction. */
  private async change(
    caller: Caller,
    versionId: string,
    action: string,
    work: (tx: Transaction, version: VersionSummary) => Promise<Record<string, unknown>>,
  ): Promise<VersionSummary> {
    requireRole(caller, ...POLICY_MANAGERS)
    const now = this.now()
    return this.scoped(caller, async (tx) => {
      const version = await this.versionRow(tx, caller, versionId)
      this.changingForce(caller, version.forceId)
      const details = await work(tx, version)
      const [updated] = await tx
        .update(policyVersions)
        .set({ updatedAt: now })
        .where(eq(policyVersions.id, version.id))
        .returning(versionColumns)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: version.forceId,
          entityType: POLICY_VERSION_ENTITY,
          entityId: version.id,
          action,
          after: details,
        },
        now,
      )
      return updated ?? version
    })
  }

  private requireDraft(version: VersionSummary, field: string) {
    if (version.status !== 'draft')
      throw new ValidationError({ [field]: 'This version is published: make a new version to change it' })
  }

  /** Adds a multiple-choice question that staff answer before acknowledging the version (drafts only). */
  async addQuestion(
    caller: Caller,
    versionId: string,
    input: Record<string, unknown>,
  ): Promise<VersionSummary> {
    return this.change(caller, versionId, 'add-question', async (tx, version) => {
      this.requireDraft(version, 'question')
      const values = parseOrThrow(questionSchema, input)
      const options = values.options
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean)
      if (options.length < 2)
        throw new ValidationError({ options: 'Give at least two answers to choose from' })
      if (options.length > 8) throw new ValidationError({ options: 'Give at most eight answers' })
      if (values.answer > options.length)
        throw new ValidationError({ answer: `The right answer must be a number from 1 to ${options.length}` })
      if (version.questions.length >= 5)
        throw new ValidationError({ question: 'A version has at most five questions' })
      const question: ComprehensionQuestion = {
        question: values.question,
        options,
        answer: values.answer - 1,
      }
      await tx
        .update(policyVersions)
        .set({ questions: [...version.questions, question] })
        .where(eq(policyVersions.id, version.id))
      return { question }
    })
  }

  async removeQuestion(caller: Caller, versionId: string, index: number): Promise<VersionSummary> {
    return this.change(caller, versionId, 'remove-question', async (tx, version) => {
      this.requireDraft(version, 'question')
      const removed = version.questions[index]
      if (!removed) throw new ValidationError({ question: 'No such question' })
      await tx
        .update(policyVersions)
        .set({ questions: version.questions.filter((_question, at) => at !== index) })
        .where(eq(policyVersions.id, version.id))
      return { removed: removed.question }
    })
  }

  /** Serving members of the force's roster, as the publishing caller reads it. */
  private async serving(caller: Caller, forceId: number): Promise<StaffMember[]> {
    const force = await this.force(forceId)
    const page = await this.roster.list(
      caller,
      force.code,
      { status: 'current' },
      { sort: 'name', order: 'asc' },
    )
    return page.members.filter((member) => member.force.id === forceId)
  }

  /** The units and grades of the force's roster, to choose an audience from. */
  async audienceChoices(caller: Caller, forceId?: number): Promise<{ units: string[]; grades: string[] }> {
    requireRole(caller, ...POLICY_MANAGERS)
    return this.roster.choices(caller, await this.force(this.changingForce(caller, forceId)))
  }

  /**
   * Publishes a draft: asks every serving member of staff in the audience (everyone, or the units
   * and/or grades chosen) to read and acknowledge it by the deadline. The people asked are written down
   * now, one row each, so the version's figures stay as they were whatever the roster does later.
   * The command line may date the publication (for the demo's history).
   */
  async publish(
    caller: Caller,
    versionId: string,
    input: Record<string, unknown>,
    options: { at?: Date } = {},
  ): Promise<{ version: VersionSummary; asked: number }> {
    requireRole(caller, ...POLICY_MANAGERS)
    const at = caller.actor.type === 'system' && options.at ? options.at : this.now()
    const today = londonToday(at)
    // Another force's version is not found before anything about the input is said.
    const version = await this.scoped(caller, (tx) => this.versionRow(tx, caller, versionId))
    this.changingForce(caller, version.forceId)
    this.requireDraft(version, 'audience')
    const parsed = publishSchema.safeParse(input)
    const extra: Record<string, string> = {}
    if (parsed.success) {
      const values = parsed.data
      if (values.audience === 'chosen' && !values.units.length && !values.grades.length)
        extra.units = 'Select at least one unit or grade, or choose all staff'
      if (values.deadline < today) extra.deadline = 'The deadline must be today or later'
    }
    if (!parsed.success || Object.keys(extra).length)
      throw new ValidationError(
        orderedFieldErrors(PUBLISH_FIELDS, parsed.success ? [] : parsed.error.issues, extra),
      )
    const values = parsed.data
    const audience: PolicyAudience = {
      all: values.audience === 'all',
      units: values.audience === 'all' ? [] : values.units,
      grades: values.audience === 'all' ? [] : values.grades,
    }
    const members = (await this.serving(caller, version.forceId)).filter((member) =>
      inAudience(audience, member),
    )
    if (!members.length)
      throw new ValidationError({ units: 'Nobody serving on the roster is in those units and grades' })
    let asked = 0
    const published = await this.change(caller, versionId, 'publish', async (tx, current) => {
      this.requireDraft(current, 'audience')
      await tx
        .update(policyVersions)
        .set({
          status: 'published',
          audience,
          deadline: values.deadline,
          restricted: values.restricted,
          publishedOn: today,
          publishedAt: at,
          publishedBy: userIdOf(caller),
        })
        .where(eq(policyVersions.id, current.id))
      asked = await this.ask(tx, current.forceId, current.id, members, today, values.deadline)
      return { audience, deadline: values.deadline, restricted: values.restricted, publishedOn: today, asked }
    })
    return { version: published, asked }
  }

  private async ask(
    tx: Transaction,
    forceId: number,
    versionId: string,
    members: StaffMember[],
    requestedOn: string,
    dueOn: string,
  ): Promise<number> {
    let asked = 0
    for (let start = 0; start < members.length; start += 500) {
      const batch = members.slice(start, start + 500)
      const inserted = await tx
        .insert(policyAcknowledgementRequests)
        .values(
          batch.map((member) => ({
            versionId,
            forceId,
            staffMemberId: member.id,
            unit: member.unit,
            grade: member.grade,
            requestedOn,
            dueOn,
          })),
        )
        .onConflictDoNothing()
        .returning({ staffMemberId: policyAcknowledgementRequests.staffMemberId })
      asked += inserted.length
    }
    return asked
  }

  /**
   * Asks the people who now fit a published version's audience and were not asked before (say, joiners
   * of the unit since publication). They get until the deadline, or 28 days when it has passed.
   */
  async refreshAudience(caller: Caller, versionId: string): Promise<{ asked: number }> {
    requireRole(caller, ...POLICY_MANAGERS)
    const version = await this.scoped(caller, (tx) => this.versionRow(tx, caller, versionId))
    this.changingForce(caller, version.forceId)
    if (version.status !== 'published' || !version.audience || !version.deadline)
      throw new ValidationError({ audience: 'Publish the version first' })
    const audience = version.audience
    const members = (await this.serving(caller, version.forceId)).filter((member) =>
      inAudience(audience, member),
    )
    const today = this.today()
    const dueOn = version.deadline >= today ? version.deadline : addDays(today, LATE_JOINER_DAYS)
    let asked = 0
    await this.change(caller, versionId, 'refresh-audience', async (tx) => {
      asked = await this.ask(tx, version.forceId, version.id, members, today, dueOn)
      return { asked, dueOn }
    })
    return { asked }
  }

  // --- acknowledging ------------------------------------------------------------------------------

  /**
   * A member of staff acknowledges a version they were asked to read: every comprehension question
   * answered rightly and "I have read and understood" ticked, or nothing is recorded. The command line
   * may record a paper acknowledgement for someone (`staffMemberId`, `at`).
   */
  async acknowledge(
    caller: Caller,
    versionId: string,
    input: Record<string, unknown>,
    options: { staffMemberId?: string; at?: Date } = {},
  ): Promise<RequestRow> {
    requireRole(caller, 'staff')
    const system = caller.actor.type === 'system'
    const staffMemberId = system ? options.staffMemberId : caller.principal?.staffMemberId
    if (!staffMemberId) throw new ForbiddenError('Your account is not linked to your entry on the roster')
    const at = system && options.at ? options.at : this.now()
    return this.scoped(caller, async (tx) => {
      const version = await this.versionRow(tx, caller, versionId)
      if (version.status !== 'published') throw versionNotFound()
      const [request] = await tx
        .select()
        .from(policyAcknowledgementRequests)
        .where(
          and(
            eq(policyAcknowledgementRequests.versionId, version.id),
            eq(policyAcknowledgementRequests.staffMemberId, staffMemberId),
          ),
        )
      if (!request) {
        if (version.restricted) throw versionNotFound()
        throw new ForbiddenError('You were not asked to acknowledge this version')
      }
      if (request.acknowledgedAt) return request
      const problems: Record<string, string> = {}
      const answers: number[] = []
      version.questions.forEach((question, index) => {
        const given = input[`q${index}`]
        const choice = typeof given === 'string' && /^\d+$/.test(given) ? Number(given) : Number.NaN
        if (!Number.isInteger(choice) || choice < 0 || choice >= question.options.length)
          problems[`q${index}`] = `Answer question ${index + 1}`
        else if (choice !== question.answer)
          problems[`q${index}`] =
            `Question ${index + 1}: that is not the right answer. Read the policy again and choose another`
        answers.push(choice)
      })
      const read = input.read
      if (!(read === 'yes' || read === true || (Array.isArray(read) && read.includes('yes'))))
        problems.read = 'Confirm that you have read and understood the policy'
      if (Object.keys(problems).length) throw new ValidationError(problems)
      const [updated] = await tx
        .update(policyAcknowledgementRequests)
        .set({
          acknowledgedAt: at,
          acknowledgedOn: londonToday(at),
          acknowledgedBy: userIdOf(caller),
          answers,
        })
        .where(
          and(
            eq(policyAcknowledgementRequests.versionId, version.id),
            eq(policyAcknowledgementRequests.staffMemberId, staffMemberId),
            isNull(policyAcknowledgementRequests.acknowledgedAt),
          ),
        )
        .returning()
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: version.forceId,
          entityType: POLICY_VERSION_ENTITY,
          entityId: version.id,
          action: 'acknowledge',
          after: { staffMemberId, version: version.number, acknowledgedAt: at, answers },
        },
        at,
      )
      return updated ?? request
    })
  }

  /** The caller's own policies to read: still to read, overdue, and done. */
  async mine(caller: Caller): Promise<{ linked: boolean; policies: MyPolicy[] }> {
    requireRole(caller, 'staff')
    const staffMemberId = caller.principal?.staffMemberId
    if (!staffMemberId || caller.scope.kind !== 'force') return { linked: false, policies: [] }
    const today = this.today()
    const rows = await this.scoped(caller, (tx) =>
      tx
        .select({
          versionId: policyVersions.id,
          policyTitle: policies.title,
          areaName: policies.areaName,
          number: policyVersions.number,
          title: policyVersions.title,
          dueOn: policyAcknowledgementRequests.dueOn,
          acknowledgedAt: policyAcknowledgementRequests.acknowledgedAt,
        })
        .from(policyAcknowledgementRequests)
        .innerJoin(policyVersions, eq(policyVersions.id, policyAcknowledgementRequests.versionId))
        .innerJoin(policies, eq(policies.id, policyVersions.policyId))
        .where(
          and(
            eq(policyAcknowledgementRequests.staffMemberId, staffMemberId),
            eq(
              policyAcknowledgementRequests.forceId,
              caller.scope.kind === 'force' ? caller.scope.forceId : -1,
            ),
          ),
        )
        .orderBy(asc(policyAcknowledgementRequests.dueOn), asc(policies.areaName)),
    )
    return {
      linked: true,
      policies: rows.map((row) => ({
        ...row,
        state: row.acknowledgedAt ? 'done' : row.dueOn < today ? 'overdue' : 'to read',
      })),
    }
  }

  // --- figures ------------------------------------------------------------------------------------

  private async figuresOf(
    tx: Transaction,
    forceId: number,
    today: string,
    versionIds?: string[],
  ): Promise<VersionFigures[]> {
    const conditions = [eq(policyVersions.forceId, forceId), eq(policyVersions.status, 'published')]
    if (versionIds?.length) conditions.push(inArray(policyVersions.id, versionIds))
    const rows = await tx
      .select({
        versionId: policyVersions.id,
        policyId: policies.id,
        area: policies.area,
        areaName: policies.areaName,
        policyTitle: policies.title,
        number: policyVersions.number,
        title: policyVersions.title,
        publishedOn: policyVersions.publishedOn,
        deadline: policyVersions.deadline,
        restricted: policyVersions.restricted,
        audience: policyVersions.audience,
        applicable: sql<number>`count(${policyAcknowledgementRequests.staffMemberId})::int`,
        acknowledged: sql<number>`count(${policyAcknowledgementRequests.acknowledgedAt})::int`,
        overdue: sql<number>`count(*) filter (where ${policyAcknowledgementRequests.acknowledgedAt} is null and ${policyAcknowledgementRequests.dueOn} < ${today})::int`,
      })
      .from(policyVersions)
      .innerJoin(policies, eq(policies.id, policyVersions.policyId))
      .leftJoin(policyAcknowledgementRequests, eq(policyAcknowledgementRequests.versionId, policyVersions.id))
      .where(and(...conditions))
      .groupBy(policyVersions.id, policies.id)
      .orderBy(asc(policies.areaName), desc(policyVersions.number))
    return rows.map((row) => ({
      ...row,
      publishedOn: row.publishedOn ?? '',
      deadline: row.deadline ?? '',
      rate: rateOf(row.acknowledged, row.applicable),
    }))
  }

  /** For each published version of the force: how many were asked, acknowledged, the rate, and overdue. */
  async awareness(caller: Caller, forceId?: number): Promise<VersionFigures[]> {
    requireRole(caller, ...POLICY_READERS)
    const force = this.readingForce(caller, forceId)
    return this.scoped(caller, (tx) => this.figuresOf(tx, force, this.today()))
  }

  /** The dashboard's figures as a download, recorded in the audit trail. */
  async exportAwareness(
    caller: Caller,
    forceId: number | undefined,
    format: string,
  ): Promise<VersionFigures[]> {
    const rows = await this.awareness(caller, forceId)
    await this.audit.recordExport(
      caller,
      {
        forceId: this.readingForce(caller, forceId),
        entityType: AWARENESS_ENTITY,
        format,
        rows: rows.length,
        filters: {},
      },
      this.now(),
    )
    return rows
  }

  /** One published version's figures, overdue people by unit, and the trend since publication. */
  async versionAwareness(caller: Caller, versionId: string): Promise<VersionAwareness> {
    requireRole(caller, ...POLICY_READERS)
    const today = this.today()
    return this.scoped(caller, async (tx) => {
      const version = await this.versionRow(tx, caller, versionId)
      const [figures] = await this.figuresOf(tx, version.forceId, today, [version.id])
      if (!figures) throw new NotFoundError('This version is not published')
      const requests = await tx
        .select({
          unit: policyAcknowledgementRequests.unit,
          dueOn: policyAcknowledgementRequests.dueOn,
          requestedOn: policyAcknowledgementRequests.requestedOn,
          acknowledgedOn: policyAcknowledgementRequests.acknowledgedOn,
        })
        .from(policyAcknowledgementRequests)
        .where(eq(policyAcknowledgementRequests.versionId, version.id))
      const units = new Map<
        string,
        { unit: string; overdue: number; applicable: number; acknowledged: number }
      >()
      for (const request of requests) {
        const entry = units.get(request.unit) ?? {
          unit: request.unit,
          overdue: 0,
          applicable: 0,
          acknowledged: 0,
        }
        entry.applicable++
        if (request.acknowledgedOn) entry.acknowledged++
        else if (request.dueOn < today) entry.overdue++
        units.set(request.unit, entry)
      }
      return {
        figures,
        overdueByUnit: [...units.values()].sort(
          (a, b) => b.overdue - a.overdue || a.unit.localeCompare(b.unit),
        ),
        trend: trendOf(figures.publishedOn, today, requests),
      }
    })
  }

  /**
   * For each integrity area (the six national ones, then the force's own): the latest version published
   * on or before the census date, how many were asked by then and how many of them had acknowledged it
   * by then. The inspection's data returns read this.
   */
  async awarenessByArea(caller: Caller, forceId: number, census: string): Promise<AreaAwareness[]> {
    return (await this.awarenessByForce(caller, [forceId], census)).get(forceId) as AreaAwareness[]
  }

  /** `awarenessByArea` for several forces at once (an inspection's data returns): three queries. Issue #11. */
  async awarenessByForce(
    caller: Caller,
    forceIds: readonly number[],
    census: string,
  ): Promise<Map<number, AreaAwareness[]>> {
    requireRole(caller, ...POLICY_READERS)
    const forces = forceIds.map((forceId) => this.readingForce(caller, forceId))
    if (!forces.length) return new Map()
    const { allRows, published, counts } = await this.scoped(caller, async (tx) => {
      const allRows = await tx.select().from(policies).where(inArray(policies.forceId, forces))
      const published = await tx
        .select({
          id: policyVersions.id,
          policyId: policyVersions.policyId,
          number: policyVersions.number,
          publishedOn: policyVersions.publishedOn,
        })
        .from(policyVersions)
        .where(
          and(
            inArray(policyVersions.forceId, forces),
            isNotNull(policyVersions.publishedOn),
            sql`${policyVersions.publishedOn} <= ${census}`,
          ),
        )
        .orderBy(desc(policyVersions.publishedOn), desc(policyVersions.number))
      const latestIds = new Set<string>()
      const seen = new Set<string>()
      for (const version of published)
        if (!seen.has(version.policyId)) {
          seen.add(version.policyId)
          latestIds.add(version.id)
        }
      const ids = [...latestIds]
      const counts = ids.length
        ? await tx
            .select({
              versionId: policyAcknowledgementRequests.versionId,
              applicable: sql<number>`count(*) filter (where ${policyAcknowledgementRequests.requestedOn} <= ${census})::int`,
              acknowledged: sql<number>`count(*) filter (where ${policyAcknowledgementRequests.requestedOn} <= ${census} and ${policyAcknowledgementRequests.acknowledgedOn} <= ${census})::int`,
            })
            .from(policyAcknowledgementRequests)
            .where(inArray(policyAcknowledgementRequests.versionId, ids))
            .groupBy(policyAcknowledgementRequests.versionId)
        : []
      return { allRows, published, counts }
    })
    // Each policy's latest version published by the census (the versions come newest first).
    const latest = new Map<string, (typeof published)[number]>()
    for (const version of published) if (!latest.has(version.policyId)) latest.set(version.policyId, version)
    const countOf = new Map(counts.map((row) => [row.versionId, row]))
    const byForce = new Map<number, AreaAwareness[]>()
    for (const force of forces) {
      const rows = allRows.filter((row) => row.forceId === force)
      const areaOf = (code: string, name: string): AreaAwareness => {
        const policy = rows.find((row) => row.area === code)
        const version = policy ? latest.get(policy.id) : undefined
        const count = version ? countOf.get(version.id) : undefined
        const applicable = count?.applicable ?? 0
        const acknowledged = count?.acknowledged ?? 0
        return {
          area: code,
          areaName: policy?.areaName ?? name,
          versionId: version?.id ?? null,
          version: version?.number ?? null,
          applicable,
          acknowledged,
          rate: version ? rateOf(acknowledged, applicable) : null,
        }
      }
      byForce.set(force, [
        ...POLICY_AREAS.map((area) => areaOf(area.code, area.name)),
        ...rows
          .filter((row) => !POLICY_AREA_CODES.includes(row.area))
          .sort((a, b) => a.areaName.localeCompare(b.areaName))
          .map((row) => areaOf(row.area, row.areaName)),
      ])
    }
    return byForce
  }

  /**
   * The force dashboard's figures as at `today`, in one statement: for the current versions (each
   * policy's latest published on or before today), how many were asked and how many acknowledged; and
   * across every version, the acknowledgements past their deadline (what the reminders list) and the
   * people they belong to.
   */
  async dashboardCounts(caller: Caller, forceId: number, today: string): Promise<DashboardAwareness> {
    requireRole(caller, ...POLICY_READERS)
    const force = this.readingForce(caller, forceId)
    const requests = policyAcknowledgementRequests
    const [row] = await this.scoped(caller, (tx) => {
      const current = tx
        .selectDistinctOn([policyVersions.policyId], { id: policyVersions.id })
        .from(policyVersions)
        .where(
          and(
            eq(policyVersions.forceId, force),
            eq(policyVersions.status, 'published'),
            sql`${policyVersions.publishedOn} <= ${today}`,
          ),
        )
        .orderBy(policyVersions.policyId, desc(policyVersions.publishedOn), desc(policyVersions.number))
      const overdue = sql`from policy_acknowledgement_requests o
        where o.force_id = ${force} and o.acknowledged_at is null and o.due_on < ${today}`
      return tx
        .select({
          currentVersions: sql<number>`(select count(*) from (${current}) current_versions)`.mapWith(Number),
          applicable: sql<number>`count(*)`.mapWith(Number),
          acknowledged: sql<number>`count(${requests.acknowledgedAt})`.mapWith(Number),
          overdueAcknowledgements: sql<number>`(select count(*) ${overdue})`.mapWith(Number),
          overdueStaff: sql<number>`(select count(distinct o.staff_member_id) ${overdue})`.mapWith(Number),
        })
        .from(requests)
        .where(and(eq(requests.forceId, force), inArray(requests.versionId, current)))
    })
    const figures = row ?? {
      currentVersions: 0,
      applicable: 0,
      acknowledged: 0,
      overdueAcknowledgements: 0,
      overdueStaff: 0,
    }
    return { ...figures, rate: rateOf(figures.acknowledged, figures.applicable) }
  }

  /**
   * Everyone past the deadline of a version they were asked to acknowledge and have not, by unit, for
   * managers to remind them. Sending the reminders is outside Probity: the list is what it gives.
   */
  async reminders(caller: Caller, forceId?: number, filter: { unit?: string } = {}): Promise<OverdueEntry[]> {
    requireRole(caller, ...REMINDER_READERS)
    const force = caller.actor.type === 'system' ? (forceId as number) : this.changingForce(caller, forceId)
    if (force === undefined) throw new ValidationError({ force: 'Name a force' })
    const today = this.today()
    const rows = await this.scoped(caller, (tx) =>
      tx
        .select({
          staffMemberId: policyAcknowledgementRequests.staffMemberId,
          unit: policyAcknowledgementRequests.unit,
          grade: policyAcknowledgementRequests.grade,
          dueOn: policyAcknowledgementRequests.dueOn,
          versionId: policyVersions.id,
          number: policyVersions.number,
          policyTitle: policies.title,
          areaName: policies.areaName,
        })
        .from(policyAcknowledgementRequests)
        .innerJoin(policyVersions, eq(policyVersions.id, policyAcknowledgementRequests.versionId))
        .innerJoin(policies, eq(policies.id, policyVersions.policyId))
        .where(
          and(
            eq(policyAcknowledgementRequests.forceId, force),
            isNull(policyAcknowledgementRequests.acknowledgedAt),
            lt(policyAcknowledgementRequests.dueOn, today),
            ...(filter.unit ? [eq(policyAcknowledgementRequests.unit, filter.unit)] : []),
          ),
        )
        .orderBy(asc(policyAcknowledgementRequests.unit), asc(policyAcknowledgementRequests.dueOn)),
    )
    const members = await this.roster.findMany(
      caller,
      rows.map((row) => row.staffMemberId),
    )
    return rows
      .map((row) => {
        const member = members.get(row.staffMemberId)
        return {
          ...row,
          staffNumber: member?.staffNumber ?? '',
          name: member?.name ?? 'Unknown',
          daysOverdue: daysBetween(row.dueOn, today),
        }
      })
      .sort(
        (a, b) =>
          a.unit.localeCompare(b.unit) || a.name.localeCompare(b.name) || a.dueOn.localeCompare(b.dueOn),
      )
  }

  /** The units that have anyone overdue, for the reminders page's filter. */
  async reminderUnits(caller: Caller, forceId?: number): Promise<string[]> {
    return [...new Set((await this.reminders(caller, forceId)).map((entry) => entry.unit))]
  }
}
