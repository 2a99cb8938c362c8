import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import type { FindingKind, RecommendationStatus } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import type { UserView } from '../identity/users-service.js'

/** The demo's inspection of the fieldwork: the 2012 revisit that the inspections demo creates. */
const REVISIT = 'revisit-2012'
/** Ian proposes; the lead inspector moderates (a different inspector must confirm). */
const PROPOSER = 'inspector@inspectorate.example'
const MODERATOR = 'lead.inspector@inspectorate.example'

interface DemoFinding {
  area: string
  kind: FindingKind
  text: string
}

interface DemoProgress {
  recommendation: string
  status: RecommendationStatus
  note: string
  /** Who records it: the force's caseworker (self-reported) or the inspector (verified). */
  by: 'force' | 'inspector'
}

interface DemoForce {
  code: string
  /** The headline of the force's 2012 press release (test/fixtures). */
  headline: string
  rationale: string
  notes: { area: string; note: string }[]
  findings: DemoFinding[]
  progress: DemoProgress[]
}

/** Each force's fieldwork, written for the demo (not the press releases' sentences). */
const DEMO_FORCES: DemoForce[] = [
  {
    code: 'cheshire',
    headline: 'improvements',
    rationale:
      'Integrity policies have been reviewed and the media policy rewritten against national guidance, with a counter-corruption plan in place; staff are not yet well informed of the changes.',
    notes: [
      {
        area: 'media',
        note: 'Read the revised media policy and the press office’s contact log for June 2012.',
      },
      {
        area: 'governance',
        note: 'Interviewed the deputy chief constable about the integrity health check.',
      },
    ],
    findings: [
      {
        area: 'media',
        kind: 'strength',
        text: 'The rewritten media policy sets out plainly who may speak to journalists and how contact is recorded.',
      },
      {
        area: 'media',
        kind: 'area for improvement',
        text: 'Officers we spoke to in two districts had not heard that the media policy had changed.',
      },
      {
        area: 'information-disclosure',
        kind: 'strength',
        text: 'Checks on the use of force systems are routine, and new auditing software is being introduced.',
      },
      {
        area: 'governance',
        kind: 'strength',
        text: 'A counter-corruption plan, owned by a chief officer, follows from the force’s own integrity health check.',
      },
      {
        area: 'governance',
        kind: 'area for improvement',
        text: 'The force should tell its workforce what has changed and check that the message has landed.',
      },
    ],
    progress: [
      {
        recommendation: 'R2',
        status: 'implemented',
        note: 'Media policy reissued in April 2012.',
        by: 'force',
      },
      {
        recommendation: 'R2',
        status: 'implemented',
        note: 'Policy seen; the press office log matches it for the month sampled.',
        by: 'inspector',
      },
      { recommendation: 'R1', status: 'in progress', note: 'Briefings planned for the autumn.', by: 'force' },
      {
        recommendation: 'R6',
        status: 'implemented',
        note: 'All applications checked against the criteria.',
        by: 'force',
      },
    ],
  },
  {
    code: 'cleveland',
    headline: 'some improvements',
    rationale:
      'Some policies have been updated and business interests are checked, but the work is uneven across the integrity areas and oversight of it is still forming.',
    notes: [
      { area: 'business-interests', note: 'Sampled fifteen second-job decisions made since January 2012.' },
      {
        area: 'gifts-hospitality',
        note: 'Compared the register with the chief officers’ diaries for May 2012.',
      },
    ],
    findings: [
      {
        area: 'business-interests',
        kind: 'strength',
        text: 'Each second-job decision we sampled recorded the reasons and the conditions set.',
      },
      {
        area: 'business-interests',
        kind: 'area for improvement',
        text: 'Approved second jobs are not reviewed when the holder changes role.',
      },
      {
        area: 'gifts-hospitality',
        kind: 'area for improvement',
        text: 'Declined offers are not always entered, so the register understates what is offered.',
      },
      {
        area: 'governance',
        kind: 'cause of concern',
        text: 'No single chief officer oversees the integrity work, so progress depends on individual teams.',
      },
    ],
    progress: [
      {
        recommendation: 'R6',
        status: 'in progress',
        note: 'Criteria agreed; review process still to come.',
        by: 'force',
      },
      {
        recommendation: 'R6',
        status: 'in progress',
        note: 'Criteria in use; no reviews of existing approvals yet.',
        by: 'inspector',
      },
      { recommendation: 'R5', status: 'not started', note: 'Planned for 2013.', by: 'force' },
    ],
  },
  {
    code: 'greater-manchester',
    headline: 'some improvements',
    rationale:
      'Good progress on the media and on professional standards, set against slower work on gifts and hospitality and on procurement.',
    notes: [
      {
        area: 'procurement',
        note: 'Met the head of procurement; read the supplier conflict-of-interest form.',
      },
    ],
    findings: [
      {
        area: 'media',
        kind: 'strength',
        text: 'Contact with journalists is logged centrally and reviewed each month by the press office.',
      },
      {
        area: 'procurement',
        kind: 'area for improvement',
        text: 'Staff who specify contracts do not yet declare interests in the suppliers bidding.',
      },
      {
        area: 'professional-standards',
        kind: 'strength',
        text: 'The anti-corruption unit runs proactive checks on the use of force systems.',
      },
      {
        area: 'gifts-hospitality',
        kind: 'area for improvement',
        text: 'The threshold for declaring hospitality is higher than the one national guidance suggests.',
      },
    ],
    progress: [
      {
        recommendation: 'R8',
        status: 'implemented',
        note: 'Audit reports for the data period seen and discussed with the unit’s head.',
        by: 'inspector',
      },
      {
        recommendation: 'R7',
        status: 'in progress',
        note: 'Declaration form exists; not yet required of procurement staff.',
        by: 'inspector',
      },
    ],
  },
]

/** A demo user as the services see them when they act. */
export function callerOf(user: UserView): Caller {
  return callerFor(
    {
      kind: 'user',
      id: user.id,
      label: `${user.name} <${user.email}>`,
      role: user.role,
      forceId: user.force?.id ?? null,
      staffMemberId: null,
    },
    null,
  )
}

/**
 * The fieldwork of the three fixture forces in the 2012 revisit: findings and notes per area, the
 * headline judgement of each force's press release proposed by one demo inspector and confirmed by
 * another, and progress against the 2011 recommendations, some self-reported and some verified.
 * Running it again adds nothing.
 */
export async function seedDemoFieldwork(services: Services): Promise<void> {
  const revisit = await services.inspections.findByCode(SYSTEM_CALLER, REVISIT)
  if (!revisit) return
  const users = new Map((await services.users.list(SYSTEM_CALLER)).map((user) => [user.email, user]))
  const proposerUser = users.get(PROPOSER)
  const moderatorUser = users.get(MODERATOR)
  if (!proposerUser || !moderatorUser) return
  const proposer = callerOf(proposerUser)
  const moderator = callerOf(moderatorUser)
  const { fieldwork, recommendationProgress } = services

  for (const force of DEMO_FORCES) {
    const current = await fieldwork.fieldwork(proposer, revisit.id, force.code)
    if (!current.areas.some((area) => area.findings.length || area.notes.length)) {
      for (const note of force.notes) await fieldwork.addNote(proposer, revisit.id, force.code, note)
      for (const finding of force.findings)
        await fieldwork.addFinding(proposer, revisit.id, force.code, { ...finding })
    }
    if (current.judgement?.status !== 'confirmed') {
      if (current.judgement?.status !== 'proposed' || current.judgement.judgement !== force.headline)
        await fieldwork.proposeJudgement(proposer, revisit.id, force.code, {
          judgement: force.headline,
          rationale: force.rationale,
        })
      await fieldwork.confirmJudgement(moderator, revisit.id, force.code, {
        note: 'Agreed at the regional moderation panel.',
      })
    }

    const progress = await recommendationProgress.forForce(proposer, revisit.id, force.code)
    if (progress.recommendations.some((r) => r.history.some((u) => u.inspectionId === revisit.id))) continue
    const caseworker = users.get(`caseworker@${force.code}.example`)
    for (const update of force.progress) {
      const by = update.by === 'force' && caseworker ? callerOf(caseworker) : proposer
      await recommendationProgress.record(by, revisit.id, force.code, {
        recommendation: update.recommendation,
        status: update.status,
        note: update.note,
      })
    }
  }
}
