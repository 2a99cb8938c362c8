// The mixed workload (issue P16): the Metropolitan Police, a mid-size and a small force's caseworkers and
// the inspectorate, several signed-in sessions and an API token each, every request a different page,
// filter, sort or search drawn from a seeded distribution, a tenth of them writes, so answers kept in
// memory rarely hit. The bare Fastify route is measured just before, in the same run. The load runs in
// a process of its own (bench/mixed-load.ts); this side signs in, makes the tokens and picks the words,
// units, staff numbers and approvals the requests use from the seeded data.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { sql } from 'drizzle-orm'
import { type Database, queryRows } from '../src/db/connection.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import type { Services } from '../src/services.js'
import { CONNECTIONS, type HttpRow, measure, measureWarm, signIn, type Target, warmUp } from './http.js'
import type {
  MixedCaller,
  MixedLoadResult,
  MixedPlan,
  MixedRouteRow,
  OneAtATimeResult,
} from './mixed-load.js'

const run = promisify(execFile)

/** The forces whose caseworkers use the mix, with their share of its reads; the rest is the inspectorate's. */
export const MIXED_FORCES = [
  { code: 'metropolitan', size: 'largest', weight: 35 },
  { code: 'thames-valley', size: 'mid-size', weight: 25 },
  { code: 'warwickshire', size: 'small', weight: 15 },
] as const
const INSPECTORATE_WEIGHT = 25
const SESSIONS_PER_CALLER = 3
const SEED = 2012
const WARM_UP_SECONDS = 2

export interface MixedBenchInput {
  services: Services
  db: Database
  /** Where the app and the bare route listen. */
  base: string
  bare: Target
  /** The least a register read costs here (`listenDatabaseFloor`), on a server database only. */
  floor?: Target
  /** The seeded accounts' e-mail addresses and their one password. */
  caseworkerEmail: (forceCode: string) => string
  inspectorEmail: string
  password: string
  seconds: number
  /** The share of requests that are writes. */
  writeShare: number
  /** How many of the mix's requests to send one at a time after it. */
  oneAtATime: number
}

export interface MixedBenchResult {
  connections: number
  seconds: number
  seed: number
  writeShare: number
  callers: { name: string; forceCode: string | null; weight: number; sessions: number }[]
  bare: HttpRow
  /**
   * The bare database read, measured just after the bare route (absent on the embedded database), with
   * the machine's CPU it took a request: the least any request that reads the database costs here.
   */
  floor?: HttpRow & { machineMsPerRequest: number }
  requestsPerSecond: number
  shareOfCeiling: number
  failures: number
  timeouts: number
  routes: MixedRouteRow[]
  /** Where the machine's CPU went while the mix ran, to tell the app's ceiling from the machine's. */
  cpu: MixedCpu
  /** Requests drawn as the mix draws them (from another seed), sent one at a time after it. */
  oneAtATime: OneAtATimeResult
}

export interface MixedCpu {
  cores: number
  /** The share of all cores' time spent busy (anything but idle), in per cent. */
  machineBusyPercent: number
  /** This process's CPU (the app's server, and nothing else while the load runs) per answered request. */
  appMsPerRequest: number
  /** Every other busy moment of the machine per answered request: the database, the load, the kernel. */
  restMsPerRequest: number
}

/** All cores' time so far, busy and idle, in milliseconds. */
function coreTimes() {
  let busy = 0
  let idle = 0
  for (const { times } of os.cpus()) {
    busy += times.user + times.nice + times.sys + times.irq
    idle += times.idle
  }
  return { busy, idle }
}

/** `measure`, with the machine's CPU (all cores, every process) per answered request while it ran. */
async function measureWithCpu(target: Target, seconds: number) {
  await warmUp(target)
  const before = coreTimes()
  const row = await measureWarm(target, seconds)
  const busyMs = coreTimes().busy - before.busy
  // The load generator's own start (a Node process) falls inside the window, so this over-counts a little.
  const answered = Math.max(row.requestsPerSecond * seconds, 1)
  return { ...row, machineMsPerRequest: Math.round((100 * busyMs) / answered) / 100 }
}

/** The dataset's first and last day of gifts, for the mix's date filters. */
export async function datasetDays(db: Database): Promise<{ firstDay: string; lastDay: string }> {
  const [days] = await queryRows<{ firstDay: string; lastDay: string }>(
    db,
    sql`select min(offered_on)::text as "firstDay", max(offered_on)::text as "lastDay" from gifts_hospitality`,
  )
  return { firstDay: days?.firstDay ?? '2002-09-01', lastDay: days?.lastDay ?? '2012-08-31' }
}

/** Words from the registers of `forceIds` (all forces when null): donors, surnames and outlets, for searches. */
export async function words(db: Database, forceIds: number[] | null): Promise<string[]> {
  const forces = forceIds ? sql`force_id in (${sql.join(forceIds, sql`, `)})` : sql`true`
  const rows = await queryRows<{ word: string }>(
    db,
    sql`(select distinct split_part(donor_name, ' ', 1) as word from gifts_hospitality where ${forces} order by 1 limit 60)
        union (select distinct split_part(name, ' ', 2) from staff_members where ${forces} order by 1 limit 60)
        union (select distinct split_part(outlet, ' ', 2) from media_contacts where ${forces} order by 1 limit 30)`,
  )
  return rows.map((row) => row.word).filter((word) => word.length >= 3)
}

async function units(db: Database, forceIds: number[] | null): Promise<string[]> {
  const forces = forceIds ? sql`force_id in (${sql.join(forceIds, sql`, `)})` : sql`true`
  const rows = await queryRows<{ unit: string }>(
    db,
    sql`select distinct unit from staff_members where ${forces} order by 1 limit 40`,
  )
  return rows.map((row) => row.unit)
}

/** The callers of the mix, with what their requests draw on. */
async function callersOf(input: MixedBenchInput): Promise<MixedCaller[]> {
  const { db, services } = input
  const forces = await queryRows<{ id: number; code: string }>(db, sql`select id, code from forces`)
  const idOf = (code: string) => {
    const found = forces.find((force) => force.code === code)
    if (!found) throw new Error(`no force ${code} in the benchmark's database`)
    return found.id
  }
  const sessions = async (email: string) => {
    const signedIn: string[] = []
    for (let session = 0; session < SESSIONS_PER_CALLER; session++)
      signedIn.push(await signIn(input.base, email, input.password))
    return signedIn
  }
  const callers: MixedCaller[] = []
  for (const force of MIXED_FORCES) {
    const forceId = idOf(force.code)
    const { token } = await services.apiTokens.create(SYSTEM_CALLER, {
      name: `mixed benchmark ${force.code}`,
      role: 'force-caseworker',
      forceCode: force.code,
    })
    const staff = await queryRows<{ staffNumber: string }>(
      db,
      sql`select staff_number as "staffNumber" from staff_members
          where force_id = ${forceId} and leave_date is null order by staff_number limit 500`,
    )
    const approvals = await queryRows<{ id: string }>(
      db,
      sql`select id from business_interests where force_id = ${forceId}
            and status in ('approved', 'approved with conditions')
            and (expiry_date is null or expiry_date > current_date) order by id limit 300`,
    )
    callers.push({
      name: `${force.size} force (${force.code}) caseworker`,
      forceCode: force.code,
      weight: force.weight,
      sessions: await sessions(input.caseworkerEmail(force.code)),
      token,
      words: await words(db, [forceId]),
      units: await units(db, [forceId]),
      staffNumbers: staff.map((row) => row.staffNumber),
      approvals: approvals.map((row) => row.id),
    })
  }
  const { token } = await services.apiTokens.create(SYSTEM_CALLER, {
    name: 'mixed benchmark inspectorate',
    role: 'inspector',
  })
  callers.push({
    name: 'inspectorate (all 44 forces)',
    forceCode: null,
    weight: INSPECTORATE_WEIGHT,
    sessions: await sessions(input.inspectorEmail),
    token,
    words: await words(db, null),
    units: await units(db, null),
    staffNumbers: [],
    approvals: [],
  })
  return callers
}

const LOAD = fileURLToPath(new URL('./mixed-load.ts', import.meta.url))

/** Runs the load generator in a process of its own with the plan and `args` (see bench/mixed-load.ts). */
async function inLoadProcess<T>(plan: MixedPlan, args: string[]): Promise<T> {
  const file = path.join(os.tmpdir(), `probity-mixed-plan-${process.pid}.json`)
  fs.writeFileSync(file, JSON.stringify(plan))
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', LOAD, file, ...args], {
      maxBuffer: 64 * 1024 * 1024,
    })
    return JSON.parse(stdout) as T
  } finally {
    fs.rmSync(file, { force: true })
  }
}

/** Runs the mix for `seconds`, with the plan's seed. */
const load = (plan: MixedPlan, seconds: number) => inLoadProcess<MixedLoadResult>(plan, [String(seconds)])

/**
 * Waits (up to a minute) until the server has finished what the warm-up left running: autocannon stops
 * with requests in flight, and their queries would otherwise run on into the measured seconds.
 */
async function drained(db: Database): Promise<void> {
  const until = Date.now() + 60_000
  let quiet = 0
  // Twice in a row: between two statements of a transaction a connection looks idle for a moment.
  while (quiet < 2 && Date.now() < until) {
    const [busy] = await queryRows<{ sessions: number }>(
      db,
      sql`select count(*)::int as sessions from pg_stat_activity
          where datname = current_database() and state not in ('idle') and pid <> pg_backend_pid()`,
    )
    quiet = busy?.sessions ? 0 : quiet + 1
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

export async function benchMixed(input: MixedBenchInput): Promise<MixedBenchResult> {
  const callers = await callersOf(input)
  const forceCodes = await queryRows<{ code: string }>(input.db, sql`select code from forces order by code`)
  const plan: MixedPlan = {
    origin: input.base,
    connections: CONNECTIONS,
    seconds: input.seconds,
    seed: SEED,
    writeShare: input.writeShare,
    ...(await datasetDays(input.db)),
    forceCodes: forceCodes.map((row) => row.code),
    callers,
  }
  const bare = await measure(input.bare, input.seconds)
  const floor = input.floor && (await measureWithCpu(input.floor, input.seconds))
  // The warm-up draws from another seed, so it keeps nothing in memory that the measured run asks for.
  await load({ ...plan, seed: SEED + 1 }, WARM_UP_SECONDS)
  await drained(input.db)
  const coresBefore = coreTimes()
  const appBefore = process.cpuUsage()
  const mix = await load(plan, input.seconds)
  const app = process.cpuUsage(appBefore)
  const coresAfter = coreTimes()
  await drained(input.db)
  // Another seed again, so that no answer the mix left in memory serves these.
  const oneAtATime = await inLoadProcess<OneAtATimeResult>({ ...plan, seed: SEED + 2 }, [
    '--one-at-a-time',
    String(input.oneAtATime),
  ])
  const answered = mix.routes.reduce((sum, route) => sum + route.requests, 0)
  const busyMs = coresAfter.busy - coresBefore.busy
  const appMs = (app.user + app.system) / 1000
  const perRequest = (ms: number) => Math.round((10 * ms) / Math.max(answered, 1)) / 10
  return {
    connections: CONNECTIONS,
    seconds: mix.seconds,
    seed: SEED,
    writeShare: input.writeShare,
    callers: callers.map((caller) => ({
      name: caller.name,
      forceCode: caller.forceCode,
      weight: caller.weight,
      sessions: caller.sessions.length,
    })),
    bare,
    floor,
    requestsPerSecond: mix.requestsPerSecond,
    shareOfCeiling: Math.round((1000 * mix.requestsPerSecond) / bare.requestsPerSecond) / 10,
    failures: mix.failures,
    timeouts: mix.timeouts,
    routes: mix.routes,
    cpu: {
      cores: os.cpus().length,
      machineBusyPercent: Math.round((1000 * busyMs) / (busyMs + coresAfter.idle - coresBefore.idle)) / 10,
      appMsPerRequest: perRequest(appMs),
      restMsPerRequest: perRequest(busyMs - appMs),
    },
    oneAtATime,
  }
}
