import type { Database } from '../../db/connection.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import type { ForcesService } from '../forces/service.js'
import { PUBLIC_CALLER, PUBLISHERS } from './access.js'
import type { FactsSources, ForceFacts, InspectionSummary, NationalFacts } from './facts.js'
import { addComment, respondToComment } from './factual-accuracy.js'
import { type GenerateOutcome, type GenerateProgress, generate, readNationalFacts } from './generation.js'
import type { DocumentView, VersionDetail, VersionView } from './present.js'
import type { CommentRow } from './queries.js'
import { type PublicationContext, readDocuments, readPublicVersions, readVersion } from './reading.js'
import type { DocumentFacts } from './render.js'
import type { PublicationKind } from './schema.js'
import {
  previewTemplate,
  resetTemplate,
  saveTemplate,
  setSuppression,
  suppressionOf,
  templateOf,
} from './settings.js'
import { approve, correct, publish, refuseEdit, regenerate, sendForCheck } from './workflow.js'

/**
 * The inspectorate's publications: generated from the facts of `factsFor`, checked by the force for
 * factual accuracy, approved, published (at once or when an embargo ends) and never changed after; a
 * correction is a new version. The public reads only published versions whose embargo has ended.
 */
export class PublicationService {
  private readonly context: PublicationContext

  constructor(
    db: Database,
    forces: ForcesService,
    private readonly sources: FactsSources,
    now: () => Date,
  ) {
    this.context = { db, forces, sources, now }
  }

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
    return readNationalFacts(this.context, caller, inspectionId, onForce)
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
    return templateOf(this.context, kind)
  }

  /** Renders a template source for some facts, as a preview: a TemplateError says what is wrong. */
  preview(kind: PublicationKind, source: string, facts: DocumentFacts): string {
    return previewTemplate(kind, source, facts)
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
    return saveTemplate(this.context, caller, kind, source, facts)
  }

  async resetTemplate(caller: Caller, kind: PublicationKind) {
    return resetTemplate(this.context, caller, kind)
  }

  // -------------------------------------------------------------------------------------------------
  // Open data settings

  /** The open data's suppression setting: the default threshold unless a publisher set another, with a reason. */
  async suppression(inspectionId: string): Promise<{ suppressUpTo: number; reason: string | null }> {
    return suppressionOf(this.context, inspectionId)
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
    return setSuppression(this.context, caller, inspectionId, input)
  }

  // -------------------------------------------------------------------------------------------------
  // Reading

  /** The documents of an inspection (or of all), each with the versions the caller may read. */
  async documents(
    caller: Caller,
    filter: { inspectionId?: string; forceCode?: string } = {},
  ): Promise<DocumentView[]> {
    return readDocuments(this.context, caller, filter)
  }

  /** One version with its document's other versions and the factual-accuracy comments; 404 when not the caller's to read. */
  async version(caller: Caller, versionId: string): Promise<VersionDetail> {
    return readVersion(this.context, caller, versionId)
  }

  /** A version the public may read (published, embargo over), or NotFoundError. */
  async publicVersion(versionId: string): Promise<VersionDetail> {
    return this.version(PUBLIC_CALLER, versionId)
  }

  /** Versions of documents the public may read for an inspection (latest public version of each). */
  async published(inspectionId?: string): Promise<DocumentView[]> {
    const documents = await this.documents(PUBLIC_CALLER, inspectionId ? { inspectionId } : {})
    return documents.filter((document) => document.latest?.isPublic)
  }

  /** Loads versions by id for a force's open data, publicly visible only. */
  async publicVersions(ids: string[]): Promise<VersionView[]> {
    return readPublicVersions(this.context, ids)
  }

  // -------------------------------------------------------------------------------------------------
  // Generating

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
    return generate(this.context, caller, inspectionId, options)
  }

  /** Regenerates one version from the records as they stand (draft or in its factual-accuracy check only). */
  async regenerate(caller: Caller, versionId: string): Promise<GenerateOutcome> {
    return regenerate(this.context, caller, versionId)
  }

  // -------------------------------------------------------------------------------------------------
  // Workflow

  /** Sends a force's draft to the force for its factual-accuracy check. */
  async sendForCheck(caller: Caller, versionId: string): Promise<VersionView> {
    return sendForCheck(this.context, caller, versionId)
  }

  /** The force's comment on a version in its factual-accuracy check. */
  async comment(caller: Caller, versionId: string, input: { comment?: unknown }): Promise<CommentRow> {
    return addComment(this.context, caller, versionId, input)
  }

  /** The inspectorate accepts or rejects a comment, with its reason. */
  async respond(
    caller: Caller,
    commentId: string,
    input: { response?: unknown; reason?: unknown },
  ): Promise<CommentRow> {
    return respondToComment(this.context, caller, commentId, input)
  }

  /** Approves a version: a force's after its factual-accuracy check with every comment answered. */
  async approve(caller: Caller, versionId: string): Promise<VersionView> {
    return approve(this.context, caller, versionId)
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
    return publish(this.context, caller, versionId, options.embargoUntil ?? null)
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
    return correct(this.context, caller, versionId, input)
  }

  /** The service's refusal to change a published version's content, in the same words as the workflow's. */
  async edit(caller: Caller, versionId: string, _input: { content?: unknown }): Promise<never> {
    return refuseEdit(this.context, caller, versionId)
  }
}
