// The issues' targets, each with the figure measured and whether it holds. `npm run bench -- --check`
// exits non-zero when any of them misses. A part not run (`--only`) has no targets.
import type { HttpRow } from './http.js'
import type { MixedBenchResult } from './mixed.js'
import type { MixedGroup, MixedRouteRow } from './mixed-load.js'

export interface Target {
  target: string
  figure: string
  met: boolean
}

/** Issue P16's throughput targets for the mix, requests a second by group. */
const MIX_THROUGHPUT = { page: 400, json: 1500, write: 500 } as const

/** What the mix must answer in all for its throughput targets to hold together. */
export const MIX_TARGET_REQUESTS_PER_SECOND = MIX_THROUGHPUT.page + MIX_THROUGHPUT.json + MIX_THROUGHPUT.write

/** Issue P16: the mixed workload at 50 connections. */
export function mixedTargets(mixed: MixedBenchResult): Target[] {
  const group = (name: MixedGroup) => mixed.routes.filter((route) => route.group === name)
  const perSecond = (routes: MixedRouteRow[]): number =>
    routes.reduce((sum, route) => sum + route.requestsPerSecond, 0)
  const slowest = (routes: MixedRouteRow[]) =>
    routes.reduce<MixedRouteRow | undefined>(
      (worst, route) => (worst && worst.p99Ms >= route.p99Ms ? worst : route),
      undefined,
    )
  const p99Below = (name: MixedGroup, what: string, limit: number): Target => {
    const routes = group(name)
    const silent = routes.find((route) => route.requests === 0)
    const worst = slowest(routes)
    return {
      target: `mix: every ${what} route's p99 < ${limit} ms`,
      figure: silent
        ? `no answer at all from ${silent.route}`
        : worst
          ? `${worst.p99Ms} ms (${worst.route})`
          : 'not measured',
      met: !silent && worst !== undefined && worst.p99Ms < limit,
    }
  }
  const atLeast = (name: MixedGroup, what: string, floor: number): Target => ({
    target: `mix: ${what} >= ${floor.toLocaleString('en-GB')}/s`,
    figure: `${perSecond(group(name)).toLocaleString('en-GB')}/s`,
    met: perSecond(group(name)) >= floor,
  })
  // autocannon counts a request that timed out among its failed requests too.
  const errors = mixed.routes.reduce((sum, route) => sum + route.errors, 0) + mixed.failures
  return [
    p99Below('page', 'register page and dashboard', 250),
    atLeast('page', 'register pages and dashboard', MIX_THROUGHPUT.page),
    p99Below('json', 'register JSON', 100),
    atLeast('json', 'register JSON reads', MIX_THROUGHPUT.json),
    p99Below('write', 'write', 200),
    atLeast('write', 'writes', MIX_THROUGHPUT.write),
    p99Below('inspectorate search', 'inspectorate cross-force search (44 forces)', 300),
    {
      target: 'mix: no errors',
      figure: `${errors} (non-2xx ${errors - mixed.failures}, failed ${mixed.failures}, of which timed out ${mixed.timeouts})`,
      met: errors === 0,
    },
  ]
}

/** Issue P9's target for the repeated request (the register JSON list kept in memory). */
export function repeatedTargets(http: HttpRow[]): Target[] {
  const list = http.find((measured) => measured.name.startsWith('register JSON list: ')) as HttpRow
  return [
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
  ]
}
