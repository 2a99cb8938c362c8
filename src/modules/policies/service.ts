import type { Database } from '../../db/connection.js'
import type { Caller } from '../../domain/access.js'
import type { AuditService } from '../audit/service.js'
import type { ForcesService } from '../forces/service.js'
import type { RosterService } from '../roster/service.js'
import { PolicyAcknowledgements } from './acknowledgements.js'
import { PolicyAwareness } from './awareness.js'
import { PolicyLibrary } from './library.js'
import type {
  AreaAwareness,
  DashboardAwareness,
  LibraryArea,
  MyPolicy,
  OverdueEntry,
  PolicyWithVersions,
  VersionAwareness,
  VersionFigures,
  VersionView,
} from './present.js'
import type { PolicyRow, RequestRow, StaffRequestRow, VersionSummary } from './queries.js'
import { PolicyVersions, type UploadedDocument } from './versions.js'
import { PoliciesWorkflow } from './workflow.js'

/**
 * The force's policy library: a policy per integrity area, its versions (drafts, then published to an
 * audience with a deadline), every member of staff's request to read and acknowledge a version, and the
 * awareness figures the inspection reads. Each of those is a workflow of its own (library.ts,
 * versions.ts, acknowledgements.ts, awareness.ts); this is what the routes and the other modules call.
 */
export class PoliciesService extends PoliciesWorkflow {
  private readonly policyLibrary: PolicyLibrary
  private readonly policyVersions: PolicyVersions
  private readonly policyAcknowledgements: PolicyAcknowledgements
  private readonly policyAwareness: PolicyAwareness

  constructor(
    db: Database,
    forces: ForcesService,
    roster: RosterService,
    audit: AuditService,
    now: () => Date,
  ) {
    const context = { db, forces, roster, audit, now }
    super(context)
    this.policyLibrary = new PolicyLibrary(context)
    this.policyVersions = new PolicyVersions(context, this.policyLibrary)
    this.policyAcknowledgements = new PolicyAcknowledgements(context)
    this.policyAwareness = new PolicyAwareness(context)
  }

  // --- the library --------------------------------------------------------------------------------

  library(caller: Caller, forceId?: number): Promise<LibraryArea[]> {
    return this.policyLibrary.library(caller, forceId)
  }

  freeAreas(caller: Caller, forceId?: number): Promise<{ code: string; name: string }[]> {
    return this.policyLibrary.freeAreas(caller, forceId)
  }

  createPolicy(caller: Caller, input: Record<string, unknown>, forceId?: number): Promise<PolicyRow> {
    return this.policyLibrary.createPolicy(caller, input, forceId)
  }

  findPolicy(caller: Caller, policyId: string): Promise<PolicyWithVersions> {
    return this.policyLibrary.findPolicy(caller, policyId)
  }

  findPolicyToChange(caller: Caller, policyId: string): Promise<PolicyWithVersions> {
    return this.policyLibrary.findPolicyToChange(caller, policyId)
  }

  // --- versions and publishing --------------------------------------------------------------------

  createVersion(
    caller: Caller,
    policyId: string,
    input: Record<string, unknown>,
    document?: UploadedDocument,
  ): Promise<VersionSummary> {
    return this.policyVersions.createVersion(caller, policyId, input, document)
  }

  findVersion(caller: Caller, versionId: string): Promise<VersionView> {
    return this.policyVersions.findVersion(caller, versionId)
  }

  document(caller: Caller, versionId: string): Promise<{ name: string; type: string; data: Buffer }> {
    return this.policyVersions.document(caller, versionId)
  }

  audienceChoices(caller: Caller, forceId?: number): Promise<{ units: string[]; grades: string[] }> {
    return this.policyVersions.audienceChoices(caller, forceId)
  }

  publish(
    caller: Caller,
    versionId: string,
    input: Record<string, unknown>,
    options: { at?: Date } = {},
  ): Promise<{ version: VersionSummary; asked: number }> {
    return this.policyVersions.publish(caller, versionId, input, options)
  }

  refreshAudience(caller: Caller, versionId: string): Promise<{ asked: number }> {
    return this.policyVersions.refreshAudience(caller, versionId)
  }

  // --- the comprehension questions and acknowledging ----------------------------------------------

  addQuestion(caller: Caller, versionId: string, input: Record<string, unknown>): Promise<VersionSummary> {
    return this.policyAcknowledgements.addQuestion(caller, versionId, input)
  }

  removeQuestion(caller: Caller, versionId: string, index: number): Promise<VersionSummary> {
    return this.policyAcknowledgements.removeQuestion(caller, versionId, index)
  }

  acknowledge(
    caller: Caller,
    versionId: string,
    input: Record<string, unknown>,
    options: { staffMemberId?: string; at?: Date } = {},
  ): Promise<RequestRow> {
    return this.policyAcknowledgements.acknowledge(caller, versionId, input, options)
  }

  mine(caller: Caller): Promise<{ linked: boolean; policies: MyPolicy[] }> {
    return this.policyAcknowledgements.mine(caller)
  }

  requestsOf(caller: Caller, staffMemberId: string): Promise<StaffRequestRow[]> {
    return this.policyAcknowledgements.requestsOf(caller, staffMemberId)
  }

  // --- figures and reminders ----------------------------------------------------------------------

  awareness(caller: Caller, forceId?: number): Promise<VersionFigures[]> {
    return this.policyAwareness.awareness(caller, forceId)
  }

  exportAwareness(caller: Caller, forceId: number | undefined, format: string): Promise<VersionFigures[]> {
    return this.policyAwareness.exportAwareness(caller, forceId, format)
  }

  versionAwareness(caller: Caller, versionId: string): Promise<VersionAwareness> {
    return this.policyAwareness.versionAwareness(caller, versionId)
  }

  awarenessByArea(caller: Caller, forceId: number, census: string): Promise<AreaAwareness[]> {
    return this.policyAwareness.awarenessByArea(caller, forceId, census)
  }

  awarenessByForce(
    caller: Caller,
    forceIds: readonly number[],
    census: string,
  ): Promise<Map<number, AreaAwareness[]>> {
    return this.policyAwareness.awarenessByForce(caller, forceIds, census)
  }

  dashboardCounts(caller: Caller, forceId: number, today: string): Promise<DashboardAwareness> {
    return this.policyAwareness.dashboardCounts(caller, forceId, today)
  }

  reminders(caller: Caller, forceId?: number, filter: { unit?: string } = {}): Promise<OverdueEntry[]> {
    return this.policyAwareness.reminders(caller, forceId, filter)
  }
}
