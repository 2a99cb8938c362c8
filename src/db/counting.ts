import { type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import { queryRows } from './connection.js'
import { type ListWhere, SEARCH_MATCHES } from './search-text.js'
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

/** A list's statements for a WHERE clause: its rows without order or paging (for the count), and its page's ids in order. */
export interface ListStatements {
  rows: CountableRows
  pageIds: SQLWrapper
}

/**
 * A list's total (as `countAhead`) and its page's ids, in one statement: one round trip instead of two.
 * `statements` gives the list's statements for a WHERE clause; `clause` is the list's (`listWhere`).
 *
 * A search matched by index is found once for the count and the page alike (written into each, the same
 * search ran twice a request, its index scans a third of the database's time in the mix). When an index
 * reads the page's rows in their order (`readInOrder`) and every filter of the list but its force is one
 * the search applies as it finds its matches (`listWhere`), a common word's matches are not all read.
 * Reading them whole costs each match (its recheck, its fetch, its place in the sort); reading the list
 * in order costs each row passed to reach the page's end, about `pageEnd × rows ÷ matches` (the matches
 * that pass the filters), and a row costs about what a match does (the national gifts, warm: whole was
 * quicker for "jones", 3,520 matches, in order for "hill", 6,593). So the search reads at most
 * `√(pageEnd × rows)` matches, where the two meet, and never fewer than the count needs.
 * Given that many, the page is read in order, matching row by row, and the count is what it found.
 */
export async function countWithPageIds(
  tx: Transaction,
  statements: (where?: SQL) => ListStatements,
  { where, search }: ListWhere,
  page: { offset: number; limit: number },
  readInOrder: boolean,
): Promise<ListTotal & { ids: string[] }> {
  const found = statements(where)
  const { count, totalOf } = countedAhead(found.rows, page.offset)
  let statement: SQL
  if (!search) {
    statement = sql`select ${count} as total, array_to_json(array(${found.pageIds})) as ids`
  } else if (!readInOrder || !search.whereRowByRow) {
    statement = sql`with ${SEARCH_MATCHES} as materialized (${search.matches(sql`null`)})
      select ${count} as total, array_to_json(array(${found.pageIds})) as ids`
  } else {
    const stop = page.offset + COUNT_AHEAD + 1
    const pageEnd = page.offset + page.limit
    const most = sql`greatest(${stop}::integer, sqrt(${pageEnd}::float8 * greatest(${search.tableRows}, 0))::integer)`
    // The count reads the matches found: all of them, or more than it needs. Only the CASE's branch
    // taken runs its subquery.
    statement = sql`with search_bound as (select ${most} as most),
      ${SEARCH_MATCHES} as materialized (${search.matches(sql`(select most from search_bound)`)}),
      search_read as (select count(*) < (select most from search_bound) as whole from ${SEARCH_MATCHES})
      select ${count} as total,
        array_to_json(case when whole then array(${found.pageIds}) else array(${statements(search.whereRowByRow).pageIds}) end) as ids
      from search_read`
  }
  const [result] = await queryRows<{ total: number; ids: string[] | null }>(tx, statement)
  return { ...totalOf(result?.total), ids: result?.ids ?? [] }
}
