import { ValidationError } from '../../domain/errors.js'
import type { Question } from '../../domain/surveys.js'
import {
  checkHeaders,
  kindOf,
  type SheetLimits,
  type SheetLine,
  type SheetSource,
  SpreadsheetError,
  sheetLines,
} from '../../spreadsheets/read.js'
import { RESERVED_COLUMNS } from './definition.js'

/** A wave's file as it is read: its name, and its bytes (an upload) or a stream of them (a command's file). */
export type SurveyFile = SheetSource

export type { SheetLine }

/** Refuses, before anything is read, a file whose name says it is neither CSV nor Excel. */
export function checkKind(filename: string): void {
  try {
    kindOf(filename)
  } catch (error) {
    if (error instanceof SpreadsheetError) throw new ValidationError({ file: error.message })
    throw error
  }
}

/**
 * Reads a CSV or Excel file row by row, the header first, under the limits of every upload
 * (src/spreadsheets/limits.ts), checked as it is read; a file that is not what its name says, is over a
 * limit, or is empty, is a ValidationError about the file.
 */
export async function* readLines(file: SurveyFile, limits: SheetLimits): AsyncGenerator<SheetLine> {
  let any = false
  try {
    for await (const line of sheetLines(file, limits)) {
      any = true
      yield line
    }
  } catch (error) {
    if (error instanceof SpreadsheetError) throw new ValidationError({ file: error.message })
    throw error
  }
  if (!any) throw new ValidationError({ file: `${file.filename} is empty` })
}

/** Where a stratum puts a respondent: the force area (where strata are forces) and its region. */
export interface Stratum {
  forceCode: string | null
  region: string
}

/** A respondent as checked: ready to be written into the wave. */
export interface Respondent {
  line: number
  stratum: Stratum
  weight: number
  answers: Record<string, string>
}

export type CheckedRow = { respondent: Respondent } | { line: number; problem: string }

const NUMBER = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?$/

/**
 * Checks a wave's rows against its questionnaire and strata: the header must name `stratum`, `weight`
 * and every question (a `respondent` column is allowed and ignored); each row needs a known stratum, a
 * positive weight, and for each question one of its answer codes or nothing (not answered).
 */
export class RespondentChecker {
  private readonly options: Map<string, string>[]
  private columns: { stratum: number; weight: number; questions: number[] } | undefined

  constructor(
    private readonly filename: string,
    private readonly questions: readonly Question[],
    /** Stratum names as written, lower case → the stratum. */
    private readonly strata: ReadonlyMap<string, Stratum>,
  ) {
    this.options = questions.map(
      (question) => new Map(question.options.map((option) => [option.code.toLowerCase(), option.code])),
    )
  }

  /** Reads the header row; a missing or unknown column stops the whole file. */
  header(cells: string[]): void {
    const columns = checkHeaders(cells, this.filename)
    const missing = [...RESERVED_COLUMNS.slice(0, 2), ...this.questions.map((q) => q.code)].filter(
      (column) => !columns.includes(column),
    )
    if (missing.length)
      throw new ValidationError({ file: `${this.filename} has no column ${missing.join(', ')}` })
    const known = new Set<string>([...RESERVED_COLUMNS, ...this.questions.map((q) => q.code)])
    const unknown = columns.filter((column) => column && !known.has(column))
    if (unknown.length)
      throw new ValidationError({
        file: `${this.filename} has the column ${unknown.join(', ')}, which is not a question of this wave's questionnaire`,
      })
    this.columns = {
      stratum: columns.indexOf('stratum'),
      weight: columns.indexOf('weight'),
      questions: this.questions.map((question) => columns.indexOf(question.code)),
    }
  }

  row({ line, cells }: SheetLine): CheckedRow {
    const columns = this.columns
    if (!columns) throw new Error('RespondentChecker.row before header')
    const problems: string[] = []
    const stratumText = cells[columns.stratum] ?? ''
    const stratum = this.strata.get(stratumText.toLowerCase())
    if (!stratumText) problems.push('stratum: enter the stratum')
    else if (!stratum)
      problems.push(`stratum: ${JSON.stringify(stratumText.slice(0, 60))} is not a known stratum`)
    const weightText = cells[columns.weight] ?? ''
    const weight = Number(weightText)
    if (!NUMBER.test(weightText) || !(weight > 0) || weight > 1_000_000)
      problems.push('weight: must be a number greater than 0 and at most 1,000,000')
    const answers: Record<string, string> = {}
    this.questions.forEach((question, index) => {
      const given = cells[columns.questions[index] as number] ?? ''
      if (!given) return
      const code = this.options[index]?.get(given.toLowerCase())
      if (code) answers[question.code] = code
      else
        problems.push(
          `${question.code}: ${JSON.stringify(given.slice(0, 40))} is not an answer option (${question.options.map((o) => o.code).join(', ')})`,
        )
    })
    if (problems.length || !stratum) return { line, problem: problems.join('; ') }
    return { respondent: { line, stratum, weight, answers } }
  }
}
