import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'
import { callerOf } from '../fieldwork/demo.js'

/** Ian evaluates the rules; the lead inspector decides (another inspector than the proposer must). */
const PROPOSER = 'inspector@inspectorate.example'
const LEAD = 'lead.inspector@inspectorate.example'

/**
 * The demo's monitoring: the rules evaluated over Cleveland and Greater Manchester in the 2012
 * revisit; Cleveland's move to Engage confirmed by the lead inspector and published, Greater
 * Manchester's proposal left waiting for a decision. Running it again adds nothing.
 */
export async function seedDemoMonitoring(services: Services): Promise<void> {
  const users = new Map((await services.users.list(SYSTEM_CALLER)).map((user) => [user.email, user]))
  const proposerUser = users.get(PROPOSER)
  const leadUser = users.get(LEAD)
  if (!proposerUser || !leadUser) return
  const proposer = callerOf(proposerUser)
  const lead = callerOf(leadUser)
  const { escalation } = services
  if ((await escalation.forForce(lead, 'cleveland')).history.length) return
  for (const force of ['cleveland', 'greater-manchester']) await escalation.evaluate(proposer, force)
  const { proposal } = await escalation.forForce(lead, 'cleveland')
  if (proposal)
    await escalation.decide(lead, 'cleveland', proposal.id, {
      decision: 'confirm',
      publish: 'yes',
      note: 'Agreed with HM Inspector: the force’s improvement plan to be reviewed every quarter.',
    })
}
