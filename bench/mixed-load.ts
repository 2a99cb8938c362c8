// The mixed workload's load generator, run by bench/mixed.ts as a process of its own (so the load it makes
// does not share the server's event loop): autocannon at 50 connections where every request is drawn
// afresh from a seeded distribution over the callers and the query parameters the routes accept, with
// writes at a tenth of requests. autocannon reports one latency histogram for a whole run, so this keeps
// each route's own: with one request in flight per connection, a response belongs to the request its
// connection last set up. It reads the plan (a JSON file) and prints the rows as JSON.
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import {
  BUSINESS_INTEREST_CATEGORIES,
  BUSINESS_INTEREST_STATUSES,
  DONOR_TYPES,
  GIFT_KINDS,
  GIFT_OUTCOMES,
  MEDIA_CONTACT_METHODS,
} from '../src/domain/registers.js'
import { SORTS as INTEREST_SORT_KEYS } from '../src/modules/business-interests/queries.js'
import { GIFT_SORT_KEYS } from '../src/modules/gifts-hospitality/filters.js'
import { MEDIA_SORT_KEYS } from '../src/modules/media-contacts/fields.js'
import { Random } from '../src/modules/national-dataset/random.js'

/** One user of the mix: a force's caseworker (several signed-in sessions) or the inspectorate. */
export interface MixedCaller {
  name: string
  /** The force's code; null for the inspectorate, who reads every force's registers. */
  forceCode: string | null
  /** Share of the reads this caller makes. */
  weight: number
  /** Cookie headers of signed-in sessions (pages). */
  sessions: string[]
  /** An API token of the same role (JSON reads and writes). */
  token: string
  /** Words from the caller's own registers (donors, outlets, surnames), for searches. */
  words: string[]
  units: string[]
  /** Staff numbers on the force's roster, for declarations (empty for the inspectorate). */
  staffNumbers: string[]
  /** Current approvals that a review can continue (empty for the inspectorate). */
  approvals: string[]
}

export interface MixedPlan {
  origin: string
  connections: number
  seconds: number
  seed: number
  /** The share of requests that are writes. */
  writeShare: number
  /** The dataset's first and last day, for date filters. */
  firstDay: string
  lastDay: string
  /** Every force's code, for the inspectorate's force filter. */
  forceCodes: string[]
  callers: MixedCaller[]
}

export interface MixedRouteRow {
  route: string
  group: MixedGroup
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** Answers other than 2xx. */
  errors: number
  /** Status codes other than 2xx, with how often each came. */
  statuses: Record<string, number>
  /** Share of this route's requests whose caller and address had not been asked before in the run, %. */
  distinctShare: number
}

export type MixedGroup = 'page' | 'json' | 'write' | 'inspectorate search'

export interface MixedLoadResult {
  seconds: number
  requestsPerSecond: number
  /** autocannon's own count of failed requests (no answer, reset, timed out), and of those that timed out. */
  failures: number
  timeouts: number
  routes: MixedRouteRow[]
}

/** What one draw sends; `route` names the row it is counted in. */
interface Draw {
  route: string
  group: MixedGroup
  method: 'GET' | 'POST'
  path: string
  headers: Record<string, string>
  body?: string
}

/** What a connection's context holds about the request it last sent. */
interface SentRequest {
  route: string
  /** No earlier request in the run had the same caller, method and address. */
  fresh: boolean
}

const CLIENT_HEADERS = { 'accept-encoding': 'gzip, deflate' }

function query(values: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(values).filter(
    (pair): pair is [string, string | number] => pair[1] !== undefined,
  )
  return pairs.length
    ? `?${new URLSearchParams(pairs.map(([name, value]): [string, string] => [name, String(value)]))}`
    : ''
}

/** Draws page views, API reads and writes as they arrive: mostly the first pages, some sorted, filtered or searched. */
export class MixedWorkload {
  private readonly random: Random
  private readonly writers: MixedCaller[]

  constructor(private readonly plan: MixedPlan) {
    this.random = Random.stream(plan.seed, 16)
    this.writers = plan.callers.filter((caller) => caller.forceCode !== null)
  }

  private maybe<T>(probability: number, value: () => T): T | undefined {
    return this.random.chance(probability) ? value() : undefined
  }

  /** Page 1 most of the time, then a few pages on, now and then deep into the register. */
  private page(): number | undefined {
    return this.random.weighted<() => number | undefined>([
      [() => undefined, 60],
      [() => this.random.int(2, 5), 25],
      [() => this.random.int(6, 200), 15],
    ])()
  }

  /** A window of days inside the dataset, from a month to three years. */
  private days(): [string, string] {
    const first = Date.parse(this.plan.firstDay)
    const last = Date.parse(this.plan.lastDay)
    const day = 86_400_000
    const span = this.random.int(30, 3 * 365) * day
    const from = first + Math.floor(this.random.float() * Math.max(0, last - first - span))
    return [new Date(from).toISOString().slice(0, 10), new Date(from + span).toISOString().slice(0, 10)]
  }

  private sortAndOrder(keys: readonly string[]) {
    return {
      sort: this.maybe(0.35, () => this.random.pick(keys)),
      order: this.maybe(0.3, () => this.random.pick(['asc', 'desc'])),
      page: this.page(),
    }
  }

  private giftQuery(caller: MixedCaller, search: boolean) {
    const [offeredFrom, offeredTo] = this.random.chance(0.2) ? this.days() : []
    const valueFrom = this.maybe(0.1, () => this.random.pick([10, 25, 50, 100]))
    return query({
      outcome: this.maybe(0.2, () => this.random.pick(GIFT_OUTCOMES)),
      kind: this.maybe(0.2, () => this.random.pick(GIFT_KINDS)),
      donorType: this.maybe(0.15, () => this.random.pick(DONOR_TYPES)),
      flagged: this.maybe(0.1, () => 'yes'),
      valueFrom,
      valueTo: this.maybe(0.05, () => (valueFrom ?? 0) + this.random.pick([50, 250, 1000])),
      offeredFrom,
      offeredTo,
      q: search || this.random.chance(0.25) ? this.random.pick(caller.words) : undefined,
      ...this.sortAndOrder(GIFT_SORT_KEYS),
    })
  }

  private interestQuery(caller: MixedCaller) {
    const [from, to] = this.random.chance(0.2) ? this.days() : []
    return query({
      force: caller.forceCode ? undefined : this.maybe(0.5, () => this.random.pick(this.plan.forceCodes)),
      status: this.maybe(0.3, () => this.random.pick(BUSINESS_INTEREST_STATUSES)),
      category: this.maybe(0.2, () => this.random.pick(BUSINESS_INTEREST_CATEGORIES)),
      unit: this.maybe(0.1, () => this.random.pick(caller.units)),
      from,
      to,
      q: this.maybe(0.2, () => this.random.pick(caller.words)),
      ...this.sortAndOrder(INTEREST_SORT_KEYS),
    })
  }

  private mediaQuery(caller: MixedCaller) {
    const [from, to] = this.random.chance(0.2) ? this.days() : []
    return query({
      unit: this.maybe(0.1, () => this.random.pick(caller.units)),
      from,
      to,
      q: this.maybe(0.25, () => this.random.pick(caller.words)),
      ...this.sortAndOrder(MEDIA_SORT_KEYS),
    })
  }

  private read(caller: MixedCaller): Draw {
    const page = { cookie: this.random.pick(caller.sessions) }
    const api = { authorization: `Bearer ${caller.token}` }
    const get = (route: string, group: MixedGroup, path: string, headers: Record<string, string>): Draw => ({
      route,
      group,
      method: 'GET',
      path,
      headers,
    })
    if (!caller.forceCode)
      return this.random.weighted<() => Draw>([
        [
          () =>
            get(
              'inspectorate search, 44 forces: GET /gifts-hospitality?q=',
              'inspectorate search',
              `/gifts-hospitality${this.giftQuery(caller, true)}`,
              page,
            ),
          35,
        ],
        [
          () =>
            get(
              'inspectorate search, 44 forces: GET /api/gifts-hospitality?q=',
              'inspectorate search',
              `/api/gifts-hospitality${this.giftQuery(caller, true)}`,
              api,
            ),
          35,
        ],
        [
          () =>
            get(
              'inspectorate register page: GET /business-interests',
              'page',
              `/business-interests${this.interestQuery(caller)}`,
              page,
            ),
          30,
        ],
      ])()
    return this.random.weighted<() => Draw>([
      [
        () =>
          get(
            'register page: GET /gifts-hospitality',
            'page',
            `/gifts-hospitality${this.giftQuery(caller, false)}`,
            page,
          ),
        20,
      ],
      [
        () =>
          get(
            'register page: GET /business-interests',
            'page',
            `/business-interests${this.interestQuery(caller)}`,
            page,
          ),
        10,
      ],
      [
        () =>
          get(
            'register page: GET /media-contacts',
            'page',
            `/media-contacts${this.mediaQuery(caller)}`,
            page,
          ),
        10,
      ],
      [() => get('dashboard: GET /dashboard', 'page', '/dashboard', page), 10],
      [
        () =>
          get(
            'register JSON: GET /api/gifts-hospitality',
            'json',
            `/api/gifts-hospitality${this.giftQuery(caller, false)}`,
            api,
          ),
        20,
      ],
      [
        () =>
          get(
            'register JSON: GET /api/business-interests',
            'json',
            `/api/business-interests${this.interestQuery(caller)}`,
            api,
          ),
        10,
      ],
      [
        () =>
          get(
            'register JSON: GET /api/media-contacts',
            'json',
            `/api/media-contacts${this.mediaQuery(caller)}`,
            api,
          ),
        10,
      ],
    ])()
  }

  private write(caller: MixedCaller): Draw {
    const headers = { authorization: `Bearer ${caller.token}`, 'content-type': 'application/json' }
    const post = (route: string, path: string, body: object): Draw => ({
      route,
      group: 'write',
      method: 'POST',
      path,
      headers,
      body: JSON.stringify(body),
    })
    const staffNumber = this.random.pick(caller.staffNumbers)
    const [day] = this.days()
    const word = this.random.pick(caller.words)
    return this.random.weighted<() => Draw>([
      [
        () =>
          post('write: POST /api/gifts-hospitality (declare a gift)', '/api/gifts-hospitality', {
            staffNumber,
            kind: this.random.pick(GIFT_KINDS),
            description: `Working lunch with ${word} (benchmark)`,
            donorName: `${word} Ltd`,
            donorType: this.random.pick(DONOR_TYPES),
            estimatedValue: this.random.int(5, 400),
            offeredOn: day,
            outcome: this.random.pick(GIFT_OUTCOMES),
          }),
        40,
      ],
      [
        () =>
          post('write: POST /api/media-contacts (log a contact)', '/api/media-contacts', {
            staffNumber,
            journalist: `${word} Reporter`,
            outlet: `The ${word} Gazette`,
            contactOn: day,
            method: this.random.pick(MEDIA_CONTACT_METHODS),
            purpose: 'Background briefing (benchmark)',
            discussed: 'A public appeal for witnesses',
          }),
        25,
      ],
      [
        () =>
          post('write: POST /api/business-interests (record an application)', '/api/business-interests', {
            staffNumber,
            submittedOn: day,
            nature: `Weekend work for ${word} (benchmark)`,
            category: this.random.pick(BUSINESS_INTEREST_CATEGORIES),
            hoursPerWeek: this.random.int(1, 16),
            paid: this.random.pick(['yes', 'no'] as const),
            conflictDeclaration: 'No conflict with my duties',
          }),
        20,
      ],
      [
        () =>
          post(
            'write: POST /api/business-interests/:id/reviews (decide a review)',
            `/api/business-interests/${this.random.pick(caller.approvals)}/reviews`,
            { outcome: 'continue', notes: 'Reviewed (benchmark)' },
          ),
        15,
      ],
    ])()
  }

  next(): Draw {
    if (this.random.chance(this.plan.writeShare)) return this.write(this.random.pick(this.writers))
    const callers = this.plan.callers
    return this.read(this.random.weighted(callers.map((caller) => [caller, caller.weight] as const)))
  }
}

function percentile(sorted: number[], share: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? 0)
}

/** Runs the mix for `seconds` and returns each route's row. */
export async function runMixedLoad(plan: MixedPlan, seconds: number): Promise<MixedLoadResult> {
  const workload = new MixedWorkload(plan)
  const latencies = new Map<string, number[]>()
  const rows = new Map<string, MixedRouteRow>()
  const seen = new Set<string>()
  let finished: (result: autocannon.Result) => void = () => {}
  let failed: (error: Error) => void = () => {}
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve
    failed = reject
  })
  const instance = autocannon(
    {
      url: plan.origin,
      connections: plan.connections,
      duration: seconds,
      requests: [
        {
          setupRequest: (request, context) => {
            const draw = workload.next()
            if (!rows.has(draw.route)) {
              rows.set(draw.route, {
                route: draw.route,
                group: draw.group,
                requests: 0,
                requestsPerSecond: 0,
                p50Ms: 0,
                p99Ms: 0,
                errors: 0,
                statuses: {},
                distinctShare: 0,
              })
              latencies.set(draw.route, [])
            }
            const key = `${draw.method} ${draw.headers.cookie ?? draw.headers.authorization} ${draw.path}`
            Object.assign(context, { route: draw.route, fresh: !seen.has(key) } satisfies SentRequest)
            seen.add(key)
            return {
              ...request,
              method: draw.method,
              path: draw.path,
              headers: { ...CLIENT_HEADERS, ...draw.headers },
              body: draw.body,
            }
          },
        },
      ],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  )
  // One request in flight per connection: the context still names the request this response answers.
  instance.on('response', (client, statusCode, _bytes, responseTime) => {
    const sent = (client as unknown as { requestIterator: { context: SentRequest } }).requestIterator.context
    const row = rows.get(sent.route)
    if (!row) return
    row.requests++
    if (sent.fresh) row.distinctShare++
    latencies.get(sent.route)?.push(responseTime)
    if (statusCode < 200 || statusCode >= 300) {
      row.errors++
      row.statuses[statusCode] = (row.statuses[statusCode] ?? 0) + 1
    }
  })
  const result = await done
  const elapsed = result.duration
  for (const row of rows.values()) {
    const sorted = (latencies.get(row.route) ?? []).sort((a, b) => a - b)
    row.requestsPerSecond = Math.round((10 * row.requests) / elapsed) / 10
    row.p50Ms = percentile(sorted, 0.5)
    row.p99Ms = percentile(sorted, 0.99)
    row.distinctShare = Math.round((1000 * row.distinctShare) / Math.max(1, row.requests)) / 10
  }
  return {
    seconds: elapsed,
    requestsPerSecond: Math.round(result.requests.total / elapsed),
    failures: result.errors,
    timeouts: result.timeouts,
    routes: [...rows.values()].sort(
      (a, b) => a.group.localeCompare(b.group) || a.route.localeCompare(b.route),
    ),
  }
}

/** A route's requests sent one at a time: how many, and their mean and median time. */
export interface OneAtATimeRow {
  route: string
  group: MixedGroup
  requests: number
  meanMs: number
  p50Ms: number
  errors: number
}

export interface OneAtATimeResult {
  seed: number
  requests: number
  /** The mean time a request of the mix took with nothing else in flight. */
  meanMs: number
  routes: OneAtATimeRow[]
}

/**
 * Sends `count` requests drawn as the mix draws them, one at a time, and times each: what the mix's own
 * requests cost without a queue, which a shared machine's moment-to-moment speed moves far less than the
 * mix's throughput, so two versions can be compared request for request.
 */
export async function runOneAtATime(plan: MixedPlan, count: number): Promise<OneAtATimeResult> {
  const workload = new MixedWorkload(plan)
  const times = new Map<string, { group: MixedGroup; ms: number[]; errors: number }>()
  for (let sent = 0; sent < count; sent++) {
    const draw = workload.next()
    const started = performance.now()
    const response = await fetch(`${plan.origin}${draw.path}`, {
      method: draw.method,
      headers: { ...CLIENT_HEADERS, ...draw.headers },
      body: draw.body,
    })
    await response.arrayBuffer()
    const route = times.get(draw.route) ?? { group: draw.group, ms: [], errors: 0 }
    route.ms.push(performance.now() - started)
    if (!response.ok) route.errors++
    times.set(draw.route, route)
  }
  const mean = (ms: number[]) =>
    Math.round((10 * ms.reduce((sum, one) => sum + one, 0)) / Math.max(ms.length, 1)) / 10
  const routes = [...times].map(([route, { group, ms, errors }]) => ({
    route,
    group,
    requests: ms.length,
    meanMs: mean(ms),
    p50Ms: percentile(
      [...ms].sort((a, b) => a - b),
      0.5,
    ),
    errors,
  }))
  return {
    seed: plan.seed,
    requests: count,
    meanMs: mean([...times.values()].flatMap((route) => route.ms)),
    routes: routes.sort((a, b) => a.group.localeCompare(b.group) || a.route.localeCompare(b.route)),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // `plan.json SECONDS` runs the mix; `plan.json --one-at-a-time COUNT` sends COUNT of its requests in turn.
  const [planFile, seconds, count] = process.argv.slice(2)
  const plan = JSON.parse(fs.readFileSync(planFile as string, 'utf8')) as MixedPlan
  const result =
    seconds === '--one-at-a-time'
      ? await runOneAtATime(plan, Number(count))
      : await runMixedLoad(plan, Number(seconds))
  process.stdout.write(JSON.stringify(result))
}
