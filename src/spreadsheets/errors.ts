import { formatCount, formatMegabytes } from './limits.js'

/** A file that cannot be read as a spreadsheet at all; the message says why in plain words. */
export class SpreadsheetError extends Error {}

export const tooManyRows = (filename: string, rows: number) =>
  `${filename} has more than ${formatCount(rows)} rows, the most one upload may have: split it into smaller files`

export const tooManyColumns = (filename: string, columns: number, line: number) =>
  `${filename} has more than ${formatCount(columns)} columns, the most a row may have (line ${line})`

export const cellTooLong = (filename: string, characters: number, line: number) =>
  `${filename} has a cell longer than ${formatCount(characters)} characters, the most a cell may hold (line ${line})`

export const fileTooLarge = (filename: string, bytes: number) =>
  `${filename} is larger than ${formatMegabytes(bytes)}, the most one upload may be: split it into smaller files`
