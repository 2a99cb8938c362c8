import type { Caller } from '../../domain/access.js'
import type { FrameworkDocument } from './document.js'
import type { FrameworkDetail, FrameworkRow, MappingRow, RecommendationRow } from './queries.js'

/** The recommendations a caller reads: a force the national ones and its own, not other forces'. */
export function visibleRecommendations(caller: Caller, rows: RecommendationRow[]): RecommendationRow[] {
  const { scope } = caller
  return scope.kind === 'force' ? rows.filter((r) => r.forceId === null || r.forceId === scope.forceId) : rows
}

/** A framework in its file form, as the JSON and XLSX exports write it (and the import reads it). */
export function documentOf(
  caller: Caller,
  { framework, areas, questions, recommendations }: FrameworkDetail,
  previous: FrameworkRow | null,
  mappings: MappingRow[],
  forceCodes: ReadonlyMap<number, string>,
): FrameworkDocument {
  const areaCodes = new Map(areas.map((area) => [area.id, area.code]))
  return {
    code: framework.code,
    version: framework.version,
    title: framework.title,
    description: framework.description,
    status: framework.status,
    publishedOn: framework.publishedOn,
    judgementScale: framework.judgementScale,
    previousVersion: previous?.version ?? null,
    areas: areas.map((area) => ({
      code: area.code,
      title: area.title,
      description: area.description,
      questions: questions
        .filter((q) => q.areaId === area.id)
        .map((q) => ({
          code: q.code,
          text: q.text,
          guidance: q.guidance,
          evidenceExpected: q.evidenceExpected,
        })),
    })),
    recommendations: visibleRecommendations(caller, recommendations).map((r) => ({
      code: r.code,
      area: r.areaId ? (areaCodes.get(r.areaId) ?? null) : null,
      text: r.text,
      scope: r.scope,
      force: r.forceId ? (forceCodes.get(r.forceId) ?? null) : null,
      addressee: r.addressee,
      dueDate: r.dueDate,
    })),
    mappings: mappings.map((m) => ({ kind: m.kind, from: m.fromCode, to: m.toCode })),
  }
}
