import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { and, asc, eq, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runProbity } from '../../../test/support/cli-runner.js'
import { copyMigratedDataDir } from '../../../test/support/migrated-snapshot.js'
import { signal } from '../../../test/support/signal.js'
import { createTestDatabase } from '../../../test/support/test-database.js'
import { type Database, type DatabaseHandle, openDatabase, queryRows } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Actor, type Caller, type Principal, type Scope, SYSTEM_CALLER } from '../../domain/access.js'
import type { Role } from '../../domain/roles.js'
import { forces } from '../forces/schema.js'
import { ForcesService } from '../forces/service.js'
import { describeProblem } from './chain.js'
import { auditChainHead, auditEvents } from './schema.js'
import { AuditService, appendAuditEvent } from './service.js'
import { tamper } from './test-support.js'

const actor = (label: string): Actor => ({ type: 'user', id: label, label, ipAddress: '192.0.2.10' })

function callerAs(role: Role, forceId: number | null): Caller {
  const principal: Principal = {
    kind: 'user',
    id: `${role}-${forceId}`,
    label: `A ${role}`,
    role,
    forceId,
    staffMemberId: null,
  }
  return {
    principal,
    actor: actor(principal.label),
    scope: forceId === null ? { kind: 'inspectorate' } : { kind: 'force', forceId },
  }
}

/** Appends one event as `scope` would, in its own transaction, as every service does. */
function append(db: Database, scope: Scope, record: Parameters<typeof appendAuditEvent>[2], at: Date) {
  return inScope(db, scope, (tx) => appendAuditEvent(tx, actor(`someone in ${scope.kind}`), record, at))
}

async function forceIds(db: Database, ...codes: string[]): Promise<number[]> {
  const rows = await db.select({ id: forces.id, code: forces.code }).from(forces)
  return codes.map((code) => {
    const row = rows.find((candidate) => candidate.code === code)
    if (!row) throw new Error(`no force ${code}`)
    return row.id
  })
}

/** A chain's `chainSeq`th event. */
async function eventOf(db: Database, chain: number, chainSeq: number) {
  const [event] = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.chain, chain), eq(auditEvents.chainSeq, chainSeq)))
  if (!event) throw new Error(`no event ${chainSeq} in chain ${chain}`)
  return event
}

/** Postgres's message for an error, wherever the driver put it. */
async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause
    const messages = [error, cause].map((each) => (each instanceof Error ? each.message : String(each)))
    return messages.join(' / ')
  }
  throw new Error('the statement was not refused')
}

describe('the audit trail in the database', () => {
  let database: DatabaseHandle
  let audit: AuditService
  let cheshire: number
  let cleveland: number

  beforeAll(async () => {
    database = await createTestDatabase()
    audit = new AuditService(database.db, new ForcesService(database.db))
    ;[cheshire, cleveland] = (await forceIds(database.db, 'cheshire', 'cleveland')) as [number, number]
  })
  afterAll(() => database.close())

  it('starts empty and intact', async () => {
    expect(await audit.verify()).toEqual({ ok: true, events: 0, chains: 0 })
  })

  it('chains each force’s events apart, and those of the inspectorate and the public nationally', async () => {
    const db = database.db
    const base = Date.UTC(2012, 2, 27, 9)
    await append(
      db,
      { kind: 'inspectorate' },
      {
        forceId: null,
        entityType: 'user',
        entityId: 'i-1',
        action: 'create',
        after: { name: 'Inspector', role: 'inspector' },
      },
      new Date(base),
    )
    await append(
      db,
      { kind: 'force', forceId: cheshire },
      {
        forceId: cheshire,
        entityType: 'user',
        entityId: 'c-1',
        action: 'create',
        after: { name: 'Ann', when: new Date(base) },
      },
      new Date(base + 1_000),
    )
    await append(
      db,
      { kind: 'force', forceId: cleveland },
      {
        forceId: cleveland,
        entityType: 'user',
        entityId: 'v-1',
        action: 'update',
        before: { name: 'Bob' },
        after: { name: 'Robert', nested: { list: [1, 2.5, 'three'], empty: {} } },
      },
      new Date(base + 2_000),
    )
    await append(
      db,
      { kind: 'public' },
      {
        forceId: null,
        entityType: 'user',
        action: 'sign-in-failed',
        after: { reason: 'unknown account', text: 'ünïcödé ✓ "quoted" \\ back' },
      },
      new Date(base + 3_000.7),
    )
    await append(
      db,
      { kind: 'force', forceId: cheshire },
      {
        forceId: cheshire,
        entityType: 'api-token',
        entityId: 'c-2',
        action: 'delete',
        before: { name: 'old' },
      },
      new Date(base + 4_000),
    )

    expect(await audit.verify()).toEqual({ ok: true, events: 5, chains: 3 })
    const rows = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq))
    expect(rows.map((row) => [row.seq, row.chain, row.chainSeq])).toEqual([
      [1, 0, 1],
      [2, cheshire, 1],
      [3, cleveland, 1],
      [4, 0, 2],
      [5, cheshire, 2],
    ])
    const [first, second, third, fourth, fifth] = rows
    expect([first?.prevHash, second?.prevHash, third?.prevHash]).toEqual(['genesis', 'genesis', 'genesis'])
    expect(fourth?.prevHash).toBe(first?.hash)
    expect(fifth?.prevHash).toBe(second?.hash)
    const heads = await db.select().from(auditChainHead).orderBy(asc(auditChainHead.id))
    expect(heads).toEqual(
      [
        { id: 0, seq: 2, hash: fourth?.hash },
        { id: cheshire, seq: 2, hash: fifth?.hash },
        { id: cleveland, seq: 1, hash: third?.hash },
      ].sort((a, b) => a.id - b.id),
    )
  })

  it('never forks the chain when many transactions append at once', async () => {
    const db = database.db
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        append(
          db,
          index % 2 ? { kind: 'force', forceId: cheshire } : { kind: 'force', forceId: cleveland },
          {
            forceId: index % 2 ? cheshire : cleveland,
            entityType: 'user',
            entityId: `p-${index}`,
            action: 'update',
            after: { index },
          },
          new Date(Date.UTC(2012, 3, 1, 12, 0, index)),
        ),
      ),
    )
    expect(await audit.verify()).toEqual({ ok: true, events: 17, chains: 3 })
    const numbers = await db
      .select({ chain: auditEvents.chain, chainSeq: auditEvents.chainSeq })
      .from(auditEvents)
      .orderBy(asc(auditEvents.chain), asc(auditEvents.chainSeq))
    const inChain = (chain: number) => numbers.filter((row) => row.chain === chain).map((row) => row.chainSeq)
    expect(inChain(cheshire)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(inChain(cleveland)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('rolls the event back with the change it records', async () => {
    await expect(
      inScope(database.db, { kind: 'inspectorate' }, async (tx) => {
        await appendAuditEvent(
          tx,
          actor('x'),
          { forceId: null, entityType: 'user', action: 'create' },
          new Date(),
        )
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    expect(await audit.verify()).toEqual({ ok: true, events: 17, chains: 3 })
  })

  describe('lists events to those who may see them', () => {
    const page = { offset: 0, limit: 50 }

    it('shows the inspectorate every force’s events and those of no force', async () => {
      const { total, events } = await audit.list(callerAs('inspectorate-admin', null), {}, page)
      expect(total).toBe(17)
      expect(events.map((event) => event.seq)).toEqual(Array.from({ length: 17 }, (_, index) => 17 - index))
      expect((await audit.list(callerAs('inspectorate-admin', null), { forceId: null }, page)).total).toBe(2)
      expect(
        (await audit.list(callerAs('inspectorate-admin', null), { forceId: cleveland }, page)).total,
      ).toBe(7)
    })

    it('shows a force admin only their force’s events, and refuses to look at another’s', async () => {
      const admin = callerAs('force-admin', cheshire)
      const { total, events } = await audit.list(admin, {}, page)
      expect(total).toBe(8)
      expect(events.every((event) => event.forceId === cheshire)).toBe(true)
      expect((await audit.list(admin, { forceId: cheshire }, page)).total).toBe(8)
      await expect(audit.list(admin, { forceId: cleveland }, page)).rejects.toMatchObject({ statusCode: 403 })
      await expect(audit.list(admin, { forceId: null }, page)).rejects.toMatchObject({ statusCode: 403 })
    })

    it('still shows a force only its own events if the service check were bypassed (row-level security)', async () => {
      const rows = await inScope(database.db, { kind: 'force', forceId: cheshire }, (tx) =>
        tx.select().from(auditEvents).where(eq(auditEvents.forceId, cleveland)),
      )
      expect(rows).toEqual([])
    })

    it('refuses roles below admin', async () => {
      await expect(audit.list(callerAs('force-caseworker', cheshire), {}, page)).rejects.toMatchObject({
        statusCode: 403,
      })
      await expect(audit.list(callerAs('inspector', null), {}, page)).rejects.toMatchObject({
        statusCode: 403,
      })
    })

    it('filters by entity, action, actor and time', async () => {
      const inspectorate = SYSTEM_CALLER
      expect((await audit.list(inspectorate, { entityType: 'api-token' }, page)).total).toBe(1)
      expect((await audit.list(inspectorate, { action: 'sign-in-failed' }, page)).total).toBe(1)
      expect((await audit.list(inspectorate, { actor: 'SOMEONE IN FORCE' }, page)).total).toBe(15)
      expect((await audit.list(inspectorate, { actor: '100%_' }, page)).total).toBe(0)
      const march = { from: new Date(Date.UTC(2012, 2, 27)), to: new Date(Date.UTC(2012, 2, 28)) }
      expect((await audit.list(inspectorate, march, page)).total).toBe(5)
      expect(
        (await audit.list(inspectorate, { from: new Date(Date.UTC(2012, 2, 27, 9, 0, 3)) }, page)).total,
      ).toBe(14)
    })

    it('pages newest first', async () => {
      const { total, events } = await audit.list(SYSTEM_CALLER, {}, { offset: 5, limit: 5 })
      expect(total).toBe(17)
      expect(events.map((event) => event.seq)).toEqual([12, 11, 10, 9, 8])
    })
  })

  describe('refuses to change recorded events', () => {
    it('the app role may not UPDATE, DELETE or TRUNCATE them', async () => {
      const asApp = (statement: ReturnType<typeof sql>) =>
        inScope(database.db, { kind: 'inspectorate' }, (tx) => tx.execute(statement))
      expect(await refusal(asApp(sql`update audit_events set action = 'forged' where seq = 2`))).toMatch(
        /permission denied/,
      )
      expect(await refusal(asApp(sql`delete from audit_events where seq = 2`))).toMatch(/permission denied/)
      expect(await refusal(asApp(sql`truncate audit_events`))).toMatch(/permission denied/)
      expect(await audit.verify()).toEqual({ ok: true, events: 17, chains: 3 })
    })

    it('even the owner is refused by the triggers', async () => {
      const db = database.db
      expect(await refusal(db.execute(sql`update audit_events set action = 'forged' where seq = 2`))).toMatch(
        /append-only: UPDATE/,
      )
      expect(await refusal(db.execute(sql`delete from audit_events where seq = 2`))).toMatch(
        /append-only: DELETE/,
      )
      expect(await refusal(db.execute(sql`truncate audit_events`))).toMatch(/append-only: TRUNCATE/)
      expect(await audit.verify()).toEqual({ ok: true, events: 17, chains: 3 })
    })
  })

  describe('finds tampering done with the triggers switched off', () => {
    const intact = { ok: true, events: 17, chains: 3 }

    it('names an event whose content was edited, with its chain, and is intact again once it is put back', async () => {
      const db = database.db
      const original = await eventOf(db, cleveland, 1)
      await tamper(db, (tx) =>
        tx
          .update(auditEvents)
          .set({ after: { name: 'Someone else' } })
          .where(eq(auditEvents.seq, original.seq)),
      )
      const broken = await audit.verify()
      expect(broken).toMatchObject({
        ok: false,
        kind: 'altered',
        chain: cleveland,
        chainName: 'the chain of Cleveland Police',
        seq: 1,
        trailSeq: 3,
        reason: 'content',
      })
      if (broken.ok) throw new Error('expected a broken trail')
      expect(describeProblem(broken)).toBe(
        'in the chain of Cleveland Police, event 1 (number 3 in the trail) was altered (its content no longer matches its hash).',
      )

      await tamper(db, (tx) =>
        tx.update(auditEvents).set({ after: original.after }).where(eq(auditEvents.seq, original.seq)),
      )
      expect(await audit.verify()).toEqual(intact)
    })

    it('names an edited time, actor, force or chain number', async () => {
      const db = database.db
      const original = await eventOf(db, cheshire, 1)
      for (const change of [
        { occurredAt: '2012-03-27T09:00:01.001Z' },
        { actorLabel: 'Nobody' },
        { forceId: cleveland },
        { chainSeq: 9 },
      ]) {
        await tamper(db, (tx) => tx.update(auditEvents).set(change).where(eq(auditEvents.seq, original.seq)))
        expect(await audit.verify()).toMatchObject({ ok: false, chain: cheshire, seq: 1 })
        await tamper(db, (tx) =>
          tx.update(auditEvents).set(original).where(eq(auditEvents.seq, original.seq)),
        )
      }
      expect(await audit.verify()).toEqual(intact)
    })

    it('names an event moved into another chain', async () => {
      const db = database.db
      const original = await eventOf(db, cheshire, 8)
      await tamper(db, (tx) =>
        tx
          .update(auditEvents)
          .set({ chain: cleveland, chainSeq: 8 })
          .where(eq(auditEvents.seq, original.seq)),
      )
      expect(await audit.verify()).toMatchObject({ ok: false, chain: cheshire, kind: 'missing', seq: 8 })
      await tamper(db, (tx) => tx.update(auditEvents).set(original).where(eq(auditEvents.seq, original.seq)))
      expect(await audit.verify()).toEqual(intact)
    })

    it('names a whole chain relabelled as another force’s, end and all', async () => {
      const db = database.db
      const [warwickshire] = (await forceIds(db, 'warwickshire')) as [number]
      const relabel = (from: number, to: number) =>
        tamper(db, async (tx) => {
          await tx.update(auditEvents).set({ chain: to }).where(eq(auditEvents.chain, from))
          await tx.update(auditChainHead).set({ id: to }).where(eq(auditChainHead.id, from))
        })
      await relabel(cleveland, warwickshire)
      expect(await audit.verify()).toMatchObject({
        ok: false,
        kind: 'altered',
        chain: warwickshire,
        seq: 1,
        reason: 'content',
      })
      await relabel(warwickshire, cleveland)
      expect(await audit.verify()).toEqual(intact)
    })

    it('names an event deleted from the middle of a chain as missing', async () => {
      const db = database.db
      const original = await eventOf(db, cleveland, 4)
      await tamper(db, (tx) => tx.delete(auditEvents).where(eq(auditEvents.seq, original.seq)))
      expect(await audit.verify()).toMatchObject({
        ok: false,
        kind: 'missing',
        chain: cleveland,
        seq: 4,
        reason: 'gap',
        found: 5,
      })
      await db.insert(auditEvents).values(original)
      expect(await audit.verify()).toEqual(intact)
    })

    it('names events past a chain head that was moved back', async () => {
      const db = database.db
      const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, cheshire))
      const sixth = await eventOf(db, cheshire, 6)
      const seventh = await eventOf(db, cheshire, 7)
      const moveBack = (tx: Database) =>
        tx.update(auditChainHead).set({ seq: 6, hash: sixth.hash }).where(eq(auditChainHead.id, cheshire))
      // The app's role cannot move the head back at all; someone who can bypass the triggers can.
      await expect(inScope(db, { kind: 'force', forceId: cheshire }, moveBack)).rejects.toThrow()
      await tamper(db, moveBack)
      expect(await audit.verify()).toMatchObject({
        ok: false,
        kind: 'altered',
        chain: cheshire,
        seq: 7,
        trailSeq: seventh.seq,
        reason: 'beyond-head',
        found: 6,
      })
      await tamper(db, (tx) =>
        tx
          .update(auditChainHead)
          .set(head ?? {})
          .where(eq(auditChainHead.id, cheshire)),
      )
      expect(await audit.verify()).toEqual(intact)
    })

    it('names events deleted from the end of a chain as missing', async () => {
      const db = database.db
      const removed = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, cleveland), sql`${auditEvents.chainSeq} > 5`))
      await tamper(db, (tx) => tx.delete(auditEvents).where(eq(auditEvents.seq, removed[0]?.seq ?? 0)))
      await tamper(db, (tx) => tx.delete(auditEvents).where(eq(auditEvents.seq, removed[1]?.seq ?? 0)))
      expect(await audit.verify()).toMatchObject({
        ok: false,
        kind: 'missing',
        chain: cleveland,
        seq: 6,
        reason: 'tail',
        found: 7,
      })
      await db.insert(auditEvents).values(removed)
      expect(await audit.verify()).toEqual(intact)
    })

    it('names the events of a chain whose recorded end was removed', async () => {
      const db = database.db
      const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, cleveland))
      await tamper(db, (tx) => tx.delete(auditChainHead).where(eq(auditChainHead.id, cleveland)))
      const broken = await audit.verify()
      expect(broken).toMatchObject({
        ok: false,
        chain: cleveland,
        seq: 1,
        trailSeq: 3,
        reason: 'beyond-head',
      })
      if (broken.ok) throw new Error('expected a broken trail')
      expect(describeProblem(broken)).toBe(
        "in the chain of Cleveland Police, event 1 (number 3 in the trail) was added outside the chain (the chain's recorded end is gone).",
      )
      if (head) await tamper(db, (tx) => tx.insert(auditChainHead).values(head))
      expect(await audit.verify()).toEqual(intact)
    })

    it('lets the app’s role start a chain only empty, and advance a head only onto its own chain’s event', async () => {
      const db = database.db
      const asApp = (statement: ReturnType<typeof sql>) =>
        inScope(db, { kind: 'force', forceId: cheshire }, (tx) => tx.execute(statement))
      const clevelandFirst = await eventOf(db, cleveland, 1)
      expect(
        await refusal(asApp(sql`insert into audit_chain_head (id, seq, hash) values (9999, 3, 'forged')`)),
      ).toMatch(/may only start empty/)
      expect(
        await refusal(
          asApp(
            sql`update audit_chain_head set seq = seq + 1, hash = ${clevelandFirst.hash} where id = ${cheshire}`,
          ),
        ),
      ).toMatch(/may only advance/)
      expect(await refusal(asApp(sql`delete from audit_chain_head where id = ${cheshire}`))).toMatch(
        /permission denied/,
      )
      // A chain is a force's or the national one, so every checkpoint can record it.
      expect(
        await refusal(asApp(sql`insert into audit_chain_head (id, seq, hash) values (9999, 0, 'genesis')`)),
      ).toMatch(/a force's or the national one/)
      expect(
        await refusal(asApp(sql`insert into audit_chain_head (id, seq, hash) values (-1, 0, 'genesis')`)),
      ).toMatch(/a force's or the national one/)
      expect(await audit.verify()).toEqual(intact)
    })

    it('lets the app’s role append only to its own scope’s chain, numbered in the trail by the database', async () => {
      const db = database.db
      const copy = await eventOf(db, cheshire, 1)
      const { seq: _seq, ...withoutNumber } = copy
      const asCheshire = (row: typeof auditEvents.$inferInsert) =>
        inScope(db, { kind: 'force', forceId: cheshire }, (tx) => tx.insert(auditEvents).values(row))
      expect(await refusal(asCheshire({ ...withoutNumber, chain: cleveland, chainSeq: 99 }))).toMatch(
        /goes in the chain of the scope that appends it/,
      )
      expect(await refusal(asCheshire({ ...copy, seq: 5_000_000, chainSeq: 99 }))).toMatch(
        /numbered in the trail by the database|not yet defined in this session/,
      )
      // A temporary sequence of the same name does not stand in for the trail's.
      const throughTemporarySequence = inScope(db, { kind: 'force', forceId: cheshire }, async (tx) => {
        await tx.execute(sql`create temporary sequence audit_events_seq_seq start 6000000`)
        const [next] = await queryRows<{ seq: string }>(
          tx as unknown as Database,
          sql`select nextval('audit_events_seq_seq') as seq`,
        )
        await tx.insert(auditEvents).values({ ...copy, seq: Number(next?.seq), chainSeq: 99 })
      })
      expect(await refusal(throughTemporarySequence)).toMatch(
        /numbered in the trail by the database|not yet defined in this session/,
      )
      expect(await audit.verify()).toEqual(intact)
    })

    it('names an event placed before a chain’s start, which the walk of the chain does not reach', async () => {
      const db = database.db
      const copy = await eventOf(db, cleveland, 2)
      const [head] = await db.select().from(auditChainHead).where(eq(auditChainHead.id, cleveland))
      await tamper(db, async (tx) => {
        await tx.execute(sql`alter table audit_events drop constraint audit_events_chain_place`)
        await tx.insert(auditEvents).values({ ...copy, seq: 5_000_000, chainSeq: 0 })
      })
      expect(await audit.verify()).toMatchObject({
        ok: false,
        chain: cleveland,
        seq: 0,
        trailSeq: 5_000_000,
        reason: 'beyond-head',
        found: head?.seq,
      })
      await tamper(db, async (tx) => {
        await tx.delete(auditEvents).where(eq(auditEvents.seq, 5_000_000))
        await tx.execute(
          sql`alter table audit_events add constraint audit_events_chain_place check (chain >= 0 and chain_seq > 0)`,
        )
      })
      expect(await audit.verify()).toEqual(intact)
    })
  })

  // Only a server runs transactions side by side; the embedded database has one connection.
  it.runIf(process.env.DATABASE_URL)(
    'lets a force append while another force’s append has not yet committed',
    async () => {
      const db = database.db
      const released = signal()
      const cheshireAppended = signal()
      const record = { forceId: cheshire, entityType: 'user', entityId: 'slow', action: 'update' }
      const cheshireWrite = inScope(db, { kind: 'force', forceId: cheshire }, async (tx) => {
        await appendAuditEvent(tx, actor('a slow writer'), record, new Date())
        cheshireAppended.give()
        await released.given
      })
      await cheshireAppended.given
      try {
        // With one chain for the country this append would wait for Cheshire's commit: the lock
        // timeout turns that wait into a failure.
        await inScope(db, { kind: 'force', forceId: cleveland }, async (tx) => {
          await tx.execute(sql`set local lock_timeout = '5s'`)
          await appendAuditEvent(tx, actor('a quick writer'), { ...record, forceId: cleveland }, new Date())
        })
      } finally {
        released.give()
        await cheshireWrite
      }
      expect(await audit.verify()).toEqual({ ok: true, events: 19, chains: 3 })
    },
  )
})

// The CLI's settings must not come from whatever the developer's shell has set.
const cleanEnv = { DATABASE_URL: '', PORT: '', LOG_LEVEL: 'info' }

describe('probity audit verify', () => {
  const folders: string[] = []
  afterEach(() => {
    for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true })
  })

  /** Appends `count` events the way the app does. */
  async function seed(handle: DatabaseHandle, count: number) {
    for (let index = 0; index < count; index++) {
      await append(
        handle.db,
        { kind: 'inspectorate' },
        { forceId: null, entityType: 'user', entityId: `u-${index}`, action: 'update', after: { index } },
        new Date(Date.UTC(2012, 2, 27, 9, index)),
      )
    }
  }
  const editEvent = (handle: DatabaseHandle, seq: number) =>
    tamper(handle.db, (tx) =>
      tx
        .update(auditEvents)
        .set({ after: { index: 'forged' } })
        .where(eq(auditEvents.seq, seq)),
    )

  it('explains itself', async () => {
    const help = await runProbity(['audit', 'verify', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: probity audit verify')
    expect(help.stdout).toContain('--json')
    const top = await runProbity(['--help'])
    expect(top.stdout).toMatch(/audit\s/)
  })

  it('passes an intact trail in a data folder, then names the event edited in the database', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-audit-'))
    folders.push(dataDir)
    const env = { ...cleanEnv, PROBITY_DATA_DIR: dataDir }
    copyMigratedDataDir(dataDir)

    let handle = await openDatabase({ kind: 'embedded', dataDir })
    await seed(handle, 6)
    await handle.close()

    const intact = await runProbity(['audit', 'verify'], { env })
    expect(intact).toEqual({
      code: 0,
      stdout: 'Audit trail intact: 6 events verified in 1 chain.\n',
      stderr: '',
    })

    handle = await openDatabase({ kind: 'embedded', dataDir })
    await editEvent(handle, 4)
    await handle.close()

    const broken = await runProbity(['audit', 'verify'], { env })
    expect(broken).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'Audit trail broken: in the national chain, event 4 was altered (its content no longer matches its hash).\n',
    })

    const json = await runProbity(['audit', 'verify', '--json'], { env })
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      events: 3,
      kind: 'altered',
      chain: 0,
      chainName: 'the national chain',
      seq: 4,
      trailSeq: 4,
      reason: 'content',
      message:
        'Audit trail broken: in the national chain, event 4 was altered (its content no longer matches its hash).',
    })
  }, 90_000)

  // A new data folder costs PGlite's initdb: seconds of CPU.
  it('says to migrate first when the data folder is new', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-audit-'))
    folders.push(dataDir)
    const result = await runProbity(['audit', 'verify'], {
      env: {
        ...cleanEnv,
        PROBITY_DATA_DIR: dataDir,
      },
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /is not up to date \(0 of \d+ migrations applied\): run probity migrate first/,
    )
  }, 90_000)

  it.runIf(process.env.DATABASE_URL)('names the edited event on a PostgreSQL server too', async () => {
    const handle = await createTestDatabase()
    try {
      if (handle.settings.kind !== 'server') throw new Error('expected a server database')
      const env = { ...cleanEnv, DATABASE_URL: handle.settings.url }
      await seed(handle, 5)
      const intact = await runProbity(['audit', 'verify'], { env })
      expect(intact).toEqual({
        code: 0,
        stdout: 'Audit trail intact: 5 events verified in 1 chain.\n',
        stderr: '',
      })

      await editEvent(handle, 2)
      const broken = await runProbity(['audit', 'verify'], { env })
      expect(broken).toMatchObject({ code: 2, stderr: expect.stringContaining('event 2 was altered') })
    } finally {
      await handle.close()
    }
  })
})
