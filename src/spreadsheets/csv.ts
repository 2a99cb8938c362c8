import { Readable } from 'node:stream'
import { CsvError, Parser } from 'csv-parse'
import { cellTooLong, SpreadsheetError, tooManyColumns, tooManyRows } from './errors.js'
import { formatCount, type UploadLimits } from './limits.js'
import { pacer } from './pace.js'

/** The limits a CSV file is read under; `rows` is left out where a command streams a file of any length. */
export type CsvLimits = Pick<UploadLimits, 'columns' | 'cellCharacters'> & { rows?: number }

/** A CSV file: in memory, or a stream of its bytes (or of text already decoded). */
export type CsvSource = Buffer | AsyncIterable<Buffer | string>

/** A record of a CSV file and the line of the file on which it starts. */
export interface CsvRecord {
  line: number
  record: string[]
}

/** Every CSV upload's dialect: comma-separated, rows of any length, empty lines skipped. */
const CSV_OPTIONS = { relax_column_count: true, skip_empty_lines: true } as const

/**
 * csv-parse, noting the line of the file on which each record starts as the record is made: the line
 * after the one the previous record ended on, past any empty lines skipped. (Its `info` option tells
 * the same with a new object per record, which costs a third of the parsing time.) The lines queue in
 * record order, as numbers, and are taken in the same order as the records.
 */
class LineNumberingParser extends Parser {
  private starts: number[] = []
  private head = 0
  private previousEnd = 0
  private previousEmpty = 0

  constructor(maxRecordSize: number) {
    // Up to 1,024 records waiting to be checked (a stream of objects waits at 16 by default).
    super({
      ...CSV_OPTIONS,
      max_record_size: maxRecordSize,
      readableHighWaterMark: 1024,
    } as typeof CSV_OPTIONS)
  }

  override push(record: unknown, encoding?: BufferEncoding): boolean {
    if (record !== null) {
      const { lines, empty_lines } = this.info
      this.starts.push(this.previousEnd + 1 + empty_lines - this.previousEmpty)
      this.previousEnd = lines
      this.previousEmpty = empty_lines
    }
    return super.push(record, encoding)
  }

  /** The first line of the next record read. */
  nextLine(): number {
    const line = this.starts[this.head++] as number
    if (this.head === 4096) {
      this.starts = this.starts.slice(this.head)
      this.head = 0
    }
    return line
  }
}

/** Bytes, a chunk at a time; a file already in memory is cut into chunks so it is parsed a piece at a time. */
async function* chunksOf(source: CsvSource): AsyncGenerator<Buffer | string> {
  if (!Buffer.isBuffer(source)) return yield* source
  const size = 16 * 1024
  for (let start = 0; start < source.length; start += size) yield source.subarray(start, start + size)
}

/**
 * The file's text as UTF-8 (less any byte-order mark), refusing bytes that are not UTF-8 text — rather
 * than turning a spreadsheet program's Windows-1252 £ into a replacement character without a word.
 */
async function* textOf(source: CsvSource, filename: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true })
  // The parser takes in text as fast as it comes until its buffers are full; from a file already in
  // memory that is all one turn of the event loop, unless this lets it turn.
  const pace = pacer()
  try {
    for await (const chunk of chunksOf(source)) {
      await pace()
      if (typeof chunk === 'string') {
        if (chunk.includes('\0')) throw new SpreadsheetError(`${filename} is not a text CSV file`)
        yield chunk
        continue
      }
      if (chunk.includes(0)) throw new SpreadsheetError(`${filename} is not a text CSV file`)
      yield decoder.decode(chunk, { stream: true })
    }
    yield decoder.decode()
  } catch (error) {
    if (error instanceof SpreadsheetError) throw error
    throw new SpreadsheetError(
      `${filename} is not UTF-8 text: save it from the spreadsheet program as “CSV UTF-8” and upload it again`,
    )
  }
}

/**
 * The records of a CSV file, each with the line it starts on, read as a stream and checked against the
 * limits as each record is made: a file over one is refused there, without reading the rest. The
 * first record is the header, and counts as no row.
 */
export async function* csvRecords(
  source: CsvSource,
  filename: string,
  limits: CsvLimits,
): AsyncGenerator<CsvRecord> {
  // A record holds at most every column at the longest a cell may be; csv-parse stops at that size.
  const parser = new LineNumberingParser(limits.columns * limits.cellCharacters)
  const text = Readable.from(textOf(source, filename))
  text.once('error', (error) => parser.destroy(error))
  text.pipe(parser)
  let records = 0
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = parser.nextLine()
      if (limits.rows !== undefined && records++ > limits.rows)
        throw new SpreadsheetError(tooManyRows(filename, limits.rows))
      if (record.length > limits.columns)
        throw new SpreadsheetError(tooManyColumns(filename, limits.columns, line))
      for (const cell of record)
        if (cell.length > limits.cellCharacters)
          throw new SpreadsheetError(cellTooLong(filename, limits.cellCharacters, line))
      yield { line, record }
    }
  } catch (error) {
    if (error instanceof CsvError) {
      if (error.code === 'CSV_MAX_RECORD_SIZE')
        throw new SpreadsheetError(
          `${filename} has a row longer than the limit of ${formatCount(limits.columns)} columns of ` +
            `${formatCount(limits.cellCharacters)} characters (line ${parser.info.lines})`,
        )
      throw new SpreadsheetError(`${filename} is not valid CSV: ${error.message}`)
    }
    throw error
  } finally {
    text.unpipe(parser)
    text.destroy()
    parser.destroy()
  }
}
