// HTTP throughput and latency of Probity's routes under 50 connections on loopback, each beside a bare
// Fastify route measured just before it on the same machine, as the ceiling (a shared machine's speed
// drifts from one minute to the next). Each measurement is bounded in time; nothing asserts.
import { execFile } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import { type Database, POOL_SIZE } from '../src/db/connection.js'
import { DATA_CHANGED_CHANNEL } from '../src/db/data-changes.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import type { Services } from '../src/services.js'

const run = promisify(execFile)

export const CONNECTIONS = 50

export interface HttpRow {
  name: string
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** Failed requests and answers other than 2xx: a run with any is not a fair figure. */
  errors: number
  /** Of those errors, requests with no answer within autocannon's 10 s. */
  timeouts: number
  /** The bare route's requests/s, measured just before this row; absent for the bare route itself. */
  ceilingRequestsPerSecond?: number
  /** This row's throughput as a share of that ceiling, in per cent. */
  shareOfCeiling?: number
}

/** Every client sends what Node's own fetch sends over plain HTTP, as browsers and HTTP libraries do. */
const CLIENT_HEADERS = { 'accept-encoding': 'gzip, deflate' }

export interface Target {
  name: string
  url: string
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
}

/** The parts of autocannon's --json report the table shows. */
interface AutocannonResult {
  requests: { average: number }
  latency: { p50: number; p99: number }
  errors: number
  timeouts: number
  non2xx: number
}

const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url))
const WARM_UP_SECONDS = 2

/** Runs autocannon in a process of its own, so the load it makes does not share the server's event loop. */
async function autocannon(target: Target, seconds: number): Promise<AutocannonResult> {
  const headers = Object.entries({ ...CLIENT_HEADERS, ...target.headers }).flatMap(([name, value]) => [
    '-H',
    `${name}=${value}`,
  ])
  const body = target.body === undefined ? [] : ['-b', target.body]
  const { stdout } = await run(process.execPath, [
    AUTOCANNON,
    '--json',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
    '-m',
    target.method ?? 'GET',
    ...headers,
    ...body,
    target.url,
  ])
  return JSON.parse(stdout) as AutocannonResult
}

/** The first seconds of a target's load, which warm the JIT, the pool and the caches and are not counted. */
export const warmUp = async (target: Target): Promise<void> => {
  await autocannon(target, WARM_UP_SECONDS)
}

export async function measure(target: Target, seconds: number): Promise<HttpRow> {
  await warmUp(target)
  return measureWarm(target, seconds)
}

/** `measure` without the warm-up, for a target just warmed up (`warmUp`). */
export async function measureWarm(target: Target, seconds: number): Promise<HttpRow> {
  const result = await autocannon(target, seconds)
  return {
    name: target.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    timeouts: result.timeouts,
  }
}

export const origin = (server: FastifyInstance) =>
  `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`

/** Signs in through the real form, as a browser would, and returns the session's cookie header. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const cookies = new Map<string, string>()
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const [name, ...value] = (pair ?? '').split('=')
      if (name) cookies.set(name.trim(), value.join('='))
    }
  }
  const header = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  const form = await fetch(`${base}/sign-in`)
  keep(form)
  const csrf = (await form.text()).match(/name="_csrf" value="([^"]+)"/)?.[1]
  if (!csrf) throw new Error('the sign-in page has no CSRF token')
  const signedIn = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
    body: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
  })
  if (signedIn.status !== 303) throw new Error(`signing in as ${email} answered ${signedIn.status}`)
  keep(signedIn)
  return header()
}

export interface HttpBenchInput {
  /** Where the app listens. */
  base: string
  /** The bare Fastify route, the ceiling. */
  bare: Target
  services: Services
  db: Database
  /** The force whose registers are read and written: the largest makes the hardest case. */
  forceCode: string
  /** A caseworker of that force, who reads its registers and dashboard. */
  caseworkerEmail: string
  password: string
  /** A staff number on that force's roster, for the declarations the write makes. */
  staffNumber: string
  seconds: number
}

const FIRST_READS = 200

/** What the repeated write declares, every time: one member of staff, one donor, one day. */
const REPEATED_DECLARATION = {
  description: 'Working lunch with a partner agency (benchmark)',
  donorName: 'Benchmark Partners Ltd',
}

/**
 * Removes the gifts the repeated write declared. Left in a kept database, each run's thousands of offers
 * from one donor to one member on one day made that force's register unlike any real one: its newest
 * pages sorted them all (the day is among the register's last), and the member's repeated-gifts alert,
 * which the rules rebuild from all of them, grew with every run (bench/README.md, 5 December, afternoon).
 */
async function removeRepeatedDeclarations(db: Database): Promise<void> {
  await db.execute(
    sql`delete from gifts_hospitality
        where description = ${REPEATED_DECLARATION.description} and donor_name = ${REPEATED_DECLARATION.donorName}`,
  )
}

/**
 * The register JSON list read once after each change, one request at a time: what a read costs when the
 * answer kept in memory has just been dropped. The change is a bare notification, as any commit sends.
 */
async function firstReadsAfterAChange(
  db: Database,
  url: string,
  headers: Record<string, string>,
): Promise<HttpRow> {
  const latencies: number[] = []
  let errors = 0
  const started = performance.now()
  for (let read = 0; read < FIRST_READS; read++) {
    await db.execute(sql`select pg_notify(${DATA_CHANGED_CHANNEL}, ${`bench-change-${read}`})`)
    const sent = performance.now()
    const response = await fetch(url, { headers })
    await response.arrayBuffer()
    latencies.push(performance.now() - sent)
    if (!response.ok) errors++
  }
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (share: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0)
  return {
    name: 'register JSON list, first read after a change (1 connection)',
    requestsPerSecond: Math.round(FIRST_READS / seconds),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
    timeouts: 0,
  }
}

/** A bare Fastify route on loopback: the ceiling every route is set beside. */
export async function listenBare(): Promise<{ target: Target; close: () => Promise<void> }> {
  const bare = Fastify()
  bare.get('/', async () => ({ ok: true }))
  await bare.listen({ host: '127.0.0.1', port: 0 })
  return {
    target: { name: 'bare Fastify route (ceiling)', url: `${origin(bare)}/` },
    close: () => bare.close(),
  }
}

/**
 * The least any register read can cost on this machine: a bare Fastify route that reads the Met's newest
 * 50 gifts with their members of staff, by one prepared statement from an index, on a pool of the app's
 * size, as the tables' owner (so no row-level security and no transaction), and answers them as JSON. None
 * of Probity's work (sign-in, tenant settings, filters, counting, rendering), and always the same page, so
 * always in the database's cache. A route that reads the database on every request cannot pass this on
 * the same machine; set beside the issue's targets, it says whether the machine could meet them at all.
 */
export async function listenDatabaseFloor(
  connectionString: string,
): Promise<{ target: Target; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE })
  const [met] = (await pool.query<{ id: number }>("select id from forces where code = 'metropolitan'")).rows
  const floor = Fastify()
  floor.get('/', async () => {
    const { rows } = await pool.query({
      name: 'floor',
      text: `select g.id, g.kind, g.description, g.donor_name, g.estimated_value, g.offered_on, g.outcome,
               s.staff_number, s.name, s.unit
             from gifts_hospitality g join staff_members s on s.force_id = g.force_id and s.id = g.staff_member_id
             where g.force_id = $1 order by g.offered_on desc, g.created_at desc, g.id limit 50`,
      values: [met?.id ?? 0],
    })
    return { items: rows }
  })
  await floor.listen({ host: '127.0.0.1', port: 0 })
  return {
    target: {
      name: "bare database read (ceiling): the Met's first 50 gifts, one prepared statement",
      url: `${origin(floor)}/`,
    },
    close: async () => {
      await floor.close()
      await pool.end()
    },
  }
}

/** Measures each Probity route as the force's caseworker, each after the bare route. */
export async function benchHttp(input: HttpBenchInput): Promise<HttpRow[]> {
  const base = input.base
  const cookie = await signIn(base, input.caseworkerEmail, input.password)
  const { token } = await input.services.apiTokens.create(SYSTEM_CALLER, {
    name: 'benchmark',
    role: 'force-caseworker',
    forceCode: input.forceCode,
  })
  const bearer = { authorization: `Bearer ${token}` }
  const declaration = JSON.stringify({
    staffNumber: input.staffNumber,
    kind: 'hospitality',
    description: REPEATED_DECLARATION.description,
    donorName: REPEATED_DECLARATION.donorName,
    donorType: 'partner agency',
    estimatedValue: 18.5,
    offeredOn: '2012-08-20',
    outcome: 'accepted',
  })
  const ceiling = input.bare
  const targets: Target[] = [
    {
      name: 'register list page: GET /gifts-hospitality',
      url: `${base}/gifts-hospitality`,
      headers: { cookie },
    },
    {
      name: 'register JSON list: GET /api/gifts-hospitality',
      url: `${base}/api/gifts-hospitality`,
      headers: bearer,
    },
    { name: 'force dashboard: GET /dashboard', url: `${base}/dashboard`, headers: { cookie } },
    {
      name: 'write: POST /api/gifts-hospitality (declare a gift)',
      url: `${base}/api/gifts-hospitality`,
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: declaration,
    },
  ]
  const rows: HttpRow[] = []
  for (const target of targets) {
    const bareRow = await measure(ceiling, input.seconds)
    rows.push(bareRow)
    const row = await measure(target, input.seconds)
    const share = Math.round((1000 * row.requestsPerSecond) / bareRow.requestsPerSecond) / 10
    rows.push({ ...row, ceilingRequestsPerSecond: bareRow.requestsPerSecond, shareOfCeiling: share })
  }
  rows.push(await firstReadsAfterAChange(input.db, `${base}/api/gifts-hospitality`, bearer))
  await removeRepeatedDeclarations(input.db)
  return rows
}
