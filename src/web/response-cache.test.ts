import { gunzipSync } from 'node:zlib'
import cookie from '@fastify/cookie'
import { sql } from 'drizzle-orm'
import Fastify from 'fastify'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRegisterTestApp } from '../../test/support/registers.js'
import type { TestApp } from '../../test/support/test-app.js'
import type { TwoForces } from '../../test/support/two-forces.js'
import { DataChanges } from '../db/data-changes.js'
import { SYSTEM_CALLER } from '../domain/access.js'
import { setUpLanguage } from './i18n/language.js'
import { setUpResponseCache } from './response-cache.js'

// What the app keeps in memory: register list answers and checked API tokens, dropped on any change.
const DAY = 86_400_000
let clock = new Date('2012-06-01T09:00:00Z')

let testApp: TestApp
let cast: TwoForces
beforeAll(async () => {
  ;({ testApp, cast } = await createRegisterTestApp(() => clock))
})
afterAll(() => testApp.close())

const LIST = '/api/gifts-hospitality?sort=offered&order=desc'
const read = (token: string, url = LIST) =>
  testApp.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
const descriptions = (body: string) =>
  (JSON.parse(body) as { gifts: { description: string }[] }).gifts.map((gift) => gift.description)

/**
 * Changes a declaration with the table's triggers off, so no one is told: only a fresh read sees it. All
 * of them, since a write that links the donor to its organisation, or raises alerts, announces a change
 * to those tables.
 */
async function changeUnannounced(giftId: string, description: string) {
  await testApp.database.db.transaction(async (tx) => {
    await tx.execute(sql`alter table gifts_hospitality disable trigger user`)
    await tx.execute(sql`update gifts_hospitality set description = ${description} where id = ${giftId}`)
    await tx.execute(sql`alter table gifts_hospitality enable trigger user`)
  })
}

function declaration(description: string) {
  return {
    staffNumber: 'ALPHA0001',
    kind: 'gift',
    description,
    donorName: 'Cache Testing Ltd',
    donorType: 'supplier',
    estimatedValue: 12,
    offeredOn: '2012-05-30',
    outcome: 'declined',
  }
}

describe('register list answers kept in memory', () => {
  it('answers a repeated read from memory, and reads afresh after any change', async () => {
    const first = await read(cast.alpha.apiToken.token)
    expect(first.statusCode).toBe(200)
    await changeUnannounced(cast.alpha.gifts.giftId, 'Changed without telling anyone')

    const again = await read(cast.alpha.apiToken.token)
    expect(again.statusCode).toBe(200)
    expect(again.headers['content-type']).toBe(first.headers['content-type'])
    expect(again.body).toBe(first.body)

    // Any announced change, here to another table, makes the next read go to the database.
    await testApp.database.db.execute(sql`update regions set name = name`)
    expect(descriptions((await read(cast.alpha.apiToken.token)).body)).toContain(
      'Changed without telling anyone',
    )
  })

  it('shows a declaration in the very next read after the API records it', async () => {
    await read(cast.alpha.apiToken.token)
    const recorded = await testApp.app.inject({
      method: 'POST',
      url: '/api/gifts-hospitality',
      headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
      payload: declaration('Pen set, recorded then read at once'),
    })
    expect(recorded.statusCode).toBe(201)
    expect(descriptions((await read(cast.alpha.apiToken.token)).body)).toContain(
      'Pen set, recorded then read at once',
    )
  })

  it('keeps each caller’s answer apart: another force asking for the same address gets its own', async () => {
    // Both tokens used once already, so that noting their use changes nothing during the test.
    await read(cast.bravo.apiToken.token, '/api/roster')
    await read(cast.alpha.apiToken.token, '/api/roster')
    const alpha = await read(cast.alpha.apiToken.token)
    expect(alpha.body).toContain(cast.alpha.marker)
    const bravo = await read(cast.bravo.apiToken.token)
    expect(bravo.statusCode).toBe(200)
    expect(bravo.body).not.toContain(cast.alpha.marker)
    expect(bravo.body).toContain(cast.bravo.marker)
  })

  it('keeps nothing that was not a success', async () => {
    const refused = await read(cast.alpha.apiToken.token, `${LIST}&page=0`)
    expect(refused.statusCode).toBe(400)
    expect((await read(cast.alpha.apiToken.token, `${LIST}&page=0`)).statusCode).toBe(400)
  })

  it.runIf(process.env.DATABASE_URL)(
    'hears a change another process commits, and reads afresh',
    { timeout: 20_000 },
    async () => {
      const before = descriptions((await read(cast.alpha.apiToken.token)).body)
      expect(before).not.toContain('Changed by another process')
      const settings = testApp.database.settings
      if (settings.kind !== 'server') throw new Error('needs PostgreSQL')
      const other = new pg.Client({ connectionString: settings.url })
      await other.connect()
      try {
        await other.query('update gifts_hospitality set description = $1 where id = $2', [
          'Changed by another process',
          cast.alpha.gifts.giftId,
        ])
      } finally {
        await other.end()
      }
      await vi.waitFor(
        async () =>
          expect(descriptions((await read(cast.alpha.apiToken.token)).body)).toContain(
            'Changed by another process',
          ),
        { timeout: 10_000, interval: 50 },
      )
    },
  )
})

describe('API tokens taken on trust', () => {
  it('refuses a token from the moment it is revoked', async () => {
    const { token, record } = await testApp.services.apiTokens.create(SYSTEM_CALLER, {
      name: 'Revoked while in use',
      role: 'force-caseworker',
      forceCode: cast.alpha.code,
    })
    expect((await read(token)).statusCode).toBe(200)
    expect((await read(token)).statusCode).toBe(200)
    await testApp.services.apiTokens.revoke(SYSTEM_CALLER, record.id)
    expect((await read(token)).statusCode).toBe(401)
  })

  it('refuses a token once it expires, though nothing else changed', async () => {
    const { token } = await testApp.services.apiTokens.create(SYSTEM_CALLER, {
      name: 'Expires tomorrow',
      role: 'force-caseworker',
      forceCode: cast.alpha.code,
      expiresInDays: 1,
    })
    expect((await read(token)).statusCode).toBe(200)
    clock = new Date(clock.getTime() + DAY - 1000)
    expect((await read(token)).statusCode).toBe(200)
    clock = new Date(clock.getTime() + 2000)
    expect((await read(token)).statusCode).toBe(401)
  })
})

describe('pages kept in memory', () => {
  it('are compressed for a caller who accepts it, the same answer either way', async () => {
    const changes = new DataChanges(async (watched) => {
      watched.hearing(true)
      return async () => {}
    })
    const app = Fastify()
    setUpResponseCache(app, changes, () => new Date())
    let rendered = 0
    const page = 'A register page, long enough to be worth compressing. '.repeat(40)
    app.get('/page', { config: { keepResponses: true } }, (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(`${page}${++rendered}`),
    )
    await changes.watch()
    const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/page', headers })
    try {
      const first = await get({ 'accept-encoding': 'gzip' })
      expect(first.body).toBe(`${page}1`)
      for (let time = 0; time < 2; time++) {
        const compressed = await get({ 'accept-encoding': 'gzip, deflate' })
        expect(compressed.headers['content-encoding']).toBe('gzip')
        expect(gunzipSync(compressed.rawPayload).toString()).toBe(`${page}1`)
      }
      const plain = await get({ 'accept-encoding': 'identity' })
      expect(plain.headers['content-encoding']).toBeUndefined()
      expect(plain.body).toBe(`${page}1`)
      expect(rendered).toBe(1)
    } finally {
      await app.close()
    }
  })

  it('are kept apart by their language, however it was chosen, and say so to caches beyond', async () => {
    // A page route marked to be kept, in an app with only the language and the cache set up, so that it
    // shows whether an answer came from memory (the count) and in which language.
    const changes = new DataChanges(async (watched) => {
      watched.hearing(true)
      return async () => {}
    })
    const app = Fastify()
    await app.register(cookie)
    setUpLanguage(app, async () => {})
    setUpResponseCache(app, changes, () => new Date())
    let rendered = 0
    app.get('/page', { config: { keepResponses: true } }, (request, reply) =>
      reply.type('text/html; charset=utf-8').send(`${request.language} ${++rendered}`),
    )
    await changes.watch()
    const get = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/page', headers })
    try {
      const english = await get({ 'accept-language': 'en' })
      expect(english.body).toBe('en 1')
      expect((await get({ 'accept-language': 'en-GB' })).body).toBe('en 1')
      const welsh = await get({ 'accept-language': 'cy' })
      expect(welsh.body).toBe('cy 2')
      // Chosen with the header's switch, over what the browser prefers: still the Welsh page.
      const chosen = await get({ 'accept-language': 'en', cookie: 'probity_language=cy' })
      expect(chosen.body).toBe('cy 2')
      expect((await get({ 'accept-language': 'cy', cookie: 'probity_language=en' })).body).toBe('en 1')
      for (const response of [english, welsh, chosen])
        expect(String(response.headers.vary).split(/,\s*/)).toEqual(
          expect.arrayContaining(['Accept-Encoding', 'Accept-Language', 'Cookie']),
        )
    } finally {
      await app.close()
    }
  })
})
