import { sql } from 'drizzle-orm'
import type { Database } from '../../db/connection.js'

/**
 * Changes audit rows as the tables' owner with the refusing triggers switched off for one transaction:
 * what someone with full control of the database could do, and what verification must then catch.
 */
export async function tamper(db: Database, change: (tx: Database) => Promise<unknown>) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger user`)
    await tx.execute(sql`alter table audit_chain_head disable trigger user`)
    await change(tx as unknown as Database)
    await tx.execute(sql`alter table audit_chain_head enable trigger user`)
    await tx.execute(sql`alter table audit_events enable trigger user`)
  })
}
