import { describe, expect, it } from 'vitest'
import {
  defaultSetting,
  type EscalationRule,
  evaluateRules,
  type ForceFacts,
  proposedChange,
  type RuleSetting,
} from './escalation.js'

const facts = (changes: Partial<ForceFacts> = {}): ForceFacts => ({
  today: '2012-12-31',
  inspection: { code: 'revisit-2012', title: 'The 2012 revisit', censusDate: '2012-05-31' },
  recommendations: [],
  judgement: null,
  dataReturn: { items: 10, missing: [] },
  awareness: [],
  ...changes,
})

const only = (rule: EscalationRule, changes: Partial<RuleSetting> = {}): RuleSetting[] => [
  { ...defaultSetting(rule), ...changes },
]

/** Recommendations due on the day given, none implemented. */
const due = (count: number, dueDate: string, status: string | null = 'in progress') =>
  Array.from({ length: count }, (_, index) => ({ code: `R${index + 1}`, dueDate, status }))

describe('overdue recommendations', () => {
  const rule = only('overdue-recommendations', { threshold: 3, days: 90 })

  it('fires at its line and says why', () => {
    const [finding, ...more] = evaluateRules(rule, facts({ recommendations: due(3, '2012-05-31') }))
    expect(more).toEqual([])
    expect(finding).toEqual({
      rule: 'overdue-recommendations',
      state: 'engage',
      reason:
        'Three recommendations not implemented more than 90 days after their due date (R1, R2, R3); the line is 3.',
    })
  })

  it('does not fire below its line', () => {
    expect(evaluateRules(rule, facts({ recommendations: due(2, '2012-05-31') }))).toEqual([])
  })

  it('counts a recommendation only once it is more than the days overdue, and not once implemented', () => {
    // 2 October 2012 is exactly 90 days before 31 December; 1 October is 91.
    expect(evaluateRules(rule, facts({ recommendations: due(3, '2012-10-02') }))).toEqual([])
    expect(evaluateRules(rule, facts({ recommendations: due(3, '2012-10-01') }))).toHaveLength(1)
    const done = [...due(2, '2012-05-31'), { code: 'R9', dueDate: '2012-05-31', status: 'implemented' }]
    expect(evaluateRules(rule, facts({ recommendations: done }))).toEqual([])
    const noDueDate = [...due(2, '2012-05-31'), { code: 'R9', dueDate: null, status: null }]
    expect(evaluateRules(rule, facts({ recommendations: noDueDate }))).toEqual([])
    const noUpdate = [...due(2, '2012-05-31'), { code: 'R9', dueDate: '2012-05-31', status: null }]
    expect(evaluateRules(rule, facts({ recommendations: noUpdate }))).toHaveLength(1)
  })
})

describe('headline judgement', () => {
  const rule = only('judgement', { judgements: ['limited progress'], state: 'intervention' })

  it('fires on a confirmed judgement the rule names, pointing where the rule points', () => {
    expect(
      evaluateRules(rule, facts({ judgement: { judgement: 'limited progress', status: 'confirmed' } })),
    ).toEqual([
      {
        rule: 'judgement',
        state: 'intervention',
        reason: 'The confirmed headline judgement of The 2012 revisit is “limited progress”.',
      },
    ])
  })

  it('does not fire on one only proposed, or on another judgement', () => {
    expect(
      evaluateRules(rule, facts({ judgement: { judgement: 'limited progress', status: 'proposed' } })),
    ).toEqual([])
    expect(
      evaluateRules(rule, facts({ judgement: { judgement: 'some improvements', status: 'confirmed' } })),
    ).toEqual([])
  })
})

describe('data return missing or late', () => {
  const rule = only('data-return-missing', { days: 30 })
  const missing = { items: 10, missing: ['Workforce', 'Second-job applications'] }

  it('fires the day after the return was due while items have no value', () => {
    const [finding] = evaluateRules(rule, facts({ today: '2012-07-01', dataReturn: missing }))
    expect(finding?.reason).toBe(
      'The data return for The 2012 revisit still lacks 2 of its 10 items (Workforce; Second-job applications); it was due on 30 June 2012, 30 days after the census date.',
    )
  })

  it('does not fire on the day it is due, nor for a complete return', () => {
    expect(evaluateRules(rule, facts({ today: '2012-06-30', dataReturn: missing }))).toEqual([])
    expect(evaluateRules(rule, facts({ dataReturn: { items: 10, missing: [] } }))).toEqual([])
    expect(evaluateRules(rule, facts({ dataReturn: null, inspection: null }))).toEqual([])
  })
})

describe('policy awareness below a line', () => {
  const rule = only('awareness-below-line', { threshold: 50 })

  it('fires for an area below the line, naming it and its rate', () => {
    const [finding] = evaluateRules(
      rule,
      facts({
        awareness: [
          { areaName: 'Social media', rate: 0.495 },
          { areaName: 'Business interests', rate: 0.8 },
        ],
      }),
    )
    expect(finding?.reason).toBe(
      'Staff awareness of the latest policy is below 50% in one area: social media 49.5%.',
    )
  })

  it('does not fire at the line, or where no one was asked', () => {
    expect(
      evaluateRules(
        rule,
        facts({
          awareness: [
            { areaName: 'Social media', rate: 0.5 },
            { areaName: 'Business interests', rate: null },
          ],
        }),
      ),
    ).toEqual([])
  })
})

describe('the state proposed', () => {
  const everything = facts({
    recommendations: due(5, '2012-01-31'),
    judgement: { judgement: 'limited progress', status: 'confirmed' },
  })

  it('is the closest watch any rule that fires points to, with the reasons of the rules that point there', () => {
    const settings = [...only('overdue-recommendations'), ...only('judgement', { state: 'intervention' })]
    const change = proposedChange('scan', evaluateRules(settings, everything))
    expect(change?.toState).toBe('intervention')
    expect(change?.reasons).toEqual([
      'The confirmed headline judgement of The 2012 revisit is “limited progress”.',
    ])
  })

  it('leaves out a rule that is turned off, and proposes nothing when the force is already there', () => {
    const settings = [...only('overdue-recommendations'), ...only('judgement', { enabled: false })]
    expect(evaluateRules(settings, everything).map((finding) => finding.rule)).toEqual([
      'overdue-recommendations',
    ])
    expect(proposedChange('engage', evaluateRules(settings, everything))).toBeNull()
  })

  it('proposes Scan again when no rule fires', () => {
    expect(proposedChange('engage', [])).toEqual({
      toState: 'scan',
      reasons: ['No rule fires: the force’s data no longer gives cause for closer monitoring.'],
    })
    expect(proposedChange('scan', [])).toBeNull()
  })
})
