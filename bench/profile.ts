// Where one request's time goes, at national scale: V8's CPU profiler (what `node --cpu-prof` records)
// around requests sent one at a time, each a different page so nothing kept in memory answers, with the
// samples' own time grouped by the package or part of Probity they fall in, and every database round trip
// timed and sorted into the tenant settings, the transaction's begin and commit, and the queries.
// Needs a database holding the national dataset:
//   DATABASE_URL=postgres://… BENCH_DATABASE=<name> node --import tsx bench/profile.ts [requests] [scenarios]
// (scenarios: register-page,register-json,register-sorted,force-search,dashboard,inspectorate-search, all by
// default)
// (run `npm run bench -- --only mixed` with the same BENCH_DATABASE first to seed it). Writes each
// profile as bench/profiles/<scenario>.cpuprofile (open it in Chrome's DevTools) and prints the breakdown.
import fs from 'node:fs'
import { Session } from 'node:inspector/promises'
import pg from 'pg'
import { createApp } from '../src/app.js'
import { openDatabase } from '../src/db/connection.js'
import { migrateDatabase } from '../src/db/migrate.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import { GIFT_SORT_KEYS } from '../src/modules/gifts-hospitality/filters.js'
import { createServices } from '../src/services.js'
import { benchDatabase } from './database.js'
import { origin, signIn } from './http.js'
import { nationalDataset } from './national.js'

const REQUESTS = Number(process.argv[2] ?? 100)
const CHOSEN = process.argv[3]?.split(',')
const WARM_UP = 20
const FORCE = 'metropolitan'
const SEARCH_WORDS = ['Hill', 'County', 'Baker', 'news', 'Fisher']

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const HARNESS = 'the profile itself (inject, inspector)'

/** Which part of the stack a sample's own time belongs to, from the script it runs in. */
function partOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame
  if (functionName === '(idle)') return 'idle (waiting: database, network)'
  if (functionName === '(garbage collector)') return 'garbage collection'
  if (functionName === '(program)') return 'V8 and native (program)'
  if (compiledAtRunTime(node)) return 'code compiled at run time (Nunjucks templates, Zod parsers)'
  const packageName = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1]
  if (packageName) {
    if (packageName === 'light-my-request') return HARNESS
    if (packageName === 'nunjucks') return 'Nunjucks (templates and macros)'
    if (packageName.startsWith('zod') || packageName === 'fastify-type-provider-zod') return 'Zod'
    if (packageName === 'drizzle-orm') return 'Drizzle'
    if (packageName.startsWith('pg')) return 'pg driver'
    if (
      packageName === 'fastify' ||
      packageName.startsWith('@fastify/') ||
      ['find-my-way', 'avvio', 'fast-json-stringify', 'secure-json-parse'].includes(packageName)
    )
      return 'Fastify and its plugins'
    return `other package: ${packageName}`
  }
  if (url.includes('/src/web/')) return 'Probity src/web (layout, lists, helpers)'
  if (url.includes('/src/')) return 'Probity modules and db'
  if (url.startsWith('node:')) return 'Node internals (zlib, http, buffers, streams…)'
  return 'other'
}

/** Code made by `new Function` (a Nunjucks template, a Zod parser) has no script address but has lines. */
const compiledAtRunTime = ({ callFrame }: ProfileNode) => callFrame.url === '' && callFrame.lineNumber >= 0

const SAMPLED_STATES = ['(idle)', '(garbage collector)', '(program)']
const isNative = ({ callFrame }: ProfileNode) =>
  callFrame.url === '' && callFrame.lineNumber < 0 && !SAMPLED_STATES.includes(callFrame.functionName)

/**
 * A sample's own time by the part it falls in. A native builtin's (`Buffer.byteLength`, `JSON.stringify`,
 * a RegExp) counts to the part that called it: counted by itself, with the templates, as one lump of
 * "Node internals", it hid that a page's template code and the flattening of its output were the cost.
 */
function breakdown(profile: CpuProfile): Map<string, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parentOf = new Map<number, ProfileNode>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node)
  const withScript = (node: ProfileNode): ProfileNode => {
    let frame: ProfileNode | undefined = node
    while (frame && isNative(frame)) frame = parentOf.get(frame.id)
    return frame ?? node
  }
  // Requests go in by `app.inject` and the profiler is driven from this process: Node's work for either
  // (a response turned into a string for the caller, the inspector's messages) is not the server's.
  const forHarness = (node: ProfileNode): boolean => {
    let frame: ProfileNode | undefined = node
    while (frame && (isNative(frame) || frame.callFrame.url.startsWith('node:')))
      frame = parentOf.get(frame.id)
    return /light-my-request|bench\/profile\.ts/.test(frame?.callFrame.url ?? '')
  }
  const micros = new Map<string, number>()
  profile.samples.forEach((id, index) => {
    const node = byId.get(id)
    if (!node) return
    const scripted = withScript(node)
    const part = partOf(scripted)
    const counted = part.startsWith('Node internals') && forHarness(scripted) ? HARNESS : part
    micros.set(counted, (micros.get(counted) ?? 0) + (profile.timeDeltas[index] ?? 0))
  })
  return micros
}

/** Every database round trip of the process, timed from the call to its answer. */
const roundTrips = new Map<string, { count: number; ms: number }>()
function kindOf(text: string): string {
  if (/^\s*(begin|commit|rollback)/i.test(text)) return 'transaction begin/commit'
  if (text.includes("set_config('app.scope'")) return 'tenant settings (RLS set_config)'
  return 'queries'
}
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown
pg.Client.prototype.query = function timed(this: pg.Client, ...args: unknown[]) {
  const first = args[0]
  const text = typeof first === 'string' ? first : ((first as { text?: string })?.text ?? '')
  const kind = kindOf(text)
  const started = performance.now()
  const done = () => {
    const entry = roundTrips.get(kind) ?? { count: 0, ms: 0 }
    entry.count++
    entry.ms += performance.now() - started
    roundTrips.set(kind, entry)
  }
  const last = args.at(-1)
  if (typeof last === 'function') {
    args[args.length - 1] = (...answer: unknown[]) => {
      done()
      return (last as (...answer: unknown[]) => unknown)(...answer)
    }
    return query.apply(this, args)
  }
  const answer = query.apply(this, args)
  if (answer instanceof Promise) return answer.finally(done)
  return answer
} as typeof pg.Client.prototype.query

const place = await benchDatabase('national', process.env.BENCH_DATABASE)
const database = await openDatabase(place.settings)
try {
  await migrateDatabase(database)
  const services = createServices(database.db, { changes: database.changes })
  const national = await nationalDataset(database.db, services, { years: 10, scale: 1 })
  const app = await createApp(services, {
    cookieSecret: 'bench-cookie-secret-of-at-least-32-chars',
    changes: database.changes,
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const cookie = await signIn(origin(app), national.caseworker(FORCE), national.password)
  const inspectorCookie = await signIn(origin(app), national.inspector, national.password)
  const { token } = await services.apiTokens.create(SYSTEM_CALLER, {
    name: 'profile',
    role: 'force-caseworker',
    forceCode: FORCE,
  })
  const accept = { 'accept-encoding': 'gzip, deflate' }
  const scenarios = [
    {
      name: 'register-page',
      title: `the Met's gifts register page, GET /gifts-hospitality?page=N (a different page each time)`,
      url: (n: number) => `/gifts-hospitality?page=${n}`,
      headers: { ...accept, cookie },
    },
    {
      name: 'register-json',
      title: `the Met's gifts register JSON, GET /api/gifts-hospitality?page=N (never kept: a different page each time)`,
      url: (n: number) => `/api/gifts-hospitality?page=${n}`,
      headers: { ...accept, authorization: `Bearer ${token}` },
    },
    {
      name: 'register-sorted',
      title: `the Met's gifts register JSON, each sort and order in turn, pages 1–200 as the mix draws them`,
      url: (n: number) =>
        `/api/gifts-hospitality?sort=${GIFT_SORT_KEYS[n % GIFT_SORT_KEYS.length]}&order=${n % 2 ? 'asc' : 'desc'}&page=${1 + ((n * 37) % 200)}`,
      headers: { ...accept, authorization: `Bearer ${token}` },
    },
    {
      name: 'force-search',
      title: `the Met's gifts register JSON searched, GET /api/gifts-hospitality?q=WORD&page=N`,
      // 210 different addresses (word, page, sort, order), so the warm-up's answers kept in memory
      // (n from 1,000) serve none of the measured requests.
      url: (n: number) => {
        const drawn = n % 210
        const sort = GIFT_SORT_KEYS[Math.floor(drawn / 15) % GIFT_SORT_KEYS.length]
        return `/api/gifts-hospitality?q=${SEARCH_WORDS[drawn % 5]}&page=${1 + (Math.floor(drawn / 5) % 3)}&sort=${sort}&order=${drawn < 105 ? 'desc' : 'asc'}`
      },
      headers: { ...accept, authorization: `Bearer ${token}` },
    },
    {
      name: 'dashboard',
      title: `the Met's dashboard, GET /dashboard`,
      url: () => '/dashboard',
      headers: { ...accept, cookie },
    },
    {
      name: 'inspectorate-search',
      title: 'the inspectorate searching 44 forces, GET /gifts-hospitality?q=WORD&page=N',
      url: (n: number) => `/gifts-hospitality?q=${SEARCH_WORDS[n % 5]}&page=${1 + (n % 7)}`,
      headers: { ...accept, cookie: inspectorCookie },
    },
  ]
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 200 })
  fs.mkdirSync(new URL('./profiles/', import.meta.url), { recursive: true })
  for (const scenario of scenarios.filter((each) => !CHOSEN || CHOSEN.includes(each.name))) {
    // The inspectorate's search takes seconds a request: a fifth as many, and fewer to warm up.
    const slow = scenario.name === 'inspectorate-search'
    const requests = slow ? Math.ceil(REQUESTS / 5) : REQUESTS
    const send = async (n: number) => {
      const response = await app.inject({ method: 'GET', url: scenario.url(n), headers: scenario.headers })
      if (response.statusCode !== 200) throw new Error(`${scenario.url(n)} answered ${response.statusCode}`)
    }
    for (let n = 0; n < (slow ? 3 : WARM_UP); n++) await send(1000 + n)
    roundTrips.clear()
    await session.post('Profiler.start')
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    for (let n = 1; n <= requests; n++) await send(n)
    const wallMs = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile }
    fs.writeFileSync(
      new URL(`./profiles/${scenario.name}.cpuprofile`, import.meta.url),
      JSON.stringify(profile),
    )
    const parts = breakdown(profile)
    const sampledMs = [...parts.values()].reduce((sum, micros) => sum + micros, 0) / 1000
    console.log(
      `\n${scenario.title}: ${requests} requests one at a time, ${(wallMs / requests).toFixed(1)} ms each, ${((cpu.user + cpu.system) / 1000 / requests).toFixed(1)} ms of this process's CPU each`,
    )
    console.table(
      [...parts]
        .sort((a, b) => b[1] - a[1])
        .map(([part, micros]) => ({
          part,
          'ms per request': Math.round((10 * micros) / 1000 / requests) / 10,
          'share %': Math.round((1000 * micros) / 1000 / sampledMs) / 10,
        })),
    )
    console.table(
      [...roundTrips].map(([kind, { count, ms }]) => ({
        'database round trips': kind,
        'per request': Math.round((10 * count) / requests) / 10,
        'ms per request': Math.round((10 * ms) / requests) / 10,
      })),
    )
  }
  await app.close()
} finally {
  await database.close().catch(() => {})
  await place.drop()
}
