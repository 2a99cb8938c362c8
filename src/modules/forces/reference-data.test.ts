import fs from 'node:fs'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../../test/support/test-database.js'
import type { DatabaseHandle } from '../../db/connection.js'
import { FORCES_REFERENCE_CSV, loadForceReference, readForceReference } from './reference-data.js'
import { forces, regions } from './schema.js'

const header = 'code,name,country,kind,region_2012,region_confirmed,hmi_2012,officers_fte_mar2012_approx'

describe('readForceReference', () => {
  it('reads the shipped file: 43 territorial forces and British Transport Police', () => {
    const rows = readForceReference(fs.readFileSync(FORCES_REFERENCE_CSV, 'utf8'))
    expect(rows).toHaveLength(44)
    expect(rows.filter((row) => row.kind === 'territorial')).toHaveLength(43)
    expect(rows.find((row) => row.kind === 'special')?.name).toBe('British Transport Police')
    expect(new Set(rows.map((row) => row.code)).size).toBe(44)
  })

  it('turns blanks into nulls and yes/no into booleans', () => {
    const [row] = readForceReference(`${header}\nnew-force,New Force,England,territorial,Northern,yes,,\n`)
    expect(row).toMatchObject({ region_confirmed: true, hmi_2012: null, officers_fte_mar2012_approx: null })
  })

  it('names the line and the field of a bad row', () => {
    const csv = `${header}\ngood,Good Police,England,territorial,Northern,no,,100\nbad,Bad Police,England,territorial,Northern,maybe,,100\n`
    expect(() => readForceReference(csv)).toThrow(/^forces reference line 3: region_confirmed/)
  })

  it('rejects a region that names two HMIs', async () => {
    const rows = readForceReference(
      `${header}\na,A Police,England,territorial,Northern,yes,One Person,1\nb,B Police,England,territorial,Northern,yes,Another Person,1\n`,
    )
    const database = await createTestDatabase()
    try {
      await expect(loadForceReference(database.db, rows)).rejects.toThrow(/Northern names two HMIs/)
    } finally {
      await database.close()
    }
  })
})

describe('loading the reference into the database', () => {
  let database: DatabaseHandle
  beforeAll(async () => {
    database = await createTestDatabase()
  })
  afterAll(() => database.close())

  it('has loaded the 44 forces and their regions on migrate', async () => {
    expect(await database.db.$count(forces)).toBe(44)
    const [northern] = await database.db.select().from(regions).where(eq(regions.name, 'Northern'))
    expect(northern?.hmiName).toBe('Roger Baker')
  })

  it('keeps what an admin edited when the reference is loaded again', async () => {
    await database.db.update(regions).set({ hmiName: 'A New Inspector' }).where(eq(regions.name, 'Western'))
    await loadForceReference(database.db, readForceReference(fs.readFileSync(FORCES_REFERENCE_CSV, 'utf8')))
    const [western] = await database.db.select().from(regions).where(eq(regions.name, 'Western'))
    expect(western?.hmiName).toBe('A New Inspector')
    expect(await database.db.$count(forces)).toBe(44)
  })
})
