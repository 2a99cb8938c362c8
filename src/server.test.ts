import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyMigratedDataDir } from '../test/support/migrated-snapshot.js'
import { freePort } from '../test/support/processes.js'
import { TEST_PASSWORD } from '../test/support/two-forces.js'
import { loadConfig } from './config.js'
import { openDatabase } from './db/connection.js'
import { SYSTEM_CALLER } from './domain/access.js'
import type { Role } from './domain/roles.js'
import { type RunningServer, startServer } from './server.js'
import { createServices } from './services.js'

/**
 * The server as production runs it (NODE_ENV=production, no PROBITY_ADMIN_SECOND_FACTOR set): its
 * administrators, of the inspectorate and of a force, must set up a second factor before anything else,
 * and the people who administer nothing need not.
 */
const people: { email: string; role: Role; forceCode?: string }[] = [
  { email: 'admin@inspectorate.example', role: 'inspectorate-admin' },
  { email: 'admin@gwent.example', role: 'force-admin', forceCode: 'gwent' },
  { email: 'caseworker@gwent.example', role: 'force-caseworker', forceCode: 'gwent' },
  { email: 'inspector@inspectorate.example', role: 'inspector' },
]

let dataDir: string
let server: RunningServer
let base: string
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probity-production-'))
  copyMigratedDataDir(dataDir)
  const port = await freePort()
  const config = loadConfig({
    NODE_ENV: 'production',
    COOKIE_SECRET: randomBytes(32).toString('hex'),
    PROBITY_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  })
  expect(config.production).toBe(true)
  const database = await openDatabase(config.database)
  try {
    const services = createServices(database.db)
    for (const person of people)
      await services.users.create(SYSTEM_CALLER, { ...person, name: person.email, password: TEST_PASSWORD })
  } finally {
    await database.close()
  }
  server = await startServer(config, { demo: false, migrate: false })
  base = `http://127.0.0.1:${port}`
}, 60_000)
afterAll(async () => {
  await server?.stop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

/** Signs in over HTTP as a browser would, and asks for their account page: where is the person sent? */
async function signInAndOpenHome(email: string): Promise<{ signIn: number; home: number; location: string }> {
  const cookies = new Map<string, string>()
  const send = async (url: string, form?: Record<string, string>) => {
    const response = await fetch(`${base}${url}`, {
      method: form ? 'POST' : 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';')
      const at = pair.indexOf('=')
      cookies.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return response
  }
  const form = await (await send('/sign-in')).text()
  const csrf = form.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? ''
  const signIn = await send('/sign-in', { _csrf: csrf, email, password: TEST_PASSWORD, returnTo: '/account' })
  const home = await send('/account')
  return { signIn: signIn.status, home: home.status, location: home.headers.get('location') ?? '' }
}

describe('in production, by default', () => {
  it('sends inspectorate and force administrators to set up a second factor before anything else', async () => {
    for (const email of ['admin@inspectorate.example', 'admin@gwent.example'])
      expect([email, await signInAndOpenHome(email)]).toEqual([
        email,
        { signIn: 303, home: 303, location: '/account/second-factor?returnTo=%2Faccount' },
      ])
  })

  it('lets people who administer nothing in with their password alone', async () => {
    for (const email of ['caseworker@gwent.example', 'inspector@inspectorate.example'])
      expect([email, await signInAndOpenHome(email)]).toEqual([
        email,
        { signIn: 303, home: 200, location: '' },
      ])
  })
})
