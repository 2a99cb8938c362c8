import { and, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, callerHas, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { PressReleaseFacts } from '../../domain/press-release-facts.js'
import type { Role } from '../../domain/roles.js'
import { appendAuditEvent } from '../audit/service.js'
import type { DataReturnsService } from '../data-returns/service.js'
import type { FieldworkService } from '../fieldwork/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { AssessmentView, InspectionRow, InspectionsService } from '../inspections/service.js'
import { NotAPressReleaseError } from './document.js'
import { DOCUMENT_LIMITS, documentText, UnreadableDocumentError } from './document-text.js'
import { extractPressRelease } from './extractor.js'
import { formToFacts, returnValuesOf } from './review-form.js'
import { type DocumentKind, documentImports, type StoredSources } from './schema.js'

/** Who uploads, reviews and imports published documents: inspectors (an inspectorate admin is one). */
export const DOCUMENT_IMPORTERS: Role[] = ['inspector']
export const DOCUMENT_IMPORT_ENTITY = 'document-import'

export type DocumentImportRow = typeof documentImports.$inferSelect

/** One file of an upload: its name, bytes, and whether the upload cut it short (too large). */
export interface UploadedDocument {
  filename: string
  data: Uint8Array
  truncated?: boolean
}

export interface DocumentProblem {
  filename: string
  message: string
}

/** A pending document as the list shows it. */
export interface DocumentImportSummary {
  id: string
  filename: string
  kind: DocumentKind
  status: DocumentImportRow['status']
  force: ForceReference | null
  inspection: { id: string; title: string } | null
  uploadedAt: Date
  uploadedByLabel: string
  importedAt: Date | null
}

/** A document on the review page: its row, its inspection and force, and what the force has already. */
export interface DocumentReview {
  document: DocumentImportRow
  inspection: InspectionRow
  force: ForceReference
  forces: ForceReference[]
  scale: string[]
  /** What the chosen force's assessment holds already (an import would replace it only when ticked). */
  existing: { judgement: string | null; values: string[] }
}

/** Thrown when an upload has bad files: nothing is stored; each problem names its file. */
export class DocumentUploadError extends ValidationError {
  constructor(readonly problems: DocumentProblem[]) {
    super({ files: problems.map((problem) => `${problem.filename}: ${problem.message}`).join('; ') })
  }
}

const uuid = z.uuid()

/**
 * Published inspection documents read back into facts (issue #9): an inspector uploads documents (text,
 * HTML, PDF, Word) for an inspection; each becomes a pending review with its text, the facts read from
 * it and where each was read; the inspector corrects the facts and imports them into the force's
 * assessment — the figures as supplied data-return values, the headline as a confirmed judgement — in
 * one transaction with the document's status, audited.
 */
export class DocumentImportsService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly inspections: InspectionsService,
    private readonly dataReturns: DataReturnsService,
    private readonly fieldwork: FieldworkService,
    private readonly now: () => Date,
  ) {}

  /** Only inspectors in the inspectorate's scope; a force is told there is nothing here. */
  private check(caller: Caller) {
    if (caller.scope.kind !== 'inspectorate') throw new NotFoundError()
    if (!callerHas(caller, DOCUMENT_IMPORTERS)) throw new ForbiddenError()
  }

  /** Whether the caller may import documents (for navigation). */
  mayImport(caller: Caller): boolean {
    return caller.scope.kind === 'inspectorate' && callerHas(caller, DOCUMENT_IMPORTERS)
  }

  /** The inspections a document can be imported into, latest first. */
  async inspectionChoices(caller: Caller): Promise<InspectionRow[]> {
    this.check(caller)
    return this.inspections.list(caller)
  }

  /**
   * Reads every uploaded file and stores each as a pending review, or — when any file cannot be read,
   * is not a force's press release, or is about a force outside the inspection — stores nothing and
   * says what is wrong with each file, by name.
   */
  async upload(
    caller: Caller,
    inspectionId: string,
    files: readonly UploadedDocument[],
  ): Promise<DocumentImportRow[]> {
    this.check(caller)
    if (!inspectionId) throw new ValidationError({ inspectionId: 'Select the inspection' })
    const inspection = await this.inspections.get(caller, inspectionId).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationError({ inspectionId: 'Select the inspection' })
      throw error
    })
    if (!files.length) throw new ValidationError({ files: 'Select one or more documents' })
    if (files.length > DOCUMENT_LIMITS.files)
      throw new ValidationError({
        files: `Select ${DOCUMENT_LIMITS.files} documents or fewer at a time (you selected ${files.length})`,
      })
    const inScopeForces = new Set(
      (await this.inspections.assessments(caller, inspection.id)).map((assessment) => assessment.force.id),
    )
    const forces = await this.forces.references()
    const problems: DocumentProblem[] = []
    const read: (Omit<typeof documentImports.$inferInsert, 'uploadedByLabel'> & { filename: string })[] = []
    for (const file of files) {
      const filename = file.filename.slice(0, 200)
      try {
        if (file.truncated)
          throw new UnreadableDocumentError(
            `the file is larger than ${DOCUMENT_LIMITS.bytes / 1024 / 1024} MB`,
          )
        const { kind, text } = await documentText(filename, file.data)
        const extracted = extractPressRelease(text, forces)
        const force = forces.find((entry) => entry.code === extracted.facts.forceCode)
        if (!force || !inScopeForces.has(force.id))
          throw new UnreadableDocumentError(
            `it is about ${extracted.facts.force}, which is not in the inspection “${inspection.title}”`,
          )
        read.push({
          inspectionId: inspection.id,
          forceId: force.id,
          filename,
          kind,
          text,
          facts: extracted.facts,
          sources: extracted.sources as StoredSources,
          uninterpreted: extracted.uninterpreted,
        })
      } catch (error) {
        if (error instanceof UnreadableDocumentError)
          problems.push({ filename, message: `This cannot be read: ${error.message}.` })
        else if (error instanceof NotAPressReleaseError)
          problems.push({ filename, message: Object.values(error.fieldErrors).join(' ') })
        else throw error
      }
    }
    if (problems.length) throw new DocumentUploadError(problems)
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const rows = await tx
        .insert(documentImports)
        .values(
          read.map((row) => ({
            ...row,
            uploadedBy: userIdOf(caller),
            uploadedByLabel: caller.actor.label,
            uploadedAt: now,
          })),
        )
        .returning()
      for (const row of rows)
        await appendAuditEvent(
          tx,
          caller.actor,
          {
            forceId: null,
            entityType: DOCUMENT_IMPORT_ENTITY,
            entityId: row.id,
            action: 'upload',
            after: {
              inspection: inspection.code,
              filename: row.filename,
              kind: row.kind,
              force: forces.find((force) => force.id === row.forceId)?.code,
              facts: row.facts,
            },
          },
          now,
        )
      return rows
    })
  }

  /** Uploaded documents, pending first then latest first. */
  async list(caller: Caller): Promise<DocumentImportSummary[]> {
    this.check(caller)
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select({
          id: documentImports.id,
          filename: documentImports.filename,
          kind: documentImports.kind,
          status: documentImports.status,
          forceId: documentImports.forceId,
          inspectionId: documentImports.inspectionId,
          uploadedAt: documentImports.uploadedAt,
          uploadedByLabel: documentImports.uploadedByLabel,
          importedAt: documentImports.importedAt,
        })
        .from(documentImports)
        .orderBy(desc(documentImports.uploadedAt), documentImports.filename)
        .limit(500),
    )
    const forces = await this.forces.byId()
    const inspections = new Map((await this.inspections.list(caller)).map((row) => [row.id, row]))
    const order = { pending: 0, imported: 1, discarded: 2 }
    return rows
      .map((row) => ({
        id: row.id,
        filename: row.filename,
        kind: row.kind,
        status: row.status,
        force: forces.get(row.forceId) ?? null,
        inspection: inspections.has(row.inspectionId)
          ? { id: row.inspectionId, title: inspections.get(row.inspectionId)?.title ?? '' }
          : null,
        uploadedAt: row.uploadedAt,
        uploadedByLabel: row.uploadedByLabel,
        importedAt: row.importedAt,
      }))
      .sort((a, b) => order[a.status] - order[b.status])
  }

  private async row(caller: Caller, documentId: string): Promise<DocumentImportRow> {
    if (!uuid.safeParse(documentId).success) throw new NotFoundError('No such document')
    const [row] = await inScope(this.db, caller.scope, (tx) =>
      tx.select().from(documentImports).where(eq(documentImports.id, documentId)),
    )
    if (!row) throw new NotFoundError('No such document')
    return row
  }

  /** What the chosen force's assessment already holds: a confirmed judgement, values. */
  private async existing(caller: Caller, assessment: AssessmentView) {
    const judgement = await this.fieldwork.headlineOf(caller, assessment)
    const view = await this.dataReturns.get(caller, assessment.inspection.id, assessment.force.code)
    return {
      judgement,
      values: view.items.filter((item) => item.value !== null).map((item) => item.label),
    }
  }

  /** A document with everything its review page shows. */
  async review(caller: Caller, documentId: string, forceCode?: string): Promise<DocumentReview> {
    this.check(caller)
    const document = await this.row(caller, documentId)
    const inspection = await this.inspections.get(caller, document.inspectionId)
    const assessments = await this.inspections.assessments(caller, inspection.id)
    const chosen =
      assessments.find((entry) => entry.force.code === forceCode) ??
      assessments.find((entry) => entry.force.id === document.forceId)
    if (!chosen) throw new NotFoundError('That force is not in this inspection')
    return {
      document,
      inspection,
      force: chosen.force,
      forces: assessments.map((entry) => entry.force),
      scale: [...chosen.framework.judgementScale],
      existing: await this.existing(caller, chosen),
    }
  }

  /**
   * Imports the reviewed (and corrected) facts into the chosen force's assessment of the document's
   * inspection, in one transaction: the figures as supplied data-return values noted "imported from
   * <file>", the headline as a confirmed judgement, the document marked imported, audited. Refused when
   * the assessment already has a confirmed judgement or values for these items, unless `replace`.
   */
  async import(
    caller: Caller,
    documentId: string,
    input: Record<string, unknown>,
  ): Promise<{ document: DocumentImportRow; assessment: AssessmentView; facts: PressReleaseFacts }> {
    this.check(caller)
    const document = await this.row(caller, documentId)
    if (document.status !== 'pending')
      throw new ValidationError({ form: `This document was already ${document.status}` })
    const inspection = await this.inspections.get(caller, document.inspectionId)
    const assessments = await this.inspections.assessments(caller, inspection.id)
    const facts = formToFacts(
      input,
      assessments.map((entry) => entry.force),
    )
    const assessment = assessments.find((entry) => entry.force.code === facts.forceCode)
    if (!assessment) throw new ValidationError({ forceCode: 'Select a force of the inspection' })
    const values = returnValuesOf(facts)
    if (!facts.headline && !Object.keys(values).length)
      throw new ValidationError({
        headline: 'There is nothing to import: give the headline judgement or at least one figure',
      })
    const replace = input.replace === 'yes' || input.replace === true
    const source = `imported from ${document.filename}`
    const now = this.now()
    const updated = await inScope(this.db, caller.scope, async (tx) => {
      const [locked] = await tx
        .select()
        .from(documentImports)
        .where(and(eq(documentImports.id, document.id), eq(documentImports.status, 'pending')))
        .for('update')
      if (!locked) throw new ValidationError({ form: 'This document was already imported or discarded' })
      if (Object.keys(values).length)
        await this.dataReturns.recordPublishedValues(tx, caller, assessment, values, document.filename, {
          replace,
        })
      if (facts.headline)
        await this.fieldwork.recordPublishedJudgement(
          tx,
          caller,
          assessment,
          facts.headline,
          document.filename,
          { replace },
        )
      const [row] = await tx
        .update(documentImports)
        .set({
          status: 'imported',
          facts,
          forceId: assessment.force.id,
          importedBy: userIdOf(caller),
          importedAt: now,
        })
        .where(eq(documentImports.id, document.id))
        .returning()
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: DOCUMENT_IMPORT_ENTITY,
          entityId: document.id,
          action: 'import',
          before: { facts: document.facts },
          after: {
            inspection: inspection.code,
            force: assessment.force.code,
            filename: document.filename,
            source,
            replace,
            facts,
            values,
            headline: facts.headline,
            // No service records a published health check: it is kept here and on the document.
            integrityHealthCheck: facts.integrityHealthCheck,
          },
        },
        now,
      )
      return row as DocumentImportRow
    })
    return { document: updated, assessment, facts }
  }

  /** Sets a pending document aside without importing it (kept, with its status, for the record). */
  async discard(caller: Caller, documentId: string): Promise<DocumentImportRow> {
    this.check(caller)
    const document = await this.row(caller, documentId)
    if (document.status !== 'pending')
      throw new ValidationError({ form: `This document was already ${document.status}` })
    const now = this.now()
    return inScope(this.db, caller.scope, async (tx) => {
      const [row] = await tx
        .update(documentImports)
        .set({ status: 'discarded' })
        .where(and(eq(documentImports.id, document.id), eq(documentImports.status, 'pending')))
        .returning()
      if (!row) throw new ValidationError({ form: 'This document was already imported or discarded' })
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: DOCUMENT_IMPORT_ENTITY,
          entityId: row.id,
          action: 'discard',
          before: { status: 'pending' },
          after: { status: 'discarded', filename: row.filename },
        },
        now,
      )
      return row
    })
  }
}
