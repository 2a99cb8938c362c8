import type { z } from 'zod'
import { formatCount } from './limits.js'
import { pacer } from './pace.js'
import type { SheetRow } from './read.js'

export interface RowProblem {
  line: number
  reason: string
}

/** The most problems an upload's report lists one by one; the rest are counted. */
export const PROBLEMS_LISTED = 100

/**
 * Problems gathered as a file is read: the first PROBLEMS_LISTED by line, and how many there are in
 * all. A file of 100,000 bad rows is told in 100 lines, not 100,000; and however many are added (a
 * command streams files of any length), only a few hundred are kept.
 */
export class ProblemList {
  private kept: RowProblem[] = []
  private sorted = true
  /** Every problem added, listed or not. */
  count = 0

  /** A list carried on from its report (made on another thread): the problems it lists, and its count. */
  static from(report: { problems: RowProblem[]; problemCount: number }): ProblemList {
    const list = new ProblemList()
    for (const problem of report.problems) list.push(problem)
    list.count = report.problemCount
    return list
  }

  /** Named as an array's, so that a check may note its problems in either (see validateRows). */
  push(problem: RowProblem): void {
    this.count++
    const last = this.kept[this.kept.length - 1]
    if (last && problem.line < last.line) this.sorted = false
    this.kept.push(problem)
    if (this.kept.length >= 2 * PROBLEMS_LISTED) this.trim()
  }

  private trim(): void {
    if (!this.sorted) this.kept.sort((a, b) => a.line - b.line)
    this.sorted = true
    if (this.kept.length > PROBLEMS_LISTED) this.kept.length = PROBLEMS_LISTED
  }

  /** The problems listed: the first PROBLEMS_LISTED, by line. */
  get listed(): RowProblem[] {
    this.trim()
    return [...this.kept]
  }

  /** How many there are beyond those listed. */
  get more(): number {
    return this.count - Math.min(this.count, PROBLEMS_LISTED)
  }

  /** The problems as a report gives them: the first PROBLEMS_LISTED by line, and how many in all. */
  report(): { problems: RowProblem[]; problemCount: number } {
    return { problems: this.listed, problemCount: this.count }
  }
}

/** What a report says after the problems it lists: "and 99,900 more problems", or nothing. */
export function moreProblems(more: number): string {
  return more > 0 ? `and ${formatCount(more)} more problem${more === 1 ? '' : 's'}` : ''
}

/**
 * An upload's problems as its report gives them (page, API and CLI alike): the first PROBLEMS_LISTED by
 * line, and how many there are in all.
 */
export function listProblems(problems: RowProblem[]): { problems: RowProblem[]; problemCount: number } {
  const list = new ProblemList()
  for (const problem of problems) list.push(problem)
  return list.report()
}

export interface ValidatedRows<Value, Problems = RowProblem[]> {
  valid: { line: number; value: Value }[]
  problems: Problems
  /** How many rows were checked. */
  rows: number
}

/**
 * Checks every row against the schema and keeps going, so one upload reports every bad row with its
 * line number and what is wrong (`column: message`), not just the first. It lets the event loop turn
 * as it goes: a schema over 100,000 rows takes a while. The rows may come as a stream
 * (spreadsheetRows) and the problems go into a ProblemList: then only the valid rows' values are kept
 * and the first problems, so a file of 100,000 bad rows is checked without being held in memory (a
 * heap several times the file's size, whose garbage collection holds the event loop for longer than
 * any one row does).
 */
export async function validateRows<
  Schema extends z.ZodType,
  Problems extends { push(problem: RowProblem): unknown } = RowProblem[],
>(
  rows: Iterable<SheetRow> | AsyncIterable<SheetRow>,
  schema: Schema,
  problems: Problems = [] as unknown as Problems,
): Promise<ValidatedRows<z.output<Schema>, Problems>> {
  const result: ValidatedRows<z.output<Schema>, Problems> = { valid: [], problems, rows: 0 }
  const pace = pacer()
  for await (const row of rows) {
    await pace()
    result.rows++
    const parsed = schema.safeParse(row.values)
    if (parsed.success) result.valid.push({ line: row.line, value: parsed.data })
    else problems.push({ line: row.line, reason: reasonOf(parsed.error) })
  }
  return result
}

/** Why a row failed its schema, as an import reports it: `column: message`, each separated by `; `. */
export function reasonOf(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}
