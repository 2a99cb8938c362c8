import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { asc, eq, sql } from 'drizzle-orm'
import type { PgliteDatabase } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { afterAll, describe, expect, it } from 'vitest'
import { type DatabaseHandle, openDatabase } from '../../db/connection.js'
import { migrateDatabase } from '../../db/migrate.js'
import { inScope } from '../../db/tenancy.js'
import { forces } from '../forces/schema.js'
import { ForcesService } from '../forces/service.js'
import { GENESIS_HASH, hashEvent } from './chain.js'
import { auditChainHead, auditEvents } from './schema.js'
import { AuditService, appendAuditEvent } from './service.js'

const migrations = fileURLToPath(new URL('../../db/migrations', import.meta.url))
/** The last migration with one chain for the whole country. */
const BEFORE_CHAINS_PER_FORCE = 61

/** A copy of the migrations that stops at `last`, as an installation that has not upgraded yet has them. */
function migrationsUpTo(last: number): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-migrations-'))
  fs.cpSync(migrations, folder, { recursive: true })
  const journalFile = path.join(folder, 'meta', '_journal.json')
  const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8')) as { entries: { idx: number }[] }
  journal.entries = journal.entries.filter((entry) => entry.idx <= last)
  fs.writeFileSync(journalFile, JSON.stringify(journal))
  return folder
}

describe('upgrading to one audit chain per force (migration 0062)', () => {
  let handle: DatabaseHandle | undefined
  const folders: string[] = []
  afterAll(async () => {
    await handle?.close()
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true })
  })

  it('keeps every event recorded before it verifiable, as the national chain, which goes on from them', async () => {
    handle = await openDatabase({ kind: 'embedded', dataDir: 'memory://' })
    const db = handle.db
    const old = migrationsUpTo(BEFORE_CHAINS_PER_FORCE)
    folders.push(old)
    await migrate(db as PgliteDatabase, { migrationsFolder: old })

    // Three events as the single chain appended them: numbered in the trail, whatever their force.
    let prevHash = GENESIS_HASH
    for (const [index, forceId] of [null, 7, null].entries()) {
      const event = {
        seq: index + 1,
        occurredAt: new Date(Date.UTC(2012, 11, 1, 9, index)).toISOString(),
        actorType: 'user',
        actorId: null,
        actorLabel: `clerk ${index}`,
        forceId,
        entityType: 'user',
        entityId: `u-${index}`,
        action: 'update',
        before: null,
        after: { index },
        ipAddress: null,
        prevHash,
      }
      const hash = hashEvent(event)
      await db.execute(sql`insert into audit_events
        (seq, occurred_at, actor_type, actor_id, actor_label, force_id, entity_type, entity_id, action, before, after, ip_address, prev_hash, hash)
        values (${event.seq}, ${event.occurredAt}, 'user', null, ${event.actorLabel}, ${forceId}, 'user',
                ${event.entityId}, 'update', null, ${JSON.stringify(event.after)}::jsonb, null, ${prevHash}, ${hash})`)
      await db.execute(sql`update audit_chain_head set seq = ${event.seq}, hash = ${hash} where id = 1`)
      prevHash = hash
    }

    const status = await migrateDatabase(handle)
    expect(status.current).toBe(true)
    const audit = new AuditService(db, new ForcesService(db))
    expect(await audit.verify()).toEqual({ ok: true, events: 3, chains: 1 })
    const recorded = await db.select().from(auditEvents).orderBy(asc(auditEvents.seq))
    expect(recorded.map((event) => [event.seq, event.chain, event.chainSeq])).toEqual([
      [1, 0, 1],
      [2, 0, 2],
      [3, 0, 3],
    ])
    expect(await db.select().from(auditChainHead)).toEqual([{ id: 0, seq: 3, hash: prevHash }])

    const [cheshire] = await db.select().from(forces).where(eq(forces.code, 'cheshire'))
    const actor = { type: 'system' as const, id: null, label: 'after the upgrade', ipAddress: null }
    const record = { forceId: null, entityType: 'user', action: 'update' }
    await inScope(db, { kind: 'inspectorate' }, (tx) => appendAuditEvent(tx, actor, record, new Date()))
    await inScope(db, { kind: 'force', forceId: cheshire?.id ?? 0 }, (tx) =>
      appendAuditEvent(tx, actor, { ...record, forceId: cheshire?.id ?? 0 }, new Date()),
    )
    expect(await audit.verify()).toEqual({ ok: true, events: 5, chains: 2 })
    const added = await db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.seq} > 3`)
      .orderBy(asc(auditEvents.seq))
    expect(added.map((event) => [event.seq, event.chain, event.chainSeq, event.prevHash])).toEqual([
      [4, 0, 4, prevHash],
      [5, cheshire?.id, 1, GENESIS_HASH],
    ])
  }, 120_000)
})
