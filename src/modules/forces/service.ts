import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import {
  type ForceRow,
  selectForceByCode,
  selectForceReferences,
  selectForces,
  selectRegionNames,
} from './queries.js'

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
    regionConfirmed: z.boolean().meta({ description: 'Region confirmed by a published source' }),
    officersFte: z.number().int().nullable().meta({ description: 'Officers (FTE), March 2012, approximate' }),
  })
  .meta({ id: 'Force' })

export type Force = z.infer<typeof forceSchema>

function toForce(row: ForceRow): Force {
  return {
    code: row.code,
    name: row.name,
    country: row.country,
    kind: row.kind,
    region: { name: row.regionName, hmi: row.hmiName },
    regionConfirmed: row.regionConfirmed,
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
  constructor(private readonly db: Database) {}

  async list(filter: { region?: string } = {}): Promise<Force[]> {
    const rows = await selectForces(this.db, { regionName: filter.region })
    return rows.map(toForce)
  }

  async find(code: string): Promise<Force | undefined> {
    const row = await selectForceByCode(this.db, code)
    return row && toForce(row)
  }

  /** Every force's id, code and name, in name order: 44 rows, cheap to read whenever needed. */
  references(): Promise<ForceReference[]> {
    return selectForceReferences(this.db)
  }

  async regionNames(): Promise<string[]> {
    return (await selectRegionNames(this.db)).map((region) => region.name)
  }
}
