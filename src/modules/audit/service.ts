import path from 'node:path'
import {
  and,
  asc,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  gte,
  ilike,
  inArray,
  isNull,
  lt,
  max,
  type SQL,
  sql,
} from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { contains } from '../../db/search-text.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Actor, actingId, type Caller, requireRole, type Scope } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import { type ChainedEvent, type ChainProblem, ChainVerifier, hashEvent } from './chain.js'
import type { Checkpoint } from './checkpoints.js'
import type { AuditFilter } from './filters.js'
import { auditChainHead, auditEvents } from './schema.js'

export type { AuditFilter } from './filters.js'

export interface AuditRecord {
  forceId: number | null
  entityType: string
  entityId?: string | null
  action: string
  before?: unknown
  after?: unknown
}

/** Dates and other objects become their JSON form, which is exactly what jsonb will give back. */
const asJson = (value: unknown) => (value === undefined ? null : JSON.parse(JSON.stringify(value)))

/**
 * Appends one event in the caller's transaction, so a change and its record commit or fail together.
 * Locking the chain head serialises appends: the chain never forks, even with many app instances.
 */
export async function appendAuditEvent(tx: Transaction, actor: Actor, record: AuditRecord, now: Date) {
  const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1)).for('update')
  if (!head) throw new Error('the audit chain head is missing: run probity migrate')
  const event: ChainedEvent = {
    seq: head.seq + 1,
    // Whole milliseconds: what JavaScript and the timestamp column both hold exactly.
    occurredAt: new Date(Math.floor(now.getTime())).toISOString(),
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    forceId: record.forceId,
    entityType: record.entityType,
    entityId: record.entityId ?? null,
    action: record.action,
    before: asJson(record.before),
    after: asJson(record.after),
    ipAddress: actor.ipAddress,
    prevHash: head.hash,
  }
  const hash = hashEvent(event)
  await tx.insert(auditEvents).values({ ...event, actorType: actor.type, hash })
  await tx.update(auditChainHead).set({ seq: event.seq, hash }).where(eq(auditChainHead.id, 1))
}

/** Records a download in the trail: which records, in what format, how many, and the filters that chose them. */
export async function appendExportEvent(
  tx: Transaction,
  actor: Actor,
  record: { forceId: number | null; entityType: string; format: string; rows: number; filters: unknown },
  now: Date,
) {
  const { forceId, entityType, ...after } = record
  await appendAuditEvent(tx, actor, { forceId, entityType, action: 'export', after }, now)
}

/**
 * Whether the acting user may not read what an event recorded: an event of a confidential case they
 * are not named on, whenever it was written (migration 0026 says which). Redacted on read, so the
 * stored events, and the hash chain over them, stay as they were.
 */
const redacted = sql<boolean>`audit_event_redacted(${auditEvents.entityType}, ${auditEvents.entityId})`

/** An event as its reader may see it: before and after withheld when redacted. */
const readableColumns = {
  ...getTableColumns(auditEvents),
  before: sql`case when ${redacted} then null else ${auditEvents.before} end`.mapWith(auditEvents.before),
  after: sql`case when ${redacted} then null else ${auditEvents.after} end`.mapWith(auditEvents.after),
  redacted: redacted.mapWith(Boolean),
}

export type AuditEvent = typeof auditEvents.$inferSelect & { redacted: boolean }

export type ChainVerification = { ok: true; events: number } | ({ ok: false; events: number } & ChainProblem)

const VERIFY_BATCH = 5000

/** The most events one download may hold. */
export const AUDIT_EXPORT_LIMIT = 50_000

/** A checkpoint and the name of the file it came from, to say which one shows a problem. */
export type NamedCheckpoint = Checkpoint & { file: string }

/** The first checkpoint, oldest first, whose event is gone or has another hash. */
async function checkpointProblem(
  tx: Transaction,
  checkpoints: NamedCheckpoint[],
): Promise<ChainProblem | undefined> {
  if (!checkpoints.length) return undefined
  const seqs = checkpoints.map((checkpoint) => checkpoint.seq)
  const found = new Map(
    (
      await tx
        .select({ seq: auditEvents.seq, hash: auditEvents.hash })
        .from(auditEvents)
        .where(inArray(auditEvents.seq, seqs))
    ).map((event) => [event.seq, event.hash]),
  )
  const [last] = await tx.select({ value: max(auditEvents.seq) }).from(auditEvents)
  for (const checkpoint of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    const hash = found.get(checkpoint.seq)
    const file = path.basename(checkpoint.file)
    if (hash === undefined)
      return {
        kind: 'missing',
        seq: checkpoint.seq,
        reason: 'checkpoint-missing',
        found: last?.value ?? 0,
        checkpoint: file,
      }
    if (hash !== checkpoint.hash)
      return { kind: 'altered', seq: checkpoint.seq, reason: 'checkpoint-hash', checkpoint: file }
  }
  return undefined
}

/** The conditions of a filter; those it leaves out match everything. */
function whereOf(filter: AuditFilter): SQL | undefined {
  const conditions: SQL[] = []
  if (filter.forceId === null) conditions.push(isNull(auditEvents.forceId))
  else if (filter.forceId !== undefined) conditions.push(eq(auditEvents.forceId, filter.forceId))
  if (filter.entityType) conditions.push(eq(auditEvents.entityType, filter.entityType))
  if (filter.action) conditions.push(eq(auditEvents.action, filter.action))
  if (filter.actor) conditions.push(ilike(auditEvents.actorLabel, contains(filter.actor)))
  if (filter.from) conditions.push(gte(auditEvents.occurredAt, filter.from.toISOString()))
  if (filter.to) conditions.push(lt(auditEvents.occurredAt, filter.to.toISOString()))
  return conditions.length ? and(...conditions) : undefined
}

export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * What happened to one record, oldest first: its history page. Anyone who may see the record may see
   * its history, so this asks for no role; row-level security still keeps it to the caller's force.
   */
  async history(caller: Caller, entityType: string, entityId: string): Promise<AuditEvent[]> {
    return this.reading(caller, caller.scope, (tx) =>
      tx
        .select(readableColumns)
        .from(auditEvents)
        .where(and(eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId)))
        .orderBy(asc(auditEvents.seq)),
    )
  }

  /** Reads in the caller's scope, telling the database who reads: redaction depends on it. */
  private reading<T>(caller: Caller, scope: Scope, work: (tx: Transaction) => Promise<T>): Promise<T> {
    return inScope(this.db, scope, work, actingId(caller))
  }

  /** Records that someone downloaded records: what, in which format, how many, and with which filters. */
  async recordExport(
    caller: Caller,
    record: { forceId: number | null; entityType: string; format: string; rows: number; filters: unknown },
    now: Date,
  ): Promise<void> {
    await inScope(this.db, caller.scope, (tx) => appendExportEvent(tx, caller.actor, record, now))
  }

  /**
   * The scope to read the trail in. Only the inspectorate and a force's own administrators read it;
   * row-level security limits a force to its own events whatever is asked, and asking for another
   * force's (or for no force's) is refused too, so the mistake is not mistaken for an empty trail.
   */
  private readingScope(
    caller: Caller,
    filter: AuditFilter,
  ): Extract<Scope, { kind: 'inspectorate' | 'force' }> {
    requireRole(caller, 'force-admin', 'inspectorate-admin')
    const { scope } = caller
    if (scope.kind !== 'inspectorate' && scope.kind !== 'force') throw new ForbiddenError()
    if (scope.kind === 'force' && filter.forceId !== undefined && filter.forceId !== scope.forceId) {
      throw new ForbiddenError('You can see only your own force’s audit events')
    }
    return scope
  }

  /** Events the caller may see, newest first, a page at a time. */
  async list(caller: Caller, filter: AuditFilter, page: { offset: number; limit: number }) {
    const scope = this.readingScope(caller, filter)
    const where = whereOf(filter)
    return this.reading(caller, scope, async (tx) => {
      const [total] = await tx.select({ value: count() }).from(auditEvents).where(where)
      const events = await tx
        .select(readableColumns)
        .from(auditEvents)
        .where(where)
        .orderBy(desc(auditEvents.seq))
        .offset(page.offset)
        .limit(page.limit)
      return { total: total?.value ?? 0, events }
    })
  }

  /**
   * Every event that matches, newest first, for a download, which is itself recorded in the trail in
   * the same transaction. More than AUDIT_EXPORT_LIMIT is refused rather than cut short silently.
   */
  async exportEvents(caller: Caller, filter: AuditFilter, format: string): Promise<AuditEvent[]> {
    const scope = this.readingScope(caller, filter)
    const where = whereOf(filter)
    return this.reading(caller, scope, async (tx) => {
      const [total] = await tx.select({ value: count() }).from(auditEvents).where(where)
      const matching = total?.value ?? 0
      if (matching > AUDIT_EXPORT_LIMIT) {
        throw new ValidationError({
          export: `${matching.toLocaleString('en-GB')} events match: narrow the filters to ${AUDIT_EXPORT_LIMIT.toLocaleString('en-GB')} or fewer to download them`,
        })
      }
      const events = await tx
        .select(readableColumns)
        .from(auditEvents)
        .where(where)
        .orderBy(desc(auditEvents.seq))
      // The download belongs to the force whose trail it is; an inspectorate-wide one to no force.
      const forceId = scope.kind === 'force' ? scope.forceId : (filter.forceId ?? null)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId,
          entityType: 'audit-event',
          action: 'export',
          after: { format, rows: events.length, filters: filter },
        },
        this.now(),
      )
      return events
    })
  }

  /** The chain's recorded end: its last event's number and hash (0 and "genesis" when empty). */
  async head(): Promise<{ seq: number; hash: string }> {
    const [head] = await this.db.select().from(auditChainHead).where(eq(auditChainHead.id, 1))
    if (!head) throw new Error('the audit chain head is missing: run probity migrate')
    return { seq: head.seq, hash: head.hash }
  }

  /**
   * Recomputes the whole chain, in batches so memory stays flat however long the trail is. Signed
   * checkpoints, when given (their signatures already checked), must each find their event with the
   * hash they record: that catches a trail cut short or rewritten before the last checkpoint, which
   * the chain alone cannot, since whoever rewrites it can recompute every hash and its end.
   */
  async verify(checkpoints: NamedCheckpoint[] = []): Promise<ChainVerification> {
    return this.db.transaction(
      async (tx) => {
        const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1))
        if (!head) return { ok: false, events: 0, kind: 'missing', seq: 1, reason: 'tail' }
        const anchored = await checkpointProblem(tx, checkpoints)
        if (anchored) return { ok: false, events: 0, ...anchored }
        const verifier = new ChainVerifier()
        let after = 0
        for (;;) {
          const batch = await tx
            .select()
            .from(auditEvents)
            .where(gt(auditEvents.seq, after))
            .orderBy(asc(auditEvents.seq))
            .limit(VERIFY_BATCH)
          for (const event of batch) {
            const problem = verifier.next(event)
            if (problem) return { ok: false, events: verifier.checked, ...problem }
          }
          if (batch.length < VERIFY_BATCH) break
          after = batch[batch.length - 1]?.seq ?? after
        }
        const problem = verifier.end(head)
        return problem
          ? { ok: false, events: verifier.checked, ...problem }
          : { ok: true, events: verifier.checked }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    )
  }
}
