import { isUniqueViolation } from '../../db/errors.js'
import type { Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { orderedFieldErrors } from '../../domain/validation.js'
import type { ForceReference } from '../forces/service.js'
import type { StaffMember } from '../roster/service.js'
import {
  DOCUMENT_TYPES,
  MAX_DOCUMENT_BYTES,
  newVersionSchema,
  PUBLISH_FIELDS,
  publishSchema,
  VERSION_FIELDS,
} from './fields.js'
import type { PolicyLibrary } from './library.js'
import type { VersionView } from './present.js'
import {
  insertRequests,
  insertVersion,
  nextVersionNumber,
  type RequestRow,
  selectDocument,
  selectPolicy,
  selectRequest,
  updateVersion,
  type VersionSummary,
} from './queries.js'
import { addDays, inAudience } from './rules.js'
import type { PolicyAudience } from './schema.js'
import {
  appendVersionEvent,
  POLICY_MANAGERS,
  POLICY_VERSION_ENTITY,
  type PoliciesContext,
  PoliciesWorkflow,
  versionNotFound,
} from './workflow.js'

/** How long someone added to an audience after its deadline has passed gets to acknowledge. */
const LATE_JOINER_DAYS = 28

export interface UploadedDocument {
  filename: string
  type: string | undefined
  data: Buffer
}

/**
 * A policy's versions: drafts with their text or document, reading one (as the caller may), and
 * publishing one to an audience, who are each asked to read and acknowledge it by a deadline.
 */
export class PolicyVersions extends PoliciesWorkflow {
  constructor(
    context: PoliciesContext,
    private readonly library: PolicyLibrary,
  ) {
    super(context)
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
    await this.library.findPolicyToChange(caller, policyId)
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
          const row = await insertVersion(tx, {
            forceId: policy.forceId,
            policyId: policy.id,
            number: await nextVersionNumber(tx, policy.id),
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
          if (!row) throw new Error('the version was not saved')
          await appendVersionEvent(
            tx,
            caller,
            row,
            'create',
            { ...row, policy: policy.title, body: row.body ? `${row.body.length} characters` : null },
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

  private async ownRequest(tx: Transaction, caller: Caller, versionId: string): Promise<RequestRow | null> {
    const staffMemberId = caller.principal?.staffMemberId
    if (!staffMemberId) return null
    return (await selectRequest(tx, versionId, staffMemberId)) ?? null
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
      const policy = await selectPolicy(tx, version.policyId)
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
      const document = await selectDocument(tx, version.id)
      if (!document || !version.documentName) throw new NotFoundError('This version has no document')
      return {
        name: version.documentName,
        type: version.documentType ?? 'application/octet-stream',
        data: document,
      }
    })
  }

  // --- publishing ---------------------------------------------------------------------------------

  private async force(forceId: number): Promise<ForceReference> {
    const force = (await this.forces.references()).find((candidate) => candidate.id === forceId)
    if (!force) throw new NotFoundError('No such force')
    return force
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
      await updateVersion(tx, current.id, {
        status: 'published',
        audience,
        deadline: values.deadline,
        restricted: values.restricted,
        publishedOn: today,
        publishedAt: at,
        publishedBy: userIdOf(caller),
      })
      asked = await insertRequests(tx, current.forceId, current.id, members, today, values.deadline)
      return { audience, deadline: values.deadline, restricted: values.restricted, publishedOn: today, asked }
    })
    return { version: published, asked }
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
      asked = await insertRequests(tx, version.forceId, version.id, members, today, dueOn)
      return { asked, dueOn }
    })
    return { asked }
  }
}
