import { asc, eq } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { forces, regions } from './schema.js'

const forceColumns = {
  code: forces.code,
  name: forces.name,
  country: forces.country,
  kind: forces.kind,
  regionConfirmed: forces.regionConfirmed,
  officersFte: forces.officersFte,
  regionName: regions.name,
  hmiName: regions.hmiName,
}

export type ForceRow = {
  code: string
  name: string
  country: string
  kind: 'territorial' | 'special'
  regionConfirmed: boolean
  officersFte: number | null
  regionName: string
  hmiName: string | null
}

export function selectForces(db: Database): Promise<ForceRow[]> {
  return db
    .select(forceColumns)
    .from(forces)
    .innerJoin(regions, eq(forces.regionId, regions.id))
    .orderBy(asc(forces.name))
}

export async function selectForceByCode(db: Database, code: string): Promise<ForceRow | undefined> {
  const [row] = await db
    .select(forceColumns)
    .from(forces)
    .innerJoin(regions, eq(forces.regionId, regions.id))
    .where(eq(forces.code, code))
  return row
}

export function selectForceReferences(db: Database): Promise<{ id: number; code: string; name: string }[]> {
  return db
    .select({ id: forces.id, code: forces.code, name: forces.name })
    .from(forces)
    .orderBy(asc(forces.name))
}
