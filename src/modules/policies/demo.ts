import { SYSTEM_CALLER } from '../../domain/access.js'
import { POLICY_AREAS } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import { addDays } from './rules.js'

/** Each area's policy in the demo: its title, guidance, and the share of staff who acknowledged version 1. */
const DEMO_POLICIES: Record<string, { title: string; guidance: string | null; share: number; body: string }> =
  {
    'media-relationships': {
      title: 'Relationships with the media',
      guidance: 'ACPO Communication Advisory Group guidance on relationships with the media',
      share: 0.85,
      body: 'Officers and staff may speak to journalists only about matters within their role and authority.\nRecord every contact with the media in the media contacts log on the same day.',
    },
    'gifts-hospitality': {
      title: 'Gifts and hospitality',
      guidance: 'ACPO guidance on gifts, gratuities and hospitality',
      share: 0.7,
      body: 'Declare every gift or hospitality offered to you because of your role, whether you accept it or not.\nNever accept anything from a supplier while a contract is being let.',
    },
    'business-interests': {
      title: 'Business interests and second jobs',
      guidance: 'Police Regulations 2003, regulation 7 and Home Office guidance',
      share: 0.6,
      body: 'Apply before taking up any business interest or second job, and tell us when it changes.',
    },
    'social-media': {
      title: 'Use of social media',
      guidance: 'ACPO guidance on the safe use of the internet and social media by police officers and staff',
      share: 0.45,
      body: 'Do not post anything about operations, victims, witnesses or colleagues.\nDo not identify yourself as a member of the force on a personal account without permission.',
    },
    'information-security': {
      title: 'Information security',
      guidance: 'ACPO/ACPOS Community Security Policy',
      share: 0.55,
      body: 'Look only at the records your work needs. Every search of force systems is audited.',
    },
    'counter-corruption': {
      title: 'Counter-corruption',
      guidance: null,
      share: 0.75,
      body: 'Report any approach that could compromise you or a colleague to the Anti-Corruption Unit, in confidence.',
    },
  }

const PUBLISHED = '2012-01-16'
const DEADLINE = '2012-03-31'

/**
 * For each demo force: a policy in each of the six areas with version 1 published to all staff on 16
 * January 2012 (deadline 31 March), acknowledged by part of the staff over the following weeks, so the
 * awareness dashboard, its trends and the overdue list show something. The demo members of staff have
 * the social-media policy still to acknowledge. A force that already has policies is left alone.
 */
export async function seedDemoPolicies(services: Services): Promise<void> {
  for (const forceCode of ['cheshire', 'cleveland']) {
    const force = (await services.forces.references()).find((candidate) => candidate.code === forceCode)
    if (!force) continue
    const library = await services.policies.library(SYSTEM_CALLER, force.id)
    if (library.some((area) => area.policy)) continue
    const roster = await services.roster.list(
      SYSTEM_CALLER,
      forceCode,
      { status: 'current' },
      { sort: 'name', order: 'asc' },
    )
    const demoOfficer = forceCode === 'cheshire' ? 'CH0903' : 'CL0903'
    for (const [areaIndex, area] of POLICY_AREAS.entries()) {
      const demo = DEMO_POLICIES[area.code]
      if (!demo) continue
      const policy = await services.policies.createPolicy(
        SYSTEM_CALLER,
        { area: area.code, title: demo.title },
        force.id,
      )
      const version = await services.policies.createVersion(SYSTEM_CALLER, policy.id, {
        title: demo.title,
        body: demo.body,
        effectiveDate: '2012-01-16',
        reviewDate: '2013-01-16',
        owner: 'Head of Professional Standards',
        nationalGuidance: demo.guidance ? 'yes' : 'no',
        guidanceName: demo.guidance ?? '',
      })
      if (area.code === 'social-media')
        await services.policies.addQuestion(SYSTEM_CALLER, version.id, {
          question: 'May you post about an operation once the arrests have been made?',
          options: 'Yes, once it is in the news\nNo, not without the force’s permission',
          answer: '2',
        })
      await services.policies.publish(
        SYSTEM_CALLER,
        version.id,
        { audience: 'all', deadline: DEADLINE },
        { at: new Date(`${PUBLISHED}T09:00:00Z`) },
      )
      for (const [index, member] of roster.members.entries()) {
        if (area.code === 'social-media' && member.staffNumber === demoOfficer) continue
        // A fixed spread: the same people acknowledge on every run, some after the deadline.
        const position = ((index * 7 + areaIndex * 3) % 20) / 20
        if (position >= demo.share) continue
        const day = addDays(PUBLISHED, 1 + Math.floor(position * 90))
        await services.policies.acknowledge(
          SYSTEM_CALLER,
          version.id,
          { read: 'yes', ...(area.code === 'social-media' ? { q0: '1' } : {}) },
          { staffMemberId: member.id, at: new Date(`${day}T10:00:00Z`) },
        )
      }
    }
  }
}
