import { getTableName, type SQL, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'

/** Searches for the text itself: LIKE's wildcards and its escape character lose their meaning. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`)

/** A LIKE pattern for any text containing `text`. */
export const contains = (text: string) => `%${escapeLike(text)}%`

/** The registers with a search text (migration 0053) and a trigram index on it (migration 0054). */
type SearchedTable = PgTable & { id: PgColumn }

export interface SearchOptions {
  /**
   * Also the rows whose member of staff matches: by all the roster's searched columns (name, number
   * and unit), or by name and number alone.
   */
  staff?: 'name-number-unit' | 'name-and-number'
  /** For the roster itself: match its name and number alone, not its unit. */
  nameAndNumberOnly?: boolean
  /** The one force whose rows are read, when there is one: only its roster is searched for staff. */
  forceId?: number
}

/** pg_trgm indexes runs of letters and digits three at a time: a word without such a run has none to look up. */
const HAS_TRIGRAM = /[\p{L}\p{N}]{3}/u

/**
 * Whether a register's row matches a search for `word`, in any case: its search text (its searched
 * columns lower-cased, a column a line) contains the word, or (see `staff`) its member of staff's does.
 * PostgreSQL lower-cases the word as it lower-cased the columns, so the two agree as ILIKE did.
 *
 * The matches come from `probity_search_locations` (migrations 0054, 0057), which can use the trigram
 * indexes that row-level security keeps from the caller's own query, and answers where the matches are:
 * the caller reads each by a TID scan, one page, not by its id through the primary key's index. The
 * caller's policies still apply to the rows it reads. For reading only: an UPDATE or DELETE re-checks a
 * row changed meanwhile at its new location, which the search did not answer, and would skip it.
 *
 * A word too short for trigrams matches most rows, and is better matched row by row as the caller's
 * query reads them, which stops once it has its page. The roster's unit is the last line of
 * its search text, so a match of name and number alone must be followed by a line break. Only a word
 * with a line break in it (which the API could send; a search box's one line cannot) could match across
 * two columns, where ILIKE on each would not.
 */
export function matchesSearch(table: SearchedTable, word: string, options: SearchOptions = {}): SQL {
  return searchCondition(table, word, options, false).condition
}

/** The name a statement gives the matches of a search found once (`searchCondition`). */
export const SEARCH_MATCHES = sql.raw('search_matches')

/**
 * `matchesSearch`, for a statement that may read the matches more than once (a list's count and page):
 * with `foundOnce`, a search matched by index comes back as `matches`, which the statement defines as
 * `SEARCH_MATCHES` (see `countWithPageIds`) and `condition` reads. A word matched row by row, or a search
 * not `foundOnce`, has no `matches`, and `condition` stands alone.
 */
export function searchCondition(
  table: SearchedTable,
  word: string,
  options: SearchOptions,
  foundOnce: boolean,
): { condition: SQL; matches?: SQL } {
  const pattern = sql`lower(${contains(word)})`
  const beforeUnit = sql`${pattern} || E'\n%'`
  const own = options.nameAndNumberOnly ? beforeUnit : pattern
  const staff =
    options.staff === 'name-number-unit'
      ? pattern
      : options.staff === 'name-and-number'
        ? beforeUnit
        : undefined
  if (HAS_TRIGRAM.test(word)) {
    const matches = sql`select probity_search_locations(${getTableName(table)}, ${own}, ${staff ?? sql`null`}) as location`
    // `ctid = any(array(…))`, not `in (…)`: the planner reads an array of locations by a TID scan.
    return foundOnce
      ? { condition: sql`${table}.ctid = any(array(select location from ${SEARCH_MATCHES}))`, matches }
      : { condition: sql`${table}.ctid = any(array(${matches}))` }
  }
  const ownMatches = sql`${table}.search_text like ${own}`
  if (!staff) return { condition: ownMatches }
  const ofForce = options.forceId === undefined ? sql`` : sql` and force_id = ${options.forceId}`
  return {
    condition: sql`(${ownMatches} or ${table}.staff_member_id in (select id from staff_members where search_text like ${staff}${ofForce}))`,
  }
}

/**
 * Narrows `table` to the rows whose search text contains `word` in any case, by the trigram index (as
 * `matchesSearch` without staff): for a filter on one of the searched columns, such as the roster's unit,
 * which under row-level security could only be matched row by row. It finds a few more rows than the
 * filter (the word in another column), so the caller keeps its own condition beside it. Undefined for a
 * word too short for trigrams: the caller's condition alone scans.
 */
export function narrowedBySearch(table: SearchedTable, word: string): SQL | undefined {
  return HAS_TRIGRAM.test(word) ? matchesSearch(table, word) : undefined
}
