import { ALERT_RULE_NAMES, ALERT_RULES, ALERT_STATUSES, type AlertStatus } from '../../domain/alert-rules.js'
import type { RuleCounts } from './service.js'

const STATUS_HEADINGS: Record<AlertStatus, string> = {
  open: 'Open',
  assessed: 'Assessed',
  dismissed: 'Dismissed',
  'case opened': 'Case opened',
  withdrawn: 'Withdrawn',
}

/** Every rule with its counts, none where the force has no alert of it. */
function everyRule(rules: readonly RuleCounts[] | undefined): RuleCounts[] {
  return ALERT_RULE_NAMES.map(
    (rule) =>
      rules?.find((entry) => entry.rule === rule) ?? {
        rule,
        title: ALERT_RULES[rule].title,
        counts: Object.fromEntries(ALERT_STATUSES.map((status) => [status, 0])) as Record<
          AlertStatus,
          number
        >,
      },
  )
}

/** How many open alerts a force has, over every rule. */
export function openAlertCount(rules: readonly RuleCounts[] | undefined): number {
  return (rules ?? []).reduce((sum, entry) => sum + entry.counts.open, 0)
}

/** A force's alert counts as a GOV.UK table: a row per rule, a column per status, and the totals. */
export function alertCountsTable(rules: readonly RuleCounts[] | undefined) {
  const all = everyRule(rules)
  const numeric = (value: number) => ({ text: String(value), format: 'numeric' })
  return {
    head: [
      { text: 'Rule' },
      ...ALERT_STATUSES.map((status) => ({ text: STATUS_HEADINGS[status], format: 'numeric' })),
    ],
    rows: [
      ...all.map((entry) => [
        { text: entry.title },
        ...ALERT_STATUSES.map((status) => numeric(entry.counts[status])),
      ]),
      [
        { text: 'All rules', classes: 'govuk-!-font-weight-bold' },
        ...ALERT_STATUSES.map((status) => numeric(all.reduce((sum, entry) => sum + entry.counts[status], 0))),
      ],
    ],
  }
}
