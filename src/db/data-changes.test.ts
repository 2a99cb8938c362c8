import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase } from '../../test/support/test-database.js'
import { type DatabaseHandle, queryRows } from './connection.js'
import { DataChanges, KeptUntilDataChanges } from './data-changes.js'
import { inScope } from './tenancy.js'

let database: DatabaseHandle
beforeAll(async () => {
  database = await createTestDatabase()
  await database.changes.watch()
})
afterAll(() => database.close())

describe('the data change triggers', () => {
  it('are on every table but the audit trail and sessions, so no new table is missed', async () => {
    const missing = await queryRows<{ table: string }>(
      database.db,
      sql`select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')
            and c.relname not in ('audit_events', 'audit_chain_head', 'sessions')
            and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = c.relname || '_data_changed')
          order by 1`,
    )
    expect(missing.map((row) => row.table)).toEqual([])
  })

  it('are on sessions for an ending or a change of whose it is, not for a touch (migration 0076)', async () => {
    const [user] = await queryRows<{ id: string }>(
      database.db,
      sql`insert into users (email, name, role, password_hash)
          values ('trigger.test@example.org', 'Trigger Test', 'inspector', 'x') returning id`,
    )
    const changedBy = async (statement: ReturnType<typeof sql>) => {
      const before = database.changes.generation
      await database.db.execute(statement)
      return database.changes.generation > before
    }
    expect(
      await changedBy(
        sql`insert into sessions (token_hash, user_id, expires_at) values ('t1', ${user?.id}, now() + interval '1 hour')`,
      ),
    ).toBe(false)
    expect(await changedBy(sql`update sessions set last_seen_at = now() where token_hash = 't1'`)).toBe(false)
    expect(
      await changedBy(sql`update sessions set second_factor_due = 'verify' where token_hash = 't1'`),
    ).toBe(true)
    expect(await changedBy(sql`delete from sessions where token_hash = 't1'`)).toBe(true)
  })

  it('name the tables a transaction changed (migration 0077), and no other', async () => {
    const marks = () =>
      ['forces', 'regions', 'gifts_hospitality'].map((table) => database.changes.markOf([table]))
    const before = marks()
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`update forces set name = name where false`)
      await tx.execute(sql`update regions set name = name where false`)
    })
    const after = marks()
    expect(after.map((mark, index) => mark !== before[index])).toEqual([true, true, false])
  })

  it('count the process’s own commit before the commit returns', async () => {
    expect(database.changes.heard).toBe(true)
    const before = database.changes.generation
    await inScope(database.db, { kind: 'force', forceId: 1 }, (tx) =>
      tx.execute(sql`update gifts_hospitality set description = description where false`),
    )
    expect(database.changes.generation).toBeGreaterThan(before)
  })
})

describe('KeptUntilDataChanges', () => {
  const now = new Date('2012-06-01T09:00:00Z')
  const later = new Date(now.getTime() + 60_000)
  const heardChanges = async () => {
    const changes = new DataChanges(async (heard) => {
      heard.hearing(true)
      return async () => heard.hearing(false)
    })
    await changes.watch()
    return changes
  }

  it('keeps a value until the data changes', async () => {
    const changes = await heardChanges()
    const kept = new KeptUntilDataChanges<{ n: number }>(changes, () => now, { maxEntries: 10 })
    kept.set('a', { n: 1 }, kept.mark, later)
    expect(kept.get('a')).toEqual({ n: 1 })
    changes.changed('1001')
    expect(kept.get('a')).toBeUndefined()
  })

  it('counts a transaction once, however many connections hear it', async () => {
    const changes = await heardChanges()
    const before = changes.generation
    changes.changed('1002')
    changes.changed('1002')
    changes.changed('1003')
    expect(changes.generation).toBe(before + 2)
  })

  it('does not keep a value worked out while the data changed', async () => {
    const changes = await heardChanges()
    const kept = new KeptUntilDataChanges<{ n: number }>(changes, () => now, { maxEntries: 10 })
    const mark = kept.mark
    changes.changed('1004')
    kept.set('a', { n: 1 }, mark, later)
    expect(kept.get('a')).toBeUndefined()
  })

  it('lets a value expire', async () => {
    const changes = await heardChanges()
    let clock = now
    const kept = new KeptUntilDataChanges<{ n: number }>(changes, () => clock, { maxEntries: 10 })
    kept.set('a', { n: 1 }, kept.mark, later)
    clock = later
    expect(kept.get('a')).toBeUndefined()
  })

  it('keeps nothing, and serves nothing kept, while changes are not heard', async () => {
    const changes = await heardChanges()
    const kept = new KeptUntilDataChanges<{ n: number }>(changes, () => now, { maxEntries: 10 })
    kept.set('a', { n: 1 }, kept.mark, later)
    await changes.close()
    expect(kept.get('a')).toBeUndefined()
    kept.set('b', { n: 2 }, kept.mark, later)
    expect(kept.get('b')).toBeUndefined()
  })

  it('keeps what was read from some tables until one of those changes, or a change names no table', async () => {
    const changes = await heardChanges()
    const kept = new KeptUntilDataChanges<{ n: number }>(changes, () => now, {
      maxEntries: 10,
      tables: ['sessions', 'users'],
    })
    const everything = new KeptUntilDataChanges<{ n: number }>(changes, () => now, { maxEntries: 10 })
    kept.set('a', { n: 1 }, kept.mark, later)
    everything.set('a', { n: 1 }, everything.mark, later)
    changes.changed('2001:gifts_hospitality')
    expect([kept.get('a'), everything.get('a')]).toEqual([{ n: 1 }, undefined])
    changes.changed('2002:users')
    expect(kept.get('a')).toBeUndefined()
    kept.set('b', { n: 2 }, kept.mark, later)
    // From a server before the notifications named their table: a change to every table.
    changes.changed('2003')
    expect(kept.get('b')).toBeUndefined()
    // Hearing stopping and starting again may have missed a change to any table.
    kept.set('c', { n: 3 }, kept.mark, later)
    changes.hearing(false)
    changes.hearing(true)
    expect(kept.get('c')).toBeUndefined()
  })

  it('holds no more than its limit, dropping the least recently used', async () => {
    const changes = await heardChanges()
    const kept = new KeptUntilDataChanges<{ body: string }>(changes, () => now, {
      maxEntries: 10,
      maxBytes: 10,
      sizeOf: (value) => value.body.length,
    })
    kept.set('a', { body: 'aaaa' }, kept.mark, later)
    kept.set('b', { body: 'bbbb' }, kept.mark, later)
    kept.set('c', { body: 'cccc' }, kept.mark, later)
    expect([kept.get('a'), kept.get('b'), kept.get('c')]).toEqual([
      undefined,
      { body: 'bbbb' },
      { body: 'cccc' },
    ])
  })
})
