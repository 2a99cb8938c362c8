import { z } from 'zod'
import { optionalDateField } from '../../domain/date-input.js'
import { type Day, parseDay } from '../../domain/fields.js'
import type { ForceReference } from '../forces/service.js'

/** Events per page, on the admin page and in the API. */
export const AUDIT_PAGE_SIZE = 50

/** The value of the force filter that asks for events that belong to no force (inspectorate, system). */
export const NO_FORCE = 'none'

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
})

function londonOffsetMs(instant: Date): number {
  const parts = Object.fromEntries(
    londonClock.formatToParts(instant).map((part) => [part.type, Number(part.value)]),
  )
  const wallClock = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  )
  return wallClock - Math.floor(instant.getTime() / 1000) * 1000
}

/**
 * The instant a day starts in England and Wales, where the forces are. Clocks change at 01:00 UTC,
 * never at midnight, so the offset at midnight UTC is the offset at local midnight.
 */
export function startOfLondonDay({ year, month, day }: Day): Date {
  const midnightUtc = Date.UTC(year, month - 1, day)
  return new Date(midnightUtc - londonOffsetMs(new Date(midnightUtc)))
}

function nextDay({ year, month, day }: Day): Day {
  const next = new Date(Date.UTC(year, month - 1, day + 1))
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }
}

const optionalText = (label: string, max: number) =>
  z
    .string(`${label} must be text`)
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((value) => value || undefined)

const optionalName = (label: string) =>
  z
    .string(`${label} must be text`)
    .trim()
    .toLowerCase()
    .max(50, `${label} must be 50 characters or fewer`)
    .regex(/^[a-z0-9-]*$/, `${label} can only contain letters, numbers and hyphens, like sign-in-failed`)
    .optional()
    .transform((value) => value || undefined)

/** A day of the filter, from a date input or text (2012-03-27), as the day it names. */
const optionalDay = (label: string) =>
  optionalDateField(label).transform((value) => (value === undefined ? undefined : parseDay(value)))

/**
 * The filters of the audit trail, as a query string: the admin page's form and the API take the same.
 * Dates are whole days in UK time; both ends are included.
 */
export const auditQuerySchema = z
  .object({
    force: z
      .string('Select a force from the list')
      .trim()
      .max(100, 'Select a force from the list')
      .optional()
      .transform((value) => value || undefined)
      .meta({
        description: `A force's code (as in /api/forces), or \`${NO_FORCE}\` for events that belong to no force. Inspectorate callers only: a force sees only its own events.`,
        example: 'greater-manchester',
      }),
    entityType: optionalName('Entity type').meta({ description: 'What was acted on', example: 'user' }),
    action: optionalName('Action').meta({ description: 'What was done', example: 'sign-in-failed' }),
    actor: optionalText('Actor', 200).meta({
      description: 'Part of the name, email address or token name of who acted (any case)',
      example: 'jane.smith@',
    }),
    from: optionalDay('From date').meta({ description: 'The first day, UK time (2012-03-27)' }),
    to: optionalDay('To date').meta({ description: 'The last day, UK time (2012-03-27)' }),
    page: z.coerce
      .number('The page must be a whole number')
      .int('The page must be a whole number')
      .min(1, 'The page must be 1 or more')
      .max(1_000_000, 'The page must be 1,000,000 or less')
      .default(1)
      .meta({ description: `Which page of ${AUDIT_PAGE_SIZE} events, newest first` }),
  })
  .superRefine((query, context) => {
    const { from, to } = query
    if (from && to && startOfLondonDay(from) > startOfLondonDay(to)) {
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: 'To date must be the same as or after the from date',
      })
    }
  })

export type AuditQuery = z.output<typeof auditQuerySchema>

/** What the service filters on: a force by id (null: events of no force), and instants for the dates. */
export interface AuditFilter {
  forceId?: number | null
  entityType?: string
  action?: string
  /** Part of the actor's label, matched in any case. */
  actor?: string
  /** Events at or after this instant. */
  from?: Date
  /** Events before this instant. */
  to?: Date
}

export type FilterResult =
  | { ok: true; filter: AuditFilter }
  | { ok: false; fieldErrors: Record<string, string> }

/** Turns the checked query into the service's filter; a force code that names no force is an error. */
export function toAuditFilter(query: AuditQuery, forces: ForceReference[]): FilterResult {
  let forceId: number | null | undefined
  if (query.force === NO_FORCE) forceId = null
  else if (query.force) {
    const force = forces.find((candidate) => candidate.code === query.force)
    if (!force) return { ok: false, fieldErrors: { force: 'Select a force from the list' } }
    forceId = force.id
  }
  return {
    ok: true,
    filter: {
      forceId,
      entityType: query.entityType,
      action: query.action,
      actor: query.actor,
      from: query.from && startOfLondonDay(query.from),
      to: query.to && startOfLondonDay(nextDay(query.to)),
    },
  }
}
