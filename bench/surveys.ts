// Survey benchmark (called by bench/run.ts; also runnable alone: `node --import tsx bench/surveys.ts`):
// a wave of 100,000 respondents (BENCH_SURVEY_RESPONDENTS) of the synthetic survey, streamed in as a CSV
// by the same service as `probity surveys import` and the web import, then every question's weighted
// results with their intervals, nationally and by region and force area, for both waves. In a throwaway
// database on the server DATABASE_URL names, or a fresh in-memory PGlite. Printed and returned; nothing
// asserts (issue P12's target: under 5 s on PostgreSQL for the two together).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'csv-stringify/sync'
import { openDatabase } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import { syntheticForces } from '../src/modules/surveys/demo.js'
import { SYNTHETIC_SURVEY_CODE, syntheticRows, syntheticSurvey } from '../src/modules/surveys/generate.js'
import { createServices } from '../src/services.js'
import { benchDatabase } from './database.js'

export interface SurveyFigures {
  database: string
  respondents: number
  importSeconds: number
  respondentsPerSecond: number
  /** Every question's results, every answer, every area, both waves, with intervals. */
  resultsSeconds: number
  totalSeconds: number
}

export async function benchSurveys(
  respondents = Number(process.env.BENCH_SURVEY_RESPONDENTS ?? 100_000),
): Promise<SurveyFigures> {
  const place = await benchDatabase('surveys')
  const database = await openDatabase(place.settings)
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-bench-surveys-'))
  try {
    await migrateDatabase(database)
    const services = createServices(database.db)
    await services.surveys.save(SYSTEM_CALLER, syntheticSurvey())
    const forces = await syntheticForces(services)
    // The file is written first, untimed, and read from disk as `probity surveys import` reads it.
    const file = path.join(folder, 'synthetic-2012.csv')
    fs.writeFileSync(file, [...syntheticRows(2, respondents, forces)].map((row) => stringify([row])).join(''))
    const started = performance.now()
    const outcome = await services.surveys.importRespondents(SYSTEM_CALLER, SYNTHETIC_SURVEY_CODE, '2012', {
      filename: 'synthetic-2012.csv',
      source: fs.createReadStream(file),
    })
    const imported = performance.now()
    const { waves } = await services.surveys.results(SYSTEM_CALLER, SYNTHETIC_SURVEY_CODE)
    const finished = performance.now()
    if (outcome.respondents !== respondents || !waves.length)
      throw new Error(`The import took ${outcome.respondents} respondents of ${respondents}`)
    const importSeconds = (imported - started) / 1000
    return {
      database: database.kind,
      respondents,
      importSeconds: Number(importSeconds.toFixed(2)),
      respondentsPerSecond: Math.round(respondents / importSeconds),
      resultsSeconds: Number(((finished - imported) / 1000).toFixed(2)),
      totalSeconds: Number(((finished - started) / 1000).toFixed(2)),
    }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true })
    await database.close().catch(() => {})
    await place.drop()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table([await benchSurveys()])
