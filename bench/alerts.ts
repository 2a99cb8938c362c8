// `npx tsx bench/alerts.ts`: every force's correlation rules over all its data at the size of England
// and Wales (issue P17's target: all forces under 30 s). Seeds the national dataset into a fresh
// database (in-memory PGlite, or a throwaway one on the server DATABASE_URL names; BENCH_DATABASE
// reuses one), then times `probity alerts run` over it twice: the first from no alerts at all (the
// seed's writes raised some as they went; they are cleared so that every alert is raised in the run),
// the second finding them raised already (what the nightly run costs on a quiet day).
// BENCH_SCALE and BENCH_YEARS shrink the dataset for a quick look.
import os from 'node:os'
import { sql } from 'drizzle-orm'
import { openDatabase, queryRows } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import { createServices } from '../src/services.js'
import { benchDatabase } from './database.js'
import { nationalDataset } from './national.js'

const SCALE = Number(process.env.BENCH_SCALE ?? 1)
const YEARS = Number(process.env.BENCH_YEARS ?? 10)
const TARGET_SECONDS = 30

const place = await benchDatabase('alerts', process.env.BENCH_DATABASE)
const database = await openDatabase(place.settings)
try {
  await migrateDatabase(database)
  const services = createServices(database.db)
  const national = await nationalDataset(database.db, services, { years: YEARS, scale: SCALE })
  console.log(`Seeded in ${national.seedSeconds?.toFixed(1) ?? '(already there)'} s`)
  await database.db.execute(sql`delete from alerts`)
  for (const run of ['first run', 'second run']) {
    const load = os.loadavg()[0]?.toFixed(1)
    const started = performance.now()
    const results = await services.alerts.runAll(SYSTEM_CALLER)
    const seconds = (performance.now() - started) / 1000
    const raised = results.reduce((sum, row) => sum + row.raised, 0)
    console.log(
      `${run}: ${results.length} forces, ${raised} alerts raised, ${seconds.toFixed(1)} s (target < ${TARGET_SECONDS} s: ${seconds < TARGET_SECONDS ? 'holds' : 'misses'}; load ${load})`,
    )
  }
  const byRule = await queryRows<{ rule: string; alerts: number }>(
    database.db,
    sql`select rule, count(*)::int as alerts from alerts group by rule order by rule`,
  )
  console.table(byRule)
} finally {
  await database.close()
  await place.drop()
}
