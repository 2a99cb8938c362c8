import { type SQL, sql } from 'drizzle-orm'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasRole } from '../src/domain/roles.js'
import type { Access } from '../src/web/authorisation.js'
import { Agent, signedInAgent } from './support/agent.js'
import { hostileRequest } from './support/hostile-requests.js'
import { fillRouteParameters } from './support/route-parameters.js'
import { recordStep } from './support/stuck-files.js'
import type { TestApp } from './support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from './support/two-forces.js'

/**
 * Drives every route in the app's route table with generated hostile requests (broken and odd JSON,
 * forms and uploads, NULs, half-characters, huge numbers, `__proto__`, long text, odd headers and
 * query strings) as a caller the route lets in, and checks that none answers 5xx and that a refused
 * request wrote nothing. Set HOSTILE_SEED to replay a failure (its seed is in the message) and
 * HOSTILE_RUNS for more requests per route.
 */

const SEED = Number(process.env.HOSTILE_SEED ?? Math.floor(Math.random() * 2 ** 31))
const RUNS = Number(process.env.HOSTILE_RUNS ?? 6)

let testApp: TestApp
let cast: TwoForces
const agents: { anonymous?: Agent; force?: Agent; inspectorate?: Agent } = {}

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
  agents.anonymous = new Agent(testApp.app)
  await agents.anonymous.get('/sign-in')
  agents.force = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
  agents.inspectorate = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
}, 180_000)
afterAll(() => testApp.close())

/** Who walks a route: someone it lets in, so the requests reach its handler. */
function walkerFor(access: Access): keyof typeof agents {
  if (access === 'public') return 'anonymous'
  if (access === 'signed-in') return 'force'
  if (access.some((role) => hasRole('force-admin', role))) return 'force'
  return 'inspectorate'
}

/**
 * The query that counts the rows in every table. The tables are listed once: no request creates one,
 * and listing them took as long as counting their rows, before every request.
 */
let countEveryTable: SQL | undefined
async function everyTableCounted(): Promise<SQL> {
  if (countEveryTable) return countEveryTable
  const tables = await testApp.database.db.execute<{ name: string }>(
    sql`select tablename as name from pg_tables where schemaname = current_schema() order by tablename`,
  )
  const names = (tables as unknown as { rows: { name: string }[] }).rows.map((row) => row.name)
  countEveryTable = sql.join(
    names.map((name) => sql`select ${name} as name, count(*)::int as n from ${sql.identifier(name)}`),
    sql` union all `,
  )
  return countEveryTable
}

/** Rows in every table: a refused request must leave every count as it was. */
async function rowCounts(): Promise<Record<string, number>> {
  const result = (await testApp.database.db.execute(await everyTableCounted())) as unknown as {
    rows: { name: string; n: number }[]
  }
  return Object.fromEntries(result.rows.map((row) => [row.name, Number(row.n)]))
}

/**
 * The next transaction id the database will give out. Writing anything (a row, even one rolled back
 * later) takes a transaction id and reading takes none, so while it stays the same nothing was written
 * and the rows need not be counted again. On a shared server other databases take ids too: then the
 * rows are counted, as they always were.
 */
async function nextTransactionId(): Promise<string> {
  const result = (await testApp.database.db.execute(
    sql`select pg_snapshot_xmax(pg_current_snapshot())::text as next`,
  )) as unknown as { rows: { next: string }[] }
  return result.rows[0]?.next ?? ''
}

/** A new session for a walker whose session a request ended (signing out, say), so the walk goes on as them. */
async function keepSignedIn(walker: keyof typeof agents): Promise<Agent> {
  const agent = agents[walker] as Agent
  if (walker === 'anonymous' || (await agent.get('/api/me')).statusCode === 200) return agent
  const email = walker === 'force' ? cast.alpha.users['force-admin'].email : cast.inspectorateAdmin.email
  agents[walker] = await signedInAgent(testApp.app, email)
  return agents[walker] as Agent
}

/** Generous even on a loaded machine: a request that takes longer has hung (as a multipart form once did). */
const ANSWER_WITHIN_MS = 60_000

/** The answer to a request, or a failure naming the request that got none in time. */
async function answeredWithin<T>(answer: Promise<T>, asked: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const unanswered = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ANSWER_WITHIN_MS / 1000} s: ${asked}`)),
      ANSWER_WITHIN_MS,
    )
  })
  try {
    return await Promise.race([answer, unanswered])
  } finally {
    clearTimeout(timer)
  }
}

describe(`hostile input on every route (HOSTILE_SEED=${SEED}, ${RUNS} runs a route)`, () => {
  it('answers every hostile request below 500, and a refused one writes nothing', {
    timeout: 600_000,
  }, async () => {
    const routes = testApp.app.routeTable.filter((route) => route.method !== 'HEAD')
    expect(routes.length).toBeGreaterThan(100)
    for (const [index, route] of routes.entries()) {
      const walker = walkerFor(route.access)
      const agent = await keepSignedIn(walker)
      // Counted after signing in again, which writes a session and its audit event of its own.
      let counts = await rowCounts()
      let unwritten = await nextTransactionId()
      const { path } = fillRouteParameters(route.url, cast)
      await fc.assert(
        fc.asyncProperty(hostileRequest(route.method, agent.csrfToken), async (request) => {
          const url = request.query ? `${path}?${request.query}` : path
          const asked = `${walker} ${route.method} ${url.slice(0, 300)} (${request.label})`
          recordStep(asked)
          const response = await answeredWithin(
            testApp.app.inject({
              method: route.method as 'GET',
              url,
              remoteAddress: agent.remoteAddress,
              headers: { ...request.headers, cookie: agent.cookieHeader },
              ...(request.payload === undefined ? {} : { payload: request.payload }),
            }),
            asked,
          )
          const what = `${asked} → ${response.statusCode}: ${response.body.slice(0, 300)}`
          expect(response.statusCode, what).toBeLessThan(500)
          const next = await nextTransactionId()
          if (next === unwritten) return
          const after = await rowCounts()
          if (response.statusCode >= 400) expect(after, `wrote rows: ${what}`).toEqual(counts)
          counts = after
          unwritten = await nextTransactionId()
        }),
        { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
      )
    }
  })
})
