/**
 * Early-intervention indicators on a person's integrity picture: how many records of one kind fall in
 * a rolling window ending today, against the count at which the force wants a caseworker to look
 * (its "line"), as the US early-intervention systems do. Each force sets its own lines and windows;
 * these are the defaults until it does.
 */
export const INDICATORS = {
  gifts: {
    title: 'Gifts and hospitality offered',
    one: 'offer of a gift or hospitality',
    many: 'offers of gifts or hospitality',
    unit: 'months',
    threshold: 4,
    window: 12,
  },
  'media-contacts': {
    title: 'Media contacts',
    one: 'media contact',
    many: 'media contacts',
    unit: 'days',
    threshold: 10,
    window: 90,
  },
  cases: {
    title: 'Cases as a subject',
    one: 'case as a subject',
    many: 'cases as a subject',
    unit: 'months',
    threshold: 2,
    window: 24,
  },
  alerts: {
    title: 'Alerts',
    one: 'alert',
    many: 'alerts',
    unit: 'months',
    threshold: 3,
    window: 12,
  },
} as const satisfies Record<
  string,
  { title: string; one: string; many: string; unit: WindowUnit; threshold: number; window: number }
>

export type WindowUnit = 'days' | 'months'
export type Indicator = keyof typeof INDICATORS
export const INDICATOR_NAMES = Object.keys(INDICATORS) as Indicator[]

/** The most a line and a window may be: beyond these an indicator would mean nothing. */
export const THRESHOLD_LIMITS = { min: 1, max: 1000 } as const
export const WINDOW_LIMITS: Record<WindowUnit, { min: number; max: number }> = {
  days: { min: 1, max: 3660 },
  months: { min: 1, max: 120 },
}

export interface IndicatorSetting {
  indicator: Indicator
  /** The count at which the indicator fires: this many or more in the window. */
  threshold: number
  /** The window's length, in the indicator's unit. */
  window: number
}

export interface IndicatorResult extends IndicatorSetting {
  title: string
  count: number
  fires: boolean
  /** "3 media contacts in the last 90 days". */
  countText: string
  /** "5 offers of gifts or hospitality in the last 12 months; your force’s line is 4". */
  reason: string
}

export const DEFAULT_SETTINGS: readonly IndicatorSetting[] = INDICATOR_NAMES.map((indicator) => ({
  indicator,
  threshold: INDICATORS[indicator].threshold,
  window: INDICATORS[indicator].window,
}))

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

function parts(day: string): [number, number, number] {
  const match = ISO_DAY.exec(day)
  if (!match) throw new Error(`not a day: ${day}`)
  return [Number(match[1]), Number(match[2]), Number(match[3])]
}

const iso = (date: Date) => date.toISOString().slice(0, 10)

/**
 * The day before the window begins: `window` days or calendar months before today. A month back from
 * the 31st (or 29 February) is the last day of the shorter month.
 */
export function windowStart(today: string, window: number, unit: WindowUnit): string {
  const [year, month, day] = parts(today)
  if (unit === 'days') return iso(new Date(Date.UTC(year, month - 1, day - window)))
  const months = year * 12 + (month - 1) - window
  const lastDay = new Date(Date.UTC(Math.floor(months / 12), (months % 12) + 1, 0)).getUTCDate()
  return iso(new Date(Date.UTC(Math.floor(months / 12), months % 12, Math.min(day, lastDay))))
}

/** Whether a day is in the window: after its start, and not after today. */
export function inWindow(day: string, start: string, today: string): boolean {
  return day > start && day <= today
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`

/** "12 months", "90 days", "1 month". */
export function windowText(window: number, unit: WindowUnit): string {
  return plural(window, unit.slice(0, -1), unit)
}

/** One indicator over the days of its records (ISO days, any order): its count, and whether it fires. */
export function evaluateIndicator(
  setting: IndicatorSetting,
  days: readonly string[],
  today: string,
): IndicatorResult {
  const definition = INDICATORS[setting.indicator]
  const start = windowStart(today, setting.window, definition.unit)
  const count = days.filter((day) => inWindow(day, start, today)).length
  const countText = `${plural(count, definition.one, definition.many)} in the last ${windowText(setting.window, definition.unit)}`
  return {
    ...setting,
    title: definition.title,
    count,
    fires: count >= setting.threshold,
    countText,
    reason: `${countText}; your force’s line is ${setting.threshold}`,
  }
}

/** A force's settings, each indicator's stored one or else its default, in the indicators' order. */
export function settingsWithDefaults(stored: readonly IndicatorSetting[]): IndicatorSetting[] {
  return DEFAULT_SETTINGS.map(
    (fallback) => stored.find((setting) => setting.indicator === fallback.indicator) ?? fallback,
  )
}
