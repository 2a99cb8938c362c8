import { type Caller, SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'

/**
 * A report to each demo force's anti-corruption unit, with a question asked and answered, and in
 * Cheshire a second report closed without a case. The first report's receipt code and passphrase are
 * published in the README, so anyone trying the demo can come back as its reporter.
 */
const DEMO_REPORTS = {
  cheshire: {
    receipt: { receiptCode: 'R-CH12-DEM1', passphrase: '2012-DEM0-CHES-HREP-0RT1' },
    account:
      'An officer in the custody suite at Middlewich has been telling a local journalist who has been arrested, ' +
      'before anything is announced. I have seen them meet in the car park of the Kings Arms on Friday evenings.',
    question:
      'Thank you. Can you tell us roughly when you first saw them meet, and whether anyone else was there?',
    answer:
      'Since about September. Usually just the two of them; once a second man who did not get out of his car.',
  },
  cleveland: {
    receipt: { receiptCode: 'R-CV12-DEM1', passphrase: '2012-DEM0-C1EV-E1AN-DREP' },
    account:
      'A member of staff in the vehicle pound seems to be letting a recovery firm take the best jobs in return for ' +
      'cash. The firm’s trucks are always first on scene even when another firm is on the rota.',
    question: 'Do you know the name of the recovery firm, or the dates of any of the jobs?',
    answer:
      'I do not want to say more about the firm yet. The most recent job was on the A19 in early December.',
  },
} as const

export async function seedDemoReports(services: Services): Promise<void> {
  const reports = services.confidentialReports
  for (const [code, demo] of Object.entries(DEMO_REPORTS)) {
    const force = (await services.forces.references()).find((candidate) => candidate.code === code)
    if (!force) continue
    const receipt = await reports.receive(force, { identity: 'anonymous', account: demo.account }, [], {
      given: demo.receipt,
    })
    // Already there: the demo is entered once.
    if (!receipt) continue
    const unit: Caller = {
      ...SYSTEM_CALLER,
      actor: { ...SYSTEM_CALLER.actor, label: `${force.name} anti-corruption unit` },
      scope: { kind: 'force', forceId: force.id },
    }
    const reportId = await reports.openReport(force, demo.receipt)
    if (!reportId) continue
    await reports.ask(unit, reportId, { body: demo.question })
    await reports.reply(force, reportId, { body: demo.answer })
    if (code !== 'cheshire') continue
    const second = await reports.receive(
      force,
      {
        identity: 'named',
        name: 'Pat Kershaw',
        account:
          'My neighbour, who works for the force, keeps a police radio at home and listens to it in the garden.',
      },
      [],
      { given: { receiptCode: 'R-CH12-DEM2', passphrase: '2012-DEM0-CHES-HREP-0RT2' } },
    )
    const secondId = second && (await reports.openReport(force, second))
    if (secondId)
      await reports.close(unit, secondId, {
        reason: 'The radio is a licensed scanner for amateur use, not a police radio; no wrongdoing.',
      })
  }
}
