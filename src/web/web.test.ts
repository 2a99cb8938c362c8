import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInAgent } from '../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../test/support/test-app.js'
import { TEST_PASSWORD } from '../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../domain/access.js'

let testApp: TestApp
beforeAll(async () => {
  testApp = await createTestApp()
})
afterAll(() => testApp.close())

const get = (url: string) => testApp.app.inject({ method: 'GET', url })

describe('web shell', () => {
  it('renders the home page with the Probity header and navigation, without the crown', async () => {
    const response = await get('/')
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('govuk-generic-header')
    expect(response.body).toContain('Probity')
    expect(response.body).toContain('govuk-service-navigation')
    expect(response.body).not.toContain('govuk-logo')
    expect(response.body).not.toContain('favicon')
  })

  it('marks the current section in the navigation', async () => {
    const response = await get('/forces/kent')
    expect(response.body).toMatch(/govuk-service-navigation__item--active[\s\S]*?href="\/forces"/)
  })

  it('sends security headers whose script hash allows exactly the inline script the page carries', async () => {
    const response = await get('/')
    const policy = String(response.headers['content-security-policy'])
    expect(policy).toContain("default-src 'self'")
    expect(policy).toContain("frame-ancestors 'none'")
    const inlineScripts = [...response.body.matchAll(/<script>([^<]+)<\/script>/g)].map((match) => match[1])
    expect(inlineScripts).toHaveLength(1)
    const hash = createHash('sha256')
      .update(inlineScripts[0] ?? '')
      .digest('base64')
    expect(policy).toContain(`script-src 'self' 'sha256-${hash}'`)
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['referrer-policy']).toBe('same-origin')
  })

  it('sends an API answer the headers OWASP asks of an API, not a page’s', async () => {
    const response = await get('/api/forces')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'")
    expect(response.headers['x-frame-options']).toBe('DENY')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['cache-control']).toBe('no-store')
    const missing = await get('/api/forces/nope')
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'")
  })

  it('serves GOV.UK Frontend assets from the package, and nothing else from it', async () => {
    expect((await get('/govuk/govuk-frontend.min.css')).statusCode).toBe(200)
    expect((await get('/govuk/govuk-frontend.min.js')).statusCode).toBe(200)
    expect((await get('/assets/images/govuk-crest.svg')).statusCode).toBe(200)
    expect((await get('/public/application.mjs')).statusCode).toBe(200)
    expect((await get('/govuk/template.njk')).statusCode).toBe(404)
    expect((await get('/govuk/../../package.json')).statusCode).toBe(404)
  })

  it('shows the GOV.UK 404 page for an unknown page and JSON for an unknown API path', async () => {
    const page = await get('/no-such-page')
    expect(page.statusCode).toBe(404)
    expect(page.body).toContain('<h1 class="govuk-heading-l">Page not found</h1>')
    const api = await get('/api/no-such-thing')
    expect(api.statusCode).toBe(404)
    expect(api.json()).toMatchObject({ statusCode: 404, error: 'Not Found' })
  })

  it('describes the API as OpenAPI and lists its operations on a page', async () => {
    const document = (await get('/api/openapi.json')).json<{
      openapi: string
      paths: Record<string, unknown>
    }>()
    expect(document.openapi).toMatch(/^3\./)
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/forces', '/api/forces/{code}']))
    expect(Object.keys(document.paths)).not.toContain('/forces')
    const page = await get('/api/docs')
    expect(page.body).toContain('<code>/api/forces/{code}</code>')
  })
})

describe('server errors', () => {
  it('shows a GOV.UK error page with a reference and no internals when the database fails', async () => {
    const broken = await createTestApp()
    await broken.database.close()
    const page = await broken.app.inject('/forces')
    expect(page.statusCode).toBe(500)
    expect(page.body).toContain('Sorry, there is a problem with the service')
    expect(page.body).toMatch(/quote this reference: <strong>[0-9a-f-]{36}<\/strong>/)
    expect(page.body).not.toMatch(/at .*\.ts:\d+|PGlite|stack/i)
    const api = await broken.app.inject('/api/forces')
    expect(api.statusCode).toBe(500)
    expect(api.json()).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side and your request was not completed. Try again later.',
      details: [],
    })
    await broken.app.close()
  })
})

describe('answers to someone signed in', () => {
  it('carry Cache-Control: no-store on pages and exports, not only JSON', async () => {
    await testApp.services.users.create(SYSTEM_CALLER, {
      email: 'no-store@cheshire.example',
      name: 'No Store',
      role: 'force-admin',
      forceCode: 'cheshire',
      password: TEST_PASSWORD,
    })
    const agent = await signedInAgent(testApp.app, 'no-store@cheshire.example')
    for (const url of ['/', '/roster', '/gifts-hospitality.csv', '/gifts-hospitality.xlsx', '/api/me']) {
      const response = await agent.get(url)
      expect(response.statusCode, url).toBe(200)
      expect(response.headers['cache-control'], url).toBe('no-store')
    }
    // A visitor's public page may be kept: it holds nothing personal.
    expect((await get('/forces')).headers['cache-control']).toBeUndefined()
  })
})
