import { sql } from 'drizzle-orm'
import type { Scope } from '../domain/access.js'
import type { Database } from './connection.js'

export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0]

/**
 * Runs `work` in one transaction as the app's database role with the tenant set, so row-level
 * security filters every force-owned table. Both settings are local to the transaction, so nothing
 * leaks to the next request that reuses the connection.
 */
export function inScope<T>(
  db: Database,
  scope: Scope,
  work: (tx: Transaction) => Promise<T>,
  /** Who acts, for rules about named people (confidential cases): a user's id, 'system', or none. */
  userId = '',
): Promise<T> {
  const forceId = 'forceId' in scope ? String(scope.forceId) : ''
  return db.transaction(async (tx) => {
    // One round trip: `role` set this way is SET LOCAL ROLE, and every request pays for this statement.
    await tx.execute(
      sql`select set_config('app.scope', ${scope.kind}, true), set_config('app.force_id', ${forceId}, true), set_config('app.user_id', ${userId}, true), set_config('role', 'probity_app', true)`,
    )
    return work(tx)
  })
}

/**
 * Runs identity work that happens before anyone is known (sign-in, sessions, API tokens) in one
 * transaction as the app's role under the 'authentication' scope, which the policies let reach
 * accounts, sessions and tokens of every force and nothing else (migration 0027). So the server's
 * login role needs no ownership, and this work bypasses no row-level security.
 */
export function asAuthenticator<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select set_config('app.scope', 'authentication', true), set_config('app.force_id', '', true), set_config('app.user_id', '', true), set_config('role', 'probity_app', true)`,
    )
    return work(tx)
  })
}
