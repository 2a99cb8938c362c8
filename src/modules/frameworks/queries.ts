import { and, asc, eq, inArray, isNull, max, or } from 'drizzle-orm'
import { z } from 'zod'
import type { Transaction } from '../../db/tenancy.js'
import type { Caller } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import { MAPPING_KINDS, type MappingKind } from '../../domain/inspections.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  frameworkAreas,
  frameworkMappings,
  frameworkQuestions,
  frameworkRecommendations,
  frameworks,
} from './schema.js'

/** The frameworks' SQL: every statement runs in the caller's transaction, in their scope. */

export type FrameworkRow = typeof frameworks.$inferSelect
export type AreaRow = typeof frameworkAreas.$inferSelect
export type QuestionRow = typeof frameworkQuestions.$inferSelect
export type RecommendationRow = typeof frameworkRecommendations.$inferSelect
export type MappingRow = typeof frameworkMappings.$inferSelect

export interface FrameworkDetail {
  framework: FrameworkRow
  areas: AreaRow[]
  questions: QuestionRow[]
  recommendations: RecommendationRow[]
}

/** What a mapping says: an item of one version carries on as an item of the next. */
export type MappingCodes = Pick<MappingRow, 'kind' | 'fromCode' | 'toCode'>

/** The tables of a framework's items: each row has an id, its framework and a position in it. */
export type ItemTable = typeof frameworkAreas | typeof frameworkQuestions | typeof frameworkRecommendations
/** An item's values as a form gives them (the framework and position are the service's). */
export type ItemValues<T extends ItemTable> = Omit<T['$inferInsert'], 'id' | 'frameworkId' | 'position'>
/** A kind of item: its table, and its noun in messages and audit actions. */
export interface ItemKind<T extends ItemTable> {
  table: T
  noun: MappingKind
}

export const AREA: ItemKind<typeof frameworkAreas> = { table: frameworkAreas, noun: 'area' }
export const QUESTION: ItemKind<typeof frameworkQuestions> = { table: frameworkQuestions, noun: 'question' }
export const RECOMMENDATION: ItemKind<typeof frameworkRecommendations> = {
  table: frameworkRecommendations,
  noun: 'recommendation',
}

export const uuidOk = (id: string) => z.uuid().safeParse(id).success

/** What a change to the frameworks works with: the caller's transaction, the caller and the clock. */
export interface FrameworkChange {
  tx: Transaction
  caller: Caller
  now: () => Date
}

/** Records in the audit trail what the caller did to a framework, at the time the clock gives. */
export async function auditFramework(
  { tx, caller, now }: FrameworkChange,
  frameworkId: string,
  action: string,
  after: unknown,
  before?: unknown,
) {
  await appendAuditEvent(
    tx,
    caller.actor,
    { forceId: null, entityType: 'framework', entityId: frameworkId, action, before, after },
    now(),
  )
}

// --- Frameworks ------------------------------------------------------------------------------------

/** Every version of every framework, by code then version. */
export function selectFrameworks(tx: Transaction): Promise<FrameworkRow[]> {
  return tx.select().from(frameworks).orderBy(asc(frameworks.code), asc(frameworks.version))
}

export async function selectFramework(tx: Transaction, frameworkId: string): Promise<FrameworkRow> {
  if (!uuidOk(frameworkId)) throw new NotFoundError('No such framework')
  const [row] = await tx.select().from(frameworks).where(eq(frameworks.id, frameworkId))
  if (!row) throw new NotFoundError('No such framework')
  return row
}

export function selectFrameworksByIds(tx: Transaction, ids: string[]): Promise<FrameworkRow[]> {
  return tx.select().from(frameworks).where(inArray(frameworks.id, ids))
}

/** A version of a framework by its code and version number, if it exists. */
export async function selectVersion(
  tx: Transaction,
  code: string,
  version: number,
): Promise<FrameworkRow | undefined> {
  const [row] = await tx
    .select()
    .from(frameworks)
    .where(and(eq(frameworks.code, code), eq(frameworks.version, version)))
  return row
}

export async function versionExists(tx: Transaction, code: string, version: number): Promise<boolean> {
  const [existing] = await tx
    .select({ id: frameworks.id })
    .from(frameworks)
    .where(and(eq(frameworks.code, code), eq(frameworks.version, version)))
  return existing !== undefined
}

export async function selectHighestVersion(tx: Transaction, code: string): Promise<number | null> {
  const [highest] = await tx
    .select({ version: max(frameworks.version) })
    .from(frameworks)
    .where(eq(frameworks.code, code))
  return highest?.version ?? null
}

export async function insertFramework(
  tx: Transaction,
  values: typeof frameworks.$inferInsert,
): Promise<FrameworkRow> {
  const [framework] = await tx.insert(frameworks).values(values).returning()
  if (!framework) throw new Error('insert returned no row')
  return framework
}

export async function updateFramework(
  tx: Transaction,
  frameworkId: string,
  values: Partial<typeof frameworks.$inferInsert>,
): Promise<FrameworkRow | undefined> {
  const [after] = await tx.update(frameworks).set(values).where(eq(frameworks.id, frameworkId)).returning()
  return after
}

/** Marks a framework changed now. */
export async function touchFramework(tx: Transaction, frameworkId: string, now: () => Date) {
  await tx.update(frameworks).set({ updatedAt: now() }).where(eq(frameworks.id, frameworkId))
}

/** A version in full: its areas, questions and recommendations in order. */
export async function selectDetail(tx: Transaction, frameworkId: string): Promise<FrameworkDetail> {
  const framework = await selectFramework(tx, frameworkId)
  // One after another: a transaction is one connection, which runs one query at a time.
  const areas = await tx
    .select()
    .from(frameworkAreas)
    .where(eq(frameworkAreas.frameworkId, framework.id))
    .orderBy(asc(frameworkAreas.position))
  const questions = await tx
    .select()
    .from(frameworkQuestions)
    .where(eq(frameworkQuestions.frameworkId, framework.id))
    .orderBy(asc(frameworkQuestions.position))
  const recommendations = await tx
    .select()
    .from(frameworkRecommendations)
    .where(eq(frameworkRecommendations.frameworkId, framework.id))
    .orderBy(asc(frameworkRecommendations.position))
  // Questions in the order the areas come, then their own.
  const areaRank = new Map(areas.map((area, i) => [area.id, i]))
  questions.sort(
    (a, b) => (areaRank.get(a.areaId) ?? 0) - (areaRank.get(b.areaId) ?? 0) || a.position - b.position,
  )
  return { framework, areas, questions, recommendations }
}

// --- Items -----------------------------------------------------------------------------------------

/** A framework's national recommendations and those made to the forces given, in order. */
export function selectRecommendationsOfForces(
  tx: Transaction,
  frameworkId: string,
  forceIds: readonly number[],
): Promise<RecommendationRow[]> {
  if (!forceIds.length) return Promise.resolve([])
  return tx
    .select()
    .from(frameworkRecommendations)
    .where(
      and(
        eq(frameworkRecommendations.frameworkId, frameworkId),
        or(
          isNull(frameworkRecommendations.forceId),
          inArray(frameworkRecommendations.forceId, [...forceIds]),
        ),
      ),
    )
    .orderBy(asc(frameworkRecommendations.position))
}

export function selectQuestionIds(tx: Transaction, frameworkId: string): Promise<{ id: string }[]> {
  return tx
    .select({ id: frameworkQuestions.id })
    .from(frameworkQuestions)
    .where(eq(frameworkQuestions.frameworkId, frameworkId))
}

export async function insertArea(
  tx: Transaction,
  values: typeof frameworkAreas.$inferInsert,
): Promise<AreaRow | undefined> {
  const [row] = await tx.insert(frameworkAreas).values(values).returning()
  return row
}

export async function insertQuestions(tx: Transaction, rows: (typeof frameworkQuestions.$inferInsert)[]) {
  if (rows.length) await tx.insert(frameworkQuestions).values(rows)
}

export async function insertRecommendations(
  tx: Transaction,
  rows: (typeof frameworkRecommendations.$inferInsert)[],
) {
  if (rows.length) await tx.insert(frameworkRecommendations).values(rows)
}

/** An item of the framework, if it is there. */
export async function findItem<T extends ItemTable>(
  tx: Transaction,
  item: ItemKind<T>,
  frameworkId: string,
  itemId: string,
): Promise<T['$inferSelect'] | undefined> {
  const table: ItemTable = item.table
  const [row] = await tx
    .select()
    .from(table)
    .where(and(eq(table.id, itemId), eq(table.frameworkId, frameworkId)))
  return row
}

/** An item of the framework; any other id (or not an id at all) is 404 "No such <noun>". */
export async function selectItem<T extends ItemTable>(
  tx: Transaction,
  item: ItemKind<T>,
  frameworkId: string,
  itemId: string,
): Promise<T['$inferSelect']> {
  if (!uuidOk(itemId)) throw new NotFoundError(`No such ${item.noun}`)
  const row = await findItem(tx, item, frameworkId, itemId)
  if (!row) throw new NotFoundError(`No such ${item.noun}`)
  return row
}

/** Adds an item after the framework's last of its kind. */
export async function appendItem<T extends ItemTable>(
  tx: Transaction,
  item: ItemKind<T>,
  frameworkId: string,
  values: ItemValues<T>,
): Promise<T['$inferSelect'] | undefined> {
  const table: ItemTable = item.table
  const [last] = await tx
    .select({ position: max(table.position) })
    .from(table)
    .where(eq(table.frameworkId, frameworkId))
  const [row] = await tx
    .insert(table)
    .values({ ...values, frameworkId, position: (last?.position ?? 0) + 1 })
    .returning()
  return row
}

export async function updateItem<T extends ItemTable>(
  tx: Transaction,
  item: ItemKind<T>,
  itemId: string,
  values: ItemValues<T>,
): Promise<T['$inferSelect'] | undefined> {
  const table: ItemTable = item.table
  const [row] = await tx.update(table).set(values).where(eq(table.id, itemId)).returning()
  return row
}

export async function deleteItem<T extends ItemTable>(tx: Transaction, item: ItemKind<T>, itemId: string) {
  const table: ItemTable = item.table
  await tx.delete(table).where(eq(table.id, itemId))
}

/** Whether a version has an item of the kind with the code. */
export async function hasItemCoded(
  tx: Transaction,
  kind: MappingKind,
  frameworkId: string,
  code: string,
): Promise<boolean> {
  const table = {
    area: frameworkAreas,
    question: frameworkQuestions,
    recommendation: frameworkRecommendations,
  }[kind]
  const rows = await tx
    .select({ id: table.id })
    .from(table)
    .where(and(eq(table.frameworkId, frameworkId), eq(table.code, code)))
  return rows.length > 0
}

// --- Mappings --------------------------------------------------------------------------------------

const mappingsBetween = (fromId: string, toId: string) =>
  and(eq(frameworkMappings.fromFrameworkId, fromId), eq(frameworkMappings.toFrameworkId, toId))

/** The mappings from one version to the next, by kind and code. */
export function selectMappings(tx: Transaction, fromId: string, toId: string): Promise<MappingRow[]> {
  return tx
    .select()
    .from(frameworkMappings)
    .where(mappingsBetween(fromId, toId))
    .orderBy(asc(frameworkMappings.kind), asc(frameworkMappings.fromCode), asc(frameworkMappings.toCode))
}

/** The mappings from one version to the next in the order the export writes them. */
export function selectMappingsToExport(tx: Transaction, fromId: string, toId: string): Promise<MappingRow[]> {
  return tx
    .select()
    .from(frameworkMappings)
    .where(mappingsBetween(fromId, toId))
    .orderBy(asc(frameworkMappings.kind), asc(frameworkMappings.fromCode))
}

/** Every item whose code is the same in both versions, as mappings from one to the other. */
export async function sameCodeMappings(
  tx: Transaction,
  fromId: string,
  toId: string,
): Promise<MappingCodes[]> {
  const codes = async (id: string) => {
    const areas = await tx
      .select({ code: frameworkAreas.code })
      .from(frameworkAreas)
      .where(eq(frameworkAreas.frameworkId, id))
    const questions = await tx
      .select({ code: frameworkQuestions.code })
      .from(frameworkQuestions)
      .where(eq(frameworkQuestions.frameworkId, id))
    const recommendations = await tx
      .select({ code: frameworkRecommendations.code })
      .from(frameworkRecommendations)
      .where(eq(frameworkRecommendations.frameworkId, id))
    return {
      area: areas.map((r) => r.code),
      question: questions.map((r) => r.code),
      recommendation: recommendations.map((r) => r.code),
    }
  }
  const [from, to] = [await codes(fromId), await codes(toId)]
  return MAPPING_KINDS.flatMap((kind) =>
    from[kind]
      .filter((code) => to[kind].includes(code))
      .map((code) => ({ kind, fromCode: code, toCode: code })),
  )
}

const mappingRows = (fromId: string, toId: string, mapped: MappingCodes[]) =>
  mapped.map((m) => ({ ...m, fromFrameworkId: fromId, toFrameworkId: toId }))

/** Writes the mappings of a new version, which has none yet. */
export async function insertMappings(tx: Transaction, fromId: string, toId: string, mapped: MappingCodes[]) {
  if (mapped.length) await tx.insert(frameworkMappings).values(mappingRows(fromId, toId, mapped))
}

/** Writes mappings, leaving out any the version has already (a file may give one twice). */
export async function insertMappingsOnce(
  tx: Transaction,
  fromId: string,
  toId: string,
  mapped: MappingCodes[],
) {
  if (mapped.length)
    await tx
      .insert(frameworkMappings)
      .values(mappingRows(fromId, toId, mapped))
      .onConflictDoNothing()
}

/** Writes the mappings the version does not have yet; how many that was. */
export async function addMissingMappings(
  tx: Transaction,
  fromId: string,
  toId: string,
  mapped: MappingCodes[],
): Promise<number> {
  const added = mapped.length
    ? await tx
        .insert(frameworkMappings)
        .values(mappingRows(fromId, toId, mapped))
        .onConflictDoNothing()
        .returning({ id: frameworkMappings.id })
    : []
  return added.length
}

export async function insertMapping(
  tx: Transaction,
  values: typeof frameworkMappings.$inferInsert,
): Promise<MappingRow> {
  const [row] = await tx.insert(frameworkMappings).values(values).returning()
  if (!row) throw new Error('insert returned no row')
  return row
}

/** Deletes a mapping into the version; the row deleted, if there was one. */
export async function deleteMappingInto(
  tx: Transaction,
  toFrameworkId: string,
  mappingId: string,
): Promise<MappingRow | undefined> {
  const [row] = await tx
    .delete(frameworkMappings)
    .where(and(eq(frameworkMappings.id, mappingId), eq(frameworkMappings.toFrameworkId, toFrameworkId)))
    .returning()
  return row
}
