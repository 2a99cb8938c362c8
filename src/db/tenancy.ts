import { AsyncLocalStorage } from 'node:async_hooks'
import type { Scope } from '../domain/access.js'
import { type Database, inTransaction, type Transaction, type TransactionSettings } from './connection.js'

export type { Transaction }

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
  /** Settings of the transaction's own beside the tenant's (a search's statement timeout). */
  settings: TransactionSettings = [],
): Promise<T> {
  const forceId = 'forceId' in scope ? String(scope.forceId) : ''
  // Set after the tenant's, one of these could otherwise change the force or the role.
  if (settings.some(([name]) => TENANT_SETTING_NAMES.has(name.toLowerCase())))
    return Promise.reject(new Error('inScope with its own value for a tenant setting'))
  const shared = sharedScope.getStore()
  if (shared?.db === db) {
    // A second transaction while the shared one holds its connection would wait for ever on the
    // embedded database (one connection), and other settings must not run in the shared one.
    if (settings.length || shared.settings !== settingsKey(scope.kind, forceId, userId))
      return Promise.reject(new Error('inScope with other settings inside inOneScope'))
    return work(shared.tx)
  }
  return inTransaction(db, [...tenantSettings(scope.kind, forceId, userId), ...settings], work)
}

/** The tenant the policies read, and the app's role (`role` set this way is SET LOCAL ROLE). */
const tenantSettings = (scopeKind: string, forceId: string, userId: string): TransactionSettings => [
  ['app.scope', scopeKind],
  ['app.force_id', forceId],
  ['app.user_id', userId],
  ['role', 'probity_app'],
]
const TENANT_SETTING_NAMES = new Set(tenantSettings('', '', '').map(([name]) => name))

/**
 * Runs identity work that happens before anyone is known (sign-in, sessions, API tokens) in one
 * transaction as the app's role under the 'authentication' scope, which the policies let reach
 * accounts, sessions and tokens of every force and nothing else (migration 0027). So the server's
 * login role needs no ownership, and this work bypasses no row-level security.
 */
export function asAuthenticator<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return inTransaction(db, tenantSettings('authentication', '', ''), work)
}

/** One transaction's tenant settings, to tell whether a nested `inScope` may join it. */
const settingsKey = (kind: Scope['kind'], forceId: string, userId: string) =>
  JSON.stringify([kind, forceId, userId])

const sharedScope = new AsyncLocalStorage<{ db: Database; settings: string; tx: Transaction }>()

/**
 * Runs `work` in one transaction with the tenant set, which every `inScope` that `work` starts joins
 * instead of opening its own: a page that gathers figures from several services (the force
 * dashboard's six) pays for one BEGIN, settings and COMMIT, and holds one pooled connection, not six.
 * Every `inScope` inside must ask for the same settings (scope, force and user), or it fails: none
 * runs under settings it did not ask for. The connection runs one query at a time, so `work` asks for
 * them one after another, not side by side (pg 8 queues a query sent while another runs, with a
 * warning; pg 9 refuses it); one failure ends them all, so use it for reads.
 */
export function inOneScope<T>(db: Database, scope: Scope, work: () => Promise<T>, userId = ''): Promise<T> {
  const forceId = 'forceId' in scope ? String(scope.forceId) : ''
  return inScope(
    db,
    scope,
    (tx) => sharedScope.run({ db, settings: settingsKey(scope.kind, forceId, userId), tx }, work),
    userId,
  )
}
