import { isDeepStrictEqual } from 'node:util'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import type { UploadLimits } from '../../spreadsheets/limits.js'
import type { UploadedFile } from '../../spreadsheets/read.js'
import { type RowProblem, validateRows } from '../../spreadsheets/validate.js'
import { appendAuditEvent, appendExportEvent } from '../audit/service.js'
import type { ForcesService } from '../forces/service.js'
import { readUpload } from '../imports/upload-checks.js'
import { type SurveyDefinition, surveyDefinitionSchema } from './definition.js'
import {
  clearWave,
  insertPublishedCells,
  insertQuestionnaire,
  insertRespondents,
  insertSurvey,
  insertWave,
  markImported,
  type QuestionnaireRow,
  type SurveyRow,
  selectPublishedCells,
  selectQuestionnaires,
  selectStratumSums,
  selectSurvey,
  selectSurveys,
  selectWaves,
  updateSurvey,
  type WaveRow,
} from './queries.js'
import { RespondentChecker, readLines, type Stratum, type SurveyFile } from './reading.js'
import { estimatesOf, type QuestionResult, tallyPublished, tallyRespondents } from './results.js'

export const SURVEY_ENTITY = 'survey'

/** Survey data is the inspectorate's: every inspectorate role reads and imports it, no force role. */
export const SURVEY_ROLES: readonly Role[] = ['inspector']

/** Bad rows listed in full; beyond this they are counted. */
export const MAX_PROBLEMS_LISTED = 100
/** How often (in rows) an import says how far it has got. */
export const PROGRESS_EVERY = 10_000

/** A file refused for its bad rows: nothing was written. */
export class ImportRejectedError extends ValidationError {
  constructor(
    readonly problems: RowProblem[],
    readonly problemCount: number,
  ) {
    super({
      file: `${problemCount} bad row${problemCount === 1 ? '' : 's'} in the file: nothing was imported`,
    })
  }
}

export interface SurveyOverview {
  survey: SurveyRow
  questionnaires: QuestionnaireRow[]
  waves: WaveRow[]
}

export interface WaveResults {
  wave: WaveRow
  questionnaire: QuestionnaireRow
  /** Empty until the wave's respondents or published tables are imported. */
  questions: QuestionResult[]
}

export interface SurveyResults {
  survey: SurveyRow
  waves: WaveResults[]
}

/**
 * What the national review quotes from a survey: the headline question's national share in the latest
 * wave with results, and how it moved since the wave before.
 */
export interface SurveyHeadline {
  survey: { code: string; name: string; synthetic: boolean }
  question: { code: string; text: string }
  /** What the share is of, e.g. "think corruption is a problem in the police". */
  label: string
  wave: { code: string; label: string }
  /** Weighted share (0 to 1) with its 95% interval, and the unweighted base. */
  share: number
  lower: number
  upper: number
  base: number
  /** The same question (as mapped) in the wave before; null if it was not asked or is withheld. */
  previous: {
    wave: { code: string; label: string }
    share: number
    /** Later share minus earlier, 0 to ±1. */
    change: number
    /** Significant at the 5% level (two-proportion test on effective sample sizes). */
    significant: boolean
  } | null
}

const aggregateRow = z.object({
  question: z.string().min(1, 'enter the question code'),
  answer: z.string().min(1, 'enter the answer code'),
  base: z.coerce
    .number('must be a whole number')
    .int('must be a whole number')
    .min(1, 'must be 1 or more')
    .max(10_000_000, 'must be at most 10,000,000'),
  weighted_share: z.coerce
    .number('must be a percentage from 0 to 100')
    .min(0, 'must be a percentage from 0 to 100')
    .max(100, 'must be a percentage from 0 to 100'),
  region: z.string().max(200).optional(),
})

/** Surveys of the public, their waves, imports and weighted results (P12). */
export class SurveysService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    /** What a file may hold (src/spreadsheets/limits.ts), checked as it is read. */
    private readonly limits: UploadLimits,
    private readonly now: () => Date,
  ) {}

  private in<T>(caller: Caller, work: (tx: Transaction) => Promise<T>): Promise<T> {
    requireRole(caller, ...SURVEY_ROLES)
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    return inScope(this.db, caller.scope, work)
  }

  async list(caller: Caller): Promise<(SurveyRow & { waves: WaveRow[] })[]> {
    return this.in(caller, async (tx) => {
      const surveys: (SurveyRow & { waves: WaveRow[] })[] = []
      // One after another: the transaction's connection runs one query at a time.
      for (const row of await selectSurveys(tx))
        surveys.push({ ...row, waves: await selectWaves(tx, row.id) })
      return surveys
    })
  }

  private async overview(tx: Transaction, code: string): Promise<SurveyOverview> {
    const survey = await selectSurvey(tx, code)
    if (!survey) throw new NotFoundError('There is no survey with that code')
    return {
      survey,
      questionnaires: await selectQuestionnaires(tx, survey.id),
      waves: await selectWaves(tx, survey.id),
    }
  }

  find(caller: Caller, code: string): Promise<SurveyOverview> {
    return this.in(caller, (tx) => this.overview(tx, code))
  }

  /**
   * Saves a survey's definition: a new survey is created whole; for one that exists, its name,
   * description and minimum base are updated and new questionnaire versions and waves added. A version
   * already saved must be given unchanged (a new wording is a new version), and so must a wave.
   */
  async save(caller: Caller, input: unknown): Promise<SurveyRow> {
    const definition: SurveyDefinition = parseOrThrow(surveyDefinitionSchema, input)
    const now = this.now()
    return this.in(caller, async (tx) => {
      const existing = await selectSurvey(tx, definition.code)
      const fields = {
        name: definition.name,
        description: definition.description ?? null,
        synthetic: definition.synthetic,
        minimumBase: definition.minimumBase,
      }
      const survey = existing
        ? await updateSurvey(tx, existing.id, fields)
        : await insertSurvey(tx, {
            code: definition.code,
            ...fields,
            createdByLabel: caller.actor.label,
            createdAt: now,
          })
      const questionnaires = new Map((await selectQuestionnaires(tx, survey.id)).map((q) => [q.version, q]))
      for (const questionnaire of definition.questionnaires) {
        const saved = questionnaires.get(questionnaire.version)
        if (saved) {
          // jsonb keeps keys in its own order: compare the contents, as JSON holds them.
          if (!isDeepStrictEqual(saved.questions, JSON.parse(JSON.stringify(questionnaire.questions))))
            throw new ValidationError({
              questionnaires: `Questionnaire version ${questionnaire.version} is already saved with other questions: give a changed questionnaire a new version`,
            })
          continue
        }
        questionnaires.set(
          questionnaire.version,
          await insertQuestionnaire(tx, { surveyId: survey.id, ...questionnaire, createdAt: now }),
        )
      }
      const waves = new Map((await selectWaves(tx, survey.id)).map((wave) => [wave.code, wave]))
      for (const wave of definition.waves) {
        const questionnaire = questionnaires.get(wave.questionnaireVersion) as QuestionnaireRow
        const saved = waves.get(wave.code)
        if (saved) {
          if (saved.questionnaireId !== questionnaire.id || saved.stratumKind !== wave.strata)
            throw new ValidationError({
              waves: `Wave ${wave.code} is already saved with another questionnaire or strata`,
            })
          continue
        }
        await insertWave(tx, {
          surveyId: survey.id,
          code: wave.code,
          label: wave.label,
          fieldworkFrom: wave.fieldworkFrom ?? null,
          fieldworkTo: wave.fieldworkTo ?? null,
          questionnaireId: questionnaire.id,
          stratumKind: wave.strata,
          createdAt: now,
        })
      }
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: SURVEY_ENTITY,
          entityId: survey.id,
          action: existing ? 'update' : 'create',
          after: definition,
        },
        now,
      )
      return survey
    })
  }

  private async wave(tx: Transaction, surveyCode: string, waveCode: string) {
    const overview = await this.overview(tx, surveyCode)
    const wave = overview.waves.find((candidate) => candidate.code === waveCode)
    if (!wave) throw new NotFoundError('This survey has no wave with that code')
    const questionnaire = overview.questionnaires.find(
      (q) => q.id === wave.questionnaireId,
    ) as QuestionnaireRow
    return { ...overview, wave, questionnaire }
  }

  findWave(caller: Caller, surveyCode: string, waveCode: string) {
    return this.in(caller, (tx) => this.wave(tx, surveyCode, waveCode))
  }

  /** How a wave's stratum names are read, lower case: force codes and names, or region names. */
  private async strata(): Promise<Record<WaveRow['stratumKind'], Map<string, Stratum>>> {
    const strata = { force: new Map<string, Stratum>(), region: new Map<string, Stratum>() }
    for (const force of await this.forces.list()) {
      strata.region.set(force.region.name.toLowerCase(), { forceCode: null, region: force.region.name })
      const stratum = { forceCode: force.code, region: force.region.name }
      strata.force.set(force.code.toLowerCase(), stratum)
      strata.force.set(force.name.toLowerCase(), stratum)
    }
    return strata
  }

  /**
   * Imports a wave's respondents (one row each: stratum, weight, an answer code per question) from a
   * CSV or Excel file read as a stream, replacing what the wave held. Every row is checked; good rows
   * are written to the database as they come, and if any row is bad the whole import is rolled back
   * and every bad row reported with its line.
   */
  async importRespondents(
    caller: Caller,
    surveyCode: string,
    waveCode: string,
    file: SurveyFile,
    options: {
      onProgress?(rows: number): void
      /** For a command streaming a file from disk: any number of rows, the other limits still checked. */
      anyNumberOfRows?: boolean
    } = {},
  ): Promise<{ respondents: number }> {
    const limits = options.anyNumberOfRows ? { ...this.limits, rows: undefined } : this.limits
    const now = this.now()
    // Read before the transaction: the embedded database has one connection, which it holds.
    const strata = await this.strata()
    return this.in(caller, async (tx) => {
      const { wave, questionnaire } = await this.wave(tx, surveyCode, waveCode)
      const checker = new RespondentChecker(file.filename, questionnaire.questions, strata[wave.stratumKind])
      const problems: RowProblem[] = []
      let problemCount = 0
      let rows = 0
      async function* goodRows() {
        let header = true
        for await (const line of readLines(file, limits)) {
          if (header) {
            checker.header(line.cells)
            header = false
            continue
          }
          if (++rows % PROGRESS_EVERY === 0) options.onProgress?.(rows)
          const checked = checker.row(line)
          if ('problem' in checked) {
            if (problemCount++ < MAX_PROBLEMS_LISTED)
              problems.push({ line: checked.line, reason: checked.problem })
            continue
          }
          // After the first bad row nothing will be written, but every row is still checked and reported.
          if (problemCount) continue
          yield checked.respondent
        }
      }
      await clearWave(tx, wave.id)
      await insertRespondents(tx, wave.id, goodRows())
      options.onProgress?.(rows)
      if (problemCount) throw new ImportRejectedError(problems, problemCount)
      if (!rows) throw new ValidationError({ file: `${file.filename} has a header but no respondents` })
      await this.imported(
        tx,
        caller,
        wave,
        { source: 'respondents', respondents: rows, filename: file.filename },
        now,
      )
      return { respondents: rows }
    })
  }

  /**
   * Imports a published aggregate table for a wave whose microdata are not held: one row per question,
   * answer and (optionally) region, with its unweighted base and weighted share in per cent.
   */
  async importAggregates(
    caller: Caller,
    surveyCode: string,
    waveCode: string,
    file: UploadedFile,
  ): Promise<{ cells: number }> {
    const now = this.now()
    const regions = new Map((await this.forces.regionNames()).map((name) => [name.toLowerCase(), name]))
    return this.in(caller, async (tx) => {
      const { wave, questionnaire } = await this.wave(tx, surveyCode, waveCode)
      const sheet = await readUpload(file, this.limits)
      const questions = new Map(questionnaire.questions.map((question) => [question.code, question]))
      const { valid, problems } = await validateRows(sheet, aggregateRow)
      const seen = new Set<string>()
      const cells = []
      for (const { line, value } of valid) {
        const question = questions.get(value.question)
        const option = question?.options.find((candidate) => candidate.code === value.answer)
        const region = value.region ? regions.get(value.region.toLowerCase()) : null
        const key = `${value.question}\u0000${value.answer}\u0000${region}`
        const reason = !question
          ? `question: ${value.question} is not a question of this wave's questionnaire`
          : !option
            ? `answer: ${value.answer} is not an answer option of ${question.code}`
            : region === undefined
              ? `region: ${value.region} is not a region`
              : seen.has(key)
                ? 'this question, answer and region are given twice'
                : null
        if (reason) problems.push({ line, reason })
        else
          cells.push({
            line,
            question: value.question,
            answer: value.answer,
            region: region ?? null,
            base: value.base,
            share: value.weighted_share / 100,
          })
        seen.add(key)
      }
      if (problems.length) {
        problems.sort((a, b) => a.line - b.line)
        throw new ImportRejectedError(problems.slice(0, MAX_PROBLEMS_LISTED), problems.length)
      }
      if (!cells.length) throw new ValidationError({ file: `${file.filename} has a header but no rows` })
      await clearWave(tx, wave.id)
      await insertPublishedCells(tx, wave.id, cells)
      await this.imported(
        tx,
        caller,
        wave,
        { source: 'aggregates', respondents: 0, filename: file.filename },
        now,
      )
      return { cells: cells.length }
    })
  }

  private async imported(
    tx: Transaction,
    caller: Caller,
    wave: WaveRow,
    what: { source: 'respondents' | 'aggregates'; respondents: number; filename: string },
    now: Date,
  ) {
    await markImported(tx, wave.id, { ...what, at: now, byLabel: caller.actor.label })
    await appendAuditEvent(
      tx,
      caller.actor,
      { forceId: null, entityType: 'survey-wave', entityId: wave.id, action: 'import', after: what },
      now,
    )
  }

  /** Every wave's weighted estimates, with the change from the wave before where comparable. */
  async results(caller: Caller, code: string): Promise<SurveyResults> {
    const forceNames = new Map((await this.forces.references()).map((force) => [force.code, force.name]))
    return this.in(caller, async (tx) => {
      const { survey, questionnaires, waves } = await this.overview(tx, code)
      const results: WaveResults[] = []
      let previous: { questions: QuestionResult[] } | undefined
      for (const wave of waves) {
        const questionnaire = questionnaires.find((q) => q.id === wave.questionnaireId) as QuestionnaireRow
        if (!wave.source) {
          results.push({ wave, questionnaire, questions: [] })
          continue
        }
        const tallies =
          wave.source === 'respondents'
            ? tallyRespondents(await selectStratumSums(tx, wave.id), forceNames)
            : tallyPublished(await selectPublishedCells(tx, wave.id))
        const questions = estimatesOf(questionnaire.questions, tallies, survey.minimumBase, previous)
        results.push({ wave, questionnaire, questions })
        previous = { questions }
      }
      return { survey, waves: results }
    })
  }

  /** Records a download of a survey's results in the audit trail, as every export is. */
  async recordExport(caller: Caller, code: string, format: string, rows: number): Promise<void> {
    await this.in(caller, (tx) =>
      appendExportEvent(
        tx,
        caller.actor,
        { forceId: null, entityType: SURVEY_ENTITY, format, rows, filters: { survey: code } },
        this.now(),
      ),
    )
  }

  /**
   * The headline of each survey (or of the one named) for the national review: the national share for
   * its headline question in the latest wave with results, and the change since the wave before.
   * A survey without a headline question, or whose share is withheld, gives none.
   */
  async headlines(caller: Caller, options: { survey?: string } = {}): Promise<SurveyHeadline[]> {
    const codes = options.survey ? [options.survey] : (await this.list(caller)).map((survey) => survey.code)
    const headlines: SurveyHeadline[] = []
    for (const code of codes) {
      const { survey, waves } = await this.results(caller, code)
      const answered = waves.filter((wave) => wave.questions.length)
      const latest = answered.at(-1)
      const before = answered.at(-2)
      for (const { question, areas } of latest?.questions ?? []) {
        const national = areas.find((area) => area.area.kind === 'national')?.headline
        const { share, lower, upper } = national?.estimate ?? {}
        if (!latest || !national || share == null || lower == null || upper == null) continue
        const earlier = before?.questions
          .find((candidate) => candidate.question.trend === question.trend)
          ?.areas.find((area) => area.area.kind === 'national')?.headline?.estimate.share
        headlines.push({
          survey: { code: survey.code, name: survey.name, synthetic: survey.synthetic },
          question: { code: question.code, text: question.text },
          label: national.label,
          wave: { code: latest.wave.code, label: latest.wave.label },
          share,
          lower,
          upper,
          base: national.estimate.base,
          previous:
            before && national.change && earlier != null
              ? {
                  wave: { code: before.wave.code, label: before.wave.label },
                  share: earlier,
                  change: national.change.difference,
                  significant: national.change.significant,
                }
              : null,
        })
      }
    }
    return headlines
  }
}
