/**
 * Data periods as press releases write them ("between September 2011 and May 2012", "since
 * September 2011", "from 3 September 2011 to 15 May 2012") and back to ISO days.
 */

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

export interface Period {
  from: string | null
  to: string | null
}

function parts(iso: string): [number, number, number] {
  return iso.split('-').map(Number) as [number, number, number]
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

const pad = (value: number) => String(value).padStart(2, '0')
const isoOf = (year: number, month: number, day: number) => `${year}-${pad(month)}-${pad(day)}`

/** "September 2011" when the day is the month's first (`end` false) or last (`end` true), else "3 September 2011". */
function dayText(iso: string, end: boolean): string {
  const [year, month, day] = parts(iso)
  const whole = end ? day === lastDayOfMonth(year, month) : day === 1
  return `${whole ? '' : `${day} `}${MONTHS[month - 1]} ${year}`
}

/** "between September 2011 and May 2012", "since September 2011", "up to May 2012". */
export function formatPeriod(period: Period): string {
  if (period.from && period.to)
    return `between ${dayText(period.from, false)} and ${dayText(period.to, true)}`
  if (period.from) return `since ${dayText(period.from, false)}`
  if (period.to) return `up to ${dayText(period.to, true)}`
  return ''
}

const MONTH_NAMES = new Map<string, number>()
MONTHS.forEach((name, index) => {
  MONTH_NAMES.set(name.toLowerCase(), index + 1)
  MONTH_NAMES.set(name.slice(0, 3).toLowerCase(), index + 1)
})
MONTH_NAMES.set('sept', 9)

const MONTH = `(?:${[...MONTH_NAMES.keys()].sort((a, b) => b.length - a.length).join('|')})(?![a-z])\\.?`
/** "3 September 2011", "3rd Sept 2011", "September 2011", "September" (year from the other end). */
const DATE = `(?:(\\d{1,2})(?:st|nd|rd|th)?\\s+)?(${MONTH})(?:\\s+(\\d{4}))?`
const RANGE = new RegExp(
  `\\b(?:between|from)\\s+${DATE}\\s+(?:and|to|until|till|-)\\s+(?:the\\s+end\\s+of\\s+)?${DATE}`,
  'i',
)
const DASHED = new RegExp(`\\b${DATE}\\s*(?:-|to|until)\\s*(?:the\\s+end\\s+of\\s+)?${DATE}`, 'i')
const SINCE = new RegExp(`\\b(?:since|from)\\s+${DATE}`, 'i')
const UNTIL = new RegExp(`\\b(?:up\\s+to|until|to\\s+the\\s+end\\s+of)\\s+${DATE}`, 'i')

interface DateParts {
  day: string | undefined
  month: string
  year: string | undefined
}

function toIso(date: DateParts, year: number, end: boolean): string | null {
  const month = MONTH_NAMES.get(date.month.toLowerCase().replace(/\.$/, ''))
  if (!month) return null
  const last = lastDayOfMonth(year, month)
  const day = date.day ? Number(date.day) : end ? last : 1
  if (day < 1 || day > last) return null
  return isoOf(year, month, day)
}

function range(match: RegExpExecArray): Period | null {
  const from: DateParts = { day: match[1], month: match[2] as string, year: match[3] }
  const to: DateParts = { day: match[4], month: match[5] as string, year: match[6] }
  const toYear = Number(to.year ?? from.year)
  const fromYear = Number(from.year ?? to.year)
  if (!toYear || !fromYear) return null
  const period = { from: toIso(from, fromYear, false), to: toIso(to, toYear, true) }
  if (!period.from || !period.to || period.from > period.to) return null
  return period
}

export interface PeriodFound {
  period: Period
  index: number
  length: number
}

/** The first data period a sentence states, with where it stands in the sentence; null when none. */
export function findPeriod(sentence: string): PeriodFound | null {
  for (const pattern of [RANGE, DASHED]) {
    const match = pattern.exec(sentence)
    const found = match && range(match)
    if (match && found) return { period: found, index: match.index, length: match[0].length }
  }
  const since = SINCE.exec(sentence)
  if (since?.[3]) {
    const from = toIso({ day: since[1], month: since[2] as string, year: since[3] }, Number(since[3]), false)
    if (from) return { period: { from, to: null }, index: since.index, length: since[0].length }
  }
  const until = UNTIL.exec(sentence)
  if (until?.[3]) {
    const to = toIso({ day: until[1], month: until[2] as string, year: until[3] }, Number(until[3]), true)
    if (to) return { period: { from: null, to }, index: until.index, length: until[0].length }
  }
  return null
}
