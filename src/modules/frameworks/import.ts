import type { Transaction } from '../../db/tenancy.js'
import { userIdOf } from '../../domain/access.js'
import { londonToday } from '../../domain/fields.js'
import { crossCheck, type DocumentPlaces, type DocumentProblem, type FrameworkDocument } from './document.js'
import {
  auditFramework,
  type FrameworkChange,
  type FrameworkRow,
  insertArea,
  insertFramework,
  insertMappingsOnce,
  insertQuestions,
  insertRecommendations,
  sameCodeMappings,
  selectDetail,
  selectVersion,
  versionExists,
} from './queries.js'

/**
 * Importing a framework from its file form: the checks only the database can make, and writing the
 * checked file, inside the caller's transaction.
 */

/** The problems `problemsOf` finds in a parsed file: those the database shows, then `crossCheck`'s. */
export async function documentProblems(
  tx: Transaction,
  document: FrameworkDocument,
  places: DocumentPlaces,
  forceCodes: ReadonlySet<string>,
): Promise<DocumentProblem[]> {
  const problems: DocumentProblem[] = []
  if (await versionExists(tx, document.code, document.version))
    problems.push({
      place: 'version',
      reason: `Version ${document.version} of ${document.code} already exists: give the file a new version number`,
    })
  let previous: Parameters<typeof crossCheck>[3] = null
  if (document.previousVersion) {
    const before = await selectVersion(tx, document.code, document.previousVersion)
    if (!before)
      problems.push({
        place: 'previousVersion',
        reason: `There is no version ${document.previousVersion} of ${document.code} to follow`,
      })
    else {
      const detail = await selectDetail(tx, before.id)
      previous = {
        areas: new Set(detail.areas.map((a) => a.code)),
        questions: new Set(detail.questions.map((q) => q.code)),
        recommendations: new Set(detail.recommendations.map((r) => r.code)),
      }
    }
  }
  problems.push(...crossCheck(document, places, forceCodes, previous))
  return problems
}

/** Writes a checked file: the framework, its items in order, its mappings, and the audit event. */
export async function writeDocument(
  change: FrameworkChange,
  document: FrameworkDocument,
  forceIds: ReadonlyMap<string, number>,
  filename: string | undefined,
): Promise<FrameworkRow> {
  const { tx, caller, now } = change
  const previous = document.previousVersion
    ? await selectVersion(tx, document.code, document.previousVersion)
    : undefined
  const framework = await insertFramework(tx, {
    code: document.code,
    version: document.version,
    title: document.title,
    description: document.description,
    status: document.status,
    judgementScale: document.judgementScale,
    publishedOn: document.status === 'published' ? (document.publishedOn ?? londonToday(now())) : null,
    previousVersionId: previous?.id ?? null,
    createdBy: userIdOf(caller),
    createdAt: now(),
    updatedAt: now(),
  })
  const areaIds = new Map<string, string>()
  let questionPosition = 0
  for (const [i, area] of document.areas.entries()) {
    const row = await insertArea(tx, {
      frameworkId: framework.id,
      code: area.code,
      title: area.title,
      description: area.description,
      position: i + 1,
    })
    if (!row) throw new Error('insert returned no row')
    areaIds.set(area.code, row.id)
    await insertQuestions(
      tx,
      area.questions.map((question) => ({
        frameworkId: framework.id,
        areaId: row.id,
        code: question.code,
        text: question.text,
        guidance: question.guidance,
        evidenceExpected: question.evidenceExpected,
        position: ++questionPosition,
      })),
    )
  }
  await insertRecommendations(
    tx,
    document.recommendations.map((r, i) => ({
      frameworkId: framework.id,
      areaId: r.area ? (areaIds.get(r.area) ?? null) : null,
      code: r.code,
      text: r.text,
      scope: r.scope,
      forceId: r.force ? (forceIds.get(r.force) ?? null) : null,
      addressee: r.addressee,
      dueDate: r.dueDate,
      position: i + 1,
    })),
  )
  if (previous) {
    const given = document.mappings.map((m) => ({ kind: m.kind, fromCode: m.from, toCode: m.to }))
    const mapped = given.length ? given : await sameCodeMappings(tx, previous.id, framework.id)
    await insertMappingsOnce(tx, previous.id, framework.id, mapped)
  }
  await auditFramework(change, framework.id, 'import', {
    code: framework.code,
    version: framework.version,
    title: framework.title,
    status: framework.status,
    filename: filename ?? null,
    areas: document.areas.length,
    questions: document.areas.reduce((n, a) => n + a.questions.length, 0),
    recommendations: document.recommendations.length,
  })
  return framework
}
