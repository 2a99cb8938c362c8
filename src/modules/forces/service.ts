import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { type DataChanges, KeptUntilDataChanges } from '../../db/data-changes.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import { parseOrThrow } from '../../domain/validation.js'
import type { UploadLimits } from '../../spreadsheets/limits.js'
import type { SheetRow, UploadedFile } from '../../spreadsheets/read.js'
import { appendAuditEvent } from '../audit/service.js'
import { readUpload } from '../imports/upload-checks.js'
import {
  allReferences,
  type InspectionReference,
  REFERENCE_ENTITY,
  referenceHistory,
  referenceInputSchema,
  referencesOn,
  saveReference,
  writeReference,
} from './inspection-reference.js'
import { type ForceRow, selectForceByCode, selectForceReferences, selectForces } from './queries.js'
import {
  carriedRowsSchema,
  planReferenceImport,
  REFERENCE_REQUIRED_COLUMNS,
  REFERENCE_ROWS_LIMIT,
  type ReferencePlan,
} from './reference-import.js'

export const forceSchema = z
  .object({
    code: z.string().meta({ example: 'greater-manchester' }),
    name: z.string().meta({ example: 'Greater Manchester Police' }),
    country: z.string().meta({ example: 'England' }),
    kind: z.enum(['territorial', 'special']),
    region: z.object({
      name: z.string().meta({ example: 'Northern' }),
      hmi: z.string().nullable().meta({ description: 'HM Inspector for the region, where recorded' }),
    }),
    regionConfirmed: z
      .boolean()
      .meta({ description: 'Region and HM Inspector confirmed by a published source' }),
    officersFte: z.number().int().nullable().meta({ description: 'Officers (FTE), March 2012, approximate' }),
  })
  .meta({ id: 'Force' })

export type Force = z.infer<typeof forceSchema>

/** The force with its region and HMI as the dated reference has them today (the HMI only where recorded). */
function toForce(row: ForceRow, reference: InspectionReference | undefined): Force {
  return {
    code: row.code,
    name: row.name,
    country: row.country,
    kind: row.kind,
    region: { name: reference?.region ?? row.regionName, hmi: reference?.hmiName ?? null },
    regionConfirmed: reference?.confirmed ?? false,
    officersFte: row.officersFte,
  }
}

/** How other modules name a force: they keep its id and show its code and name. */
export interface ForceReference {
  id: number
  code: string
  name: string
}

/** How long the forces' references are kept in memory at most, as the data may not change for hours. */
const REFERENCES_KEPT_FOR_MS = 10 * 60_000

export class ForcesService {
  /** The forces' references, read on most requests (lists name each row's force), until the forces change. */
  private readonly keptReferences?: KeptUntilDataChanges<ForceReference[]>

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
    changes?: DataChanges,
  ) {
    if (changes)
      this.keptReferences = new KeptUntilDataChanges(changes, now, { maxEntries: 1, tables: ['forces'] })
  }

  async list(filter: { region?: string } = {}): Promise<Force[]> {
    const [rows, references] = await Promise.all([selectForces(this.db), this.referencesOn(this.today())])
    const list = rows.map((row) => toForce(row, references.get(row.code)))
    return filter.region ? list.filter((force) => force.region.name === filter.region) : list
  }

  async find(code: string): Promise<Force | undefined> {
    const row = await selectForceByCode(this.db, code)
    return row && toForce(row, (await this.referencesOn(this.today())).get(code))
  }

  private today(): string {
    return londonToday(this.now())
  }

  /** Every force's region and HMI in effect on a day (ISO), by force code. */
  referencesOn(day: string): Promise<Map<string, InspectionReference>> {
    return referencesOn(this.db, day)
  }

  /** One force's dated rows, oldest first. */
  referenceHistory(code: string): Promise<InspectionReference[]> {
    return referenceHistory(this.db, code)
  }

  /** An inspectorate administrator records a force's region and HMI from a date: validated, audited. */
  async saveReference(caller: Caller, code: string, input: unknown): Promise<void> {
    requireRole(caller, 'inspectorate-admin')
    if (!(await this.find(code))) throw new NotFoundError(`No force has the code ${code}`)
    await saveReference(this.db, caller, code, parseOrThrow(referenceInputSchema, input), this.now())
  }

  /**
   * The dry run of a reference file: every row checked, each bad one with its line and reason, and
   * what each good one would add or change. Nothing is written.
   */
  async previewReferenceImport(
    caller: Caller,
    file: UploadedFile,
    limits: UploadLimits,
  ): Promise<{ plan: ReferencePlan; sheet: SheetRow[] }> {
    requireRole(caller, 'inspectorate-admin')
    const sheet = await readUpload(
      file,
      { ...limits, rows: Math.min(limits.rows, REFERENCE_ROWS_LIMIT) },
      REFERENCE_REQUIRED_COLUMNS,
    )
    return { plan: await this.planReferenceImport(file.filename, sheet), sheet }
  }

  private async planReferenceImport(filename: string, sheet: SheetRow[]): Promise<ReferencePlan> {
    const [list, recorded] = await Promise.all([this.references(), allReferences(this.db)])
    return planReferenceImport(filename, sheet, list, recorded)
  }

  /**
   * Writes a previewed reference file: its rows are checked again against what is recorded now, and
   * written only when every one is good, all in one transaction (each row audited, and the import).
   */
  async confirmReferenceImport(
    caller: Caller,
    filename: string,
    carried: unknown,
  ): Promise<{ plan: ReferencePlan; written: number }> {
    requireRole(caller, 'inspectorate-admin')
    const parsed = carriedRowsSchema.safeParse(carried)
    if (!parsed.success)
      throw new ValidationError({ file: 'The checked file did not come back whole: upload it again' })
    const plan = await this.planReferenceImport(filename, parsed.data)
    const changed = plan.rows.filter((row) => row.change !== 'unchanged')
    if (plan.problemCount || !changed.length) return { plan, written: 0 }
    const now = this.now()
    await inScope(this.db, caller.scope, async (tx) => {
      for (const row of changed) await writeReference(tx, caller, row.forceCode, row.input, now)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: REFERENCE_ENTITY,
          entityId: null,
          action: 'import',
          after: { filename, written: changed.length },
        },
        now,
      )
    })
    return { plan, written: changed.length }
  }

  /** Every force's id, code and name, in name order: 44 rows, kept in memory until the forces change. */
  async references(): Promise<ForceReference[]> {
    const known = this.keptReferences?.get('references')
    // A copy, so no caller's changes to the list reach the next.
    if (known) return known.map((force) => ({ ...force }))
    const mark = this.keptReferences?.mark ?? ''
    const references = await selectForceReferences(this.db)
    this.keptReferences?.set(
      'references',
      references.map((force) => ({ ...force })),
      mark,
      new Date(this.now().getTime() + REFERENCES_KEPT_FOR_MS),
    )
    return references
  }

  /** `references` by force id: the force of each row a list shows. */
  async byId(): Promise<Map<number, ForceReference>> {
    return new Map((await this.references()).map((force) => [force.id, force]))
  }

  async regionNames(): Promise<string[]> {
    const names = new Set((await this.list()).map((force) => force.region.name))
    return [...names].sort((a, b) => a.localeCompare(b))
  }
}
