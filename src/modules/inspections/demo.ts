import { SYSTEM_CALLER } from '../../domain/access.js'
import type { SelfAssessmentRating } from '../../domain/inspections.js'
import type { Services } from '../../services.js'
import { shippedFramework2011 } from '../frameworks/shipped.js'

export const FRAMEWORK_CODE = 'without-fear-or-favour'
export const REVIEW_2011 = 'review-2011'
export const REVISIT_2012 = 'revisit-2012'

/** The forces of the 2012 press releases in test/fixtures; each ran its self-assessment. */
export const DEMO_SELF_ASSESSED = [
  { forceCode: 'cheshire', name: 'Helen Marlow', rank: 'Deputy Chief Constable' },
  { forceCode: 'cleveland', name: 'Robert Kerrigan', rank: 'Deputy Chief Constable' },
  { forceCode: 'greater-manchester', name: 'Andrew Halstead', rank: 'Assistant Chief Constable' },
] as const

/** What the 2012 version asks beyond 2011: how well staff know the force’s integrity policies. */
const AWARENESS_QUESTION = {
  code: 'standards-5',
  text: 'Do officers and staff know the force’s integrity policies, and has each acknowledged the latest version?',
  guidance:
    'Count acknowledgements of the latest version of each policy by the staff asked to read it, by the census date.',
  evidenceExpected: 'The share of staff who acknowledged each policy, from the force’s own records.',
}

const RATING_CYCLE: SelfAssessmentRating[] = ['fully met', 'fully met', 'partly met', 'fully met', 'not met']
const EVIDENCE = [
  'Policy approved by the professional standards board; see the board minutes and the intranet notice.',
  'Quarterly review of the register by the head of professional standards; review notes kept.',
  'Staff briefings and e-learning completed; completion figures attached.',
  'Audit reports for the data period and the action taken on each finding.',
  'Work has started; the action plan sets a completion date after the census date.',
]

/**
 * The inspectorate's demo: the shipped 2011 framework and the 2011 review of all 44 forces (closed),
 * version 2 of the framework (mapped to 2011) and the 2012 revisit of all 44 forces, with the three
 * fixture forces' self-assessments answered and signed off. Running it again adds nothing.
 */
export async function seedDemoInspections(services: Services): Promise<void> {
  const caller = SYSTEM_CALLER
  const { frameworks, inspections, selfAssessments } = services
  const first =
    (await frameworks.findVersion(caller, FRAMEWORK_CODE, 1)) ??
    (await frameworks.loadFramework(caller, shippedFramework2011()))

  const review =
    (await inspections.findByCode(caller, REVIEW_2011)) ??
    (await inspections.create(caller, {
      code: REVIEW_2011,
      title: 'Without Fear or Favour: review of police relationships (2011)',
      frameworkId: first.id,
      dataFrom: '2010-09-01',
      dataTo: '2011-08-31',
      censusDate: '2011-08-31',
      fieldworkFrom: '2011-09-01',
      fieldworkTo: '2011-10-31',
      status: 'closed',
    }))

  let second = await frameworks.findVersion(caller, FRAMEWORK_CODE, 2)
  if (!second) {
    second = await frameworks.newVersion(caller, first.id)
    await frameworks.updateDetails(caller, second.id, {
      title: 'Revisiting police relationships (2012)',
      description:
        'The 2011 framework carried forward for the 2012 revisit, with a question on policy awareness added. Mapped to 2011 so trends stay comparable.',
      judgementScale: second.judgementScale.join('\n'),
    })
    const detail = await frameworks.get(caller, second.id)
    const standards = detail.areas.find((area) => area.code === 'professional-standards')
    if (standards)
      await frameworks.saveQuestion(caller, second.id, null, { ...AWARENESS_QUESTION, areaId: standards.id })
  }
  if (second.status === 'draft') second = await frameworks.publish(caller, second.id)

  const revisit =
    (await inspections.findByCode(caller, REVISIT_2012)) ??
    (await inspections.create(caller, {
      code: REVISIT_2012,
      title: 'Revisiting police relationships (2012)',
      frameworkId: second.id,
      dataFrom: '2011-09-01',
      dataTo: '2012-05-31',
      censusDate: '2012-05-31',
      fieldworkFrom: '2012-07-01',
      fieldworkTo: '2012-08-31',
      revisitsId: review.id,
      status: 'open',
    }))

  for (const [f, signOff] of DEMO_SELF_ASSESSED.entries()) {
    const current = await selfAssessments.get(caller, revisit.id, signOff.forceCode)
    if (current.status === 'submitted') continue
    const questions = current.areas.flatMap((area) => area.questions.map((q) => q.question))
    await selfAssessments.saveAnswers(
      caller,
      revisit.id,
      signOff.forceCode,
      questions.map((question, q) => ({
        questionId: question.id,
        rating: RATING_CYCLE[(q + f) % RATING_CYCLE.length] as string,
        evidence: EVIDENCE[(q + f) % EVIDENCE.length] as string,
      })),
    )
    await selfAssessments.submit(caller, revisit.id, signOff.forceCode, {
      signedOffByName: signOff.name,
      signedOffByRank: signOff.rank,
      confirm: 'yes',
    })
  }
}
