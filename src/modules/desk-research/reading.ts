import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { parse } from 'csv-parse'
import { isoDay } from '../../domain/fields.js'
import { normaliseHeader } from '../../spreadsheets/read.js'

/** One post of an export, with its profile, as checked. */
export interface PostRow {
  line: number
  platform: string
  handle: string
  handleKey: string
  displayName: string | null
  profileText: string | null
  postId: string
  postedOn: string
  text: string
  url: string | null
}

export type ReadRow = { line: number; row: PostRow } | { line: number; problem: string }

/** The columns (CSV) or keys (JSON lines) of an export; `handle` is taken for `profile_handle`. */
export const EXPORT_COLUMNS = [
  'platform',
  'profile_handle',
  'display_name',
  'profile_text',
  'post_id',
  'date',
  'text',
  'url',
] as const

export type ExportFormat = 'csv' | 'jsonl'

/** The format a file's name says: .csv, or .jsonl / .ndjson / .json (one JSON object a line). */
export function formatOf(filename: string): ExportFormat | undefined {
  const name = filename.toLowerCase()
  if (name.endsWith('.csv')) return 'csv'
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'jsonl'
  return undefined
}

const limit = (value: string | null, max: number, label: string): string | undefined =>
  value !== null && value.length > max ? `${label} is longer than ${max} characters` : undefined

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null
  const result = String(value).trim()
  return result === '' ? null : result
}

/** Checks one row's values: the post, or the first reason it is bad. */
export function checkRow(values: Record<string, unknown>, line: number): ReadRow {
  const platform = text(values.platform)?.toLowerCase() ?? null
  const handle = text(values.profile_handle ?? values.handle)
  const postId = text(values.post_id)
  const date = text(values.date)
  const body = text(values.text)
  const url = text(values.url)
  const displayName = text(values.display_name)
  const profileText = text(values.profile_text)
  if (!platform) return { line, problem: 'the platform is missing' }
  if (!handle) return { line, problem: 'the profile handle is missing' }
  if (!postId) return { line, problem: 'the post id is missing' }
  if (!date) return { line, problem: 'the date is missing' }
  if (body === null) return { line, problem: 'the text of the post is missing' }
  const postedOn = isoDay(date.slice(0, 10))
  if (!postedOn || (date.length > 10 && !/^[T ]/.test(date.slice(10))))
    return {
      line,
      problem: `the date ${JSON.stringify(date.slice(0, 40))} is not a real date like 2012-03-27`,
    }
  if (url !== null && !/^https?:\/\/\S+$/i.test(url))
    return { line, problem: 'the URL must be a web address starting http:// or https://' }
  const tooLong =
    limit(platform, 50, 'the platform') ??
    limit(handle, 200, 'the profile handle') ??
    limit(displayName, 200, 'the display name') ??
    limit(profileText, 5000, 'the profile text') ??
    limit(postId, 200, 'the post id') ??
    limit(body, 10_000, 'the text of the post') ??
    limit(url, 2000, 'the URL')
  if (tooLong) return { line, problem: tooLong }
  return {
    line,
    row: {
      line,
      platform,
      handle,
      handleKey: handle.replace(/^@/, '').toLowerCase(),
      displayName,
      profileText,
      postId,
      postedOn,
      text: body,
      url,
    },
  }
}

async function* readCsv(stream: Readable): AsyncGenerator<ReadRow> {
  const parser = stream.pipe(
    parse({
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      bom: true,
      max_record_size: 1 << 20,
    }),
  )
  let columns: string[] | undefined
  let endedAt = 0
  let emptyBefore = 0
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[]
      info: { lines: number; empty_lines: number }
    }>) {
      // The record starts after the last one ended and any empty lines skipped since.
      const line = endedAt + 1 + (info.empty_lines - emptyBefore)
      endedAt = info.lines
      emptyBefore = info.empty_lines
      if (!columns) {
        columns = record.map(normaliseHeader)
        const missing = ['platform', 'post_id', 'date', 'text'].filter((c) => !columns?.includes(c))
        if (!columns.includes('profile_handle') && !columns.includes('handle')) missing.push('profile_handle')
        if (missing.length) {
          yield { line, problem: `the header row has no column ${missing.join(', ')}` }
          return
        }
        continue
      }
      const values: Record<string, string> = {}
      for (let index = 0; index < columns.length; index++)
        values[columns[index] as string] = record[index] ?? ''
      yield checkRow(values, line)
    }
  } catch (error) {
    yield { line: endedAt + 1, problem: `the file is not valid CSV: ${(error as Error).message}` }
  }
}

async function* readJsonLines(stream: Readable): AsyncGenerator<ReadRow> {
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  let line = 0
  for await (const raw of lines) {
    line++
    const trimmed = line === 1 ? raw.replace(/^\uFEFF/, '').trim() : raw.trim()
    if (!trimmed) continue
    if (trimmed.length > 1 << 20) {
      yield { line, problem: 'the line is longer than 1 MB' }
      continue
    }
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch {
      yield { line, problem: 'the line is not valid JSON' }
      continue
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { line, problem: 'the line is not a JSON object' }
      continue
    }
    yield checkRow(value as Record<string, unknown>, line)
  }
}

/** The rows of an export, read as they stream in: never the whole file in memory. */
export function readExport(stream: Readable, format: ExportFormat): AsyncGenerator<ReadRow> {
  return format === 'csv' ? readCsv(stream) : readJsonLines(stream)
}
