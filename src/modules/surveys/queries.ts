import { asc, eq, sql } from 'drizzle-orm'
import { PgliteTransaction } from 'drizzle-orm/pglite'
import { type CopyValue, copyRows } from '../../db/bulk-copy.js'
import type { Transaction } from '../../db/tenancy.js'
import type { PublishedCell, StratumSums } from './results.js'
import {
  surveyPublishedCells,
  surveyQuestionnaires,
  surveyRespondents,
  surveys,
  surveyWaves,
} from './schema.js'

export type SurveyRow = typeof surveys.$inferSelect
export type QuestionnaireRow = typeof surveyQuestionnaires.$inferSelect
export type WaveRow = typeof surveyWaves.$inferSelect

export function selectSurveys(tx: Transaction): Promise<SurveyRow[]> {
  return tx.select().from(surveys).orderBy(asc(surveys.name))
}

export async function selectSurvey(tx: Transaction, code: string): Promise<SurveyRow | undefined> {
  const [row] = await tx.select().from(surveys).where(eq(surveys.code, code))
  return row
}

export function selectQuestionnaires(tx: Transaction, surveyId: string): Promise<QuestionnaireRow[]> {
  return tx
    .select()
    .from(surveyQuestionnaires)
    .where(eq(surveyQuestionnaires.surveyId, surveyId))
    .orderBy(asc(surveyQuestionnaires.version))
}

/** A survey's waves in the order they were run: by the start of fieldwork, then by code. */
export function selectWaves(tx: Transaction, surveyId: string): Promise<WaveRow[]> {
  return tx
    .select()
    .from(surveyWaves)
    .where(eq(surveyWaves.surveyId, surveyId))
    .orderBy(sql`${surveyWaves.fieldworkFrom} asc nulls last`, asc(surveyWaves.code))
}

export async function insertSurvey(tx: Transaction, values: typeof surveys.$inferInsert): Promise<SurveyRow> {
  const [row] = await tx.insert(surveys).values(values).returning()
  return row as SurveyRow
}

export async function updateSurvey(
  tx: Transaction,
  id: string,
  values: Partial<typeof surveys.$inferInsert>,
): Promise<SurveyRow> {
  const [row] = await tx.update(surveys).set(values).where(eq(surveys.id, id)).returning()
  return row as SurveyRow
}

export async function insertQuestionnaire(
  tx: Transaction,
  values: typeof surveyQuestionnaires.$inferInsert,
): Promise<QuestionnaireRow> {
  const [row] = await tx.insert(surveyQuestionnaires).values(values).returning()
  return row as QuestionnaireRow
}

export async function insertWave(tx: Transaction, values: typeof surveyWaves.$inferInsert): Promise<WaveRow> {
  const [row] = await tx.insert(surveyWaves).values(values).returning()
  return row as WaveRow
}

/** Empties a wave before an import replaces what it held. */
export async function clearWave(tx: Transaction, waveId: string): Promise<void> {
  await tx.delete(surveyRespondents).where(eq(surveyRespondents.waveId, waveId))
  await tx.delete(surveyPublishedCells).where(eq(surveyPublishedCells.waveId, waveId))
}

export async function markImported(
  tx: Transaction,
  waveId: string,
  values: { source: 'respondents' | 'aggregates'; respondents: number; at: Date; byLabel: string },
): Promise<void> {
  await tx
    .update(surveyWaves)
    .set({
      source: values.source,
      respondents: values.respondents,
      importedAt: values.at,
      importedByLabel: values.byLabel,
    })
    .where(eq(surveyWaves.id, waveId))
}

const RESPONDENT_COLUMNS = ['wave_id', 'line', 'force_code', 'region', 'weight', 'answers'] as const
const RESPONDENTS_IMPORT = 'survey_respondents_import'

/**
 * Copies respondents into the wave with COPY, as they are read. PostgreSQL refuses COPY into a table
 * under row-level security, so they go first into a temporary table the transaction's role owns, then
 * into survey_respondents in one statement as probity_app, which the inspectorate-only policy checks.
 * The embedded PGlite reads COPY's data from a server-side blob, which only its own superuser role may,
 * so there the copy alone runs as that role (as the registers' imports do, gifts-hospitality/bulk-import).
 */
export async function copyRespondents(
  tx: Transaction,
  rows: AsyncIterable<readonly CopyValue[]>,
): Promise<number> {
  await tx.execute(
    sql.raw(
      `create temp table ${RESPONDENTS_IMPORT} (like survey_respondents including defaults) on commit drop`,
    ),
  )
  const embedded = tx instanceof PgliteTransaction
  if (embedded) await tx.execute(sql`set local role none`)
  const copied = await copyRows(tx, RESPONDENTS_IMPORT, RESPONDENT_COLUMNS, rows)
  if (embedded) await tx.execute(sql`set local role probity_app`)
  const columns = RESPONDENT_COLUMNS.join(', ')
  await tx.execute(
    sql.raw(`insert into survey_respondents (${columns}) select ${columns} from ${RESPONDENTS_IMPORT}`),
  )
  return copied
}

export async function insertPublishedCells(
  tx: Transaction,
  waveId: string,
  cells: (PublishedCell & { line: number })[],
): Promise<void> {
  for (let start = 0; start < cells.length; start += 1000)
    await tx
      .insert(surveyPublishedCells)
      .values(cells.slice(start, start + 1000).map((cell) => ({ ...cell, waveId })))
}

/** A wave's respondents summed per stratum, question and answer: all the estimates need, in one pass. */
export async function selectStratumSums(tx: Transaction, waveId: string): Promise<StratumSums[]> {
  const result = await tx.execute(sql`
    select r.force_code as "forceCode", r.region, a.key as question, a.value as answer,
           count(*)::int as n, sum(r.weight)::float8 as "sumW", sum(r.weight * r.weight)::float8 as "sumW2"
    from ${surveyRespondents} r cross join lateral jsonb_each_text(r.answers) a
    where r.wave_id = ${waveId}
    group by r.force_code, r.region, a.key, a.value`)
  // Both drivers answer a raw statement with its rows in `rows`.
  return (result as unknown as { rows: StratumSums[] }).rows
}

export function selectPublishedCells(tx: Transaction, waveId: string): Promise<PublishedCell[]> {
  return tx
    .select({
      question: surveyPublishedCells.question,
      answer: surveyPublishedCells.answer,
      region: surveyPublishedCells.region,
      base: surveyPublishedCells.base,
      share: surveyPublishedCells.share,
    })
    .from(surveyPublishedCells)
    .where(eq(surveyPublishedCells.waveId, waveId))
}
