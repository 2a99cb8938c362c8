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
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm'
import type { Database } from '../../db/connection.js'
import { contains } from '../../db/search-text.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { type Actor, actingId, type Caller, requireRole, type Scope } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import type { ForcesService } from '../forces/service.js'
import {
  type ChainedEvent,
  type ChainProblem,
  ChainVerifier,
  GENESIS_HASH,
  hashEvent,
  NATIONAL_CHAIN,
} from './chain.js'
import { type ChainHead, type Checkpoint, eventsCovered } from './checkpoints.js'
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
 * The chain a transaction appends to: that of the force whose scope it runs in, or the national chain
 * (0) for the inspectorate, the public and the system. One transaction, one chain, one head locked.
 */
const chainOfScope = sql<number>`coalesce(nullif(current_setting('app.force_id', true), '')::integer, 0)`

/** Locks the head of the transaction's chain until it commits, starting the chain on its first event. */
async function lockChainHead(tx: Transaction) {
  const locked = () =>
    tx.select().from(auditChainHead).where(eq(auditChainHead.id, chainOfScope)).for('update')
  const [head] = await locked()
  if (head) return head
  await tx
    .insert(auditChainHead)
    .values({ id: chainOfScope, seq: 0, hash: GENESIS_HASH })
    .onConflictDoNothing()
  const [started] = await locked()
  if (!started) throw new Error('the audit chain head could not be started')
  return started
}

/**
 * Appends one event in the caller's transaction, so a change and its record commit or fail together.
 * Locking its chain's head serialises appends to that chain: no chain forks, even with many app
 * instances, and writes of different forces do not wait for each other.
 */
export async function appendAuditEvent(tx: Transaction, actor: Actor, record: AuditRecord, now: Date) {
  const head = await lockChainHead(tx)
  const event: ChainedEvent = {
    chain: head.id,
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
  const { seq: chainSeq, ...fields } = event
  await tx.insert(auditEvents).values({ ...fields, actorType: actor.type, chain: head.id, chainSeq, hash })
  await tx.update(auditChainHead).set({ seq: chainSeq, hash }).where(eq(auditChainHead.id, head.id))
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

/** Where the trail breaks: the problem in its chain, and the event's number in the trail when it exists. */
type LocatedProblem = ChainProblem & { chain: number; trailSeq?: number }

/** The same, with the chain named for people. */
export type ChainBreak = LocatedProblem & { chainName: string }

export type ChainVerification =
  | { ok: true; events: number; chains: number }
  | ({ ok: false; events: number } & ChainBreak)

/** What walking the chains finds, before the broken chain is named. */
type Walked = { ok: true; events: number; chains: number } | ({ ok: false; events: number } & LocatedProblem)

const VERIFY_BATCH = 5000

/** The most events one download may hold. */
export const AUDIT_EXPORT_LIMIT = 50_000

/** A checkpoint and the name of the file it came from, to say which one shows a problem. */
export type NamedCheckpoint = Checkpoint & { file: string }

/** The chain's problem with, when the event is there, its number in the whole trail. */
async function located(tx: Transaction, chain: number, problem: ChainProblem): Promise<LocatedProblem> {
  const [event] = await tx
    .select({ seq: auditEvents.seq })
    .from(auditEvents)
    .where(and(eq(auditEvents.chain, chain), eq(auditEvents.chainSeq, problem.seq)))
  return {
    ...problem,
    chain,
    ...(event && problem.reason !== 'checkpoint-missing' ? { trailSeq: event.seq } : {}),
  }
}

/** The first checkpoint, oldest first, that finds one of its chains' ends gone or with another hash. */
async function checkpointProblem(
  tx: Transaction,
  checkpoints: NamedCheckpoint[],
): Promise<LocatedProblem | undefined> {
  const wanted = new Map<number, Set<number>>()
  for (const head of checkpoints.flatMap((checkpoint) => checkpoint.chains))
    wanted.set(head.chain, (wanted.get(head.chain) ?? new Set()).add(head.seq))
  const found = new Map<string, string>()
  const last = new Map<number, number>()
  for (const [chain, seqs] of wanted) {
    const inChain = eq(auditEvents.chain, chain)
    const rows = await tx
      .select({ seq: auditEvents.chainSeq, hash: auditEvents.hash })
      .from(auditEvents)
      .where(and(inChain, inArray(auditEvents.chainSeq, [...seqs])))
    for (const row of rows) found.set(`${chain} ${row.seq}`, row.hash)
    const [end] = await tx
      .select({ value: max(auditEvents.chainSeq) })
      .from(auditEvents)
      .where(inChain)
    last.set(chain, end?.value ?? 0)
  }
  const oldestFirst = [...checkpoints].sort((a, b) => eventsCovered(a) - eventsCovered(b))
  for (const checkpoint of oldestFirst) {
    const file = path.basename(checkpoint.file)
    for (const head of checkpoint.chains) {
      const hash = found.get(`${head.chain} ${head.seq}`)
      if (hash === undefined)
        return located(tx, head.chain, {
          kind: 'missing',
          seq: head.seq,
          reason: 'checkpoint-missing',
          found: last.get(head.chain) ?? 0,
          checkpoint: file,
        })
      if (hash !== head.hash)
        return located(tx, head.chain, {
          kind: 'altered',
          seq: head.seq,
          reason: 'checkpoint-hash',
          checkpoint: file,
        })
    }
  }
  return undefined
}

/** The fields an event's hash covers, as its chain numbers it. */
const asChained = (event: typeof auditEvents.$inferSelect): ChainedEvent & { hash: string } => ({
  ...event,
  seq: event.chainSeq,
})

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
    private readonly forces: ForcesService,
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

  /** Every chain's recorded end that has events: its last event's number in the chain and hash. */
  async heads(): Promise<ChainHead[]> {
    const rows = await this.db
      .select()
      .from(auditChainHead)
      .where(gt(auditChainHead.seq, 0))
      .orderBy(asc(auditChainHead.id))
    return rows.map((head) => ({ chain: head.id, seq: head.seq, hash: head.hash }))
  }

  /**
   * Recomputes every chain, in batches so memory stays flat however long the trail is, and checks that
   * no event lies outside a chain with a recorded end. Signed checkpoints, when given (their signatures
   * already checked), must each find every chain's end they record with the hash they record: that
   * catches a chain cut short or rewritten before the last checkpoint, which the chain alone cannot,
   * since whoever rewrites it can recompute every hash and its end.
   */
  async verify(checkpoints: NamedCheckpoint[] = []): Promise<ChainVerification> {
    const result = await this.db.transaction(
      async (tx): Promise<Walked> => {
        const anchored = await checkpointProblem(tx, checkpoints)
        if (anchored) return { ok: false, events: 0, ...anchored }
        const heads = await tx.select().from(auditChainHead).orderBy(asc(auditChainHead.id))
        let events = 0
        for (const head of heads) {
          const verifier = new ChainVerifier()
          let after = 0
          for (;;) {
            const batch = await tx
              .select()
              .from(auditEvents)
              .where(and(eq(auditEvents.chain, head.id), gt(auditEvents.chainSeq, after)))
              .orderBy(asc(auditEvents.chainSeq))
              .limit(VERIFY_BATCH)
            for (const event of batch) {
              const problem = verifier.next(asChained(event))
              if (problem)
                return {
                  ok: false,
                  events: events + verifier.checked,
                  ...(await located(tx, head.id, problem)),
                }
            }
            if (batch.length < VERIFY_BATCH) break
            after = batch[batch.length - 1]?.chainSeq ?? after
          }
          const problem = verifier.end(head)
          if (problem)
            return { ok: false, events: events + verifier.checked, ...(await located(tx, head.id, problem)) }
          events += verifier.checked
        }
        // Events the walk did not reach were not appended through a chain: those of a chain whose
        // recorded end is gone, or placed before a chain's start.
        const [stray] = await tx
          .select({ chain: auditEvents.chain, seq: auditEvents.chainSeq })
          .from(auditEvents)
          .where(
            or(
              notInArray(
                auditEvents.chain,
                heads.map((head) => head.id),
              ),
              lt(auditEvents.chainSeq, 1),
            ),
          )
          .orderBy(asc(auditEvents.seq))
          .limit(1)
        if (stray) {
          const head = heads.find((each) => each.id === stray.chain)
          const problem = await located(tx, stray.chain, {
            kind: 'altered',
            seq: stray.seq,
            reason: 'beyond-head',
            found: head?.seq,
          })
          return { ok: false, events, ...problem }
        }
        const chains = heads.filter((head) => head.seq > 0).length
        return { ok: true, events, chains }
      },
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    )
    if (result.ok) return result
    return { ...result, chainName: await this.chainName(result.chain) }
  }

  /** How a chain is named to people: by its force, or as the national chain. */
  private async chainName(chain: number): Promise<string> {
    if (chain === NATIONAL_CHAIN) return 'the national chain'
    return `the chain of ${(await this.forces.byId()).get(chain)?.name ?? `force ${chain}`}`
  }
}
