import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Agent } from '../../../test/support/agent.js'
import { runProbity } from '../../../test/support/cli-runner.js'
import { copyMigratedDataDir } from '../../../test/support/migrated-snapshot.js'
import { createApp } from '../../app.js'
import { openDatabase } from '../../db/connection.js'
import { DEMO_PASSWORD, DEMO_USERS } from '../../demo-data.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { createServices, type Services } from '../../services.js'

const folders: string[] = []
function tempDataDir(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-users-cli-'))
  folders.push(folder)
  copyMigratedDataDir(folder)
  return folder
}
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true })
})

/** Runs `probity …` to completion on a data folder, with whatever it should read from standard input. */
async function probity(dataDir: string, args: string[], stdin = '') {
  // The embedded database in the given folder, whatever the developer's shell or CI has set.
  return runProbity(args, {
    env: { DATABASE_URL: '', PROBITY_DATA_DIR: dataDir, NODE_ENV: '', LOG_LEVEL: 'info' },
    stdin,
  })
}

/** Opens the folder the CLI wrote, once it has exited, and builds the very app the server would. */
async function withAppOver<T>(
  dataDir: string,
  work: (app: FastifyInstance, services: Services) => Promise<T>,
) {
  const database = await openDatabase({ kind: 'embedded', dataDir })
  const services = createServices(database.db)
  const app = await createApp(services, {
    cookieSecret: 'cli-test-cookie-secret-of-at-least-32-characters',
    changes: database.changes,
  })
  try {
    return await work(app, services)
  } finally {
    await app.close()
    await database.close()
  }
}

// Each command starts Node and opens (or first creates) an embedded database: seconds, not milliseconds.
const SLOW = { timeout: 120_000 }

describe('probity users add', SLOW, () => {
  // Checks that need no empty database share one folder: making a database costs each command seconds.
  let shared: string
  beforeAll(async () => {
    shared = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-users-cli-shared-'))
    copyMigratedDataDir(shared)
  }, SLOW.timeout)
  afterAll(() => fs.rmSync(shared, { recursive: true, force: true }))

  it('adds the first inspectorate admin with a one-time password, who can then sign in', async () => {
    const dataDir = tempDataDir()
    const result = await probity(dataDir, [
      'users',
      'add',
      '--email',
      'first.admin@inspectorate.example',
      '--name',
      'First Admin',
      '--role',
      'inspectorate-admin',
    ])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'Added First Admin <first.admin@inspectorate.example> as Inspectorate administrator.',
    )
    const oneTimePassword = result.stdout.match(/One-time password \(shown only now\): (\S+)/)?.[1] as string
    expect(oneTimePassword).toMatch(/^[A-Za-z0-9_-]{20}$/)

    await withAppOver(dataDir, async (app, services) => {
      const [user] = await services.users.list(SYSTEM_CALLER)
      expect(user).toMatchObject({
        email: 'first.admin@inspectorate.example',
        role: 'inspectorate-admin',
        force: null,
      })

      const wrong = await new Agent(app).post('/sign-in', {
        email: 'first.admin@inspectorate.example',
        password: 'not the one printed',
      })
      expect(wrong.statusCode).toBe(401)
      const agent = new Agent(app)
      await agent.signIn('first.admin@inspectorate.example', oneTimePassword)
      // A printed password is a one-time one: the first thing to do is choose their own.
      expect((await agent.get('/admin/users')).headers.location).toBe('/account/password')
      const replacement = 'the first admin chooses this'
      await agent.post('/account/password', {
        current: oneTimePassword,
        replacement,
        confirmation: replacement,
      })
      expect((await agent.get('/admin/users')).statusCode).toBe(200)
      expect((await agent.get('/api/me')).json()).toMatchObject({
        role: 'inspectorate-admin',
        forceCode: null,
      })
    })
  })

  it('takes the password from standard input with --password-stdin, and prints none', async () => {
    const dataDir = shared
    const password = 'piped in from a secret store'
    const result = await probity(
      dataDir,
      [
        'users',
        'add',
        '--email',
        'cw@cheshire.example',
        '--name',
        'Case Worker',
        '--role',
        'force-caseworker',
        '--force',
        'cheshire',
        '--password-stdin',
      ],
      `${password}\n`,
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'as Caseworker (professional standards or anti-corruption unit) of Cheshire',
    )
    expect(result.stdout).not.toContain('One-time password')
    expect(result.stdout).not.toContain(password)

    await withAppOver(dataDir, async (app) => {
      const agent = new Agent(app)
      await agent.signIn('cw@cheshire.example', password)
      expect((await agent.get('/api/me')).json()).toMatchObject({
        role: 'force-caseworker',
        forceCode: 'cheshire',
      })
    })
  })

  it('refuses an unknown role, listing the choices, and adds no one', async () => {
    const dataDir = shared
    const result = await probity(dataDir, [
      'users',
      'add',
      '--email',
      'x@example.org',
      '--name',
      'X',
      '--role',
      'superuser',
    ])
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain("argument 'superuser' is invalid")
    expect(result.stderr).toContain(
      'inspectorate-admin, inspector, researcher, force-admin, force-caseworker, staff',
    )
    expect(result.stdout).not.toContain('Added')
  })

  it('refuses a force role without --force in one clear line, and adds no one', async () => {
    const dataDir = shared
    const result = await probity(dataDir, [
      'users',
      'add',
      '--email',
      'staff@kent.example',
      '--name',
      'Staff',
      '--role',
      'staff',
    ])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^probity: --force: /)
    expect(lines[0]).toContain('staff')
    expect(lines[0]).toMatch(/force code, e\.g\. cheshire/)

    const unknown = await probity(dataDir, [
      'users',
      'add',
      '--email',
      'staff@kent.example',
      '--name',
      'Staff',
      '--role',
      'staff',
      '--force',
      'atlantis',
    ])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr.trim()).toBe(
      'probity: --force: no force has the code "atlantis": give a force code, e.g. cheshire (see /api/forces)',
    )

    await withAppOver(dataDir, async (_app, services) => {
      const emails = (await services.users.list(SYSTEM_CALLER)).map((user) => user.email)
      expect(emails).not.toContain('staff@kent.example')
    })
  })

  it('names the flag of each problem, e.g. a password that is too short or an email in use', async () => {
    const dataDir = shared
    const add = (email: string, password: string) =>
      probity(
        dataDir,
        ['users', 'add', '--email', email, '--name', 'Someone', '--role', 'inspector', '--password-stdin'],
        password,
      )
    const short = await add('someone@inspectorate.example', 'short')
    expect(short.code).toBe(1)
    expect(short.stderr.trim()).toBe('probity: --password-stdin: Password must be 12 characters or more')

    const added = await add('someone@inspectorate.example', 'long enough password')
    expect(added.stderr).toBe('')
    expect(added.code).toBe(0)
    const again = await add('SOMEONE@inspectorate.example', 'long enough password')
    expect(again.code).toBe(1)
    expect(again.stderr.trim()).toBe('probity: --email: An account with this email address already exists')

    const empty = await add('another@inspectorate.example', '')
    expect(empty.code).toBe(1)
    expect(empty.stderr.trim()).toBe(
      'probity: --password-stdin: standard input was empty: pipe in the password',
    )
    expect(empty.stdout).not.toContain('One-time password')
  })
})

describe('probity seed --demo', SLOW, () => {
  it('adds the demo users once; running it again adds none', async () => {
    const dataDir = tempDataDir()
    const first = await probity(dataDir, ['seed', '--demo'])
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(
      `Added the demo dataset: ${DEMO_USERS.length} users, each with the password ${DEMO_PASSWORD}.`,
    )

    const second = await probity(dataDir, ['seed', '--demo'])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('The demo dataset is already there.')

    await withAppOver(dataDir, async (app, services) => {
      const agent = new Agent(app)
      const users = await services.users.list(SYSTEM_CALLER)
      expect(users.map((user) => user.email).sort()).toEqual(DEMO_USERS.map((user) => user.email).sort())
      const cheshireAdmin = DEMO_USERS.find(
        (user) => user.role === 'force-admin' && user.forceCode === 'cheshire',
      )
      await agent.signIn(cheshireAdmin?.email as string, DEMO_PASSWORD)
      expect((await agent.get('/api/me')).json()).toMatchObject({
        role: 'force-admin',
        forceCode: 'cheshire',
      })
    })
  })
})
