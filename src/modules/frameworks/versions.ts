import { z } from 'zod'
import { userIdOf } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { MAPPING_KINDS } from '../../domain/inspections.js'
import { requireDraft } from './drafts.js'
import {
  addMissingMappings,
  auditFramework,
  type FrameworkChange,
  type FrameworkRow,
  hasItemCoded,
  insertArea,
  insertFramework,
  insertMapping,
  insertMappings,
  insertQuestions,
  insertRecommendations,
  type MappingRow,
  sameCodeMappings,
  selectDetail,
  selectFramework,
  selectHighestVersion,
  selectQuestionIds,
  updateFramework,
} from './queries.js'

/**
 * How one version follows another, inside the caller's transaction: a new draft copying a version,
 * publishing a draft, and the mappings from the version before.
 */

export const mappingInput = z.object({
  kind: z.enum(MAPPING_KINDS, 'Select what is mapped'),
  fromCode: z.string().trim().min(1, 'Enter the code in the previous version').max(60),
  toCode: z.string().trim().min(1, 'Enter the code in this version').max(60),
})

/** A new draft version copying another: its areas, questions and recommendations, mapped by code. */
export async function copyAsNewVersion(change: FrameworkChange, frameworkId: string): Promise<FrameworkRow> {
  const { tx, caller, now } = change
  const source = await selectDetail(tx, frameworkId)
  const highest = await selectHighestVersion(tx, source.framework.code)
  const framework = await insertFramework(tx, {
    code: source.framework.code,
    version: (highest ?? source.framework.version) + 1,
    title: source.framework.title,
    description: source.framework.description,
    status: 'draft',
    judgementScale: source.framework.judgementScale,
    previousVersionId: source.framework.id,
    createdBy: userIdOf(caller),
    createdAt: now(),
    updatedAt: now(),
  })
  const areaIds = new Map<string, string>()
  for (const area of source.areas) {
    const row = await insertArea(tx, {
      frameworkId: framework.id,
      code: area.code,
      title: area.title,
      description: area.description,
      position: area.position,
    })
    if (row) areaIds.set(area.id, row.id)
  }
  await insertQuestions(
    tx,
    source.questions.map(({ id: _id, ...q }) => ({
      ...q,
      frameworkId: framework.id,
      areaId: areaIds.get(q.areaId) as string,
    })),
  )
  await insertRecommendations(
    tx,
    source.recommendations.map(({ id: _id, ...r }) => ({
      ...r,
      frameworkId: framework.id,
      areaId: r.areaId ? (areaIds.get(r.areaId) ?? null) : null,
    })),
  )
  const mapped = await sameCodeMappings(tx, source.framework.id, framework.id)
  await insertMappings(tx, source.framework.id, framework.id, mapped)
  await auditFramework(change, framework.id, 'new-version', {
    from: { id: source.framework.id, version: source.framework.version },
    version: framework.version,
  })
  return framework
}

/** Publishes a draft: from now on it never changes, and inspections may use it. */
export async function publishDraft(change: FrameworkChange, frameworkId: string): Promise<FrameworkRow> {
  const { tx, now } = change
  const framework = await requireDraft(tx, frameworkId)
  const questions = await selectQuestionIds(tx, framework.id)
  if (!questions.length)
    throw new ValidationError({ publish: 'A framework needs questions before it is published' })
  const after = await updateFramework(tx, framework.id, {
    status: 'published',
    publishedOn: londonToday(now()),
    updatedAt: now(),
  })
  if (!after) throw new NotFoundError('No such framework')
  await auditFramework(change, framework.id, 'publish', {
    status: 'published',
    publishedOn: after.publishedOn,
  })
  return after
}

/** Maps every item whose code is the same in both versions (those already mapped stay); how many added. */
export async function mapSameCodes(change: FrameworkChange, frameworkId: string): Promise<number> {
  const { tx } = change
  const framework = await selectFramework(tx, frameworkId)
  if (!framework.previousVersionId) throw new ValidationError({ mappings: 'This version follows no other' })
  const mapped = await sameCodeMappings(tx, framework.previousVersionId, framework.id)
  const added = await addMissingMappings(tx, framework.previousVersionId, framework.id, mapped)
  await auditFramework(change, framework.id, 'auto-map', { added })
  return added
}

/** Adds one mapping, checking both codes name real items of their versions. */
export async function addMappingTo(
  change: FrameworkChange,
  frameworkId: string,
  fields: z.output<typeof mappingInput>,
): Promise<MappingRow> {
  const { tx } = change
  const framework = await selectFramework(tx, frameworkId)
  if (!framework.previousVersionId) throw new ValidationError({ kind: 'This version follows no other' })
  const errors: Record<string, string> = {}
  if (!(await hasItemCoded(tx, fields.kind, framework.previousVersionId, fields.fromCode)))
    errors.fromCode = `The previous version has no ${fields.kind} ${fields.fromCode}`
  if (!(await hasItemCoded(tx, fields.kind, framework.id, fields.toCode)))
    errors.toCode = `This version has no ${fields.kind} ${fields.toCode}`
  if (Object.keys(errors).length) throw new ValidationError(errors)
  const row = await insertMapping(tx, {
    ...fields,
    fromFrameworkId: framework.previousVersionId,
    toFrameworkId: framework.id,
  })
  await auditFramework(change, framework.id, 'add-mapping', row)
  return row
}
