import { SYSTEM_CALLER } from '../../domain/access.js'
import type { Services } from '../../services.js'

const PREFIX: Record<string, string> = { cheshire: 'CH', cleveland: 'CL' }

/**
 * For each demo force: cases of several kinds and states (one confidential, one overdue), an
 * inspectorate referral waiting for an answer, and anti-corruption unit figures for 2011 and 2012, so
 * the cases, referrals and staffing pages show something. A force that already has cases is left alone.
 */
export async function seedDemoCases(services: Services): Promise<void> {
  const { integrityCases, referrals, acuStaffing } = services
  for (const [forceCode, prefix] of Object.entries(PREFIX)) {
    const force = (await services.forces.references()).find((candidate) => candidate.code === forceCode)
    if (!force) continue
    const existing = await integrityCases.list(
      SYSTEM_CALLER,
      { forceId: force.id },
      { sort: 'opened', order: 'desc' },
      { offset: 0, limit: 1 },
    )
    if (existing.total > 0) continue
    const caseworker = (await services.users.list(SYSTEM_CALLER)).find(
      (user) => user.email === `caseworker@${forceCode}.example`,
    )
    const open = (input: Record<string, unknown>) =>
      integrityCases.open(SYSTEM_CALLER, { source: 'internal', ...input }, { forceId: force.id })

    await open({
      type: 'inappropriate disclosure to the media',
      // Cheshire's 2012 press release reports no media-disclosure investigations in the data period
      // (to 31 May 2012), so its case was opened after it; the 2012 data return counts from these records.
      openedOn: forceCode === 'cheshire' ? '2012-06-11' : '2012-02-06',
      targetDate: '2012-08-06',
      summary: 'Details of a live operation appeared in a local newspaper before the arrests.',
      staffNumber: `${prefix}1261`,
      assignedTo: caseworker?.id,
    })
    const closed = await open({
      type: 'social-media misconduct',
      openedOn: '2011-11-14',
      summary: 'Comments about a named member of the public posted on a personal social-media account.',
      staffNumber: `${prefix}1326`,
    })
    await integrityCases.close(SYSTEM_CALLER, closed.id, {
      outcome: 'management action',
      closedOn: '2012-01-20',
    })
    await open({
      type: 'corruption intelligence',
      source: 'confidential report',
      openedOn: '2012-04-02',
      summary: 'Intelligence that a member of staff is passing information to an organised crime group.',
      // Only the assigned caseworker may read it; the force admin sees that it exists.
      assignedTo: caseworker?.id,
      confidential: true,
    })
    await open({
      type: 'business interest breach',
      openedOn: '2012-03-12',
      targetDate: '2012-06-12',
      summary: 'Working as a door supervisor after the application was refused.',
      staffNumber: `${prefix}1391`,
    })

    await referrals.create(SYSTEM_CALLER, {
      force: forceCode,
      type: 'social-media misconduct',
      finding: 'A public profile naming the force shows the holder in uniform beside offensive comments.',
      evidence: 'Screenshots taken by the research team, held on the referral file.',
      referredOn: '2012-05-14',
    })

    await acuStaffing.record(
      SYSTEM_CALLER,
      { asOf: '2011-03-31', postsFunded: '6', postsFilled: '5' },
      force.id,
    )
    await acuStaffing.record(
      SYSTEM_CALLER,
      { asOf: '2012-03-31', postsFunded: '6', postsFilled: '6' },
      force.id,
    )
  }
}
