/**
 * The correlation rules that look across a force's registers. Each force keeps its own setting of
 * each (enabled, threshold, window); the database applies them (migration 0039, probity_raise_alerts)
 * on every write to the registers concerned and over all data by `probity alerts run`.
 */
export const ALERT_RULES = {
  'gift-from-employer': {
    title: 'Gift from an organisation that employs the recipient in a second job',
    threshold: null,
    windowDays: null,
  },
  'gift-from-supplier-to-managing-unit': {
    title: 'Gift from a supplier whose contract the recipient’s unit manages',
    threshold: null,
    windowDays: null,
  },
  'media-hospitality-near-leak-investigation': {
    title: 'Hospitality from the media around a leak investigation’s dates',
    threshold: null,
    /** Days either side of the day a leak investigation was opened, or closed. */
    windowDays: 30,
  },
  'business-interest-in-supplier': {
    title: 'Second job or business interest in one of the force’s suppliers',
    threshold: null,
    windowDays: null,
  },
  'repeated-gifts-from-one-donor': {
    title: 'Repeated gifts or hospitality from one donor',
    /** Offers from one organisation to one person, counting this many or more… */
    threshold: 3,
    /** …within this many days. */
    windowDays: 365,
  },
} as const satisfies Record<string, { title: string; threshold: number | null; windowDays: number | null }>

export type AlertRule = keyof typeof ALERT_RULES
export const ALERT_RULE_NAMES = Object.keys(ALERT_RULES) as AlertRule[]

/** `withdrawn`: the rules no longer find it (its records, or the rule's settings, changed); it opens again if they do. */
export const ALERT_STATUSES = ['open', 'assessed', 'dismissed', 'case opened', 'withdrawn'] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]

/** The kind of case an alert of each rule opens. */
export const CASE_TYPE_OF_RULE: Record<AlertRule, string> = {
  'gift-from-employer': 'gifts or hospitality breach',
  'gift-from-supplier-to-managing-unit': 'gifts or hospitality breach',
  'media-hospitality-near-leak-investigation': 'inappropriate disclosure to the media',
  'business-interest-in-supplier': 'business interest breach',
  'repeated-gifts-from-one-donor': 'gifts or hospitality breach',
}
