import { and, asc, eq, inArray, isNull, max, or } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { isUniqueViolation } from '../../db/errors.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { optionalDateField } from '../../domain/date-input.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { MAPPING_KINDS, type MappingKind, RECOMMENDATION_SCOPES } from '../../domain/inspections.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForcesService } from '../forces/service.js'
import {
  crossCheck,
  type DocumentProblem,
  type FrameworkDocument,
  type ParsedDocument,
  parseFrameworkObject,
} from './document.js'
import {
  frameworkAreas,
  frameworkMappings,
  frameworkQuestions,
  frameworkRecommendations,
  frameworks,
} from './schema.js'

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

/** A file that cannot be imported, with every problem and where it is. */
export class FrameworkProblemsError extends ValidationError {
  constructor(readonly problems: DocumentProblem[]) {
    super(Object.fromEntries(problems.map((p, i) => [`problem-${i + 1}`, `${p.place}: ${p.reason}`])))
  }
}

/** Who reads frameworks: the inspectorate, and forces' caseworkers who answer their questions. */
export const FRAMEWORK_READERS: Role[] = ['inspector', 'force-caseworker']

const areaInput = z.object({
  code: z.string().trim().min(1, 'Enter a code').max(60, 'Code must be 60 characters or fewer'),
  title: z.string().trim().min(1, 'Enter the area’s title').max(200, 'Title must be 200 characters or fewer'),
  description: z
    .string()
    .trim()
    .max(5000, 'Description must be 5000 characters or fewer')
    .optional()
    .transform((v) => v || null),
})

const questionInput = z.object({
  areaId: z.uuid('Select the area'),
  code: z.string().trim().min(1, 'Enter a code').max(60, 'Code must be 60 characters or fewer'),
  text: z.string().trim().min(1, 'Enter the question').max(2000, 'Question must be 2000 characters or fewer'),
  guidance: z
    .string()
    .trim()
    .max(5000, 'Guidance must be 5000 characters or fewer')
    .optional()
    .transform((v) => v || null),
  evidenceExpected: z
    .string()
    .trim()
    .max(5000, 'Evidence expected must be 5000 characters or fewer')
    .optional()
    .transform((v) => v || null),
})

const recommendationInput = z.object({
  code: z.string().trim().min(1, 'Enter a code').max(60, 'Code must be 60 characters or fewer'),
  areaId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.uuid('Select an area').nullable()),
  text: z
    .string()
    .trim()
    .min(1, 'Enter the recommendation')
    .max(5000, 'Recommendation must be 5000 characters or fewer'),
  scope: z.enum(RECOMMENDATION_SCOPES, 'Select national or one force'),
  forceCode: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null),
  addressee: z
    .string()
    .trim()
    .min(1, 'Enter who the recommendation is addressed to')
    .max(200, 'Addressee must be 200 characters or fewer'),
  dueDate: optionalDateField('Due date').transform((v) => v ?? null),
})

const detailsInput = z.object({
  title: z.string().trim().min(1, 'Enter the title').max(200, 'Title must be 200 characters or fewer'),
  description: z
    .string()
    .trim()
    .max(5000, 'Description must be 5000 characters or fewer')
    .optional()
    .transform((v) => v || null),
  judgementScale: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().max(100)).min(2, 'Give at least two judgements, one to a line')),
})

const mappingInput = z.object({
  kind: z.enum(MAPPING_KINDS, 'Select what is mapped'),
  fromCode: z.string().trim().min(1, 'Enter the code in the previous version').max(60),
  toCode: z.string().trim().min(1, 'Enter the code in this version').max(60),
})

const uuidOk = (id: string) => z.uuid().safeParse(id).success

/** The tables of a framework's items: each row has an id, its framework and a position in it. */
type ItemTable = typeof frameworkAreas | typeof frameworkQuestions | typeof frameworkRecommendations
/** An item's values as a form gives them (the framework and position are the service's). */
type ItemValues<T extends ItemTable> = Omit<T['$inferInsert'], 'id' | 'frameworkId' | 'position'>
/** A kind of item: its table, and its noun in messages and audit actions. */
interface ItemKind<T extends ItemTable> {
  table: T
  noun: MappingKind
}

const AREA: ItemKind<typeof frameworkAreas> = { table: frameworkAreas, noun: 'area' }
const QUESTION: ItemKind<typeof frameworkQuestions> = { table: frameworkQuestions, noun: 'question' }
const RECOMMENDATION: ItemKind<typeof frameworkRecommendations> = {
  table: frameworkRecommendations,
  noun: 'recommendation',
}

export class FrameworksService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly now: () => Date,
  ) {}

  /** Every version of every framework, by code then version. */
  async list(caller: Caller): Promise<FrameworkRow[]> {
    requireRole(caller, ...FRAMEWORK_READERS)
    return inScope(this.db, caller.scope, (tx) =>
      tx.select().from(frameworks).orderBy(asc(frameworks.code), asc(frameworks.version)),
    )
  }

  /** A version in full; a force reads the national recommendations and its own, not other forces'. */
  async get(caller: Caller, frameworkId: string): Promise<FrameworkDetail> {
    requireRole(caller, ...FRAMEWORK_READERS)
    const detail = await inScope(this.db, caller.scope, (tx) => this.detail(tx, frameworkId))
    return { ...detail, recommendations: this.visibleRecommendations(caller, detail.recommendations) }
  }

  private visibleRecommendations(caller: Caller, rows: RecommendationRow[]): RecommendationRow[] {
    const { scope } = caller
    return scope.kind === 'force'
      ? rows.filter((r) => r.forceId === null || r.forceId === scope.forceId)
      : rows
  }

  private async detail(tx: Transaction, frameworkId: string): Promise<FrameworkDetail> {
    const framework = await this.selectFramework(tx, frameworkId)
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

  private async selectFramework(tx: Transaction, frameworkId: string): Promise<FrameworkRow> {
    if (!uuidOk(frameworkId)) throw new NotFoundError('No such framework')
    const [row] = await tx.select().from(frameworks).where(eq(frameworks.id, frameworkId))
    if (!row) throw new NotFoundError('No such framework')
    return row
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
      const framework = await this.selectFramework(tx, frameworkId)
      return forceIds.length
        ? tx
            .select()
            .from(frameworkRecommendations)
            .where(
              and(
                eq(frameworkRecommendations.frameworkId, framework.id),
                or(
                  isNull(frameworkRecommendations.forceId),
                  inArray(frameworkRecommendations.forceId, [...forceIds]),
                ),
              ),
            )
            .orderBy(asc(frameworkRecommendations.position))
        : []
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
    const [row] = await inScope(this.db, caller.scope, (tx) =>
      tx
        .select()
        .from(frameworks)
        .where(and(eq(frameworks.code, code), eq(frameworks.version, version))),
    )
    return row
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
    return inScope(this.db, caller.scope, async (tx) => {
      const problems: DocumentProblem[] = []
      const [existing] = await tx
        .select({ id: frameworks.id })
        .from(frameworks)
        .where(and(eq(frameworks.code, document.code), eq(frameworks.version, document.version)))
      if (existing)
        problems.push({
          place: 'version',
          reason: `Version ${document.version} of ${document.code} already exists: give the file a new version number`,
        })
      let previous: Parameters<typeof crossCheck>[3] = null
      if (document.previousVersion) {
        const [before] = await tx
          .select()
          .from(frameworks)
          .where(and(eq(frameworks.code, document.code), eq(frameworks.version, document.previousVersion)))
        if (!before)
          problems.push({
            place: 'previousVersion',
            reason: `There is no version ${document.previousVersion} of ${document.code} to follow`,
          })
        else {
          const detail = await this.detail(tx, before.id)
          previous = {
            areas: new Set(detail.areas.map((a) => a.code)),
            questions: new Set(detail.questions.map((q) => q.code)),
            recommendations: new Set(detail.recommendations.map((r) => r.code)),
          }
        }
      }
      problems.push(...crossCheck(document, places, forceCodes, previous))
      return problems
    })
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
    return inScope(this.db, caller.scope, async (tx) => {
      const [previous] = document.previousVersion
        ? await tx
            .select()
            .from(frameworks)
            .where(and(eq(frameworks.code, document.code), eq(frameworks.version, document.previousVersion)))
        : []
      const [framework] = await tx
        .insert(frameworks)
        .values({
          code: document.code,
          version: document.version,
          title: document.title,
          description: document.description,
          status: document.status,
          judgementScale: document.judgementScale,
          publishedOn:
            document.status === 'published' ? (document.publishedOn ?? londonToday(this.now())) : null,
          previousVersionId: previous?.id ?? null,
          createdBy: userIdOf(caller),
          createdAt: this.now(),
          updatedAt: this.now(),
        })
        .returning()
      if (!framework) throw new Error('insert returned no row')
      const areaIds = new Map<string, string>()
      let questionPosition = 0
      for (const [i, area] of document.areas.entries()) {
        const [row] = await tx
          .insert(frameworkAreas)
          .values({
            frameworkId: framework.id,
            code: area.code,
            title: area.title,
            description: area.description,
            position: i + 1,
          })
          .returning()
        if (!row) throw new Error('insert returned no row')
        areaIds.set(area.code, row.id)
        if (area.questions.length)
          await tx.insert(frameworkQuestions).values(
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
      if (document.recommendations.length)
        await tx.insert(frameworkRecommendations).values(
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
        const mapped = given.length ? given : await this.sameCodeMappings(tx, previous.id, framework.id)
        if (mapped.length)
          await tx
            .insert(frameworkMappings)
            .values(mapped.map((m) => ({ ...m, fromFrameworkId: previous.id, toFrameworkId: framework.id })))
            .onConflictDoNothing()
      }
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: 'framework',
          entityId: framework.id,
          action: 'import',
          after: {
            code: framework.code,
            version: framework.version,
            title: framework.title,
            status: framework.status,
            filename: filename ?? null,
            areas: document.areas.length,
            questions: document.areas.reduce((n, a) => n + a.questions.length, 0),
            recommendations: document.recommendations.length,
          },
        },
        this.now(),
      )
      return framework
    }).catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new FrameworkProblemsError([{ place: 'version', reason: 'That version already exists' }])
      throw error
    })
  }

  /** A framework in its file form, as the JSON and XLSX exports write it (and the import reads it). */
  async exportDocument(caller: Caller, frameworkId: string): Promise<FrameworkDocument> {
    requireRole(caller, ...FRAMEWORK_READERS)
    const forceCodes = new Map((await this.forces.references()).map((force) => [force.id, force.code]))
    return inScope(this.db, caller.scope, async (tx) => {
      const { framework, areas, questions, recommendations } = await this.detail(tx, frameworkId)
      const previous = framework.previousVersionId
        ? await this.selectFramework(tx, framework.previousVersionId)
        : null
      const mappings = previous
        ? await tx
            .select()
            .from(frameworkMappings)
            .where(
              and(
                eq(frameworkMappings.fromFrameworkId, previous.id),
                eq(frameworkMappings.toFrameworkId, framework.id),
              ),
            )
            .orderBy(asc(frameworkMappings.kind), asc(frameworkMappings.fromCode))
        : []
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
        recommendations: this.visibleRecommendations(caller, recommendations).map((r) => ({
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
    })
  }

  /** Records a download of a framework in the audit trail. */
  async recordExport(caller: Caller, frameworkId: string, format: string): Promise<void> {
    requireRole(caller, ...FRAMEWORK_READERS)
    await inScope(this.db, caller.scope, async (tx) => {
      const framework = await this.selectFramework(tx, frameworkId)
      if (caller.scope.kind !== 'inspectorate') return
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: 'framework',
          entityId: framework.id,
          action: 'export',
          after: { format, code: framework.code, version: framework.version },
        },
        this.now(),
      )
    })
  }

  // --- Versions and editing drafts -----------------------------------------------------------------

  /** A new draft version copying another: its areas, questions and recommendations, mapped by code. */
  async newVersion(caller: Caller, frameworkId: string): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    return inScope(this.db, caller.scope, async (tx) => {
      const source = await this.detail(tx, frameworkId)
      const [highest] = await tx
        .select({ version: max(frameworks.version) })
        .from(frameworks)
        .where(eq(frameworks.code, source.framework.code))
      const [framework] = await tx
        .insert(frameworks)
        .values({
          code: source.framework.code,
          version: (highest?.version ?? source.framework.version) + 1,
          title: source.framework.title,
          description: source.framework.description,
          status: 'draft',
          judgementScale: source.framework.judgementScale,
          previousVersionId: source.framework.id,
          createdBy: userIdOf(caller),
          createdAt: this.now(),
          updatedAt: this.now(),
        })
        .returning()
      if (!framework) throw new Error('insert returned no row')
      const areaIds = new Map<string, string>()
      for (const area of source.areas) {
        const [row] = await tx
          .insert(frameworkAreas)
          .values({
            frameworkId: framework.id,
            code: area.code,
            title: area.title,
            description: area.description,
            position: area.position,
          })
          .returning()
        if (row) areaIds.set(area.id, row.id)
      }
      if (source.questions.length)
        await tx.insert(frameworkQuestions).values(
          source.questions.map(({ id: _id, ...q }) => ({
            ...q,
            frameworkId: framework.id,
            areaId: areaIds.get(q.areaId) as string,
          })),
        )
      if (source.recommendations.length)
        await tx.insert(frameworkRecommendations).values(
          source.recommendations.map(({ id: _id, ...r }) => ({
            ...r,
            frameworkId: framework.id,
            areaId: r.areaId ? (areaIds.get(r.areaId) ?? null) : null,
          })),
        )
      const mapped = await this.sameCodeMappings(tx, source.framework.id, framework.id)
      if (mapped.length)
        await tx
          .insert(frameworkMappings)
          .values(
            mapped.map((m) => ({ ...m, fromFrameworkId: source.framework.id, toFrameworkId: framework.id })),
          )
      await this.audit(tx, caller, framework.id, 'new-version', {
        from: { id: source.framework.id, version: source.framework.version },
        version: framework.version,
      })
      return framework
    })
  }

  private async sameCodeMappings(
    tx: Transaction,
    fromId: string,
    toId: string,
  ): Promise<{ kind: MappingKind; fromCode: string; toCode: string }[]> {
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

  /** A draft of the caller's to change; a published version never changes. */
  private async draft(tx: Transaction, frameworkId: string): Promise<FrameworkRow> {
    const framework = await this.selectFramework(tx, frameworkId)
    if (framework.status !== 'draft')
      throw new ForbiddenError('A published framework cannot change: make a new version of it')
    return framework
  }

  private async audit(
    tx: Transaction,
    caller: Caller,
    frameworkId: string,
    action: string,
    after: unknown,
    before?: unknown,
  ) {
    await appendAuditEvent(
      tx,
      caller.actor,
      { forceId: null, entityType: 'framework', entityId: frameworkId, action, before, after },
      this.now(),
    )
  }

  private async touch(tx: Transaction, frameworkId: string) {
    await tx.update(frameworks).set({ updatedAt: this.now() }).where(eq(frameworks.id, frameworkId))
  }

  async updateDetails(
    caller: Caller,
    frameworkId: string,
    input: Record<string, unknown>,
  ): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(detailsInput, input)
    return inScope(this.db, caller.scope, async (tx) => {
      const before = await this.draft(tx, frameworkId)
      const [after] = await tx
        .update(frameworks)
        .set({ ...fields, updatedAt: this.now() })
        .where(eq(frameworks.id, before.id))
        .returning()
      if (!after) throw new NotFoundError('No such framework')
      await this.audit(tx, caller, after.id, 'update', fields, {
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
    return this.saveItem(caller, AREA, frameworkId, areaId, fields)
  }

  async deleteArea(caller: Caller, frameworkId: string, areaId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    await this.deleteItem(caller, AREA, frameworkId, areaId)
  }

  async saveQuestion(
    caller: Caller,
    frameworkId: string,
    questionId: string | null,
    input: Record<string, unknown>,
  ): Promise<QuestionRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(questionInput, input)
    return this.saveItem(caller, QUESTION, frameworkId, questionId, fields, async (tx, framework) => {
      const [area] = await tx
        .select()
        .from(frameworkAreas)
        .where(and(eq(frameworkAreas.id, fields.areaId), eq(frameworkAreas.frameworkId, framework.id)))
      if (!area) throw new ValidationError({ areaId: 'Select an area of this framework' })
    })
  }

  async deleteQuestion(caller: Caller, frameworkId: string, questionId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    await this.deleteItem(caller, QUESTION, frameworkId, questionId)
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
    return this.saveItem(
      caller,
      RECOMMENDATION,
      frameworkId,
      recommendationId,
      { ...values, forceId },
      async (tx, framework) => {
        if (values.areaId) await this.selectItem(tx, AREA, framework.id, values.areaId)
      },
    )
  }

  async deleteRecommendation(caller: Caller, frameworkId: string, recommendationId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    await this.deleteItem(caller, RECOMMENDATION, frameworkId, recommendationId)
  }

  /**
   * Adds an item to a draft (no itemId: at the end) or changes one, after `check` (which sees the
   * draft) passes; marks the framework changed and audits it as `add-<noun>` or `update-<noun>`.
   */
  private async saveItem<T extends ItemTable>(
    caller: Caller,
    item: ItemKind<T>,
    frameworkId: string,
    itemId: string | null,
    values: ItemValues<T>,
    check?: (tx: Transaction, framework: FrameworkRow) => Promise<void>,
  ): Promise<T['$inferSelect']> {
    const table: ItemTable = item.table
    return this.unique('code', `Another ${item.noun} has this code`, () =>
      inScope(this.db, caller.scope, async (tx) => {
        const framework = await this.draft(tx, frameworkId)
        await check?.(tx, framework)
        let row: T['$inferSelect'] | undefined
        if (itemId) {
          const before = await this.selectItem(tx, item, framework.id, itemId)
          ;[row] = await tx.update(table).set(values).where(eq(table.id, before.id)).returning()
        } else {
          const [last] = await tx
            .select({ position: max(table.position) })
            .from(table)
            .where(eq(table.frameworkId, framework.id))
          ;[row] = await tx
            .insert(table)
            .values({ ...values, frameworkId: framework.id, position: (last?.position ?? 0) + 1 })
            .returning()
        }
        if (!row) throw new NotFoundError(`No such ${item.noun}`)
        await this.touch(tx, framework.id)
        await this.audit(tx, caller, framework.id, `${itemId ? 'update' : 'add'}-${item.noun}`, row)
        return row
      }),
    )
  }

  /** Deletes an item of a draft, marks the framework changed and audits it as `delete-<noun>`. */
  private async deleteItem<T extends ItemTable>(
    caller: Caller,
    item: ItemKind<T>,
    frameworkId: string,
    itemId: string,
  ): Promise<void> {
    const table: ItemTable = item.table
    await inScope(this.db, caller.scope, async (tx) => {
      const framework = await this.draft(tx, frameworkId)
      const before = await this.selectItem(tx, item, framework.id, itemId)
      await tx.delete(table).where(eq(table.id, before.id))
      await this.touch(tx, framework.id)
      await this.audit(tx, caller, framework.id, `delete-${item.noun}`, null, before)
    })
  }

  /** An item of the framework; any other id (or not an id at all) is 404 "No such <noun>". */
  private async selectItem<T extends ItemTable>(
    tx: Transaction,
    item: ItemKind<T>,
    frameworkId: string,
    itemId: string,
  ): Promise<T['$inferSelect']> {
    if (!uuidOk(itemId)) throw new NotFoundError(`No such ${item.noun}`)
    const table: ItemTable = item.table
    const [row] = await tx
      .select()
      .from(table)
      .where(and(eq(table.id, itemId), eq(table.frameworkId, frameworkId)))
    if (!row) throw new NotFoundError(`No such ${item.noun}`)
    return row
  }

  /** Publishes a draft: from now on it never changes, and inspections may use it. */
  async publish(caller: Caller, frameworkId: string): Promise<FrameworkRow> {
    requireRole(caller, 'inspectorate-admin')
    return inScope(this.db, caller.scope, async (tx) => {
      const framework = await this.draft(tx, frameworkId)
      const questions = await tx
        .select({ id: frameworkQuestions.id })
        .from(frameworkQuestions)
        .where(eq(frameworkQuestions.frameworkId, framework.id))
      if (!questions.length)
        throw new ValidationError({ publish: 'A framework needs questions before it is published' })
      const [after] = await tx
        .update(frameworks)
        .set({ status: 'published', publishedOn: londonToday(this.now()), updatedAt: this.now() })
        .where(eq(frameworks.id, framework.id))
        .returning()
      if (!after) throw new NotFoundError('No such framework')
      await this.audit(tx, caller, framework.id, 'publish', {
        status: 'published',
        publishedOn: after.publishedOn,
      })
      return after
    })
  }

  // --- Mappings ------------------------------------------------------------------------------------

  /** How a version's areas, questions and recommendations carry on from the version it follows. */
  async mappings(
    caller: Caller,
    frameworkId: string,
  ): Promise<{ previous: FrameworkRow | null; mappings: MappingRow[] }> {
    requireRole(caller, ...FRAMEWORK_READERS)
    return inScope(this.db, caller.scope, async (tx) => {
      const framework = await this.selectFramework(tx, frameworkId)
      if (!framework.previousVersionId) return { previous: null, mappings: [] }
      const previous = await this.selectFramework(tx, framework.previousVersionId)
      const mappings = await tx
        .select()
        .from(frameworkMappings)
        .where(
          and(
            eq(frameworkMappings.fromFrameworkId, previous.id),
            eq(frameworkMappings.toFrameworkId, framework.id),
          ),
        )
        .orderBy(asc(frameworkMappings.kind), asc(frameworkMappings.fromCode), asc(frameworkMappings.toCode))
      return { previous, mappings }
    })
  }

  /** Maps every item whose code is the same in both versions (those already mapped stay); how many added. */
  async autoMap(caller: Caller, frameworkId: string): Promise<number> {
    requireRole(caller, 'inspectorate-admin')
    return inScope(this.db, caller.scope, async (tx) => {
      const framework = await this.selectFramework(tx, frameworkId)
      if (!framework.previousVersionId)
        throw new ValidationError({ mappings: 'This version follows no other' })
      const mapped = await this.sameCodeMappings(tx, framework.previousVersionId, framework.id)
      const added = mapped.length
        ? await tx
            .insert(frameworkMappings)
            .values(
              mapped.map((m) => ({
                ...m,
                fromFrameworkId: framework.previousVersionId as string,
                toFrameworkId: framework.id,
              })),
            )
            .onConflictDoNothing()
            .returning({ id: frameworkMappings.id })
        : []
      await this.audit(tx, caller, framework.id, 'auto-map', { added: added.length })
      return added.length
    })
  }

  /** Adds one mapping, checking both codes name real items of their versions. */
  async addMapping(caller: Caller, frameworkId: string, input: Record<string, unknown>): Promise<MappingRow> {
    requireRole(caller, 'inspectorate-admin')
    const fields = parseOrThrow(mappingInput, input)
    return this.unique('toCode', 'That mapping already exists', () =>
      inScope(this.db, caller.scope, async (tx) => {
        const framework = await this.selectFramework(tx, frameworkId)
        if (!framework.previousVersionId) throw new ValidationError({ kind: 'This version follows no other' })
        const table = {
          area: frameworkAreas,
          question: frameworkQuestions,
          recommendation: frameworkRecommendations,
        }[fields.kind]
        const has = async (id: string, code: string) =>
          (
            await tx
              .select({ id: table.id })
              .from(table)
              .where(and(eq(table.frameworkId, id), eq(table.code, code)))
          ).length > 0
        const errors: Record<string, string> = {}
        if (!(await has(framework.previousVersionId, fields.fromCode)))
          errors.fromCode = `The previous version has no ${fields.kind} ${fields.fromCode}`
        if (!(await has(framework.id, fields.toCode)))
          errors.toCode = `This version has no ${fields.kind} ${fields.toCode}`
        if (Object.keys(errors).length) throw new ValidationError(errors)
        const [row] = await tx
          .insert(frameworkMappings)
          .values({ ...fields, fromFrameworkId: framework.previousVersionId, toFrameworkId: framework.id })
          .returning()
        if (!row) throw new Error('insert returned no row')
        await this.audit(tx, caller, framework.id, 'add-mapping', row)
        return row
      }),
    )
  }

  async deleteMapping(caller: Caller, frameworkId: string, mappingId: string): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    if (!uuidOk(mappingId)) throw new NotFoundError('No such mapping')
    await inScope(this.db, caller.scope, async (tx) => {
      const framework = await this.selectFramework(tx, frameworkId)
      const [row] = await tx
        .delete(frameworkMappings)
        .where(and(eq(frameworkMappings.id, mappingId), eq(frameworkMappings.toFrameworkId, framework.id)))
        .returning()
      if (!row) throw new NotFoundError('No such mapping')
      await this.audit(tx, caller, framework.id, 'delete-mapping', null, row)
    })
  }

  /** Frameworks by id, for pages that list inspections with their framework. */
  async byIds(caller: Caller, ids: string[]): Promise<Map<string, FrameworkRow>> {
    if (!ids.length) return new Map()
    const rows = await inScope(this.db, caller.scope, (tx) =>
      tx.select().from(frameworks).where(inArray(frameworks.id, ids)),
    )
    return new Map(rows.map((row) => [row.id, row]))
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
