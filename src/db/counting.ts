import { type SQLWrapper, sql } from 'drizzle-orm'
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

/**
 * Counts the rows a list's query selects, stopping COUNT_AHEAD past the page's first row. `rows` is the
 * list's query without order or paging (select as few columns as it can: only its WHERE matters).
 */
export async function countAhead(
  tx: Transaction,
  rows: SQLWrapper & { limit(limit: number): SQLWrapper },
  offset: number,
): Promise<ListTotal> {
  const stop = offset + COUNT_AHEAD + 1
  const result = (await tx.execute(
    sql`select count(*)::int as total from (${rows.limit(stop)}) as counted`,
  )) as unknown as { rows: { total: number }[] }
  const total = Number(result.rows[0]?.total ?? 0)
  return total === stop ? { total: stop - 1, exact: false } : { total, exact: true }
}
