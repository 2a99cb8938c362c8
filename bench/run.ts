// `npm run bench`: HTTP throughput and latency of Probity's routes on loopback, beside a bare Fastify
// route on the same machine as the ceiling. Each measurement is bounded in time; nothing asserts.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import Fastify from 'fastify'
import { createApp } from '../src/app.js'
import { openDatabase } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { createServices } from '../src/services.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const CONNECTIONS = 50

interface Row {
  name: string
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  errors: number
}

async function measure(name: string, url: string): Promise<Row> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS })
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
  }
}

const settings = process.env.DATABASE_URL
  ? ({ kind: 'server', url: process.env.DATABASE_URL } as const)
  : ({ kind: 'embedded', dataDir: 'memory://' } as const)
const database = await openDatabase(settings)
await migrateDatabase(database)
const app = await createApp(createServices(database.db), {
  cookieSecret: 'bench-cookie-secret-of-at-least-32-chars',
})
await app.listen({ host: '127.0.0.1', port: 0 })
const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

const bare = Fastify()
bare.get('/', async () => ({ ok: true }))
await bare.listen({ host: '127.0.0.1', port: 0 })

const rows: Row[] = []
rows.push(
  await measure(
    'bare Fastify route (ceiling)',
    `http://127.0.0.1:${(bare.server.address() as AddressInfo).port}/`,
  ),
)
rows.push(await measure('GET /api/forces (JSON, 44 rows)', `${base}/api/forces`))
rows.push(await measure('GET /api/forces/cheshire (JSON)', `${base}/api/forces/cheshire`))
rows.push(await measure('GET /forces (HTML page)', `${base}/forces`))

await bare.close()
await app.close()
await database.close()

console.log(
  `\nProbity HTTP benchmark: ${CONNECTIONS} connections, ${SECONDS} s each, ${database.kind} database\n`,
)
console.table(rows)
const results = {
  date: new Date().toISOString(),
  database: database.kind,
  connections: CONNECTIONS,
  seconds: SECONDS,
  rows,
}
fs.writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`)
console.log('Written to bench/results.json')

// Desk research: posts screened and imported per second, in a process of its own for its peak memory.
execFileSync(
  process.execPath,
  ['--import', 'tsx', fileURLToPath(new URL('./desk-research.ts', import.meta.url))],
  {
    stdio: 'inherit',
  },
)
