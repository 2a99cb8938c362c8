// Inspection benchmarks (called by bench/run.ts; also runnable alone): how long computing every force's
// data return takes, and generating every force's press release and report and the national review as
// HTML. Each function measures and returns its figures; nothing asserts.
//
// Alone: `node --import tsx bench/inspection.ts [INSPECTION-CODE]` (default revisit-2012) over the
// server named by DATABASE_URL, or a fresh embedded database when it is not set.
import { fileURLToPath } from 'node:url'
import { openDatabase } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import { versionDocument } from '../src/modules/publication/files.js'
import { createServices, type Services } from '../src/services.js'

const caller = SYSTEM_CALLER

async function inspectionId(services: Services, inspectionCode: string): Promise<string> {
  const inspection = await services.inspections.findByCode(caller, inspectionCode)
  if (!inspection) throw new Error(`No inspection ${inspectionCode} in this database`)
  return inspection.id
}

/**
 * Computes every force's data return in the inspection's scope from the records, storing nothing, with
 * `dataReturns.computeAll`: the same computation (`computeForAll`) as a force's "Recalculate from
 * records", asked for every force at once.
 */
export async function benchDataReturns(
  services: Services,
  inspectionCode: string,
): Promise<{ forces: number; ms: number }> {
  const id = await inspectionId(services, inspectionCode)
  const started = performance.now()
  const returns = await services.dataReturns.computeAll(caller, id)
  const ms = performance.now() - started
  return { forces: returns.size, ms: Math.round(ms) }
}

/**
 * What `probity publish --no-pdf` does before it writes files: generates (stores drafts of, or keeps)
 * every force's press release and report and the national review, reads the documents back and renders
 * each one's latest version as a standalone HTML document. Generating writes rows (drafts and their audit
 * events) unless every document is unchanged since the last run.
 */
export async function benchPublications(
  services: Services,
  inspectionCode: string,
): Promise<{ pressReleases: number; reports: number; nationalReview: boolean; ms: number }> {
  const id = await inspectionId(services, inspectionCode)
  const started = performance.now()
  await services.publication.generate(caller, id)
  const documents = await services.publication.documents(caller, { inspectionId: id })
  let pressReleases = 0
  let reports = 0
  let nationalReview = false
  let bytes = 0
  for (const document of documents) {
    const version = document.latest
    if (!version) continue
    bytes += versionDocument(version).length
    if (version.kind === 'press-release') pressReleases += 1
    else if (version.kind === 'force-report') reports += 1
    else nationalReview = true
  }
  const ms = performance.now() - started
  if (!bytes) nationalReview = false
  return { pressReleases, reports, nationalReview, ms: Math.round(ms) }
}

async function main() {
  const code = process.argv[2] ?? 'revisit-2012'
  const settings = process.env.DATABASE_URL
    ? ({ kind: 'server', url: process.env.DATABASE_URL } as const)
    : ({ kind: 'embedded', dataDir: 'memory://' } as const)
  const database = await openDatabase(settings)
  try {
    await migrateDatabase(database)
    const services = createServices(database.db)
    if (!(await services.inspections.findByCode(caller, code))) {
      const codes = (await services.inspections.list(caller)).map((inspection) => inspection.code)
      console.error(
        codes.length
          ? `There is no inspection ${code} in the database at ${database.location}: name one of ${codes.join(', ')}\n` +
              '  node --import tsx bench/inspection.ts INSPECTION-CODE'
          : `There is no inspection to measure in the database at ${database.location}. Add one first:\n` +
              '  DATABASE_URL=postgres://… node bin/probity.js seed --national   (the national dataset), or\n' +
              '  DATABASE_URL=postgres://… node bin/probity.js seed --demo       (the demo dataset: revisit-2012)\n' +
              'then run this again with DATABASE_URL set (without it, it opens a fresh, empty embedded database).',
      )
      process.exitCode = 1
      return
    }
    const runs = Number(process.env.BENCH_RUNS ?? 3)
    const rows: Record<string, unknown>[] = []
    for (let run = 1; run <= runs; run += 1) {
      const returns = await benchDataReturns(services, code)
      const documents = await benchPublications(services, code)
      rows.push({
        run,
        forces: returns.forces,
        'data returns ms': returns.ms,
        'press releases': documents.pressReleases,
        reports: documents.reports,
        'national review': documents.nationalReview,
        'publications ms': documents.ms,
      })
    }
    console.log(`\nInspection ${code}, ${database.kind} database at ${database.location}\n`)
    console.table(rows)
  } finally {
    await database.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
