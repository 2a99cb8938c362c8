import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { ACKNOWLEDGE_CHANGES } from './changes.js'

let testApp: TestApp
let cast: TwoForces
let alphaForceId: number
let path: string
const clock = new Date('2012-09-20T10:00:00Z')

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => clock }))
  alphaForceId = (await testApp.services.forces.references()).find((force) => force.code === cast.alpha.code)
    ?.id as number
  path = `/inspections/${cast.inspection.id}/forces/${cast.alpha.code}/data-return`
})

afterAll(async () => {
  await testApp?.close()
})

const openMediaCase = (openedOn: string) =>
  testApp.services.integrityCases.open(
    SYSTEM_CALLER,
    { type: 'inappropriate disclosure to the media', source: 'internal', openedOn, summary: 'A late case' },
    { forceId: alphaForceId },
  )

describe('a return whose records changed after it was computed', () => {
  it('says which figures changed, old → new, and holds approval until acknowledged or recalculated', async () => {
    const { dataReturns, publication } = testApp.services
    const { id: inspectionId } = cast.inspection
    const versionId = cast.alphaPublication.versionId
    const fresh = await dataReturns.get(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    expect(fresh.changes).toEqual([])
    const stored = (await dataReturns.values(SYSTEM_CALLER, inspectionId, cast.alpha.code))[
      'media-disclosure-investigations'
    ] as number

    // A case opened inside the period, after the return was computed: the stored return is unchanged…
    await openMediaCase('2012-01-15')
    const values = await dataReturns.values(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    expect(values['media-disclosure-investigations']).toBe(stored)
    // …but the return now says so, item by item.
    const stale = await dataReturns.get(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    expect(stale.changes.map(({ code, stored, current }) => ({ code, stored, current }))).toEqual([
      { code: 'media-disclosure-investigations', stored, current: stored + 1 },
      { code: 'media-disclosure-continuing', stored: expect.any(Number), current: expect.any(Number) },
    ])
    expect(stale.acknowledgement).toBeNull()

    // The force's report may not be approved (nor published) from a stale return.
    const refused = await publication.approve(SYSTEM_CALLER, versionId).catch((error) => error)
    expect(refused).toBeInstanceOf(ValidationError)
    expect((refused as ValidationError).fieldErrors.version).toContain(
      `Media-disclosure investigations ${stored} → ${stored + 1}`,
    )

    // An acknowledgement needs a reason, and is audited with exactly the changes it covers.
    await expect(
      dataReturns.acknowledgeChanges(SYSTEM_CALLER, inspectionId, cast.alpha.code, { reason: ' ' }),
    ).rejects.toBeInstanceOf(ValidationError)
    await dataReturns.acknowledgeChanges(SYSTEM_CALLER, inspectionId, cast.alpha.code, {
      reason: 'The late case is counted at the next revisit',
    })
    const history = await dataReturns.history(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    const event = history.findLast((entry) => entry.action === ACKNOWLEDGE_CHANGES)
    expect(event?.after).toMatchObject({
      reason: 'The late case is counted at the next revisit',
      changes: [{ code: 'media-disclosure-investigations', stored, current: stored + 1 }, expect.anything()],
    })
    const acknowledged = await dataReturns.get(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    expect(acknowledged.acknowledgement?.reason).toBe('The late case is counted at the next revisit')
    expect(await dataReturns.unacknowledgedChanges(SYSTEM_CALLER, inspectionId, cast.alpha.code)).toBeNull()

    // A further change is not covered by the acknowledgement: stale again.
    await openMediaCase('2012-02-15')
    const again = await dataReturns.get(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    expect(again.changes[0]).toMatchObject({ stored, current: stored + 2 })
    expect(again.acknowledgement).toBeNull()
    expect(await dataReturns.unacknowledgedChanges(SYSTEM_CALLER, inspectionId, cast.alpha.code)).toContain(
      'recalculate the return',
    )

    // Recalculating brings it up to date; nothing is left to acknowledge.
    await dataReturns.refresh(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    const current = await dataReturns.get(SYSTEM_CALLER, inspectionId, cast.alpha.code)
    expect(current.changes).toEqual([])
    await expect(
      dataReturns.acknowledgeChanges(SYSTEM_CALLER, inspectionId, cast.alpha.code, { reason: 'Nothing' }),
    ).rejects.toBeInstanceOf(ValidationError)
    expect(await dataReturns.unacknowledgedChanges(SYSTEM_CALLER, inspectionId, cast.alpha.code)).toBeNull()
  })

  it('shows the changes on the return’s page, takes an acknowledgement there, and keeps other forces out', async () => {
    await openMediaCase('2012-03-15')
    const admin: Agent = await signedInAgent(testApp.app, cast.alpha.users['force-admin'].email)
    const page = await admin.get(path)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('The records have changed since this return was computed')
    expect(page.body).toContain('What the records give now')
    const blank = await admin.post(`${path}/acknowledge`, { reason: '' })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter why the return may stand although its records changed')
    const other = await signedInAgent(testApp.app, cast.bravo.users['force-admin'].email)
    expect((await other.post(`${path}/acknowledge`, { reason: 'Not ours' })).statusCode).toBe(404)
    const done = await admin.post(`${path}/acknowledge`, { reason: 'Counted next year' })
    expect(done.statusCode).toBe(303)
    const after = await admin.get(path)
    expect(after.body).toContain('The changes were acknowledged, so the return stands as it is.')
    expect(after.body).toContain('“Counted next year”')
  })
})
