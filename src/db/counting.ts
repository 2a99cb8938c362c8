import { type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import { queryRows } from './connection.js'
import { SEARCH_MATCHES } from './search-text.js'
import type { Transaction } from './tenancy.js'

/**
 * How many records past a page's first a list counts. Counting all of a long register on every page
 * view cost more than reading the page (the Metropolitan Police's 80,000 gifts took 40–70 ms to count,
 * the page 1 ms), so a list says "more than" beyond this and its filters narrow it to an exact count.
 */
export const COUNT_AHEAD = 1_000

/** A list's total: exact, or (when `exact` is false) a lower bound, the list going on past it. */
export interface ListTotal {
  total: number
  exact: boolean
}

type CountableRows = SQLWrapper & { limit(limit: number): SQLWrapper }

/** The count of `rows`, stopped COUNT_AHEAD past the page's first row, and how to read it. */
function countedAhead(rows: CountableRows, offset: number) {
  const stop = offset + COUNT_AHEAD + 1
  return {
    count: sql`(select count(*)::int from (${rows.limit(stop)}) as counted)`,
    totalOf: (counted: unknown): ListTotal => {
      const total = Number(counted ?? 0)
      return total === stop ? { total: stop - 1, exact: false } : { total, exact: true }
    },
  }
}

/**
 * Counts the rows a list's query selects, stopping COUNT_AHEAD past the page's first row. `rows` is the
 * list's query without order or paging (select as few columns as it can: only its WHERE matters).
 */
export async function countAhead(tx: Transaction, rows: CountableRows, offset: number): Promise<ListTotal> {
  const { count, totalOf } = countedAhead(rows, offset)
  const [result] = await queryRows<{ total: number }>(tx, sql`select ${count} as total`)
  return totalOf(result?.total)
}

/**
 * A list's total (as `countAhead`) and its page's ids, in one statement: one round trip instead of two.
 * `pageIds` selects the page's ids, in order. When the list's search is matched by index, `matches` is
 * the search (from `searchCondition`), found once for the count and the page alike: written into each,
 * the same search ran twice a request, its index scans a third of the database's time in the mix.
 */
export async function countWithPageIds(
  tx: Transaction,
  rows: CountableRows,
  pageIds: SQLWrapper,
  offset: number,
  matches?: SQL,
): Promise<ListTotal & { ids: string[] }> {
  const { count, totalOf } = countedAhead(rows, offset)
  const found = matches ? sql`with ${SEARCH_MATCHES} as materialized (${matches}) ` : sql``
  const [result] = await queryRows<{ total: number; ids: string[] | null }>(
    tx,
    sql`${found}select ${count} as total, array_to_json(array(${pageIds})) as ids`,
  )
  return { ...totalOf(result?.total), ids: result?.ids ?? [] }
}
