import { formatDay } from '../web/forms.js'
import { countOf } from './number-words.js'

/**
 * The monitoring states of a force, in HMICFRS's words: every force is in Scan (routine monitoring)
 * until the inspectorate moves it to Engage (enhanced monitoring); Intervention is the further step in
 * which HMICFRS raises a force's problems formally with its local policing body.
 */
export const MONITORING_STATES = ['scan', 'engage', 'intervention'] as const
export type MonitoringState = (typeof MONITORING_STATES)[number]

export const STATE_LABELS: Record<MonitoringState, string> = {
  scan: 'Scan',
  engage: 'Engage',
  intervention: 'Intervention',
}

export const STATE_DESCRIPTIONS: Record<MonitoringState, string> = {
  scan: 'Routine monitoring: the inspectorate watches the force’s data, returns and inspections, as for every force.',
  engage:
    'Enhanced monitoring: the inspectorate works with the force on a plan to put its causes of concern right.',
  intervention:
    'The inspectorate raises the force’s problems formally with its local policing body, which must respond.',
}

/** Where a state stands: a higher state is a closer watch. */
export const stateRank = (state: MonitoringState): number => MONITORING_STATES.indexOf(state)

/** A proposed change waits for a lead inspector; one evaluation's proposal replaces an older one. */
export const CHANGE_STATUSES = ['proposed', 'confirmed', 'rejected', 'superseded'] as const
export type ChangeStatus = (typeof CHANGE_STATUSES)[number]

/**
 * The inspectorate's rules over a force's data. Each has its own setting (enabled, its line, the
 * state it points to); `threshold`, `days` and `judgements` are null where the rule has no such line.
 */
export const ESCALATION_RULES = {
  'overdue-recommendations': {
    title: 'Recommendations overdue',
    /** So many recommendations or more not implemented… */
    threshold: 3,
    /** …more than this many days past their due date. */
    days: 90,
    judgements: null,
    state: 'engage',
  },
  judgement: {
    title: 'Headline judgement',
    threshold: null,
    days: null,
    /** A confirmed headline judgement of any of these. */
    judgements: ['limited progress'],
    state: 'engage',
  },
  'data-return-missing': {
    title: 'Data return missing or late',
    threshold: null,
    /** Items still without a value this many days after the inspection's census date. */
    days: 30,
    judgements: null,
    state: 'engage',
  },
  'awareness-below-line': {
    title: 'Policy awareness below a line',
    /** A policy area whose staff acknowledged its latest version at less than this percentage. */
    threshold: 50,
    days: null,
    judgements: null,
    state: 'engage',
  },
} as const satisfies Record<
  string,
  {
    title: string
    threshold: number | null
    days: number | null
    judgements: readonly string[] | null
    state: MonitoringState
  }
>

export type EscalationRule = keyof typeof ESCALATION_RULES
export const ESCALATION_RULE_NAMES = Object.keys(ESCALATION_RULES) as EscalationRule[]

export interface RuleSetting {
  rule: EscalationRule
  enabled: boolean
  threshold: number | null
  days: number | null
  judgements: string[] | null
  state: MonitoringState
}

/** A rule's setting as it stands when the inspectorate has not changed it. */
export function defaultSetting(rule: EscalationRule): RuleSetting {
  const defaults = ESCALATION_RULES[rule]
  return {
    rule,
    enabled: true,
    threshold: defaults.threshold,
    days: defaults.days,
    judgements: defaults.judgements ? [...defaults.judgements] : null,
    state: defaults.state,
  }
}

/** What the rules read about one force, as at `today`, from the inspection the evaluation looks at. */
export interface ForceFacts {
  today: string
  inspection: { code: string; title: string; censusDate: string } | null
  /** The force's recommendations in the inspection, each with its current status (null: no update yet). */
  recommendations: { code: string; dueDate: string | null; status: string | null }[]
  /** The force's headline judgement in the inspection, if any. */
  judgement: { judgement: string; status: string } | null
  /** The items of the force's data return that have no value (their labels), out of how many. */
  dataReturn: { items: number; missing: string[] } | null
  /** Each policy area's awareness as at today; rate null where no one was asked. */
  awareness: { areaName: string; rate: number | null }[]
}

export interface RuleFinding {
  rule: EscalationRule
  state: MonitoringState
  reason: string
}

const DONE = new Set(['implemented', 'superseded'])
const DAY = 86_400_000
const daysFrom = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY)
const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10)
const percent = (rate: number) => `${Math.round(rate * 1000) / 10}%`

type Evaluator = (setting: RuleSetting, facts: ForceFacts) => string | null

const EVALUATORS: Record<EscalationRule, Evaluator> = {
  'overdue-recommendations'(setting, { recommendations, today }) {
    const line = setting.threshold ?? 1
    const days = setting.days ?? 0
    const overdue = recommendations.filter(
      (r) => r.dueDate !== null && !DONE.has(r.status ?? '') && daysFrom(r.dueDate, today) > days,
    )
    if (overdue.length < line) return null
    const codes = overdue.map((r) => r.code).join(', ')
    return `${countOf(overdue.length, 'recommendation', { start: true })} not implemented more than ${countOf(days, 'day')} after ${overdue.length === 1 ? 'its' : 'their'} due date (${codes}); the line is ${line}.`
  },
  judgement(setting, { judgement, inspection }) {
    if (judgement?.status !== 'confirmed') return null
    if (!(setting.judgements ?? []).includes(judgement.judgement)) return null
    return `The confirmed headline judgement of ${inspection?.title ?? 'the inspection'} is “${judgement.judgement}”.`
  },
  'data-return-missing'(setting, { dataReturn, inspection, today }) {
    if (!dataReturn || !inspection || !dataReturn.missing.length) return null
    const due = addDays(inspection.censusDate, setting.days ?? 0)
    if (today <= due) return null
    const shown = dataReturn.missing.slice(0, 3).join('; ')
    const more = dataReturn.missing.length > 3 ? ` and ${dataReturn.missing.length - 3} more` : ''
    return `The data return for ${inspection.title} still lacks ${dataReturn.missing.length} of its ${dataReturn.items} items (${shown}${more}); it was due on ${formatDay(due)}, ${countOf(setting.days ?? 0, 'day')} after the census date.`
  },
  'awareness-below-line'(setting, { awareness }) {
    const line = (setting.threshold ?? 0) / 100
    const below = awareness.filter(
      (area): area is { areaName: string; rate: number } => area.rate !== null && area.rate < line,
    )
    if (!below.length) return null
    const areas = below.map((area) => `${area.areaName.toLowerCase()} ${percent(area.rate)}`).join(', ')
    return `Staff awareness of the latest policy is below ${setting.threshold}% in ${countOf(below.length, 'area')}: ${areas}.`
  },
}

/** The enabled rules that fire for the force, each with the state it points to and why. */
export function evaluateRules(settings: readonly RuleSetting[], facts: ForceFacts): RuleFinding[] {
  const findings: RuleFinding[] = []
  for (const setting of settings) {
    if (!setting.enabled) continue
    const reason = EVALUATORS[setting.rule](setting, facts)
    if (reason) findings.push({ rule: setting.rule, state: setting.state, reason })
  }
  return findings
}

/**
 * The state the findings call for: the closest watch any of them points to, or Scan when none fires.
 * A proposal is due only when that differs from where the force stands.
 */
export function proposedChange(
  current: MonitoringState,
  findings: readonly RuleFinding[],
): { toState: MonitoringState; reasons: string[] } | null {
  const toState = findings.reduce<MonitoringState>(
    (highest, finding) => (stateRank(finding.state) > stateRank(highest) ? finding.state : highest),
    'scan',
  )
  if (toState === current) return null
  const reasons = findings.length
    ? findings.filter((finding) => finding.state === toState).map((finding) => finding.reason)
    : ['No rule fires: the force’s data no longer gives cause for closer monitoring.']
  return { toState, reasons }
}
