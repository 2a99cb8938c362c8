import { POLICY_AREAS } from '../../domain/inspections.js'
import type { PolicyAudience } from './schema.js'

export const POLICY_AREA_CODES: readonly string[] = POLICY_AREAS.map((area) => area.code)

/** The code of an area a force adds: `other-` and its name in lower case, words joined by hyphens. */
export function otherAreaCode(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `other-${slug || 'area'}`
}

/**
 * Whether a member of staff is in a version's audience: everyone, or — when units and grades are
 * named — someone in one of the units (if any are named) and of one of the grades (if any are named).
 */
export function inAudience(audience: PolicyAudience, member: { unit: string; grade: string }): boolean {
  if (audience.all) return true
  if (audience.units.length && !audience.units.includes(member.unit)) return false
  if (audience.grades.length && !audience.grades.includes(member.grade)) return false
  return audience.units.length > 0 || audience.grades.length > 0
}

/** The audience in words, for pages and exports. */
export function describeAudience(audience: PolicyAudience | null): string {
  if (!audience) return 'Not published'
  if (audience.all) return 'All staff'
  const parts: string[] = []
  if (audience.units.length) parts.push(`Units: ${audience.units.join(', ')}`)
  if (audience.grades.length) parts.push(`Grades: ${audience.grades.join(', ')}`)
  return parts.join('; ')
}

/** The share acknowledged, 0..1, or null when nobody was asked. */
export function rateOf(acknowledged: number, applicable: number): number | null {
  return applicable > 0 ? acknowledged / applicable : null
}

/** A rate as people read it: 25%, 33.3%; a dash when nobody was asked. */
export function percent(rate: number | null): string {
  if (rate === null) return '–'
  const value = Math.round(rate * 1000) / 10
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)}%`
}

/** One day plus some days, as an ISO day. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

/** How many days from one ISO day to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export interface TrendPoint {
  day: string
  applicable: number
  acknowledged: number
  rate: number | null
}

/**
 * The acknowledged share over time since publication: a point a day, or a week apart when the span is
 * longer than six weeks (always ending on the last day). Each point counts the people asked by that
 * day and those of them who had acknowledged by that day.
 */
export function trendOf(
  publishedOn: string,
  until: string,
  requests: { requestedOn: string; acknowledgedOn: string | null }[],
): TrendPoint[] {
  const last = until < publishedOn ? publishedOn : until
  const span = daysBetween(publishedOn, last)
  const step = span > 42 ? 7 : 1
  const days: string[] = []
  for (let offset = 0; offset <= span; offset += step) days.push(addDays(publishedOn, offset))
  if (days[days.length - 1] !== last) days.push(last)
  return days.map((day) => {
    const asked = requests.filter((request) => request.requestedOn <= day)
    const acknowledged = asked.filter((request) => request.acknowledgedOn && request.acknowledgedOn <= day)
    return {
      day,
      applicable: asked.length,
      acknowledged: acknowledged.length,
      rate: rateOf(acknowledged.length, asked.length),
    }
  })
}

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`)

/**
 * The trend as an inline SVG line chart, drawn on the server (no script): `role="img"` with a title and
 * a description that states the figures, so the picture says the same as the table beside it.
 */
export function trendChartSvg(
  id: string,
  title: string,
  points: TrendPoint[],
  /** The description in the page's language, from its English. */
  say: (english: string) => string = (english) => english,
): string {
  const width = 640
  const height = 260
  const left = 48
  const right = 16
  const top = 16
  const bottom = 40
  const plotWidth = width - left - right
  const plotHeight = height - top - bottom
  const x = (index: number) =>
    left + (points.length > 1 ? (index / (points.length - 1)) * plotWidth : plotWidth / 2)
  const y = (rate: number) => top + plotHeight - rate * plotHeight
  const first = points[0]
  const final = points[points.length - 1]
  const description = say(
    first && final
      ? `From ${first.day} to ${final.day} the share of staff asked who acknowledged went from ${percent(first.rate)} to ${percent(final.rate)} (${final.acknowledged} of ${final.applicable}).`
      : 'No figures yet.',
  )
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (rate) =>
        `<line x1="${left}" x2="${width - right}" y1="${y(rate)}" y2="${y(rate)}" stroke="#b1b4b6" stroke-width="1"/>` +
        `<text x="${left - 6}" y="${y(rate) + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">${rate * 100}%</text>`,
    )
    .join('')
  const drawn = points.map((point, index) => ({ point, index })).filter(({ point }) => point.rate !== null)
  const line = drawn.map(({ point, index }) => `${x(index).toFixed(1)},${y(point.rate as number).toFixed(1)}`)
  const dots = drawn
    .map(
      ({ point, index }) =>
        `<circle cx="${x(index).toFixed(1)}" cy="${y(point.rate as number).toFixed(1)}" r="3" fill="#1d70b8"/>`,
    )
    .join('')
  const labels =
    first && final
      ? `<text x="${left}" y="${height - 12}" font-size="12" fill="#0b0c0c">${escapeXml(first.day)}</text>` +
        `<text x="${width - right}" y="${height - 12}" text-anchor="end" font-size="12" fill="#0b0c0c">${escapeXml(final.day)}</text>`
      : ''
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMinYMin meet">` +
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>` +
    grid +
    (line.length > 1
      ? `<polyline points="${line.join(' ')}" fill="none" stroke="#1d70b8" stroke-width="3"/>`
      : '') +
    dots +
    labels +
    '</svg>'
  )
}
