import { and, eq, getTableName, gte, inArray, is, lte, SQL, sql } from 'drizzle-orm'
import { CasingCache } from 'drizzle-orm/casing'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import { COLUMN_CASING } from './connection.js'

/** Searches for the text itself: LIKE's wildcards and its escape character lose their meaning. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`)

/** A LIKE pattern for any text containing `text`. */
export const contains = (text: string) => `%${escapeLike(text)}%`

/** The roster and the registers, each with a search text (migration 0053) and a trigram index beside the force (0054, 0064, 0068). */
export type SearchedTable = PgTable & { id: PgColumn }

export interface SearchOptions {
  /**
   * Whether a match in the member of staff's unit counts. The unit is the last line of the searched text:
   * the roster's own, or a register row's own columns followed by its member of staff's name, number and
   * unit (migration 0064).
   */
  unit: boolean
}

/** pg_trgm indexes runs of letters and digits three at a time: a word without such a run has none to look up. */
const HAS_TRIGRAM = /[\p{L}\p{N}]{3}/u

/**
 * The text a search of `table` reads, lower-cased, a column a line: the roster's name, number and unit;
 * a register row's own searched columns and then its member of staff's, which the row keeps a copy of
 * (`staff_search_text`, migration 0064), so that one trigram index serves both.
 */
function searchedText(table: SearchedTable): SQL {
  return getTableName(table) === 'staff_members'
    ? sql`${table}.search_text`
    : sql`(${table}.search_text || E'\n' || ${table}.staff_search_text)`
}

/**
 * Whether a row matches a search for `word`, in any case: its searched text (`searchedText`) contains the
 * word, anywhere or (without `unit`) before the last line. PostgreSQL lower-cases the word as it
 * lower-cased the columns, so the two agree as ILIKE did.
 *
 * The matches come from `probity_search_locations` (migrations 0054, 0057, 0064, 0070), which can use the
 * trigram indexes that row-level security keeps from the caller's own query, and answers where the
 * matches are: the caller reads each by a TID scan, one page, not by its id through the primary key's
 * index. The caller's policies still apply to the rows it reads. For reading only: an UPDATE or DELETE
 * re-checks a row changed meanwhile at its new location, which the search did not answer, and would skip it.
 *
 * A word too short for trigrams matches most rows, and is matched row by row (`rowByRow`). Only a word
 * with a line break in it (which the API could send; a search box's one line cannot) could match across
 * two columns, where ILIKE on each would not.
 */
export function matchesSearch(table: SearchedTable, word: string, options: SearchOptions): SQL {
  return searchCondition(table, word, options, false).condition
}

/** The name a statement gives the matches of a search found once (`searchCondition`). */
export const SEARCH_MATCHES = sql.raw('search_matches')

/** A search matched by index, for a statement that reads its matches more than once (`countWithPageIds`). */
export interface IndexedSearch {
  /**
   * The locations of at most `most` matches (an SQL integer; null for all) that pass the list's column
   * filters (`ColumnFilter`), which the statement names SEARCH_MATCHES.
   */
  matches(most: SQL): SQL
  /** The planner's count of the searched table's rows (-1 before it has been counted). */
  tableRows: SQL
  /** The word matched row by row as the statement reads its rows, for a word with too many matches to read whole. */
  rowByRow: SQL
}

/** What a column filter passes: any of `in`, and from `from` to `to`, both included. */
interface Passes {
  in?: readonly string[]
  from?: string | number
  to?: string | number
}

/** The column filters a search applies as it finds its matches, by column name (migration 0071). */
type Narrowing = Record<string, Passes>

/** A search `searchCondition` found once, whose matches the list's column filters narrow (`listWhere`). */
interface FoundOnce extends Omit<IndexedSearch, 'matches'> {
  matches(most: SQL, narrowed?: Narrowing): SQL
}

/**
 * A list's filter on one of its register's own columns: its condition, and the same for the search
 * function (migration 0071), which applies it as it finds the search's matches, by the trigram index
 * where the index holds the column.
 */
export interface ColumnFilter {
  condition: SQL
  column: string
  passes: Passes
}

const columnNames = new CasingCache(COLUMN_CASING)
const columnFilter = (column: PgColumn, condition: SQL, passes: Passes): ColumnFilter => ({
  condition,
  column: columnNames.getColumnCasing(column),
  passes,
})

/** The rows whose `column` is one of `values`. */
export const columnIn = (column: PgColumn, values: readonly string[]): ColumnFilter =>
  columnFilter(column, values.length === 1 ? eq(column, values[0]) : inArray(column, [...values]), {
    in: values,
  })

/** The rows whose `column` is at least `value`. */
export const columnFrom = (column: PgColumn, value: string | number): ColumnFilter =>
  columnFilter(column, gte(column, value), { from: value })

/** The rows whose `column` is at most `value`. */
export const columnTo = (column: PgColumn, value: string | number): ColumnFilter =>
  columnFilter(column, lte(column, value), { to: value })

/**
 * `matchesSearch`, for a statement that may read the matches more than once (a list's count and page):
 * with `foundOnce`, a search matched by index comes back as `indexed`, whose matches the statement finds
 * once as SEARCH_MATCHES (see `countWithPageIds`), and `condition` reads. A word matched row by row, or a
 * search not `foundOnce`, has no `indexed`, and `condition` stands alone.
 */
export function searchCondition(
  table: SearchedTable,
  word: string,
  options: SearchOptions,
  foundOnce: boolean,
): { condition: SQL; indexed?: FoundOnce } {
  const anywhere = sql`lower(${contains(word)})`
  const pattern = options.unit ? anywhere : sql`${anywhere} || E'\n%'`
  // COALESCE for the planner, not for NULLs (there are none). Row-level security keeps LIKE's statistics
  // from it, and without them it guesses that a word of five letters matches one row in 600 ("local": one
  // gift in five), so it sorted every row of a list rather than read it in order until the page was full.
  // For a condition it cannot see into it guesses half the rows, nearer the truth for the words matched
  // row by row: those too short for the index, and those too common to read whole.
  const rowByRow = sql`coalesce(${searchedText(table)} like ${pattern}, false)`
  if (!HAS_TRIGRAM.test(word)) return { condition: rowByRow }
  const register = getTableName(table)
  const matches = (most: SQL, narrowed?: Narrowing) =>
    sql`select probity_search_locations(${register}, ${pattern}, ${most}, ${narrowed ? JSON.stringify(narrowed) : null}::jsonb) as location`
  // `ctid = any(array(…))`, not `in (…)`: the planner reads an array of locations by a TID scan.
  if (!foundOnce) return { condition: sql`${table}.ctid = any(array(${matches(sql`null`)}))` }
  return {
    condition: sql`${table}.ctid = any(array(select location from ${SEARCH_MATCHES}))`,
    indexed: {
      matches,
      tableRows: sql`(select reltuples from pg_class where oid = ${register}::regclass)`,
      rowByRow,
    },
  }
}

/**
 * A list's WHERE clause, and, when its search is matched by index and every other filter is a column
 * filter (which the search applies as it finds its matches), the same clause matching the word row by row
 * (`whereRowByRow`). With any other filter the list is not read row by row: the search's matches could
 * not say how many rows pass it, and a filter that few of them pass would have the list read to its end.
 */
export interface ListWhere {
  where?: SQL
  search?: IndexedSearch & { whereRowByRow?: SQL }
}

/**
 * The list's force (if it is narrowed to one), its other `filters` and its search (`searchCondition`), as
 * a `ListWhere`. The column filters narrow the search's matches too, each end of a column's once: a second
 * filter on the same end of a column (the gifts' donor type with "flagged", both lists of donor types)
 * stays in the WHERE clause alone, and the list reads every match.
 */
export function listWhere(
  force: SQL | undefined,
  filters: (ColumnFilter | SQL | undefined)[],
  search?: ReturnType<typeof searchCondition>,
): ListWhere {
  const given = filters.filter((filter) => filter !== undefined)
  const conditions = given.map((filter) => (is(filter, SQL) ? filter : filter.condition))
  const where = and(force, ...conditions, search?.condition)
  if (!search?.indexed) return { where }
  const narrowed: Narrowing = {}
  let allNarrowTheSearch = true
  for (const filter of given) {
    if (is(filter, SQL)) {
      allNarrowTheSearch = false
      continue
    }
    const already = narrowed[filter.column] ?? {}
    if (Object.keys(filter.passes).some((end) => end in already)) {
      allNarrowTheSearch = false
      continue
    }
    narrowed[filter.column] = { ...already, ...filter.passes }
  }
  const { matches, ...indexed } = search.indexed
  const narrowing = Object.keys(narrowed).length > 0 ? narrowed : undefined
  return {
    where,
    search: {
      ...indexed,
      matches: (most) => matches(most, narrowing),
      whereRowByRow: allNarrowTheSearch ? and(force, ...conditions, indexed.rowByRow) : undefined,
    },
  }
}

/**
 * Narrows `table` to the rows whose searched text contains `word` in any case, by the trigram index (as
 * `matchesSearch` with the unit): for a filter on one of the searched columns, such as the roster's unit,
 * which under row-level security could only be matched row by row. It finds a few more rows than the
 * filter (the word in another column), so the caller keeps its own condition beside it. Undefined for a
 * word too short for trigrams: the caller's condition alone scans.
 */
export function narrowedBySearch(table: SearchedTable, word: string): SQL | undefined {
  return HAS_TRIGRAM.test(word) ? matchesSearch(table, word, { unit: true }) : undefined
}
