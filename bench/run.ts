// `npm run bench`: Probity at the size of England and Wales. On a fresh database (in-memory PGlite, or a
// throwaway database on the PostgreSQL server DATABASE_URL names) it seeds the national dataset, then
// measures the HTTP routes under 50 connections beside a bare Fastify route, all 44 data returns, every
// press release and report and the national review, a 1,000,000-row register import beside COPY, a
// 100,000-respondent survey wave, what a 50 MB bad upload does to /healthz, and screening 1,000,000
// social-media posts. It prints tables, says which targets hold, and writes bench/results.json. Nothing
// asserts: figures depend on the machine, so they are reported, not tested.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { createApp } from '../src/app.js'
import { openDatabase, queryRows } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { seedNationalData } from '../src/modules/national-dataset/seed.js'
import { createServices } from '../src/services.js'
import { benchDatabase } from './database.js'
import { benchHttp, CONNECTIONS, type HttpRow } from './http.js'
import { benchDataReturns, benchPublications } from './inspection.js'
import { benchRegisterImport } from './register-import.js'
import { benchSurveys } from './surveys.js'
import { benchUpload } from './upload.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const YEARS = Number(process.env.BENCH_YEARS ?? 10)
const SCALE = Number(process.env.BENCH_SCALE ?? 1)
/** The force the HTTP figures are for: the largest, whose registers are the longest. */
const FORCE = 'metropolitan'

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
}

const place = await benchDatabase('national')
const database = await openDatabase(place.settings)
try {
  await migrateDatabase(database)
  const [version] = await queryRows<{ version: string }>(database.db, sql`select version()`)
  const services = createServices(database.db)

  console.log(`Seeding the national dataset (${YEARS} years, scale ${SCALE}) on ${database.kind}…`)
  const started = performance.now()
  const national = await seedNationalData(services, { years: YEARS, seed: 2012, scale: SCALE })
  const seedSeconds = (performance.now() - started) / 1000

  const app = await createApp(services, {
    cookieSecret: 'bench-cookie-secret-of-at-least-32-chars',
    changes: database.changes,
  })
  const http = await benchHttp({
    app,
    services,
    db: database.db,
    forceCode: FORCE,
    caseworkerEmail: national.users.caseworker(FORCE),
    password: national.users.password,
    staffNumber: national.users.staffNumber(FORCE),
    seconds: SECONDS,
  })

  const dataReturns = await benchDataReturns(services, national.inspectionCode)
  const publications = await benchPublications(services, national.inspectionCode)
  const registerImport = await benchRegisterImport()
  const surveys = await benchSurveys()
  const uploads = await benchUpload()

  // Screening (and importing) 1,000,000 posts, in a process of its own for its peak memory.
  execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./desk-research.ts', import.meta.url))],
    { stdio: 'inherit', env: { ...process.env, ...(place.url ? { DATABASE_URL: place.url } : {}) } },
  )
  const deskResearch = JSON.parse(
    fs.readFileSync(new URL('./desk-research-results.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>

  const row = (name: string) => http.find((measured) => measured.name.startsWith(name)) as HttpRow
  const list = row('register JSON list: ')
  const targets = [
    {
      target: 'register list JSON p99 < 50 ms at 50 connections',
      figure: `${list.p99Ms} ms`,
      met: list.p99Ms < 50 && list.errors === 0,
    },
    {
      target: 'register list JSON throughput >= 30% of the bare route',
      figure: `${list.shareOfCeiling}% of ${list.ceilingRequestsPerSecond}`,
      met: (list.shareOfCeiling ?? 0) >= 30,
    },
    {
      target: 'all 44 data returns < 2 s',
      figure: `${(dataReturns.ms / 1000).toFixed(2)} s`,
      met: dataReturns.ms < 2000,
    },
    {
      target: 'all press releases + reports (HTML) + national review < 5 s',
      figure: `${(publications.ms / 1000).toFixed(2)} s`,
      met: publications.ms < 5000,
    },
    {
      target: 'register CSV import >= 50% of COPY throughput',
      figure: `${Math.round(100 * registerImport.ratio)}%`,
      met: registerImport.ratio >= 0.5,
    },
    {
      target: `survey: ${surveys.respondents.toLocaleString('en-GB')} respondents imported and every result computed < 5 s`,
      figure: `${surveys.totalSeconds} s (${surveys.database})`,
      met: surveys.totalSeconds < 5,
    },
    ...uploads.flatMap((upload) => [
      {
        target: `event loop held < 50 ms at a time while ${upload.file} (${upload.megabytes} MB) is checked`,
        figure: `${upload.longestDelayMs} ms late at most (${upload.longestTurnCpuMs} ms of CPU between turns)`,
        met: upload.longestDelayMs < 50,
      },
      {
        target: `/healthz answers < 100 ms while ${upload.file} is checked`,
        figure: `max ${upload.healthzMaxMs} ms over ${upload.healthzAnswered} requests`,
        met: upload.healthzMaxMs < 100,
      },
    ]),
  ]

  console.log(`\nProbity benchmark on ${database.kind} (${version?.version.split(',')[0]})`)
  console.log(
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
  )
  console.log(`\nNational dataset, seeded in ${seedSeconds.toFixed(1)} s:`)
  console.table(national.counts)
  console.log(`\nHTTP: ${CONNECTIONS} connections, ${SECONDS} s each after a warm-up, force ${FORCE}`)
  console.table(http)
  console.log('\nInspection:')
  console.table([
    { work: `data returns for ${dataReturns.forces} forces`, seconds: dataReturns.ms / 1000 },
    {
      work: `${publications.pressReleases} press releases + ${publications.reports} reports (HTML) + national review`,
      seconds: publications.ms / 1000,
    },
  ])
  console.log('\nRegister import (gifts and hospitality CSV):')
  console.table([registerImport])
  console.log('\nSurvey wave import and results:')
  console.table([surveys])
  console.log('\nA large bad upload beside /healthz:')
  console.table(uploads)
  console.log('\nTargets:')
  console.table(targets)

  const results = {
    date: new Date().toISOString(),
    machine,
    database: { kind: database.kind, version: version?.version },
    dataset: { years: YEARS, scale: SCALE, seedSeconds, counts: national.counts },
    http: { connections: CONNECTIONS, seconds: SECONDS, force: FORCE, rows: http },
    dataReturns,
    publications,
    registerImport,
    surveys,
    uploads,
    deskResearch,
    targets,
  }
  fs.writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
  console.log('Written to bench/results.json')
} finally {
  await database.close().catch(() => {})
  await place.drop()
}
