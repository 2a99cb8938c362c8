import { type Caller, SYSTEM_CALLER } from '../../domain/access.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'
import type { Services } from '../../services.js'

const PREFIX = { cheshire: 'CH', cleveland: 'CL' } as const

/**
 * Records across the demo forces' registers that each correlation rule finds, entered through the
 * services after the other modules' demo rows (so the rules run as they are written, as on any write):
 * the demo officer's approved second job with Radio Systems, whose offers they also declared (a gift
 * from the employer, three in a year), Radio Systems on the supplier list with its contract managed
 * by the officer's own unit (a gift from a supplier to the managing unit, a second job with a supplier),
 * and a leak investigation about the Evening Chronicle opened 17 days after its lunch with an officer
 * (from the gifts demo).
 */
export async function seedDemoPatterns(services: Services): Promise<void> {
  const references = await services.forces.references()
  for (const [code, prefix] of Object.entries(PREFIX)) {
    const force = references.find((candidate) => candidate.code === code)
    if (!force) continue
    const staffNumber = `${prefix}0903`
    const asForce: Caller = { ...SYSTEM_CALLER, scope: { kind: 'force', forceId: force.id } }
    const officer = (await services.roster.findByStaffNumbers(SYSTEM_CALLER, force.id, [staffNumber])).get(
      staffNumber,
    )
    if (!officer) continue
    await services.organisations.addContracts(asForce, [
      {
        supplier: 'Radio Systems plc',
        companyNumber: '04417825',
        reference: `${prefix}-ICT-2011-044`,
        description: 'Maintenance of neighbourhood teams’ handheld radios',
        managingUnit: officer.unit,
      },
      {
        supplier: 'Northern Fleet Leasing Ltd',
        companyNumber: null,
        reference: `${prefix}-FLT-2010-012`,
        description: 'Lease of marked patrol vehicles',
        managingUnit: 'Roads Policing',
      },
    ])
    const job = await services.businessInterests.record(SYSTEM_CALLER, {
      forceId: force.id,
      staffNumber,
      submittedOn: '2012-07-02',
      nature: 'Weekend radio installer for the company’s retail customers',
      category: 'paid employment',
      employer: 'Radio Systems Ltd',
      hoursPerWeek: '6',
      paid: 'yes',
      conflictDeclaration: 'The company supplies radios to the force; I do no work on police contracts',
    })
    await services.businessInterests.decide(SYSTEM_CALLER, job.id, {
      assessment: Object.fromEntries(
        BUSINESS_INTEREST_CRITERIA.map((criterion) => [criterion, { concern: 'no' }]),
      ),
      decision: 'approved with conditions',
      conditions: 'No work on the force’s own radios or contracts',
    })
    const offers = [
      ['gift', 'Branded fleece and torch', '15', '2012-08-14', 'accepted'],
      ['hospitality', 'Lunch at a product launch', '28', '2012-10-03', 'accepted'],
      ['hospitality', 'Christmas party for installers', '45', '2012-12-07', 'declined'],
    ] as const
    for (const [kind, description, estimatedValue, offeredOn, outcome] of offers)
      await services.giftsHospitality.record(
        SYSTEM_CALLER,
        {
          staffNumber,
          kind,
          description,
          donorName: 'Radio Systems plc',
          donorType: 'supplier',
          estimatedValue,
          offeredOn,
          outcome,
          approver: Number(estimatedValue) >= 25 ? 'Head of Professional Standards' : '',
        },
        force.id,
      )
    // After the data period (to 31 May 2012), so the data returns the demo publishes stay as they are.
    await services.integrityCases.open(
      SYSTEM_CALLER,
      {
        type: 'inappropriate disclosure to the media',
        source: 'internal',
        openedOn: '2012-09-24',
        summary: 'A victim’s address appeared in the Evening Chronicle the day after a custody interview.',
      },
      { forceId: force.id },
    )
  }
}
