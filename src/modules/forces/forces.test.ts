import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'

let testApp: TestApp
beforeAll(async () => {
  testApp = await createTestApp()
})
afterAll(() => testApp.close())

const get = (url: string) => testApp.app.inject({ method: 'GET', url })

describe('forces API', () => {
  it('GET /api/forces lists all 44 forces in name order', async () => {
    const response = await get('/api/forces')
    expect(response.statusCode).toBe(200)
    const { forces } = response.json<{ forces: { code: string; name: string }[] }>()
    expect(forces).toHaveLength(44)
    const names = forces.map((force) => force.name)
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)))
  })

  it('filters by region', async () => {
    const { forces } = (await get('/api/forces?region=Northern')).json<{
      forces: { region: { name: string; hmi: string | null } }[]
    }>()
    expect(forces.length).toBe(12)
    expect(forces.every((force) => force.region.name === 'Northern')).toBe(true)
    // The HMI of each force as recorded for it: none where no published source names one.
    expect(forces.filter((force) => force.region.hmi === 'Roger Baker')).toHaveLength(4)
    expect(forces.filter((force) => force.region.hmi === null)).toHaveLength(8)
  })

  it('GET /api/forces/:code returns one force', async () => {
    const response = await get('/api/forces/greater-manchester')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({
      code: 'greater-manchester',
      name: 'Greater Manchester Police',
      country: 'England',
      kind: 'territorial',
      region: { name: 'Northern', hmi: 'Roger Baker' },
      regionConfirmed: true,
      officersFte: 7500,
    })
  })

  it('GET /api/forces/nope is a 404 with a JSON error body', async () => {
    const response = await get('/api/forces/nope')
    expect(response.statusCode).toBe(404)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expect(response.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No force has the code nope',
      details: [],
    })
  })

  it('rejects an over-long region filter with a 400 that names the field', async () => {
    const response = await get(`/api/forces?region=${'x'.repeat(101)}`)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      details: [{ field: 'region' }],
    })
  })
})

describe('forces pages', () => {
  it('lists the forces in a GOV.UK table with links to each', async () => {
    const response = await get('/forces')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('44 forces')
    expect(response.body.match(/<tr class="govuk-table__row">/g)).toHaveLength(45) // header + 44
    expect(response.body).toContain('href="/forces/british-transport"')
  })

  it('filters the list by region', async () => {
    const response = await get('/forces?region=Wales%2FWestern')
    expect(response.body).toContain('4 forces in Wales/Western')
    expect(response.body).toContain('Gwent Police')
    expect(response.body).not.toContain('Kent Police')
  })

  it('says so when no force is in the region asked for', async () => {
    const response = await get('/forces?region=Atlantis')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('No forces are in the region Atlantis')
  })

  it('escapes what the user typed', async () => {
    const response = await get('/forces?region=%3Cscript%3Ealert(1)%3C%2Fscript%3E')
    expect(response.body).not.toContain('<script>alert(1)</script>')
    expect(response.body).toContain('&lt;script&gt;')
  })

  it('shows one force as a summary list', async () => {
    const response = await get('/forces/cheshire')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('<h1 class="govuk-heading-xl">Cheshire Constabulary</h1>')
    expect(response.body).toContain('Roger Baker')
    expect(response.body).toContain('2,050')
  })

  it('shows the GOV.UK 404 page for an unknown force', async () => {
    const response = await get('/forces/nope')
    expect(response.statusCode).toBe(404)
    expect(response.body).toContain('Page not found')
  })
})

describe('the forces’ references kept in memory', () => {
  const nameOf = async (code: string) =>
    (await testApp.services.forces.references()).find((force) => force.code === code)?.name

  it('are read once while the forces do not change, and afresh after they do', async () => {
    const { db } = testApp.database
    await nameOf('cleveland')
    // Renamed with the table's triggers off, so no one is told: the kept references still have the old name.
    await db.transaction(async (tx) => {
      await tx.execute(sql`alter table forces disable trigger user`)
      await tx.execute(sql`update forces set name = 'Cleveland Police, renamed' where code = 'cleveland'`)
      await tx.execute(sql`alter table forces enable trigger user`)
    })
    expect(await nameOf('cleveland')).toBe('Cleveland Police')
    // A caller that changes the list it was given changes no one else's.
    const given = await testApp.services.forces.references()
    given.splice(0, given.length)
    for (const force of await testApp.services.forces.references()) force.name = 'Changed by a caller'
    expect(await nameOf('cleveland')).toBe('Cleveland Police')
    // A change to another table leaves them kept; one to the forces has the next read go to the database.
    await db.execute(sql`update regions set name = name`)
    expect(await nameOf('cleveland')).toBe('Cleveland Police')
    await db.execute(sql`update forces set name = name where false`)
    expect(await nameOf('cleveland')).toBe('Cleveland Police, renamed')
  })
})
