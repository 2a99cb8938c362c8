import { SYSTEM_CALLER } from '../../domain/access.js'
import { BUSINESS_INTEREST_CRITERIA } from '../../domain/registers.js'
import type { Services } from '../../services.js'
import { addDays } from './rules.js'

const PREFIX: Record<string, string> = { cheshire: 'CH', cleveland: 'CL' }

const noConcerns = Object.fromEntries(
  BUSINESS_INTEREST_CRITERIA.map((criterion) => [criterion, { concern: 'no' }]),
)

/**
 * A few applications in each state for the demo forces, entered through the service after the demo
 * rosters: a chief officer's (named on the published register), approvals with and without
 * conditions, a refusal under appeal, a withdrawal, one due for review, and the demo officer's own.
 * A force that already has applications is left as it is.
 */
export async function seedDemoBusinessInterests(services: Services): Promise<void> {
  const { businessInterests } = services
  // The services' clock: the demo's own day on a demo database, so the review falls due within its window.
  const today = businessInterests.today()
  for (const [forceCode, prefix] of Object.entries(PREFIX)) {
    const force = (await services.forces.references()).find((candidate) => candidate.code === forceCode)
    if (!force) continue
    if ((await businessInterests.list(SYSTEM_CALLER, { forceId: force.id })).total > 0) continue
    const record = (staffNumber: string, input: Record<string, string>) =>
      businessInterests.record(SYSTEM_CALLER, {
        forceId: force.id,
        staffNumber,
        conflictDeclaration: 'None',
        ...input,
      })
    const decide = (id: string, input: Record<string, unknown>) =>
      businessInterests.decide(SYSTEM_CALLER, id, { assessment: noConcerns, ...input })

    const chief = await record(`${prefix}1001`, {
      nature: 'Trustee of a regional children’s charity',
      category: 'voluntary work',
      hoursPerWeek: '2',
      paid: 'no',
    })
    await decide(chief.id, { decision: 'approved' })
    const decorator = await record(`${prefix}1235`, {
      nature: 'Self-employed painter and decorator at weekends',
      category: 'self-employment',
      hoursPerWeek: '8',
      paid: 'yes',
    })
    await decide(decorator.id, {
      decision: 'approved with conditions',
      conditions: 'No work for people known through police duties; not within 11 hours before a shift',
    })
    const door = await record(`${prefix}1170`, {
      nature: 'Door supervisor at a town-centre night club',
      category: 'security work',
      employer: 'Nightsafe Security Ltd',
      hoursPerWeek: '12',
      paid: 'yes',
    })
    await decide(door.id, {
      assessment: {
        ...noConcerns,
        impartiality: { concern: 'yes', note: 'Licensed premises the force polices' },
      },
      decision: 'refused',
      refusalReason: 'Conflicts with the force’s licensing responsibilities for the same premises',
    })
    const letting = await record(`${prefix}1105`, {
      nature: 'Letting a flat inherited from a relative',
      category: 'property letting',
      hoursPerWeek: '1',
      paid: 'yes',
    })
    await decide(letting.id, { decision: 'approved', reviewDate: addDays(today, 20) })
    const tutoring = await record(`${prefix}1248`, {
      nature: 'Private maths tutoring',
      category: 'teaching or training',
      hoursPerWeek: '3',
      paid: 'yes',
    })
    await businessInterests.withdraw(SYSTEM_CALLER, tutoring.id)
    await record(`${prefix}0903`, {
      nature: 'Coaching a junior football team on Sunday mornings',
      category: 'voluntary work',
      hoursPerWeek: '3',
      paid: 'no',
    })
  }
}
