import { SYSTEM_CALLER } from '../../domain/access.js'
import type { RuleSetting } from '../../domain/escalation.js'
import type { Services } from '../../services.js'
import { callerOf } from '../fieldwork/demo.js'

/** Ian evaluates the rules; the lead inspector decides (another inspector than the proposer must). */
const PROPOSER = 'inspector@inspectorate.example'
const LEAD = 'lead.inspector@inspectorate.example'

/**
 * The judgements the demo's inspectorate watches closely: limited progress (the rule's default) and,
 * as it may choose, some improvements, which the revisit judged Cleveland and Greater Manchester to
 * have made (press releases in test/fixtures) — so the judgement rule fires in the demo as the others do.
 */
const DEMO_JUDGEMENTS = ['some improvements', 'limited progress']

/** The rules' settings as the rules form posts them, with the judgement rule's judgements replaced. */
function rulesForm(settings: readonly RuleSetting[], judgements: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    settings.flatMap((setting) => [
      [`${setting.rule}-enabled`, setting.enabled ? 'yes' : ''],
      [`${setting.rule}-threshold`, setting.threshold ?? ''],
      [`${setting.rule}-days`, setting.days ?? ''],
      ...(setting.judgements ? [[`${setting.rule}-judgements`, [...judgements]]] : []),
      [`${setting.rule}-state`, setting.state],
    ]),
  )
}

/**
 * The demo's monitoring: the judgement rule set to watch some improvements too, then the rules
 * evaluated over Cleveland and Greater Manchester in the 2012 revisit (each of the four rules fires
 * for one of them at least); Cleveland's move to Engage confirmed by the lead inspector and published,
 * Greater Manchester's proposal left waiting for a decision. Running it again adds nothing.
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
  await escalation.saveRules(lead, rulesForm(await escalation.rules(lead), DEMO_JUDGEMENTS))
  for (const force of ['cleveland', 'greater-manchester']) await escalation.evaluate(proposer, force)
  const { proposal } = await escalation.forForce(lead, 'cleveland')
  if (proposal)
    await escalation.decide(lead, 'cleveland', proposal.id, {
      decision: 'confirm',
      publish: 'yes',
      note: 'Agreed with HM Inspector: the force’s improvement plan to be reviewed every quarter.',
    })
}
