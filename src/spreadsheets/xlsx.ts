import path from 'node:path/posix'
import { SaxesParser, type SaxesTagPlain } from 'saxes'
import { cellTooLong, SpreadsheetError, tooManyColumns } from './errors.js'
import { formatCount, type UploadLimits } from './limits.js'
import { ArchiveError, ZipArchive } from './zip.js'

/**
 * An Excel workbook read as a stream, with every limit checked as it is read. ExcelJS's workbook
 * model holds every cell of every sheet in memory (an 11 MB file of junk rows took 4 GB), and its
 * streaming reader trusts the zip's local headers and spools sheets to temporary files; this opens the
 * zip under its limits (src/spreadsheets/zip.ts) and parses the first sheet's XML (saxes) a chunk at a
 * time.
 */

export type XlsxLimits = Omit<UploadLimits, 'bytes' | 'rows'>

/** A row of the sheet as it is stored: its number, and its non-empty cells by column (1 is A). */
export interface XlsxRow {
  line: number
  cells: Map<number, string>
}

/** The built-in number formats that show a date or a time (ECMA-376 18.8.30 and the East Asian ones). */
const BUILT_IN_DATE_FORMATS = new Set([
  ...range(14, 22),
  ...range(27, 36),
  ...range(45, 47),
  ...range(50, 58),
])

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index)
}

/** An element's name without its namespace prefix: `x:row` and `row` are the same element. */
const local = (name: string) => name.slice(name.indexOf(':') + 1)

/** A column's number from a cell reference: `B7` is 2, `AA1` is 27. */
function columnOf(reference: string): number {
  let column = 0
  for (const character of reference) {
    const code = character.charCodeAt(0)
    if (code < 65 || code > 90) break
    column = column * 26 + code - 64
  }
  return column
}

/** Whether a number format shows a date: ExcelJS's rule (letters of a date outside quotes and brackets). */
function isDateFormat(code: string): boolean {
  return /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''))
}

/** A serial day number of Excel's calendar as the date people read (YYYY-MM-DD), as ExcelJS reads it. */
function excelDate(serial: number, date1904: boolean): string | undefined {
  const date = new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000))
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10)
}

class Workbook {
  constructor(private readonly archive: ZipArchive) {}

  close() {
    this.archive.close()
  }

  has(name: string): boolean {
    return this.archive.entries.has(name)
  }

  /** A part's text, a chunk at a time, under the archive's limits. */
  private async *text(name: string): AsyncGenerator<string> {
    const entry = this.archive.entries.get(name)
    if (!entry) return
    const decoder = new TextDecoder('utf-8', { fatal: true })
    for await (const chunk of this.archive.bytes(entry)) yield decoder.decode(chunk, { stream: true })
    yield decoder.decode()
  }

  /**
   * A part's XML parsed as it is inflated: `setUp` adds the parser's handlers, which may `emit` what
   * they find; what was emitted is yielded after each chunk.
   */
  async *parse<Found>(
    name: string,
    setUp: (parser: SaxesParser, emit: (found: Found) => void) => void,
  ): AsyncGenerator<Found> {
    if (!this.has(name)) return
    const parser = new SaxesParser()
    let found: Found[] = []
    setUp(parser, (item) => found.push(item))
    for await (const chunk of this.text(name)) {
      parser.write(chunk)
      if (found.length) {
        const ready = found
        found = []
        yield* ready
      }
    }
    parser.close()
    yield* found
  }

  /** A part parsed to its end for what its handlers record. */
  async read(name: string, setUp: (parser: SaxesParser) => void): Promise<void> {
    for await (const _ of this.parse(name, setUp));
  }
}

/** Relationship ids to the parts they name, from a part's `_rels` file, as paths inside the zip. */
async function relationships(workbook: Workbook, part: string): Promise<Map<string, string>> {
  const targets = new Map<string, string>()
  const folder = path.dirname(part)
  await workbook.read(path.join(folder, '_rels', `${path.basename(part)}.rels`), (parser) =>
    parser.on('opentag', (tag) => {
      const { Id, Target } = tag.attributes as Record<string, string | undefined>
      if (local(tag.name) === 'Relationship' && Id && Target)
        targets.set(Id, Target.startsWith('/') ? Target.slice(1) : path.join(folder, Target))
    }),
  )
  return targets
}

/** The workbook part, its first sheet, and whether its dates count from 1904 (old Mac Excel). */
async function firstSheet(workbook: Workbook): Promise<{ sheet?: string; date1904: boolean }> {
  const root = await relationships(workbook, '')
  const book =
    [...root.values()].find((target) => workbook.has(target) && target.endsWith('.xml')) ?? 'xl/workbook.xml'
  let firstId: string | undefined
  let date1904 = false
  await workbook.read(book, (parser) =>
    parser.on('opentag', (tag) => {
      const attributes = tag.attributes as Record<string, string>
      const name = local(tag.name)
      if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attributes.date1904 ?? '')
      if (name === 'sheet' && firstId === undefined)
        firstId = Object.entries(attributes).find(([key]) => local(key) === 'id')?.[1]
    }),
  )
  const sheets = await relationships(workbook, book)
  return { sheet: firstId === undefined ? undefined : sheets.get(firstId), date1904 }
}

/** For each cell style (a cell's `s`), whether it shows a date. */
async function dateStyles(workbook: Workbook): Promise<boolean[]> {
  const formats = new Map<number, string>()
  const styles: number[] = []
  let inCellFormats = false
  await workbook.read('xl/styles.xml', (parser) => {
    parser.on('opentag', (tag: SaxesTagPlain) => {
      const attributes = tag.attributes as Record<string, string>
      const name = local(tag.name)
      if (name === 'numFmt') formats.set(Number(attributes.numFmtId), attributes.formatCode ?? '')
      else if (name === 'cellXfs') inCellFormats = true
      else if (name === 'xf' && inCellFormats) styles.push(Number(attributes.numFmtId ?? 0))
    })
    parser.on('closetag', (tag) => {
      if (local(tag.name) === 'cellXfs') inCellFormats = false
    })
  })
  return styles.map((id) => {
    const custom = formats.get(id)
    return custom === undefined ? BUILT_IN_DATE_FORMATS.has(id) : isDateFormat(custom)
  })
}

/**
 * Gathers the text of `<t>` elements (plain or rich text runs, leaving out phonetic guides) into one
 * string per `container` element (`si` of shared strings, `is` of an inline string). A saxes parser
 * has one handler per event, so the part's own handlers pass their events on to it.
 */
class TextGatherer {
  private inContainer = false
  private inText = false
  private inPhonetic = false
  private gathered = ''

  constructor(
    private readonly container: string,
    private readonly onText: (text: string) => void,
    private readonly onEnd: (text: string) => void,
  ) {}

  open(name: string) {
    if (name === this.container) {
      this.inContainer = true
      this.gathered = ''
    } else if (name === 'rPh') this.inPhonetic = true
    else if (name === 't' && this.inContainer && !this.inPhonetic) this.inText = true
  }

  text(chunk: string) {
    if (!this.inText) return
    this.gathered += chunk
    this.onText(this.gathered)
  }

  close(name: string) {
    if (name === 't') this.inText = false
    else if (name === 'rPh') this.inPhonetic = false
    else if (name === this.container && this.inContainer) {
      this.inContainer = false
      this.onEnd(this.gathered)
    }
  }
}

async function sharedStrings(workbook: Workbook, filename: string, limits: XlsxLimits): Promise<string[]> {
  const strings: string[] = []
  let characters = 0
  await workbook.read('xl/sharedStrings.xml', (parser) => {
    const gatherer = new TextGatherer(
      'si',
      (text) => {
        if (text.length > limits.cellCharacters)
          throw new SpreadsheetError(
            `${filename} has a text longer than ${formatCount(limits.cellCharacters)} characters, the most a cell may hold`,
          )
      },
      (text) => {
        characters += text.length
        if (strings.push(text) > limits.sharedStrings || characters > limits.sharedStringCharacters)
          throw new SpreadsheetError(
            `${filename} has more than ${formatCount(limits.sharedStrings)} different texts or ` +
              `${formatCount(limits.sharedStringCharacters)} characters of text, the most a workbook may`,
          )
      },
    )
    parser.on('opentag', (tag) => gatherer.open(local(tag.name)))
    parser.on('text', (text) => gatherer.text(text))
    parser.on('cdata', (text) => gatherer.text(text))
    parser.on('closetag', (tag) => gatherer.close(local(tag.name)))
  })
  return strings
}

interface CellContext {
  strings: string[]
  dates: boolean[]
  date1904: boolean
}

/** A cell's value as the text people typed or see: a date as YYYY-MM-DD, an error as nothing. */
function cellText(type: string, value: string, inline: string, style: number, context: CellContext): string {
  switch (type) {
    case 's':
      return context.strings[Number(value)] ?? ''
    case 'inlineStr':
      return inline
    case 'str':
      return value
    case 'b':
      return value === '' ? '' : String(value === '1' || value === 'true')
    case 'e':
      return ''
    case 'd': {
      const date = new Date(value)
      return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 10)
    }
  }
  if (value.trim() === '') return ''
  const number = Number(value)
  if (!Number.isFinite(number)) return value
  if (context.dates[style]) return excelDate(number, context.date1904) ?? String(number)
  return String(number)
}

/** The rows of a worksheet part, as they are parsed, with cells past the column limit refused. */
function sheetRows(
  workbook: Workbook,
  sheet: string,
  filename: string,
  limits: XlsxLimits,
  context: CellContext,
): AsyncGenerator<XlsxRow> {
  return workbook.parse<XlsxRow>(sheet, (parser, emit) => {
    let row: XlsxRow | undefined
    let lastLine = 0
    let column = 0
    let cell = { type: '', style: 0 }
    let inValue = false
    let value = ''
    let inline = ''
    const tooLong = (text: string) => {
      if (text.length > limits.cellCharacters)
        throw new SpreadsheetError(cellTooLong(filename, limits.cellCharacters, row?.line ?? lastLine))
    }
    const inlineText = new TextGatherer('is', tooLong, (text) => {
      inline = text
    })
    parser.on('opentag', (tag) => {
      const attributes = tag.attributes as Record<string, string | undefined>
      const name = local(tag.name)
      inlineText.open(name)
      switch (name) {
        case 'row': {
          const line = Number.parseInt(attributes.r ?? '', 10)
          lastLine = Number.isSafeInteger(line) && line > lastLine ? line : lastLine + 1
          row = { line: lastLine, cells: new Map() }
          column = 0
          break
        }
        case 'c': {
          const referenced = attributes.r ? columnOf(attributes.r) : 0
          column = referenced > column ? referenced : column + 1
          if (column > limits.columns)
            throw new SpreadsheetError(tooManyColumns(filename, limits.columns, row?.line ?? lastLine))
          cell = { type: attributes.t ?? 'n', style: Number(attributes.s ?? 0) }
          value = ''
          inline = ''
          break
        }
        case 'v':
          inValue = true
      }
    })
    parser.on('text', (text) => {
      inlineText.text(text)
      if (!inValue) return
      value += text
      tooLong(value)
    })
    parser.on('cdata', (text) => inlineText.text(text))
    parser.on('closetag', (tag) => {
      const name = local(tag.name)
      inlineText.close(name)
      switch (name) {
        case 'v':
          inValue = false
          break
        case 'c': {
          const text = cellText(cell.type, value, inline, cell.style, context).trim()
          if (text !== '') row?.cells.set(column, text)
          break
        }
        case 'row':
          if (row) emit(row)
          row = undefined
      }
    })
  })
}

/**
 * The rows of the first sheet of an Excel workbook, each with its non-empty cells, read a chunk at a
 * time. Throws a SpreadsheetError for a file that is not a workbook or is over a limit.
 */
export async function* xlsxRows(data: Buffer, filename: string, limits: XlsxLimits): AsyncGenerator<XlsxRow> {
  let workbook: Workbook | undefined
  try {
    workbook = new Workbook(await ZipArchive.open(data, filename, limits, 'workbook'))
    const { sheet, date1904 } = await firstSheet(workbook)
    if (!sheet || !workbook.has(sheet)) throw new SpreadsheetError(`${filename} has no rows`)
    const context = {
      strings: await sharedStrings(workbook, filename, limits),
      dates: await dateStyles(workbook),
      date1904,
    }
    yield* sheetRows(workbook, sheet, filename, limits, context)
  } catch (error) {
    if (error instanceof SpreadsheetError) throw error
    if (error instanceof ArchiveError) throw new SpreadsheetError(error.message)
    throw new SpreadsheetError(`${filename} could not be opened as an Excel workbook`)
  } finally {
    workbook?.close()
  }
}
