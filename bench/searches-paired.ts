// The inspectorate's searches of every force's gifts, drawn as the mix draws them (bench/mixed-load.ts),
// each answered by this checkout's list query and by another checkout's, one straight after the other,
// the order alternating: a before/after figure for a change to the searches that a shared machine's drift
// from minute to minute does not move. Every pair must give the same total and page (exit 1 otherwise).
// On a database holding the national dataset (`npm run bench -- --only mixed` with the same BENCH_DATABASE
// seeds it), the other checkout made with `git worktree add <dir> <commit>` and given node_modules:
//   DATABASE_URL=postgres://… BENCH_DATABASE=<name> npx tsx bench/searches-paired.ts <dir> [searches] [seed]
import path from 'node:path'
import { openDatabase } from '../src/db/connection.js'
import { inScope } from '../src/db/tenancy.js'
import { giftQuerySchema, toGiftFilter } from '../src/modules/gifts-hospitality/filters.js'
import { selectGifts } from '../src/modules/gifts-hospitality/queries.js'
import { pageWindow } from '../src/web/lists.js'
import { benchDatabase } from './database.js'
import { datasetDays, words } from './mixed.js'
import { MixedWorkload } from './mixed-load.js'

const [otherCheckout, searchesArgument = '300', seedArgument = '2014'] = process.argv.slice(2)
const searches = Number(searchesArgument)
const seed = Number(seedArgument)
if (!otherCheckout || !Number.isInteger(searches) || searches < 1 || !Number.isInteger(seed)) {
  console.error('usage: searches-paired.ts <other checkout> [searches] [seed]')
  process.exit(2)
}
const reused = process.env.BENCH_DATABASE
if (!process.env.DATABASE_URL || !reused) {
  console.error(
    'searches-paired.ts: needs DATABASE_URL and BENCH_DATABASE (a database holding the national dataset)',
  )
  process.exit(2)
}
const other = (await import(path.resolve(otherCheckout, 'src/modules/gifts-hospitality/queries.ts'))) as {
  selectGifts: typeof selectGifts
}

const handle = await openDatabase((await benchDatabase('searches-paired', reused)).settings)
const inspectorate = {
  name: 'inspectorate (all 44 forces)',
  forceCode: null,
  weight: 1,
  sessions: ['unused'],
  token: 'unused',
  words: await words(handle.db, null),
  units: ['unused'],
  staffNumbers: [],
  approvals: [],
}
const workload = new MixedWorkload({
  origin: '',
  connections: 1,
  seconds: 0,
  seed,
  writeShare: 0,
  ...(await datasetDays(handle.db)),
  forceCodes: [],
  callers: [inspectorate],
})

const times = { other: [] as number[], this: [] as number[] }
const paths: string[] = []
let differing = 0
while (times.this.length < searches) {
  const draw = workload.next()
  if (draw.group !== 'inspectorate search') continue
  const query = giftQuerySchema.parse(Object.fromEntries(new URL(draw.path, 'http://bench').searchParams))
  const order = { sort: query.sort, order: query.order }
  const answer = async (select: typeof selectGifts) => {
    const started = performance.now()
    const list = await inScope(handle.db, { kind: 'inspectorate' }, (tx) =>
      select(tx, toGiftFilter(query), order, pageWindow(query.page)),
    )
    const ms = performance.now() - started
    return { ms, answer: JSON.stringify([list.total, list.exact, list.rows.map((row) => row.id)]) }
  }
  const otherFirst = times.this.length % 2 === 0
  const first = await answer(otherFirst ? other.selectGifts : selectGifts)
  const second = await answer(otherFirst ? selectGifts : other.selectGifts)
  const [theirs, ours] = otherFirst ? [first, second] : [second, first]
  if (theirs.answer !== ours.answer) {
    differing++
    console.log(`different answers: ${draw.path}`)
  }
  times.other.push(theirs.ms)
  times.this.push(ours.ms)
  paths.push(decodeURIComponent(draw.path))
}
await handle.close()

const mean = (ms: number[]) => (ms.reduce((sum, one) => sum + one, 0) / ms.length).toFixed(1)
const median = (ms: number[]) => ([...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 0).toFixed(1)
console.log(`${searches} of the inspectorate's searches (seed ${seed}), each by both checkouts in turn:`)
console.table({
  [otherCheckout]: { meanMs: mean(times.other), medianMs: median(times.other) },
  'this checkout': { meanMs: mean(times.this), medianMs: median(times.this) },
})
// The searches this checkout answered most slowly and most quickly beside the other, for a change's cost.
const differences = paths
  .map((searched, index) => ({
    search: searched,
    otherMs: (times.other[index] ?? 0).toFixed(1),
    thisMs: (times.this[index] ?? 0).toFixed(1),
    changeMs: (times.this[index] ?? 0) - (times.other[index] ?? 0),
  }))
  .sort((a, b) => b.changeMs - a.changeMs)
const shown = (rows: typeof differences) =>
  rows.map(({ changeMs, ...row }) => ({ ...row, changeMs: changeMs.toFixed(1) }))
console.log('Most slowed by this checkout:')
console.table(shown(differences.slice(0, 8)))
console.log('Most sped up by this checkout:')
console.table(shown(differences.slice(-8).reverse()))
if (differing) {
  console.error(`${differing} searches answered differently`)
  process.exit(1)
}
