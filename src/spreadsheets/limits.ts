/**
 * How much one uploaded spreadsheet may hold. Each is checked while the file is read, so a file over
 * any of them is refused as soon as the reader gets there, before the rest is read into memory.
 */
export interface UploadLimits {
  /** The size of the uploaded file. */
  bytes: number
  /** Data rows (not counting the header or empty rows). */
  rows: number
  /** Columns of any row. */
  columns: number
  /** Characters in one cell. Excel's own limit is 32,767. */
  cellCharacters: number
  /** Distinct strings an Excel workbook's shared-strings part may list. */
  sharedStrings: number
  /** Characters in all of those shared strings together: each is kept in memory while the sheet is read. */
  sharedStringCharacters: number
  /** Files inside an Excel workbook (a workbook is a zip archive). */
  zipEntries: number
  /** What all the files inside a workbook may inflate to, counted as they are inflated. */
  expandedBytes: number
  /** How many times larger than its compressed size a part of the workbook may be (a zip bomb is thousands). */
  expansionRatio: number
}

const MB = 1024 * 1024

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  bytes: 50 * MB,
  rows: 100_000,
  columns: 200,
  cellCharacters: 32_767,
  sharedStrings: 1_000_000,
  sharedStringCharacters: 50_000_000,
  zipEntries: 1_000,
  expandedBytes: 500 * MB,
  expansionRatio: 200,
}

/** The limits with some replaced, e.g. from settings or in a test. */
export function uploadLimits(overrides: Partial<UploadLimits> = {}): UploadLimits {
  return { ...DEFAULT_UPLOAD_LIMITS, ...overrides }
}

/** A number as people read it: 100,000. */
export const formatCount = (count: number) => count.toLocaleString('en-GB')

/** A size in megabytes as a limit's message states it: 50 MB, or 0.5 MB for a small test limit. */
export const formatMegabytes = (bytes: number) => `${formatCount(Math.round((bytes / MB) * 100) / 100)} MB`
