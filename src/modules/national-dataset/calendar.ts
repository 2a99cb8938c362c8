/** Days as whole numbers (days since 1970-01-01, UTC), with the ISO text of each made once. */

const MS_PER_DAY = 86_400_000
const isoCache = new Map<number, string>()

export function dayNumber(iso: string): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY)
}

export function isoDay(day: number): string {
  let text = isoCache.get(day)
  if (text === undefined) {
    text = new Date(day * MS_PER_DAY).toISOString().slice(0, 10)
    isoCache.set(day, text)
  }
  return text
}

/** The instant of a day at a given UTC hour, as a timestamp column takes it. */
export function stamp(day: number, hour = 9): string {
  return `${isoDay(day)}T${String(hour).padStart(2, '0')}:00:00Z`
}

/** The same calendar day `years` years earlier or later (29 February becomes 28 February). */
export function shiftYears(iso: string, years: number): string {
  const [year, month, date] = iso.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(year + years, month - 1, 1))
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(date, last))
  return target.toISOString().slice(0, 10)
}
