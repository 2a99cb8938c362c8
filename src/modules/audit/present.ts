import { z } from 'zod'
import type { Column } from '../../spreadsheets/write.js'
import type { ForceReference } from '../forces/service.js'
import { NATIONAL_CHAIN } from './chain.js'
import type { AuditEvent } from './service.js'

export const auditEventSchema = z
  .object({
    seq: z.number().int().meta({
      description:
        'The event’s number in the whole trail, given by the database as it was appended (not hashed: the chain number is)',
      example: 17,
    }),
    chain: z.string().meta({
      description:
        'The hash chain the event belongs to: the code of the force whose user or token recorded it, or "national" for the inspectorate, the system and sign-ins (and every event recorded before chains were per force)',
      example: 'cheshire',
    }),
    chainSeq: z.number().int().meta({ description: 'The event’s number in its chain, from 1', example: 9 }),
    occurredAt: z.iso.datetime().meta({ example: '2012-03-27T09:30:00.000Z' }),
    actor: z.object({
      type: z.enum(['user', 'api-token', 'system', 'anonymous']),
      id: z.string().nullable().meta({ description: 'The user’s or API token’s id' }),
      label: z.string().meta({ example: 'Jane Smith <jane.smith@example.police.uk>' }),
      ipAddress: z.string().nullable(),
    }),
    force: z
      .object({ code: z.string(), name: z.string() })
      .nullable()
      .meta({ description: 'The force the event belongs to; null for the inspectorate and the system' }),
    entity: z.object({
      type: z.string().meta({ example: 'user' }),
      id: z.string().nullable(),
    }),
    action: z.string().meta({ example: 'update' }),
    before: z
      .unknown()
      .meta({ description: 'The entity before the change (null when created or not recorded)' }),
    after: z.unknown().meta({ description: 'The entity after the change, or the details of the event' }),
    redacted: z.boolean().meta({
      description:
        'True for an event of a confidential case you are not named on: before and after are withheld (null), whenever the event was written',
    }),
    prevHash: z
      .string()
      .meta({ description: 'The hash of the event before it in its chain ("genesis" for the first)' }),
    hash: z.string().meta({
      description:
        'SHA-256 of the event’s canonical JSON, including its number in its chain, its chain when a force’s, and prevHash',
    }),
  })
  .meta({ id: 'AuditEvent' })

export type AuditEventView = z.infer<typeof auditEventSchema>

export function presentEvent(event: AuditEvent, forcesById: Map<number, ForceReference>): AuditEventView {
  const force = event.forceId === null ? undefined : forcesById.get(event.forceId)
  return {
    seq: event.seq,
    chain:
      event.chain === NATIONAL_CHAIN
        ? 'national'
        : (forcesById.get(event.chain)?.code ?? String(event.chain)),
    chainSeq: event.chainSeq,
    occurredAt: new Date(event.occurredAt).toISOString(),
    actor: { type: event.actorType, id: event.actorId, label: event.actorLabel, ipAddress: event.ipAddress },
    force:
      event.forceId === null
        ? null
        : { code: force?.code ?? String(event.forceId), name: force?.name ?? `Force ${event.forceId}` },
    entity: { type: event.entityType, id: event.entityId },
    action: event.action,
    before: event.before ?? null,
    after: event.after ?? null,
    redacted: event.redacted,
    prevHash: event.prevHash,
    hash: event.hash,
  }
}

export interface Change {
  field: string
  before: string
  after: string
  changed: boolean
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function shown(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  // Spaced out, so a long list or object can wrap in a narrow column.
  return JSON.stringify(value, null, 1).replace(/\s*\n\s*/g, ' ')
}

/**
 * Before and after as rows of a table a person can read: one per field, in the order the fields
 * first appear, marking those the event changed. A value that is not an object is one row.
 */
export function changesOf(before: unknown, after: unknown): Change[] {
  const beforeIsRecord = before === null || isRecord(before)
  const afterIsRecord = after === null || isRecord(after)
  if (!beforeIsRecord || !afterIsRecord) {
    return [
      { field: 'value', before: shown(before), after: shown(after), changed: shown(before) !== shown(after) },
    ]
  }
  const fields = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
  return fields.map((field) => {
    const was = shown(before?.[field])
    const is = shown(after?.[field])
    return { field, before: was, after: is, changed: before !== null && after !== null && was !== is }
  })
}

/** Numbered links to pages: the first, the last, and those next to the current one, with gaps marked. */
export function paginationFor(current: number, totalPages: number, hrefFor: (page: number) => string) {
  if (totalPages <= 1) return undefined
  const wanted = new Set([1, totalPages, current - 1, current, current + 1])
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = []
  let previous = 0
  for (const number of [...wanted].filter((page) => page >= 1 && page <= totalPages).sort((a, b) => a - b)) {
    if (number - previous > 1) items.push({ ellipsis: true })
    items.push({ number, href: hrefFor(number), current: number === current })
    previous = number
  }
  return {
    items,
    previous: current > 1 ? { href: hrefFor(Math.min(current - 1, totalPages)) } : undefined,
    next: current < totalPages ? { href: hrefFor(current + 1) } : undefined,
  }
}

const json = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value))

/** The columns of the audit trail's CSV download: everything the API gives, flat. */
export const AUDIT_CSV_COLUMNS: Column<AuditEventView>[] = [
  { header: 'Event', value: (event) => event.seq },
  { header: 'Chain', value: (event) => event.chain },
  { header: 'Number in chain', value: (event) => event.chainSeq },
  { header: 'Time (UTC)', value: (event) => event.occurredAt },
  { header: 'Actor type', value: (event) => event.actor.type },
  { header: 'Actor', value: (event) => event.actor.label },
  { header: 'Actor id', value: (event) => event.actor.id },
  { header: 'IP address', value: (event) => event.actor.ipAddress },
  { header: 'Force code', value: (event) => event.force?.code },
  { header: 'Force', value: (event) => event.force?.name },
  { header: 'Entity type', value: (event) => event.entity.type },
  { header: 'Entity id', value: (event) => event.entity.id },
  { header: 'Action', value: (event) => event.action },
  { header: 'Before (JSON)', value: (event) => json(event.before) },
  { header: 'After (JSON)', value: (event) => json(event.after) },
  { header: 'Previous hash', value: (event) => event.prevHash },
  { header: 'Hash', value: (event) => event.hash },
  { header: 'Redacted', value: (event) => (event.redacted ? 'redacted: a confidential case' : '') },
]

/** A record's history for its page: who did what and when, with the fields each change changed. */
export function historyOf(events: AuditEvent[]) {
  return events.map((event) => ({
    action: event.action,
    actor: event.actorLabel,
    occurredAt: event.occurredAt,
    changes: event.action === 'create' ? [] : changesOf(event.before, event.after).filter((c) => c.changed),
  }))
}
