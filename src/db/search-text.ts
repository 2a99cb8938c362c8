import { type SQL, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'

/** Searches for the text itself: LIKE's wildcards and its escape character lose their meaning. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`)

/** A LIKE pattern for any text containing `text`. */
export const contains = (text: string) => `%${escapeLike(text)}%`

/**
 * Whether a register's search text (migration 0053: its searched columns lower-cased, a column a line)
 * contains `word` in any case. PostgreSQL lower-cases the word as it lower-cased the columns, so the two
 * agree as ILIKE did. `beforeLastLine` leaves out the last column (the roster's unit), for searches of
 * a member of staff's name and number alone: the match must be followed by a line break. Only a word
 * with a line break in it (which the API could send; a search box's one line cannot) could match across
 * two columns, where ILIKE on each column would not.
 */
export function searchTextContains(
  table: PgTable,
  word: string,
  options?: { beforeLastLine?: boolean },
): SQL {
  const pattern = sql`lower(${contains(word)})`
  return options?.beforeLastLine
    ? sql`${table}.search_text like ${pattern} || E'\n%'`
    : sql`${table}.search_text like ${pattern}`
}
