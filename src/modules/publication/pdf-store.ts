import { and, eq, inArray } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError } from '../../domain/errors.js'
import type { Language } from '../../web/i18n/catalogue.js'
import { PUBLISHERS } from './access.js'
import { versionDocument } from './files.js'
import { pdfAvailable, printPdfs } from './pdf.js'
import { inLanguage, languagesOf, type VersionView } from './present.js'
import { contentHash } from './render.js'
import { publicationPdfs } from './schema.js'
import type { PublicationService } from './service.js'

/** Prints whole HTML documents to PDFs, in order: headless Chromium (pdf.ts), or a wrapper of it in tests. */
export type PdfPrinter = (documents: readonly string[]) => Promise<Buffer[]>

/** Both kinds of reader a version's PDF is printed for: the inspectorate (figures linked to their sources), and everyone else. */
const VARIANTS = [true, false] as const

/** How many versions one Chromium prints before it is closed and the next batch starts. */
const BATCH = 10

export type PdfState = 'ready' | 'preparing' | 'waiting' | 'not-prepared' | 'failed'

export interface PdfStatus {
  version: VersionView
  state: PdfState
  /** Why printing failed, for a version whose state is `failed`. */
  failure?: string
}

/**
 * Each approved or published version's PDF, printed once and kept in `publication_pdfs`. Approving or
 * publishing a version puts it in a queue that this process prints in the background, one Chromium per
 * batch, so no request waits for it; a download serves the stored bytes. A PDF not yet printed (an older
 * version, a draft, one still waiting) is printed at its download and stored then. A stored PDF counts
 * only while the HTML it was printed from is the version's HTML today (`documentSha256`), so one printed
 * while the version was approved is printed again once it is published.
 *
 * The queue lives in this process's memory: after a restart, a version still waiting is printed at its
 * first download, or when someone asks for an inspection's PDFs again.
 */
export class PublicationPdfs {
  private readonly waiting = new Set<string>()
  private readonly printing = new Set<string>()
  private readonly failures = new Map<string, string>()
  private worker: Promise<void> | undefined

  constructor(
    private readonly db: Database,
    private readonly publication: PublicationService,
    private readonly now: () => Date,
    private readonly printer: PdfPrinter = printPdfs,
  ) {}

  /** Whether this installation can print PDFs at all (Chromium is there). */
  get available(): boolean {
    return pdfAvailable()
  }

  /**
   * The PDF of a version the caller has read through `PublicationService.version` (which refuses what is
   * not theirs to read): stored, or printed and stored now.
   */
  async pdf(caller: Caller, version: VersionView, options: { sourceLinks: boolean }): Promise<Buffer> {
    const { language } = version
    const html = versionDocument(version, options)
    const documentSha256 = contentHash(html)
    // Read in the caller's own scope: the table's row-level security follows the version's.
    const [stored] = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select({ pdf: publicationPdfs.pdf, documentSha256: publicationPdfs.documentSha256 })
        .from(publicationPdfs)
        .where(
          and(
            eq(publicationPdfs.versionId, version.id),
            eq(publicationPdfs.sourceLinks, options.sourceLinks),
            eq(publicationPdfs.language, language),
          ),
        ),
    )
    if (stored && stored.documentSha256 === documentSha256) return stored.pdf
    const [pdf] = await this.printer([html])
    if (!pdf) throw new Error('the printer returned no PDF')
    await this.store([
      { versionId: version.id, sourceLinks: options.sourceLinks, language, documentSha256, pdf },
    ])
    return pdf
  }

  /** Queues versions to be printed in the background (a version already waiting or printing is not queued twice). */
  prepare(versionIds: Iterable<string>): void {
    if (!this.available) return
    for (const id of versionIds) {
      this.failures.delete(id)
      if (!this.printing.has(id)) this.waiting.add(id)
    }
    this.worker ??= this.work().finally(() => {
      this.worker = undefined
    })
  }

  /** Resolves when nothing is waiting or printing (for the command line, and for tests). */
  async idle(): Promise<void> {
    while (this.worker) await this.worker
  }

  /**
   * Where the PDFs of an inspection's approved and published documents stand (each document's latest
   * version that is approved or published), for the inspectorate.
   */
  async status(caller: Caller, inspectionId: string): Promise<PdfStatus[]> {
    requireRole(caller, ...PUBLISHERS)
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    const documents = await this.publication.documents(caller, { inspectionId })
    const versions = documents.flatMap((document) =>
      document.versions.filter((v) => v.status === 'approved' || v.status === 'published').slice(0, 1),
    )
    const stored = await this.storedHashes(versions.map((version) => version.id))
    return versions.map((version) => {
      const failure = this.failures.get(version.id)
      const state: PdfState = this.printing.has(version.id)
        ? 'preparing'
        : this.waiting.has(version.id)
          ? 'waiting'
          : this.missing(version, stored).length === 0
            ? 'ready'
            : failure
              ? 'failed'
              : 'not-prepared'
      return failure && state === 'failed' ? { version, state, failure } : { version, state }
    })
  }

  /** Queues every approved or published document of an inspection whose PDFs are not ready; how many were queued. */
  async prepareInspection(caller: Caller, inspectionId: string): Promise<number> {
    const pending = (await this.status(caller, inspectionId)).filter(
      (entry) => entry.state === 'not-prepared' || entry.state === 'failed',
    )
    this.prepare(pending.map((entry) => entry.version.id))
    return pending.length
  }

  private async work(): Promise<void> {
    while (this.waiting.size) {
      const batch = [...this.waiting].slice(0, BATCH)
      for (const id of batch) {
        this.waiting.delete(id)
        this.printing.add(id)
      }
      try {
        await this.printBatch(batch)
      } catch (error) {
        for (const id of batch) this.failures.set(id, error instanceof Error ? error.message : String(error))
      } finally {
        for (const id of batch) this.printing.delete(id)
      }
    }
  }

  /** Prints, in one Chromium, whichever of the versions' PDFs are missing or out of date, and stores them. */
  private async printBatch(versionIds: string[]): Promise<void> {
    const versions: VersionView[] = []
    for (const id of versionIds) versions.push((await this.publication.version(SYSTEM_CALLER, id)).version)
    const stored = await this.storedHashes(versionIds)
    const jobs = versions.flatMap((version) => this.missing(version, stored))
    if (!jobs.length) return
    const pdfs = await this.printer(jobs.map((job) => job.html))
    await this.store(jobs.map((job, index) => ({ ...job, pdf: pdfs[index] as Buffer })))
  }

  /** The variants of a version, in each of its languages, whose stored PDF is missing or was printed from other HTML. */
  private missing(version: VersionView, stored: Map<string, string>) {
    return languagesOf(version)
      .flatMap((language) =>
        VARIANTS.map((sourceLinks) => {
          const html = versionDocument(inLanguage(version, language), { sourceLinks })
          return { versionId: version.id, sourceLinks, language, html, documentSha256: contentHash(html) }
        }),
      )
      .filter(
        (job) => stored.get(`${job.versionId}:${job.sourceLinks}:${job.language}`) !== job.documentSha256,
      )
  }

  private async storedHashes(versionIds: string[]): Promise<Map<string, string>> {
    if (!versionIds.length) return new Map()
    const rows = await inScope(this.db, SYSTEM_CALLER.scope, (tx) =>
      tx
        .select({
          versionId: publicationPdfs.versionId,
          sourceLinks: publicationPdfs.sourceLinks,
          language: publicationPdfs.language,
          documentSha256: publicationPdfs.documentSha256,
        })
        .from(publicationPdfs)
        .where(inArray(publicationPdfs.versionId, versionIds)),
    )
    return new Map(
      rows.map((row) => [`${row.versionId}:${row.sourceLinks}:${row.language}`, row.documentSha256]),
    )
  }

  /** Stores printed PDFs in the inspectorate's scope (the only one that writes them), replacing older prints. */
  private async store(
    printed: {
      versionId: string
      sourceLinks: boolean
      language: Language
      documentSha256: string
      pdf: Buffer
    }[],
  ): Promise<void> {
    const renderedAt = this.now()
    await inScope(this.db, SYSTEM_CALLER.scope, async (tx) => {
      for (const { versionId, sourceLinks, language, documentSha256, pdf } of printed)
        await tx
          .insert(publicationPdfs)
          .values({ versionId, sourceLinks, language, documentSha256, pdf, renderedAt })
          .onConflictDoUpdate({
            target: [publicationPdfs.versionId, publicationPdfs.sourceLinks, publicationPdfs.language],
            set: { documentSha256, pdf, renderedAt },
          })
    })
  }
}
