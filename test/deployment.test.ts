import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../src/db/connection.js'
import { SYSTEM_CALLER } from '../src/domain/access.js'
import { createServices } from '../src/services.js'
import { freePort, kill, run, spawnTypeScript, waitForOutput } from './support/processes.js'
import { buildTwoForces, TEST_PASSWORD, type TwoForces } from './support/two-forces.js'

/**
 * Probity deployed as the README's production section says, on a real PostgreSQL server: the schema
 * owner migrates, the servers connect as a login role that is only a member of probity_app and owns
 * nothing, and two server processes behind no sticky sessions serve the same people.
 */
const serverUrl = process.env.DATABASE_URL
const suffix = randomBytes(4).toString('hex')
const names = {
  database: `probity_deploy_${suffix}`,
  owner: `probity_owner_${suffix}`,
  app: `probity_server_${suffix}`,
}
const COOKIE_SECRET = randomBytes(32).toString('hex')

function urlFor(user: string): string {
  const url = new URL(serverUrl ?? 'postgres://localhost')
  url.username = user
  url.password = ''
  url.pathname = `/${names.database}`
  return url.toString()
}

async function asAdministrator<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

interface Instance {
  child: ChildProcess
  base: string
}

async function startInstance(): Promise<Instance> {
  const port = await freePort()
  const child = spawnTypeScript('bin/probity.js', ['serve'], {
    DATABASE_URL: urlFor(names.app),
    PORT: String(port),
    HOST: '127.0.0.1',
    COOKIE_SECRET,
    NODE_ENV: '',
  })
  await waitForOutput(child, /Probity is serving/)
  return { child, base: `http://127.0.0.1:${port}` }
}

/** A browser's cookie jar over real HTTP: any instance behind one address may answer any request. */
class Browser {
  private readonly cookies = new Map<string, string>()
  csrfToken = ''

  async request(base: string, path: string, form?: Record<string, string>): Promise<Response> {
    const response = await fetch(`${base}${path}`, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams({ ...form, _csrf: this.csrfToken }).toString() : undefined,
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const [name = '', value = ''] = pair.split('=')
      if (value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    const body = await response.clone().text()
    const token = body.match(/name="_csrf" value="([^"]+)"/)?.[1]
    if (token) this.csrfToken = token
    return response
  }
}

let cast: TwoForces
const instances: Instance[] = []

describe.skipIf(!serverUrl)('deployed on PostgreSQL with least privilege and two instances', () => {
  beforeAll(async () => {
    await asAdministrator(async (client) => {
      await client.query(`create role ${names.owner} login createrole`)
      await client.query(`create database ${names.database} owner ${names.owner}`)
    })
  })

  afterAll(async () => {
    await Promise.all(instances.map((instance) => kill(instance.child, 'SIGTERM')))
    await asAdministrator(async (client) => {
      await client.query(`drop database if exists ${names.database} with (force)`)
      await client.query(`drop role if exists ${names.app}`)
      await client.query(`drop role if exists ${names.owner}`)
    })
  })

  it('refuses to serve a schema that is not migrated, saying what to run', async () => {
    const result = await run('bin/probity.js', ['serve'], {
      DATABASE_URL: urlFor(names.owner),
      PORT: String(await freePort()),
      NODE_ENV: '',
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/The database schema is not migrated \(0 of \d+ migrations applied\)/)
    expect(result.stderr).toContain('probity migrate')
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  it('is migrated by its owner, and the servers’ login role owns nothing', async () => {
    const migrated = await run('bin/probity.js', ['migrate'], {
      DATABASE_URL: urlFor(names.owner),
      NODE_ENV: '',
    })
    expect(migrated.stderr).toBe('')
    expect(migrated.code).toBe(0)
    await asAdministrator((client) => client.query(`create role ${names.app} login in role probity_app`))

    const owned = await asAdministrator(async (client) => {
      await client.query(`select 1`)
      const database = new pg.Client({
        connectionString: urlFor(names.owner).replace(names.owner, 'postgres'),
      })
      await database.connect()
      try {
        const result = await database.query<{ kind: string; count: number }>(
          `select 'relation' as kind, count(*)::int as count from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = $1
           union all select 'schema', count(*)::int from pg_namespace n join pg_roles r on r.oid = n.nspowner where r.rolname = $1
           union all select 'function', count(*)::int from pg_proc p join pg_roles r on r.oid = p.proowner where r.rolname = $1`,
          [names.app],
        )
        return result.rows
      } finally {
        await database.end()
      }
    })
    expect(owned).toEqual([
      { kind: 'relation', count: 0 },
      { kind: 'schema', count: 0 },
      { kind: 'function', count: 0 },
    ])
    const roles = await asAdministrator(async (client) => {
      const result = await client.query<{
        rolsuper: boolean
        rolcreaterole: boolean
        rolbypassrls: boolean
        member_of: string[]
      }>(
        `select rolsuper, rolcreaterole, rolbypassrls,
                array(select b.rolname from pg_auth_members m join pg_roles b on b.oid = m.roleid where m.member = r.oid)::text[] as member_of
           from pg_roles r where rolname = $1`,
        [names.app],
      )
      return result.rows[0]
    })
    expect(roles).toEqual({
      rolsuper: false,
      rolcreaterole: false,
      rolbypassrls: false,
      member_of: ['probity_app'],
    })
  })

  it('serves one person from two instances: a session, a write and a revocation on one are seen on the other at once', async () => {
    // The cast is entered through the services as the servers' own role would: nothing needs ownership.
    const database = await openDatabase({ kind: 'server', url: urlFor(names.app) })
    try {
      cast = await buildTwoForces(createServices(database.db))
    } finally {
      await database.close()
    }
    const [first, second] = [await startInstance(), await startInstance()]
    instances.push(first, second)
    if (!first || !second) throw new Error('two instances did not start')

    // Signed in on one, known on the other; signed out on the other, refused on the first.
    const browser = new Browser()
    await browser.request(first.base, '/sign-in')
    const signedIn = await browser.request(first.base, '/sign-in', {
      email: cast.alpha.users['force-caseworker'].email,
      password: TEST_PASSWORD,
    })
    expect(signedIn.status, await signedIn.text()).toBe(303)
    const elsewhere = await browser.request(second.base, '/gifts-hospitality')
    expect(elsewhere.status).toBe(200)
    expect((await browser.request(second.base, '/account')).status).toBe(200)
    const signedOut = await browser.request(second.base, '/sign-out', {})
    expect(signedOut.status).toBe(303)
    const afterSignOut = await browser.request(first.base, '/gifts-hospitality')
    expect(afterSignOut.status).toBe(303)
    expect(afterSignOut.headers.get('location')).toMatch(/^\/sign-in/)

    // A register answer kept in memory on one instance gives way to a write made on the other.
    const bearer = {
      authorization: `Bearer ${cast.alpha.apiToken.token}`,
      'content-type': 'application/json',
    }
    const listed = async (instance: Instance) => {
      const response = await fetch(`${instance.base}/api/gifts-hospitality`, { headers: bearer })
      expect(response.status).toBe(200)
      return ((await response.json()) as { total: number }).total
    }
    const before = await listed(second)
    expect(await listed(second)).toBe(before)
    const made = await fetch(`${first.base}/api/gifts-hospitality`, {
      method: 'POST',
      headers: bearer,
      body: JSON.stringify({
        staffNumber: 'ALPHA0001',
        kind: 'gift',
        description: 'Two tickets to the cup final',
        donorName: 'Northern Radio Systems Ltd',
        donorType: 'supplier',
        estimatedValue: 120,
        offeredOn: '2012-04-02',
        outcome: 'declined',
      }),
    })
    expect(made.status).toBe(201)
    expect(await listed(second)).toBe(before + 1)

    // A token revoked through one instance's database is refused by the other at once.
    const revoker = await openDatabase({ kind: 'server', url: urlFor(names.app) })
    try {
      await createServices(revoker.db).apiTokens.revoke(SYSTEM_CALLER, cast.alpha.apiToken.id)
    } finally {
      await revoker.close()
    }
    const refused = await fetch(`${second.base}/api/gifts-hospitality`, { headers: bearer })
    expect(refused.status).toBe(401)
  }, 240_000)
})
