import type { Database } from '../../db/connection.js'
import { isUniqueViolation } from '../../db/errors.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import type { ForcesService } from '../forces/service.js'
import {
  type DocumentProblem,
  type FrameworkDocument,
  type ParsedDocument,
  parseFrameworkObject,
} from './document.js'
import {
  areaInput,
  deleteDraftItem,
  detailsInput,
  type ItemEdit,
  questionInput,
  recommendationInput,
  requireDraft,
  saveDraftItem,
} from './drafts.js'
import { documentProblems, writeDocument } from './import.js'
import { documentOf, visibleRecommendations } from './present.js'
import {
  AREA,
  type AreaRow,
  auditFramework,
  deleteMappingInto,
  type FrameworkChange,
  type FrameworkDetail,
  type FrameworkRow,
  findItem,
  type ItemTable,
  type MappingRow,
  QUESTION,
  type QuestionRow,
  RECOMMENDATION,
  type RecommendationRow,
  selectDetail,
  selectFramework,
  selectFrameworks,
  selectFrameworksByIds,
  selectItem,
  selectMappings,
  selectMappingsToExport,
  selectRecommendationsOfForces,
  selectVersion,
  updateFramework,
  uuidOk,
} from './queries.js'
import { addMappingTo, copyAsNewVersion, mappingInput, mapSameCodes, publishDraft } from './versions.js'

/** A file that cannot be imported, with every problem and where it is. */
export class FrameworkProblemsError extends ValidationError {
  constructor(readonly problems: DocumentProblem[]) {
    super(Object.fromEntries(problems.map((p, i) => [`problem-${i + 1}`, `${p.place}: ${p.reason}`])))
  }
}

/** Who reads frameworks: the inspectorate, and forces' caseworkers who answer their questions. */
export const FRAMEWORK_READERS: Role[] = ['inspector', 'force-caseworker']

/**
 * The frameworks as the routes and other modules use them: here the roles, the inputs and the
 * transactions; the SQL in queries.ts, the file form in import.ts and present.ts, editing drafts in
 * drafts.ts, and new versions, publishing and mappings in versions.ts.
 */
export class FrameworksService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly now: () => Date,
  ) {}

  /** Every version of every framework, by code then version. */
  async list(caller: Caller): Promise<FrameworkRow[]> {
    requireRole(caller, ...FRAMEWORK_READERS)
    return inScope(this.db, caller.scope, (tx) => selectFrameworks(tx))
  }

  /** A version in full; a force reads the national recommendations and its own, not other forces'. */
  async get(caller: Caller, frameworkId: string): Promise<FrameworkDetail> {
    requireRole(caller, ...FRAMEWORK_READERS)
    const detail = await inScope(this.db, caller.scope, (tx) => selectDetail(tx, frameworkId))
    return { ...detail, recommendations: visibleRecommendations(caller, detail.recommendations) }
  }

  /** A framework's national recommendations and those made to one force, in order. */
  async recommendationsFor(
    caller: Caller,
    frameworkId: string,
    forceId: number,
  ): Promise<RecommendationRow[]> {
    return (await this.recommendationsForForces(caller, frameworkId, [forceId])).get(forceId) ?? []
  }

  /** `recommendationsFor` several forces at once, by force id, from one query. Issue #11 (national scale). */
  async recommendationsForForces(
    caller: Caller,
    frameworkId: string,
    forceIds: readonly number[],
  ): Promise<Map<number, RecommendationRow[]>> {
    requireRole(caller, ...FRAMEWORK_READERS)
    const { scope } = caller
    if (scope.kind === 'force' && forceIds.some((forceId) => forceId !== scope.forceId))
      throw new NotFoundError()
    const rows = await inScope(this.db, caller.scope, async (tx) => {
      const framework = await selectFramework(tx, frameworkId)
      return selectRecommendationsOfForces(tx, framework.id, forceIds)
    })
    return new Map(
      forceIds.map((forceId) => [
        forceId,
        rows.filter((row) => row.forceId === null || row.forceId === forceId),
      ]),
    )
  }

  /** A version of a framework by its code and version number, if it exists. */
  async findVersion(caller: Caller, code: string, version: number): Promise<FrameworkRow | undefined> {
    requireRole(caller, ...FRAMEWORK_READERS)
    return inScope(this.db, caller.scope, (tx) => selectVersion(tx, code, version))
  }

  // --- Import and export ---------------------------------------------------------------------------

  /**
   * Every problem of a parsed file that needs the database to see: a version that already exists, a
   * previous version that does not, forces and mapped items that are not there.
   */
  async problemsOf(caller: Caller, parsed: ParsedDocument): Promise<DocumentProblem[]> {
    requireRole(caller, 'inspectorate-admin')
    if (!parsed.document || !parsed.places) return parsed.problems
    const { document, places } = parsed
    const forceCodes = new Set((await this.forces.references()).map((force) => force.code))
    return inScope(this.db, caller.scope, (tx) => documentProblems(tx, document, places, forceCodes))
  }

  /**
   * Loads a framework from its file form (parsed JSON), checked in full first: the demo, the JSON
   * import and the tests load frameworks this way. All of it is written in one transaction, or none.
   */
  async loadFramework(caller: Caller, json: unknown): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    return this.importDocument(caller, parseFrameworkObject(json))
  }

  /** Writes a checked file (checking it again), or throws FrameworkProblemsError with every problem. */
  async importDocument(caller: Caller, parsed: ParsedDocument, filename?: string): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    const problems = await this.problemsOf(caller, parsed)
    if (problems.length || !parsed.document) throw new FrameworkProblemsError(problems)
    const document = parsed.document
    const forceIds = new Map((await this.forces.references()).map((force) => [force.code, force.id]))
    return this.change(caller, (change) => writeDocument(change, document, forceIds, filename)).catch(
      (error: unknown) => {
        if (isUniqueViolation(error))
          throw new FrameworkProblemsError([{ place: 'version', reason: 'That version already exists' }])
        throw error
      },
    )
  }

  /** A framework in its file form, as the JSON and XLSX exports write it (and the import reads it). */
  async exportDocument(caller: Caller, frameworkId: string): Promise<FrameworkDocument> {
    requireRole(caller, ...FRAMEWORK_READERS)
    const forceCodes = new Map((await this.forces.references()).map((force) => [force.id, force.code]))
    return inScope(this.db, caller.scope, async (tx) => {
      const detail = await selectDetail(tx, frameworkId)
      const { framework } = detail
      const previous = framework.previousVersionId
        ? await selectFramework(tx, framework.previousVersionId)
        : null
      const mappings = previous ? await selectMappingsToExport(tx, previous.id, framework.id) : []
      return documentOf(caller, detail, previous, mappings, forceCodes)
    })
  }

  /** Records a download of a framework in the audit trail. */
  async recordExport(caller: Caller, frameworkId: string, format: string): Promise<void> {
    requireRole(caller, ...FRAMEWORK_READERS)
    await this.change(caller, async (change) => {
      const framework = await selectFramework(change.tx, frameworkId)
      if (caller.scope.kind !== 'inspectorate') return
      await auditFramework(change, framework.id, 'export', {
        format,
        code: framework.code,
        version: framework.version,
      })
    })
  }

  // --- Versions and editing drafts -----------------------------------------------------------------

  /** A new draft version copying another: its areas, questions and recommendations, mapped by code. */
  async newVersion(caller: Caller, frameworkId: string): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    return this.change(caller, (change) => copyAsNewVersion(change, frameworkId))
  }

  async updateDetails(
    caller: Caller,
    frameworkId: string,
    input: Record<string, unknown>,
  ): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(detailsInput, input)
    return this.change(caller, async (change) => {
      const before = await requireDraft(change.tx, frameworkId)
      const after = await updateFramework(change.tx, before.id, { ...fields, updatedAt: this.now() })
      if (!after) throw new NotFoundError('No such framework')
      await auditFramework(change, after.id, 'update', fields, {
        title: before.title,
        description: before.description,
        judgementScale: before.judgementScale,
      })
      return after
    })
  }

  /** Adds an area to a draft (no areaId) or changes one. */
  async saveArea(
    caller: Caller,
    frameworkId: string,
    areaId: string | null,
    input: Record<string, unknown>,
  ): Promise<AreaRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(areaInput, input)
    return this.saveItem(caller, { item: AREA, frameworkId, itemId: areaId, values: fields })
  }

  async deleteArea(caller: Caller, frameworkId: string, areaId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    await this.change(caller, (change) => deleteDraftItem(change, AREA, frameworkId, areaId))
  }

  async saveQuestion(
    caller: Caller,
    frameworkId: string,
    questionId: string | null,
    input: Record<string, unknown>,
  ): Promise<QuestionRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(questionInput, input)
    return this.saveItem(caller, {
      item: QUESTION,
      frameworkId,
      itemId: questionId,
      values: fields,
      check: async (tx, framework) => {
        const area = await findItem(tx, AREA, framework.id, fields.areaId)
        if (!area) throw new ValidationError({ areaId: 'Select an area of this framework' })
      },
    })
  }

  async deleteQuestion(caller: Caller, frameworkId: string, questionId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    await this.change(caller, (change) => deleteDraftItem(change, QUESTION, frameworkId, questionId))
  }

  async saveRecommendation(
    caller: Caller,
    frameworkId: string,
    recommendationId: string | null,
    input: Record<string, unknown>,
  ): Promise<RecommendationRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(recommendationInput, input)
    let forceId: number | null = null
    if (fields.scope === 'force') {
      const force = (await this.forces.references()).find((f) => f.code === fields.forceCode)
      if (!force) throw new ValidationError({ forceCode: 'Select the force the recommendation is made to' })
      forceId = force.id
    }
    const { forceCode: _code, ...values } = fields
    return this.saveItem(caller, {
      item: RECOMMENDATION,
      frameworkId,
      itemId: recommendationId,
      values: { ...values, forceId },
      check: async (tx, framework) => {
        if (values.areaId) await selectItem(tx, AREA, framework.id, values.areaId)
      },
    })
  }

  async deleteRecommendation(caller: Caller, frameworkId: string, recommendationId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    await this.change(caller, (change) =>
      deleteDraftItem(change, RECOMMENDATION, frameworkId, recommendationId),
    )
  }

  private async saveItem<T extends ItemTable>(caller: Caller, edit: ItemEdit<T>): Promise<T['$inferSelect']> {
    return this.unique('code', `Another ${edit.item.noun} has this code`, () =>
      this.change(caller, (change) => saveDraftItem(change, edit)),
    )
  }

  /** Publishes a draft: from now on it never changes, and inspections may use it. */
  async publish(caller: Caller, frameworkId: string): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    return this.change(caller, (change) => publishDraft(change, frameworkId))
  }

  // --- Mappings ------------------------------------------------------------------------------------

  /** How a version's areas, questions and recommendations carry on from the version it follows. */
  async mappings(
    caller: Caller,
    frameworkId: string,
  ): Promise<{ previous: FrameworkRow | null; mappings: MappingRow[] }> {
    requireRole(caller, ...FRAMEWORK_READERS)
    return inScope(this.db, caller.scope, async (tx) => {
      const framework = await selectFramework(tx, frameworkId)
      if (!framework.previousVersionId) return { previous: null, mappings: [] }
      const previous = await selectFramework(tx, framework.previousVersionId)
      const mappings = await selectMappings(tx, previous.id, framework.id)
      return { previous, mappings }
    })
  }

  /** Maps every item whose code is the same in both versions (those already mapped stay); how many added. */
  async autoMap(caller: Caller, frameworkId: string): Promise<number> {
    requireRole(caller, 'inspectorate-admin')
    return this.change(caller, (change) => mapSameCodes(change, frameworkId))
  }

  /** Adds one mapping, checking both codes name real items of their versions. */
  async addMapping(caller: Caller, frameworkId: string, input: Record<string, unknown>): Promise<MappingRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(mappingInput, input)
    return this.unique('toCode', 'That mapping already exists', () =>
      this.change(caller, (change) => addMappingTo(change, frameworkId, fields)),
    )
  }

  async deleteMapping(caller: Caller, frameworkId: string, mappingId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    if (!uuidOk(mappingId)) throw new NotFoundError('No such mapping')
    await this.change(caller, async (change) => {
      const framework = await selectFramework(change.tx, frameworkId)
      const row = await deleteMappingInto(change.tx, framework.id, mappingId)
      if (!row) throw new NotFoundError('No such mapping')
      await auditFramework(change, framework.id, 'delete-mapping', null, row)
    })
  }

  /** Frameworks by id, for pages that list inspections with their framework. */
  async byIds(caller: Caller, ids: string[]): Promise<Map<string, FrameworkRow>> {
    if (!ids.length) return new Map()
    const rows = await inScope(this.db, caller.scope, (tx) => selectFrameworksByIds(tx, ids))
    return new Map(rows.map((row) => [row.id, row]))
  }

  /** Runs a change in one transaction in the caller's scope, with the caller and the clock. */
  private change<T>(caller: Caller, work: (change: FrameworkChange) => Promise<T>): Promise<T> {
    return inScope(this.db, caller.scope, (tx) => work({ tx, caller, now: this.now }))
  }

  private async unique<T>(field: string, message: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationError({ [field]: message })
      throw error
    }
  }
}
