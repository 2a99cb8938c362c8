import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../test/support/two-forces.js'
import { apiTokens, sessions, users } from '../modules/identity/schema.js'
import { queryRows } from './connection.js'
import { inOneScope, inScope } from './tenancy.js'

let testApp: TestApp
let cast: TwoForces
let alphaForceId: number
let bravoForceId: number

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp())
  const references = await testApp.services.forces.references()
  alphaForceId = references.find((force) => force.code === cast.alpha.code)?.id as number
  bravoForceId = references.find((force) => force.code === cast.bravo.code)?.id as number
})
afterAll(() => testApp.close())

const db = () => testApp.database.db

describe('row-level security', () => {
  it('lets no role but the app’s call a function that runs as the owner, past the policies', async () => {
    // PostgreSQL lets PUBLIC (any role that can connect) execute a new function unless revoked.
    const callableByAnyone = await queryRows<{ name: string }>(
      db(),
      sql`select p.oid::regprocedure::text as name from pg_proc p
           where p.pronamespace = 'public'::regnamespace and p.prosecdef
             and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0))
           order by 1`,
    )
    expect(callableByAnyone).toEqual([])
    // So the check can fail: the functions are there, and the app keeps what its queries call.
    const app = await queryRows<{ name: string; callable: boolean }>(
      db(),
      sql`select p.proname as name, has_function_privilege('probity_app', p.oid, 'execute') as callable
            from pg_proc p
           where p.pronamespace = 'public'::regnamespace and p.prosecdef
             and p.proname in ('probity_search_locations', 'probity_raise_alerts', 'integrity_case_named')
           order by 1`,
    )
    expect(app).toEqual([
      { name: 'integrity_case_named', callable: true },
      { name: 'probity_raise_alerts', callable: true },
      { name: 'probity_search_locations', callable: true },
    ])
  })

  it('writes every policy’s force condition with the operator estimated once (migration 0066)', async () => {
    // A policy written with plain `=` has the planner count the force's share twice (see the migration).
    const policies = await queryRows<{ name: string; plain: boolean; estimatedOnce: boolean }>(
      db(),
      sql`select tablename || '.' || policyname as name,
                 concat(qual, with_check) like '%force_id = (NULLIF(current_setting(''app.force_id''%' as plain,
                 concat(qual, with_check) like '%force_id === (NULLIF(current_setting(''app.force_id''%' as "estimatedOnce"
            from pg_policies where schemaname = 'public'`,
    )
    expect(policies.filter((policy) => policy.plain).map((policy) => policy.name)).toEqual([])
    // So the check can fail: the policies it reads are there, written with the operator.
    expect(policies.filter((policy) => policy.estimatedOnce).length).toBeGreaterThan(100)
  })

  it('shows a force only its own users and tokens', async () => {
    const seen = await inScope(db(), { kind: 'force', forceId: bravoForceId }, async (tx) => ({
      users: await tx.select().from(users),
      tokens: await tx.select().from(apiTokens),
    }))
    expect(seen.users.map((user) => user.forceId)).toEqual([bravoForceId, bravoForceId, bravoForceId])
    expect(seen.tokens.map((token) => token.forceId)).toEqual([bravoForceId])
  })

  it('shows the inspectorate every force, and the public nothing force-owned', async () => {
    const inspectorate = await inScope(db(), { kind: 'inspectorate' }, (tx) => tx.select().from(users))
    expect(inspectorate).toHaveLength(7)
    const anonymous = await inScope(db(), { kind: 'public' }, (tx) => tx.select().from(users))
    expect(anonymous).toEqual([])
  })

  it('refuses to write a row into another force, even by id', async () => {
    const insert = inScope(db(), { kind: 'force', forceId: bravoForceId }, (tx) =>
      tx.insert(users).values({
        email: 'planted@cheshire.example',
        name: 'Planted',
        role: 'staff',
        forceId: alphaForceId,
        passwordHash: 'x',
      }),
    )
    await expect(insert).rejects.toThrow()
    const updated = await inScope(db(), { kind: 'force', forceId: bravoForceId }, (tx) =>
      tx.update(users).set({ name: 'Renamed' }).where(eq(users.id, cast.alpha.users.staff.id)).returning(),
    )
    expect(updated).toEqual([])
    const deleted = await inScope(db(), { kind: 'force', forceId: bravoForceId }, (tx) =>
      tx.delete(users).where(eq(users.id, cast.alpha.users.staff.id)).returning(),
    )
    expect(deleted).toEqual([])
    const [alphaStaff] = await db().select().from(users).where(eq(users.id, cast.alpha.users.staff.id))
    expect(alphaStaff?.name).toBe('alphamarker staff')
  })

  it('cannot move one of its own rows into another force', async () => {
    const move = inScope(db(), { kind: 'force', forceId: bravoForceId }, (tx) =>
      tx.update(users).set({ forceId: alphaForceId }).where(eq(users.id, cast.bravo.users.staff.id)),
    )
    await expect(move).rejects.toThrow()
  })

  it('keeps the scope inside its transaction', async () => {
    await inScope(db(), { kind: 'force', forceId: bravoForceId }, async () => {})
    const [after] = await queryRows<{ role: string; force: string | null }>(
      db(),
      sql`select current_user as role, nullif(current_setting('app.force_id', true), '') as force`,
    )
    expect(after?.role).not.toBe('probity_app')
    expect(after?.force).toBeNull()
  })

  it('lets the work of one scope share its transaction, and refuses other settings inside it', async () => {
    const bravo = { kind: 'force', forceId: bravoForceId } as const
    const transactionOf = async (scope: Parameters<typeof inScope>[1], userId = '') => {
      const result = (await inScope(
        db(),
        scope,
        (tx) =>
          tx.execute(sql`select txid_current()::text as id, current_setting('app.force_id', true) as force`),
        userId,
      )) as unknown as { rows: { id: string; force: string }[] }
      return result.rows[0]
    }
    // One after another, as inOneScope asks: its one connection runs a query at a time.
    const [first, second, bravoUsers] = await inOneScope(db(), bravo, async () => [
      await transactionOf(bravo),
      await transactionOf(bravo),
      await inScope(db(), bravo, (tx) => tx.select({ forceId: users.forceId }).from(users)),
    ])
    expect(second?.id).toBe(first?.id)
    expect(first?.force).toBe(String(bravoForceId))
    expect(new Set(bravoUsers.map((user) => user.forceId))).toEqual(new Set([bravoForceId]))
    expect((await transactionOf(bravo))?.id).not.toBe(first?.id)
    // Another force, or the same force naming a user, is refused rather than run under Bravo's settings.
    await expect(
      inOneScope(db(), bravo, () => transactionOf({ kind: 'force', forceId: alphaForceId })),
    ).rejects.toThrow('other settings')
    await expect(
      inOneScope(db(), bravo, () => transactionOf(bravo, cast.bravo.users.staff.id)),
    ).rejects.toThrow('other settings')
    // So is a setting of its own (a search's timeout), which would outlast it in the shared transaction.
    await expect(
      inOneScope(db(), bravo, () => inScope(db(), bravo, async () => {}, '', [['statement_timeout', '250']])),
    ).rejects.toThrow('other settings')
  })

  it('refuses a setting of its own that names the tenant or the role, which would override them', async () => {
    const alpha = { kind: 'force', forceId: alphaForceId } as const
    const forceSeen = (settings: [string, string][]) =>
      inScope(
        db(),
        alpha,
        async (tx) =>
          (
            await queryRows<{ force: string }>(tx, sql`select current_setting('app.force_id', true) as force`)
          )[0]?.force,
        '',
        settings,
      )
    expect(await forceSeen([['statement_timeout', '250']])).toBe(String(alphaForceId))
    for (const name of ['app.force_id', 'APP.SCOPE', 'role', 'app.user_id'])
      await expect(forceSeen([[name, String(bravoForceId)]]), name).rejects.toThrow('tenant setting')
  })

  it('lets the app role see only the sessions of users it can see', async () => {
    const signedIn = await testApp.services.signIn.signIn(cast.alpha.users.staff.email, TEST_PASSWORD, {
      ipAddress: null,
      userAgent: null,
    })
    expect(signedIn.ok).toBe(true)
    const sessionsSeenBy = (forceId: number) =>
      inScope(db(), { kind: 'force', forceId }, (tx) => tx.select({ userId: sessions.userId }).from(sessions))
    expect(await sessionsSeenBy(bravoForceId)).toEqual([])
    expect(await sessionsSeenBy(alphaForceId)).toEqual([{ userId: cast.alpha.users.staff.id }])
  })
})
