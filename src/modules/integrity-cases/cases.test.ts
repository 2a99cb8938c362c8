import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { continuingAt } from '../../domain/cases.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { integrityCaseHeaders, integrityCaseNotes, integrityCaseSubjects, integrityCases } from './schema.js'

let testApp: TestApp
let cast: TwoForces
let alphaId: number
let bravoId: number
const clock = new Date('2012-06-15T10:00:00Z')

function callerOf(userId: string, role: Role, forceId: number | null): Caller {
  return callerFor(
    { kind: 'user', id: userId, label: `${role} user`, role, forceId, staffMemberId: null },
    '127.0.0.1',
  )
}
let caseworker: Caller
let admin: Caller
let bravoCaseworker: Caller
let inspector: Caller
let secondCaseworker: Caller
/** A force with no other data: the counts test's cases are all it has. */
let durhamCaseworker: Caller
let durhamId: number

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  const forces = await testApp.services.forces.references()
  alphaId = forces.find((f) => f.code === 'cheshire')?.id as number
  bravoId = forces.find((f) => f.code === 'cleveland')?.id as number
  caseworker = callerOf(cast.alpha.users['force-caseworker'].id, 'force-caseworker', alphaId)
  admin = callerOf(cast.alpha.users['force-admin'].id, 'force-admin', alphaId)
  bravoCaseworker = callerOf(cast.bravo.users['force-caseworker'].id, 'force-caseworker', bravoId)
  const { user } = await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'second.caseworker@cheshire.example',
    name: 'Second Caseworker',
    role: 'force-caseworker',
    forceCode: 'cheshire',
    password: 'a long enough password 1',
  })
  secondCaseworker = callerOf(user.id, 'force-caseworker', alphaId)
  const inspectorUser = await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'inspector@inspectorate.example',
    name: 'An Inspector',
    role: 'inspector',
    password: 'a long enough password 1',
  })
  inspector = callerOf(inspectorUser.user.id, 'inspector', null)
  durhamId = forces.find((f) => f.code === 'durham')?.id as number
  const durhamUser = await testApp.services.users.create(SYSTEM_CALLER, {
    email: 'caseworker@durham.example',
    name: 'Durham Caseworker',
    role: 'force-caseworker',
    forceCode: 'durham',
    password: 'a long enough password 1',
  })
  durhamCaseworker = callerOf(durhamUser.user.id, 'force-caseworker', durhamId)
})
afterAll(() => testApp.close())

describe('continuing at a census date', () => {
  it('counts a case opened by then and not closed by it', () => {
    expect(continuingAt({ openedOn: '2012-01-01', closedOn: null }, '2012-05-31')).toBe(true)
    expect(continuingAt({ openedOn: '2012-01-01', closedOn: '2012-06-01' }, '2012-05-31')).toBe(true)
    expect(continuingAt({ openedOn: '2012-01-01', closedOn: '2012-05-31' }, '2012-05-31')).toBe(false)
    expect(continuingAt({ openedOn: '2012-06-01', closedOn: null }, '2012-05-31')).toBe(false)
  })
})

describe('integrity case counts', () => {
  it('returns 15 media-disclosure cases opened in the period, 3 of them continuing at the census date', async () => {
    const cases = testApp.services.integrityCases
    // Another force's case and one opened before the period must not count.
    await cases.open(bravoCaseworker, {
      type: 'inappropriate disclosure to the media',
      source: 'internal',
      openedOn: '2011-10-01',
      summary: 'bravomarker leak',
    })
    await cases.open(durhamCaseworker, {
      type: 'inappropriate disclosure to the media',
      source: 'internal',
      openedOn: '2011-08-31',
      summary: 'Before the period',
    })
    const opened = []
    for (let n = 0; n < 15; n++) {
      const month = [9, 10, 11, 12, 1, 2, 3, 4, 5][n % 9] as number
      const year = month >= 9 ? 2011 : 2012
      opened.push(
        await cases.open(durhamCaseworker, {
          type: 'inappropriate disclosure to the media',
          source: n % 2 ? 'public complaint' : 'confidential report',
          openedOn: `${year}-${String(month).padStart(2, '0')}-${n < 9 ? '01' : '20'}`,
          summary: `Leak number ${n + 1}`,
          confidential: n === 0 ? 'yes' : 'no',
        }),
      )
    }
    // 12 closed by the census date (one on it); 3 continuing at it: two still open, one closed after it.
    for (const [index, row] of opened.entries()) {
      if (index < 2) continue
      const closedOn = index === 2 ? '2012-06-10' : index === 3 ? '2012-05-31' : row.openedOn
      await cases.close(durhamCaseworker, row.id, {
        outcome: index === 2 ? 'written warning' : 'management action',
        closedOn,
      })
    }
    const counts = await cases.counts(durhamCaseworker, durhamId, {
      from: '2011-09-01',
      to: '2012-05-31',
      census: '2012-05-31',
    })
    expect(counts.total).toBe(15)
    expect(counts.openedByType['inappropriate disclosure to the media']).toBe(15)
    expect(counts.continuing).toBe(3)
    expect(counts.outcomes['management action']).toBe(12)
    expect(counts.outcomes['written warning']).toBe(0)
    const asInspector = await cases.counts(inspector, durhamId, {
      from: '2011-09-01',
      to: '2012-05-31',
      census: '2012-05-31',
    })
    expect(asInspector.total).toBe(15)
    expect(asInspector.continuing).toBe(3)
    await expect(
      cases.counts(bravoCaseworker, durhamId, { from: '2011-09-01', to: '2012-05-31' }),
    ).rejects.toThrow(NotFoundError)
  })
})

describe('confidential cases', () => {
  it('shows a confidential case only to the caseworkers named on it; others see that it exists', async () => {
    const cases = testApp.services.integrityCases
    const secret = await cases.open(caseworker, {
      type: 'corruption intelligence',
      source: 'confidential report',
      openedOn: '2012-06-01',
      summary: 'Secret summary about a named officer',
      confidential: 'yes',
      staffNumber: 'ALPHA0001',
    })
    const named = await cases.find(caseworker, secret.id)
    expect(named.restricted).toBe(false)
    for (const outsider of [admin, secondCaseworker, inspector]) {
      const found = await cases.find(outsider, secret.id)
      expect(found.restricted).toBe(true)
      expect(JSON.stringify(found)).not.toContain('Secret summary')
      const { cases: listed } = await cases.list(
        outsider,
        {},
        { sort: 'opened', order: 'desc' },
        { offset: 0, limit: 100 },
      )
      const row = listed.find((c) => c.id === secret.id)
      expect(row?.readable).toBe(false)
      expect(row?.reference).toBe(secret.reference)
      expect(JSON.stringify(listed)).not.toContain('Secret summary')
      const exported = await cases.exportRows(outsider, {}, { sort: 'opened', order: 'desc' }, 'csv')
      expect(JSON.stringify(exported)).not.toContain('Secret summary')
      const searched = await cases.list(
        outsider,
        { search: 'Secret' },
        { sort: 'opened', order: 'desc' },
        { offset: 0, limit: 100 },
      )
      expect(searched.total).toBe(0)
    }
    await expect(cases.addNote(admin, secret.id, { text: 'peek' })).rejects.toThrow(ForbiddenError)
    await expect(cases.find(bravoCaseworker, secret.id)).rejects.toThrow(NotFoundError)
    // Naming the second caseworker lets them in.
    await cases.name(caseworker, secret.id, { userId: secondCaseworker.principal?.id as string })
    expect((await cases.find(secondCaseworker, secret.id)).restricted).toBe(false)
    // The audit trail keeps which case changed, not what it says.
    const history = await testApp.services.audit.history(SYSTEM_CALLER, 'integrity-case', secret.id)
    expect(history.length).toBeGreaterThan(1)
    expect(JSON.stringify(history)).not.toContain('Secret summary')
  })

  it('refuses a subject or link added over HTTP by a caseworker not named on a confidential case, whatever the body', async () => {
    const cases = testApp.services.integrityCases
    const secret = await cases.open(caseworker, {
      type: 'corruption intelligence',
      source: 'confidential report',
      openedOn: '2012-06-01',
      summary: 'Subjects kept to the named',
      confidential: 'yes',
    })
    const outsider = new Agent(testApp.app)
    await outsider.signIn('second.caseworker@cheshire.example', 'a long enough password 1')
    for (const staffNumber of ['NO-SUCH-NUMBER', 'ALPHA0001', '']) {
      const response = await outsider.post(`/cases/${secret.id}/subjects`, { staffNumber })
      expect(response.statusCode).toBe(403)
    }
    const link = await outsider.post(`/cases/${secret.id}/links`, {
      entityType: 'business-interest',
      entityId: cast.alpha.businessInterests.businessInterestId,
    })
    expect(link.statusCode).toBe(403)
    const found = await cases.find(caseworker, secret.id)
    if (found.restricted) throw new Error('expected the case')
    expect(found.detail.subjects).toHaveLength(0)
    expect(found.detail.links).toHaveLength(0)
  })

  it('links a register entry of the same force and refuses another force’s', async () => {
    const cases = testApp.services.integrityCases
    const breach = await cases.open(caseworker, {
      type: 'business interest breach',
      source: 'internal',
      openedOn: '2012-06-02',
      summary: 'Working more hours than approved',
      staffNumber: 'alpha0001',
    })
    await cases.addLink(caseworker, breach.id, {
      entityType: 'business-interest',
      entityId: cast.alpha.businessInterests.businessInterestId,
    })
    await expect(
      cases.addLink(caseworker, breach.id, {
        entityType: 'gift-hospitality',
        entityId: cast.bravo.gifts.giftId,
      }),
    ).rejects.toThrow(ValidationError)
    const found = await cases.find(caseworker, breach.id)
    if (found.restricted) throw new Error('expected the case')
    expect(found.detail.links).toHaveLength(1)
    expect(found.detail.subjects.map((s) => s.staffNumber)).toEqual(['ALPHA0001'])
  })

  it('lists overdue cases: target date passed and not closed', async () => {
    const cases = testApp.services.integrityCases
    const late = await cases.open(caseworker, {
      type: 'misuse of information systems',
      source: 'internal',
      openedOn: '2012-01-05',
      targetDate: '2012-03-01',
      summary: 'PNC check without a reason',
    })
    const overdue = await cases.overdue(caseworker)
    expect(overdue.map((c) => c.id)).toContain(late.id)
    await cases.close(caseworker, late.id, { outcome: 'written warning', closedOn: '2012-06-10' })
    expect((await cases.overdue(caseworker)).map((c) => c.id)).not.toContain(late.id)
  })
})

describe('row-level security on confidential cases', () => {
  it('hides the case, its subjects and notes from a user not named on it, whatever the query', async () => {
    const cases = testApp.services.integrityCases
    const secret = await cases.open(caseworker, {
      type: 'corruption intelligence',
      source: 'confidential report',
      openedOn: '2012-06-03',
      summary: 'Only for the named',
      confidential: 'yes',
      staffNumber: 'ALPHA0001',
    })
    await cases.addNote(caseworker, secret.id, { text: 'A named note' })
    const scope = { kind: 'force', forceId: alphaId } as const
    const read = (userId: string) =>
      inScope(
        testApp.database.db,
        scope,
        async (tx) => ({
          cases: await tx.select().from(integrityCases).where(eq(integrityCases.id, secret.id)),
          subjects: await tx
            .select()
            .from(integrityCaseSubjects)
            .where(eq(integrityCaseSubjects.caseId, secret.id)),
          notes: await tx.select().from(integrityCaseNotes).where(eq(integrityCaseNotes.caseId, secret.id)),
          headers: await tx.select().from(integrityCaseHeaders).where(eq(integrityCaseHeaders.id, secret.id)),
        }),
        userId,
      )
    const outsider = await read(cast.alpha.users['force-admin'].id)
    expect(outsider.cases).toHaveLength(0)
    expect(outsider.subjects).toHaveLength(0)
    expect(outsider.notes).toHaveLength(0)
    expect(outsider.headers).toHaveLength(1)
    const named = await read(cast.alpha.users['force-caseworker'].id)
    expect(named.cases).toHaveLength(1)
    expect(named.subjects).toHaveLength(1)
    expect(named.notes).toHaveLength(1)
    // An update by someone not named changes nothing.
    await inScope(
      testApp.database.db,
      scope,
      (tx) =>
        tx.update(integrityCases).set({ summary: 'overwritten' }).where(eq(integrityCases.id, secret.id)),
      cast.alpha.users['force-admin'].id,
    )
    const found = await cases.find(caseworker, secret.id)
    expect(found.restricted ? null : found.detail.case.summary).toBe('Only for the named')
    // Another force sees not even the header.
    const bravo = await inScope(testApp.database.db, { kind: 'force', forceId: bravoId }, (tx) =>
      tx.select().from(integrityCaseHeaders).where(eq(integrityCaseHeaders.id, secret.id)),
    )
    expect(bravo).toHaveLength(0)
  })
})
