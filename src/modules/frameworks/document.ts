import { z } from 'zod'
import { isoDay } from '../../domain/fields.js'
import { DEFAULT_JUDGEMENT_SCALE, MAPPING_KINDS, RECOMMENDATION_SCOPES } from '../../domain/inspections.js'
import type { SheetRow } from '../../spreadsheets/read.js'

/**
 * A framework as a file: what the JSON import reads and the JSON export writes, and what the XLSX
 * import becomes once its rows are put together. The shipped 2011 framework is one of these.
 */

const code = (what: string) =>
  z
    .string(`Give the ${what} a code`)
    .trim()
    .min(1, `Give the ${what} a code`)
    .max(60, `The ${what}’s code must be 60 characters or fewer`)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, `The ${what}’s code may use only letters, digits, dots, dashes`)

const text = (missing: string, label: string, max: number) =>
  z.string(missing).trim().min(1, missing).max(max, `${label} must be ${max} characters or fewer`)

const optional = (label: string, max: number) =>
  z
    .string(`${label} must be text`)
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .nullish()
    .transform((value) => value || null)

const day = z
  .string('Write the date as 2012-05-31')
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Write the date as 2012-05-31')
  .refine((value) => isoDay(value) === value, 'That is not a real date between 1900 and 2100')
  .nullish()
  .transform((value) => value || null)

export const questionDocument = z.object({
  code: code('question'),
  text: text('Enter the question', 'The question', 2000),
  guidance: optional('Guidance', 5000),
  evidenceExpected: optional('The evidence expected', 5000),
})

export const areaDocument = z.object({
  code: code('area'),
  title: text('Enter the area’s title', 'The title', 200),
  description: optional('The description', 5000),
  questions: z.array(questionDocument).default([]),
})

export const recommendationDocument = z.object({
  code: code('recommendation'),
  area: z
    .string()
    .trim()
    .nullish()
    .transform((value) => value || null),
  text: text('Enter the recommendation', 'The recommendation', 5000),
  scope: z.enum(RECOMMENDATION_SCOPES, 'Scope must be national or force'),
  force: z
    .string()
    .trim()
    .nullish()
    .transform((value) => value || null),
  addressee: text('Say who the recommendation is addressed to', 'The addressee', 200),
  dueDate: day,
})

export const mappingDocument = z.object({
  kind: z.enum(MAPPING_KINDS, `Kind must be one of ${MAPPING_KINDS.join(', ')}`),
  from: code('mapped item'),
  to: code('mapped item'),
})

export const frameworkDocument = z.object({
  code: code('framework'),
  version: z.coerce
    .number('Version must be a whole number from 1')
    .int('Version must be a whole number from 1')
    .min(1, 'Version must be a whole number from 1')
    .max(1000, 'Version must be 1000 or less'),
  title: text('Enter the framework’s title', 'The title', 200),
  description: optional('The description', 5000),
  status: z.enum(['draft', 'published'], 'Status must be draft or published').default('draft'),
  publishedOn: day,
  judgementScale: z
    .array(z.string().trim().min(1, 'A judgement cannot be blank').max(100))
    .min(2, 'The judgement scale needs at least two judgements')
    .default([...DEFAULT_JUDGEMENT_SCALE]),
  /** The version of the same framework this one follows; its mappings link the two. */
  previousVersion: z.coerce.number().int().min(1).nullish(),
  areas: z.array(areaDocument).min(1, 'A framework needs at least one area'),
  recommendations: z.array(recommendationDocument).default([]),
  mappings: z.array(mappingDocument).default([]),
})

export type FrameworkDocument = z.output<typeof frameworkDocument>

/** One thing wrong with a file, and where: a place in the JSON or a line of the spreadsheet. */
export interface DocumentProblem {
  place: string
  reason: string
}

/** Where an element of the document came from, so later checks can name it. */
export interface DocumentPlaces {
  areas: string[]
  questions: string[][]
  recommendations: string[]
  mappings: string[]
}

export interface ParsedDocument {
  document?: FrameworkDocument
  places?: DocumentPlaces
  problems: DocumentProblem[]
}

const SINGULAR: Record<string, string> = {
  areas: 'area',
  questions: 'question',
  recommendations: 'recommendation',
  mappings: 'mapping',
  judgementScale: 'judgement',
}

/** A zod path as people read it: `area 2 › question 3 › text`. */
function placeOf(path: readonly PropertyKey[]): string {
  const parts: string[] = []
  for (let i = 0; i < path.length; i++) {
    const key = path[i]
    const next = path[i + 1]
    if (typeof key === 'string' && typeof next === 'number' && SINGULAR[key]) {
      parts.push(`${SINGULAR[key]} ${next + 1}`)
      i++
    } else parts.push(String(key))
  }
  return parts.join(' › ') || 'file'
}

function jsonPlaces(document: FrameworkDocument): DocumentPlaces {
  return {
    areas: document.areas.map((area, i) => `area ${i + 1} (${area.code})`),
    questions: document.areas.map((area, i) =>
      area.questions.map(
        (question, j) => `area ${i + 1} (${area.code}) › question ${j + 1} (${question.code})`,
      ),
    ),
    recommendations: document.recommendations.map((r, i) => `recommendation ${i + 1} (${r.code})`),
    mappings: document.mappings.map((_m, i) => `mapping ${i + 1}`),
  }
}

/** A JSON file's text, checked: a syntax error names its line; every other problem its place. */
export function parseFrameworkJson(source: string): ParsedDocument {
  let raw: unknown
  try {
    raw = JSON.parse(source.replace(/^\uFEFF/, ''))
  } catch (error) {
    const message = error instanceof Error ? error.message : 'not JSON'
    const position = /position (\d+)/.exec(message)
    const line = position ? source.slice(0, Number(position[1])).split('\n').length : undefined
    return {
      problems: [
        { place: line ? `line ${line}` : 'file', reason: `The file is not valid JSON (${message})` },
      ],
    }
  }
  return parseFrameworkObject(raw)
}

/** An object (already parsed JSON) checked against the framework file's shape. */
export function parseFrameworkObject(raw: unknown): ParsedDocument {
  const parsed = frameworkDocument.safeParse(raw)
  if (!parsed.success)
    return {
      problems: parsed.error.issues.map((issue) => ({ place: placeOf(issue.path), reason: issue.message })),
    }
  return { document: parsed.data, places: jsonPlaces(parsed.data), problems: [] }
}

/**
 * The columns of the one-sheet spreadsheet form: each row is the framework, an area, a question, a
 * recommendation or a mapping, said in its `kind` column. Columns a kind does not use stay empty.
 */
export const SHEET_COLUMNS = [
  'kind',
  'code',
  'area',
  'title',
  'text',
  'description',
  'guidance',
  'evidence_expected',
  'scope',
  'force',
  'addressee',
  'due_date',
  'version',
  'status',
  'published_on',
  'previous_version',
  'judgement_scale',
  'mapping_kind',
  'from',
  'to',
] as const

export type SheetColumn = (typeof SHEET_COLUMNS)[number]

const blankToNull = (value: string | undefined) => (value?.trim() ? value.trim() : null)

/** Spreadsheet rows put together as a document, each element's place being its line. */
export function parseFrameworkRows(rows: SheetRow[]): ParsedDocument {
  const problems: DocumentProblem[] = []
  const frameworkRows = rows.filter((row) => row.values.kind?.trim().toLowerCase() === 'framework')
  if (frameworkRows.length !== 1)
    problems.push({
      place: frameworkRows[1] ? `line ${frameworkRows[1].line}` : 'file',
      reason: 'The sheet needs exactly one row of kind framework',
    })
  const areas: {
    line: number
    value: Record<string, unknown>
    questions: { line: number; value: unknown }[]
  }[] = []
  const recommendations: { line: number; value: unknown }[] = []
  const mappings: { line: number; value: unknown }[] = []
  for (const row of rows) {
    const v = row.values
    const kind = v.kind?.trim().toLowerCase() ?? ''
    if (kind === 'framework') continue
    if (kind === 'area') {
      areas.push({
        line: row.line,
        value: { code: v.code, title: v.title || v.text, description: blankToNull(v.description) },
        questions: [],
      })
    } else if (kind === 'question') {
      const area = areas.find((a) => a.value.code === v.area?.trim())
      if (!area) {
        problems.push({
          place: `line ${row.line}`,
          reason: v.area?.trim()
            ? `area: no area ${v.area.trim()} on an earlier line`
            : 'area: say which area the question is in',
        })
        continue
      }
      area.questions.push({
        line: row.line,
        value: {
          code: v.code,
          text: v.text,
          guidance: blankToNull(v.guidance),
          evidenceExpected: blankToNull(v.evidence_expected),
        },
      })
    } else if (kind === 'recommendation') {
      recommendations.push({
        line: row.line,
        value: {
          code: v.code,
          area: blankToNull(v.area),
          text: v.text,
          scope: v.scope?.trim().toLowerCase(),
          force: blankToNull(v.force),
          addressee: v.addressee,
          dueDate: blankToNull(v.due_date),
        },
      })
    } else if (kind === 'mapping') {
      mappings.push({
        line: row.line,
        value: { kind: v.mapping_kind?.trim().toLowerCase(), from: v.from, to: v.to },
      })
    } else if (Object.values(v).some((value) => value.trim())) {
      problems.push({
        place: `line ${row.line}`,
        reason: 'kind: must be framework, area, question, recommendation or mapping',
      })
    }
  }
  const check = <T>(line: number, schema: z.ZodType<T>, value: unknown): T | undefined => {
    const parsed = schema.safeParse(value)
    if (parsed.success) return parsed.data
    for (const issue of parsed.error.issues)
      problems.push({ place: `line ${line}`, reason: `${placeOf(issue.path)}: ${issue.message}` })
    return undefined
  }
  const head = frameworkRows[0]
  const headValue = head
    ? check(
        head.line,
        frameworkDocument.pick({
          code: true,
          version: true,
          title: true,
          description: true,
          status: true,
          publishedOn: true,
          judgementScale: true,
          previousVersion: true,
        }),
        {
          code: head.values.code,
          version: head.values.version,
          title: head.values.title || head.values.text,
          description: blankToNull(head.values.description),
          status: blankToNull(head.values.status)?.toLowerCase() ?? undefined,
          publishedOn: blankToNull(head.values.published_on),
          judgementScale: blankToNull(head.values.judgement_scale)
            ?.split(/[;|]/)
            .map((s) => s.trim())
            .filter(Boolean),
          previousVersion: blankToNull(head.values.previous_version),
        },
      )
    : undefined
  const checkedAreas = areas.map((area) => ({
    line: area.line,
    area: check(area.line, areaDocument.omit({ questions: true }), area.value),
    questions: area.questions.map((q) => ({
      line: q.line,
      question: check(q.line, questionDocument, q.value),
    })),
  }))
  const checkedRecommendations = recommendations.map((r) => ({
    line: r.line,
    recommendation: check(r.line, recommendationDocument, r.value),
  }))
  const checkedMappings = mappings.map((m) => ({
    line: m.line,
    mapping: check(m.line, mappingDocument, m.value),
  }))
  if (!areas.length) problems.push({ place: 'file', reason: 'A framework needs at least one area' })
  if (problems.length || !headValue) return { problems }
  const document: FrameworkDocument = {
    ...headValue,
    areas: checkedAreas.map(({ area, questions }) => ({
      ...(area as Omit<FrameworkDocument['areas'][number], 'questions'>),
      questions: questions.map(
        ({ question }) => question as FrameworkDocument['areas'][number]['questions'][number],
      ),
    })),
    recommendations: checkedRecommendations.map(
      ({ recommendation }) => recommendation as FrameworkDocument['recommendations'][number],
    ),
    mappings: checkedMappings.map(({ mapping }) => mapping as FrameworkDocument['mappings'][number]),
  }
  return {
    document,
    places: {
      areas: checkedAreas.map(({ line }) => `line ${line}`),
      questions: checkedAreas.map(({ questions }) => questions.map(({ line }) => `line ${line}`)),
      recommendations: checkedRecommendations.map(({ line }) => `line ${line}`),
      mappings: checkedMappings.map(({ line }) => `line ${line}`),
    },
    problems: [],
  }
}

/** The spreadsheet rows of a document, in the same columns the XLSX import reads. */
export function documentRows(document: FrameworkDocument): Record<SheetColumn, string>[] {
  const empty = () => Object.fromEntries(SHEET_COLUMNS.map((c) => [c, ''])) as Record<SheetColumn, string>
  const rows: Record<SheetColumn, string>[] = []
  rows.push({
    ...empty(),
    kind: 'framework',
    code: document.code,
    version: String(document.version),
    title: document.title,
    description: document.description ?? '',
    status: document.status,
    published_on: document.publishedOn ?? '',
    previous_version: document.previousVersion ? String(document.previousVersion) : '',
    judgement_scale: document.judgementScale.join('; '),
  })
  for (const area of document.areas) {
    rows.push({
      ...empty(),
      kind: 'area',
      code: area.code,
      title: area.title,
      description: area.description ?? '',
    })
    for (const question of area.questions)
      rows.push({
        ...empty(),
        kind: 'question',
        code: question.code,
        area: area.code,
        text: question.text,
        guidance: question.guidance ?? '',
        evidence_expected: question.evidenceExpected ?? '',
      })
  }
  for (const r of document.recommendations)
    rows.push({
      ...empty(),
      kind: 'recommendation',
      code: r.code,
      area: r.area ?? '',
      text: r.text,
      scope: r.scope,
      force: r.force ?? '',
      addressee: r.addressee,
      due_date: r.dueDate ?? '',
    })
  for (const m of document.mappings)
    rows.push({ ...empty(), kind: 'mapping', mapping_kind: m.kind, from: m.from, to: m.to })
  return rows
}

/**
 * The rules across elements: codes unique, recommendations naming a real area and (for force ones) a
 * real force, mappings naming real items. `forceCodes` are the forces that exist; `previous` the items
 * of the version this one follows, when it names one.
 */
export function crossCheck(
  document: FrameworkDocument,
  places: DocumentPlaces,
  forceCodes: ReadonlySet<string>,
  previous: { areas: Set<string>; questions: Set<string>; recommendations: Set<string> } | null,
): DocumentProblem[] {
  const problems: DocumentProblem[] = []
  const areaCodes = new Set<string>()
  const questionCodes = new Set<string>()
  document.areas.forEach((area, i) => {
    if (areaCodes.has(area.code))
      problems.push({ place: places.areas[i] ?? '', reason: `Area code ${area.code} is used twice` })
    areaCodes.add(area.code)
    if (!area.questions.length)
      problems.push({ place: places.areas[i] ?? '', reason: `Area ${area.code} has no questions` })
    area.questions.forEach((question, j) => {
      if (questionCodes.has(question.code))
        problems.push({
          place: places.questions[i]?.[j] ?? '',
          reason: `Question code ${question.code} is used twice`,
        })
      questionCodes.add(question.code)
    })
  })
  const recommendationCodes = new Set<string>()
  document.recommendations.forEach((r, i) => {
    const place = places.recommendations[i] ?? ''
    if (recommendationCodes.has(r.code))
      problems.push({ place, reason: `Recommendation code ${r.code} is used twice` })
    recommendationCodes.add(r.code)
    if (r.area && !areaCodes.has(r.area)) problems.push({ place, reason: `area: there is no area ${r.area}` })
    if (r.scope === 'force' && !r.force)
      problems.push({ place, reason: 'force: a force recommendation names the force it is made to' })
    if (r.scope === 'force' && r.force && !forceCodes.has(r.force))
      problems.push({ place, reason: `force: there is no force ${r.force}` })
    if (r.scope === 'national' && r.force)
      problems.push({ place, reason: 'force: a national recommendation is not made to one force' })
  })
  if (document.mappings.length && !document.previousVersion)
    problems.push({ place: 'previousVersion', reason: 'Mappings need the previous version they map from' })
  if (document.previousVersion && document.previousVersion >= document.version)
    problems.push({
      place: 'previousVersion',
      reason: 'The previous version must be lower than this version',
    })
  const current = { area: areaCodes, question: questionCodes, recommendation: recommendationCodes }
  document.mappings.forEach((m, i) => {
    const place = places.mappings[i] ?? ''
    const before =
      previous &&
      { area: previous.areas, question: previous.questions, recommendation: previous.recommendations }[m.kind]
    if (before && !before.has(m.from))
      problems.push({ place, reason: `from: the previous version has no ${m.kind} ${m.from}` })
    if (!current[m.kind].has(m.to))
      problems.push({ place, reason: `to: this version has no ${m.kind} ${m.to}` })
  })
  return problems
}
