import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { asc, eq, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runProbity } from '../../../test/support/cli-runner.js'
import { copyMigratedDataDir } from '../../../test/support/migrated-snapshot.js'
import { createTestDatabase } from '../../../test/support/test-database.js'
import { type Database, type DatabaseHandle, openDatabase } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import { type Actor, type Caller, type Principal, type Scope, SYSTEM_CALLER } from '../../domain/access.js'
import type { Role } from '../../domain/roles.js'
import { forces } from '../forces/schema.js'
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
    audit = new AuditService(database.db)
    ;[cheshire, cleveland] = (await forceIds(database.db, 'cheshire', 'cleveland')) as [number, number]
  })
  afterAll(() => database.close())

  it('starts empty and intact', async () => {
    expect(await audit.verify()).toEqual({ ok: true, events: 0 })
  })

  it('chains events appended by different scopes into one valid trail', async () => {
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

    expect(await audit.verify()).toEqual({ ok: true, events: 5 })
    const rows = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq))
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5])
    expect(rows[0]?.prevHash).toBe('genesis')
    for (let index = 1; index < rows.length; index++)
      expect(rows[index]?.prevHash).toBe(rows[index - 1]?.hash)
    const [head] = await db.select().from(auditChainHead)
    expect(head).toEqual({ id: 1, seq: 5, hash: rows[4]?.hash })
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
    expect(await audit.verify()).toEqual({ ok: true, events: 17 })
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
    expect(await audit.verify()).toEqual({ ok: true, events: 17 })
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
      expect(await audit.verify()).toEqual({ ok: true, events: 17 })
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
      expect(await audit.verify()).toEqual({ ok: true, events: 17 })
    })
  })

  describe('finds tampering done with the triggers switched off', () => {
    it('names an event whose content was edited, and is intact again once it is put back', async () => {
      const db = database.db
      const [original] = await db.select().from(auditEvents).where(eq(auditEvents.seq, 3))
      await tamper(db, (tx) =>
        tx
          .update(auditEvents)
          .set({ after: { name: 'Someone else' } })
          .where(eq(auditEvents.seq, 3)),
      )
      expect(await audit.verify()).toEqual({
        ok: false,
        events: 2,
        kind: 'altered',
        seq: 3,
        reason: 'content',
      })

      await tamper(db, (tx) =>
        tx.update(auditEvents).set({ after: original?.after }).where(eq(auditEvents.seq, 3)),
      )
      expect(await audit.verify()).toEqual({ ok: true, events: 17 })
    })

    it('names an edited time, actor or force', async () => {
      const db = database.db
      for (const change of [
        { occurredAt: '2012-03-27T09:00:01.001Z' },
        { actorLabel: 'Nobody' },
        { forceId: cleveland },
      ]) {
        const [original] = await db.select().from(auditEvents).where(eq(auditEvents.seq, 2))
        await tamper(db, (tx) => tx.update(auditEvents).set(change).where(eq(auditEvents.seq, 2)))
        expect(await audit.verify()).toMatchObject({ ok: false, kind: 'altered', seq: 2 })
        await tamper(db, (tx) =>
          tx
            .update(auditEvents)
            .set(original ?? {})
            .where(eq(auditEvents.seq, 2)),
        )
      }
      expect(await audit.verify()).toEqual({ ok: true, events: 17 })
    })

    it('names an event deleted from the middle as missing', async () => {
      const db = database.db
      const [original] = await db.select().from(auditEvents).where(eq(auditEvents.seq, 9))
      await tamper(db, (tx) => tx.delete(auditEvents).where(eq(auditEvents.seq, 9)))
      expect(await audit.verify()).toEqual({
        ok: false,
        events: 8,
        kind: 'missing',
        seq: 9,
        reason: 'gap',
        found: 10,
      })
      if (original) await db.insert(auditEvents).values(original)
      expect(await audit.verify()).toEqual({ ok: true, events: 17 })
    })

    it('names events past a chain head that was moved back', async () => {
      const db = database.db
      const [head] = await db.select().from(auditChainHead)
      const [fifteenth] = await db.select().from(auditEvents).where(eq(auditEvents.seq, 15))
      // The app's role cannot move the head back at all; someone who can bypass the triggers can.
      await expect(
        inScope(db, { kind: 'inspectorate' }, (tx) =>
          tx.update(auditChainHead).set({ seq: 15, hash: fifteenth?.hash ?? '' }),
        ),
      ).rejects.toThrow()
      await tamper(db, (tx) => tx.update(auditChainHead).set({ seq: 15, hash: fifteenth?.hash ?? '' }))
      expect(await audit.verify()).toEqual({
        ok: false,
        events: 17,
        kind: 'altered',
        seq: 16,
        reason: 'beyond-head',
        found: 15,
      })
      await tamper(db, (tx) => tx.update(auditChainHead).set(head ?? {}))
      expect(await audit.verify()).toEqual({ ok: true, events: 17 })
    })

    it('names events deleted from the end as missing', async () => {
      const db = database.db
      const removed = await db.select().from(auditEvents).where(sql`${auditEvents.seq} > 15`)
      await tamper(db, (tx) => tx.delete(auditEvents).where(sql`${auditEvents.seq} > 15`))
      expect(await audit.verify()).toEqual({
        ok: false,
        events: 15,
        kind: 'missing',
        seq: 16,
        reason: 'tail',
        found: 17,
      })
      await db.insert(auditEvents).values(removed)
      expect(await audit.verify()).toEqual({ ok: true, events: 17 })
    })
  })
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
    expect(intact).toEqual({ code: 0, stdout: 'Audit trail intact: 6 events verified.\n', stderr: '' })

    handle = await openDatabase({ kind: 'embedded', dataDir })
    await editEvent(handle, 4)
    await handle.close()

    const broken = await runProbity(['audit', 'verify'], { env })
    expect(broken).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Audit trail broken: event 4 was altered (its content no longer matches its hash).\n',
    })

    const json = await runProbity(['audit', 'verify', '--json'], { env })
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      events: 3,
      kind: 'altered',
      seq: 4,
      reason: 'content',
      message: 'Audit trail broken: event 4 was altered (its content no longer matches its hash).',
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
      expect(intact).toEqual({ code: 0, stdout: 'Audit trail intact: 5 events verified.\n', stderr: '' })

      await editEvent(handle, 2)
      const broken = await runProbity(['audit', 'verify'], { env })
      expect(broken).toMatchObject({ code: 2, stderr: expect.stringContaining('event 2 was altered') })
    } finally {
      await handle.close()
    }
  })
})
