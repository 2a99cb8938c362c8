import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import { parseOrThrow } from '../../domain/validation.js'
import {
  type InspectionReference,
  referenceHistory,
  referenceInputSchema,
  referencesOn,
  saveReference,
} from './inspection-reference.js'
import { type ForceRow, selectForceByCode, selectForceReferences, selectForces } from './queries.js'

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

export class ForcesService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    return this.now().toISOString().slice(0, 10)
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

  /** Every force's id, code and name, in name order: 44 rows, cheap to read whenever needed. */
  references(): Promise<ForceReference[]> {
    return selectForceReferences(this.db)
  }

  async regionNames(): Promise<string[]> {
    const names = new Set((await this.list()).map((force) => force.region.name))
    return [...names].sort((a, b) => a.localeCompare(b))
  }
}
