import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInAgent } from '../../test/support/agent.js'
import type { TestApp } from '../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../test/support/two-forces.js'
import { createLogger } from './logging.js'

/** Every line the app logs, parsed. */
const lines: Record<string, unknown>[] = []
const collected = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
    done()
  },
})

let testApp: TestApp
let cast: TwoForces
beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ logger: createLogger('info', collected) }))
})
afterAll(() => testApp.close())

const SEARCHED_NAME = 'Marjorie Featherstonehaugh'

describe('the access log', () => {
  it('writes one structured line per request, with its id, and never the query string or the form', async () => {
    const agent = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    lines.length = 0
    const page = await agent.get(`/roster?q=${encodeURIComponent(SEARCHED_NAME)}`)
    expect(page.statusCode).toBe(200)
    const signIn = await agent.post('/sign-in', { email: 'someone@alpha.example', password: SEARCHED_NAME })
    expect(signIn.statusCode).toBeLessThan(500)

    const logged = JSON.stringify(lines)
    expect(logged).not.toContain('Featherstonehaugh')
    expect(logged).not.toContain('someone@alpha.example')
    const completed = lines.filter((line) => line.msg === 'request completed')
    expect(completed).toHaveLength(2)
    const [roster] = completed
    expect(roster).toMatchObject({
      method: 'GET',
      route: '/roster',
      path: '/roster',
      status: 200,
      reqId: page.headers['x-request-id'],
      principal: `user:${cast.alpha.users['force-caseworker'].id}`,
    })
    expect(typeof roster?.ms).toBe('number')
  })

  it('gives every request an id of its own, not one the caller sends', async () => {
    const first = await testApp.app.inject({ url: '/healthz', headers: { 'request-id': 'forged' } })
    const second = await testApp.app.inject({ url: '/healthz' })
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id'])
  })

  it('logs an unknown address without its query', async () => {
    lines.length = 0
    await testApp.app.inject({ url: `/no-such-page?name=${encodeURIComponent(SEARCHED_NAME)}` })
    expect(JSON.stringify(lines)).not.toContain('Featherstonehaugh')
    expect(lines.some((line) => line.path === '/no-such-page')).toBe(true)
  })
})
