import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import type { ResultCell } from './present.js'
import { SMALL_SURVEY, WAVE_1, WAVE_2 } from './test-support.js'

const NOW = new Date('2012-06-01T10:00:00Z')

let t: TestApp
let cast: TwoForces
let inspector: Agent

beforeAll(async () => {
  ;({ testApp: t, cast } = await createTwoForcesTestApp({ now: () => NOW }))
  await t.services.users.create(SYSTEM_CALLER, {
    email: 'inspector@inspectorate.example',
    name: 'Ian Inspector',
    role: 'inspector',
    password: TEST_PASSWORD,
  })
  inspector = await signedInAgent(t.app, 'inspector@inspectorate.example')
})
afterAll(async () => {
  await t?.close()
})

describe('survey pages', () => {
  it('saves a definition uploaded as JSON, and says what is wrong with a bad one', async () => {
    const bad = await inspector.upload('/surveys/define', { filename: 'survey.json', data: '{"code": "x"' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('survey.json is not valid JSON')
    const saved = await inspector.upload('/surveys/define', {
      filename: 'survey.json',
      data: JSON.stringify(SMALL_SURVEY),
    })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe('/surveys/small')
    const list = await inspector.get('/surveys')
    expect(list.body).toContain('href="/surveys/small"')
  })

  it('lists every bad row of an upload with its line and imports nothing', async () => {
    const response = await inspector.upload(
      '/surveys/small/waves/w1/import',
      { filename: 'w1.csv', data: 'stratum,weight,q_problem\ncheshire,1,yes\nnowhere,0,yes\n' },
      { kind: 'respondents' },
    )
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('1 bad row in the file: nothing was imported')
    expect(response.body).toMatch(
      /3<\/td>\s*<td class="govuk-table__cell">stratum: &quot;nowhere&quot; is not a known stratum/,
    )
    const { waves } = await t.services.surveys.find(SYSTEM_CALLER, 'small')
    expect(waves[0]?.source).toBeNull()
  })

  it('imports both waves and shows charts with their tables, by area', async () => {
    for (const [wave, data] of [
      ['w1', WAVE_1],
      ['w2', WAVE_2],
    ] as const) {
      const imported = await inspector.upload(`/surveys/small/waves/${wave}/import`, {
        filename: `${wave}.csv`,
        data,
      })
      expect(imported.statusCode).toBe(303)
      expect(imported.headers.location).toBe('/surveys/small')
    }
    const show = await inspector.get('/surveys/small')
    // The last import is confirmed on the survey's page.
    expect(show.body).toContain('govuk-notification-banner--success')
    expect(show.body).toContain('Second wave: 8 respondents imported')
    expect(show.body).toContain('href="/surveys/small/results"')
    const page = await inspector.get('/surveys/small/results')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<svg')
    // Wave 2 nationally: yes 4/12 = 33.3%, change −22.9 points since wave 1, not significant.
    expect(page.body).toContain('33.3%')
    expect(page.body).toContain('-22.9 points (not significant)')
    expect(page.body).toContain('Compared with First wave’s question “Is corruption a problem?”')
    const cleveland = await inspector.get('/surveys/small/results?wave=w1&area=force:cleveland')
    expect(cleveland.body).toContain('Cleveland Police')
    expect(cleveland.body).toContain('withheld (base under 3)')
    // An unknown wave or area falls back to the latest wave, nationally.
    const unknown = await inspector.get('/surveys/small/results?wave=zzz&area=force:nowhere')
    expect(unknown.statusCode).toBe(200)
    expect(unknown.body).toContain('Results: Second wave, England and Wales')
  })

  it('imports a published table through the same page', async () => {
    await t.services.surveys.save(SYSTEM_CALLER, { ...SMALL_SURVEY, code: 'tables' })
    const response = await inspector.upload(
      '/surveys/tables/waves/w1/import',
      {
        filename: 't.csv',
        data: 'question,answer,base,weighted_share\nq_problem,yes,500,40\nq_problem,no,500,60\n',
      },
      { kind: 'aggregates' },
    )
    expect(response.statusCode).toBe(303)
    const page = await inspector.get('/surveys/tables/results')
    expect(page.body).toContain('40.0%')
    expect(page.body).toContain('come from published tables')
  })
})

describe('exports and the API', () => {
  it('exports every cell as CSV and Excel, escaping formulas, with no respondent in them', async () => {
    const csv = await inspector.get('/surveys/small/results.csv')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toContain('text/csv')
    const lines = csv.body.trim().split('\n')
    expect(lines[0]).toContain('Weighted share,95% interval lower,95% interval upper')
    // Wave 1's national "yes": 0.5625 [0.178166, 0.946834].
    expect(csv.body).toContain('national,England and Wales,8,6.4,no,0.5625,0.178166,0.946834')
    expect(csv.body).not.toContain('cheshire,1,yes')
    const xlsx = await inspector.get('/surveys/small/results.xlsx')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    expect(workbook.worksheets[0]?.rowCount).toBe(lines.length)
    const audit = await t.services.audit.list(
      SYSTEM_CALLER,
      { action: 'export', entityType: 'survey' },
      { offset: 0, limit: 10 },
    )
    expect(audit.events.length).toBeGreaterThanOrEqual(2)
  })

  it('escapes an answer label that would run as a formula', async () => {
    const survey = structuredClone(SMALL_SURVEY)
    survey.code = 'formula'
    const option = survey.questionnaires[0]?.questions[0]?.options[0]
    if (option) option.label = '=HYPERLINK("http://evil.example")'
    await t.services.surveys.save(SYSTEM_CALLER, survey)
    await t.services.surveys.importAggregates(SYSTEM_CALLER, 'formula', 'w1', {
      filename: 't.csv',
      data: Buffer.from('question,answer,base,weighted_share\nq_problem,yes,500,40\n'),
    })
    const csv = await inspector.get('/surveys/formula/results.csv')
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.example"")"`)
  })

  it('answers the results as JSON, the same figures as the export', async () => {
    const response = await inspector.get('/api/surveys/small/results')
    expect(response.statusCode).toBe(200)
    const { cells } = response.json<{ cells: ResultCell[] }>()
    const yes = cells.find((cell) => cell.wave === 'w1' && cell.area === 'national' && cell.answer === 'yes')
    expect(yes).toMatchObject({ base: 8, effectiveBase: 6.4, share: 0.5625, suppressed: false, change: null })
    const later = cells.find((cell) => cell.wave === 'w2' && cell.area === 'national' && cell.answer === 'y')
    expect(later?.trend).toBe('q_problem')
    expect(later?.significant).toBe(false)
    const withheld = cells.find((cell) => cell.wave === 'w1' && cell.area === 'force:cleveland')
    expect(withheld).toMatchObject({ suppressed: true, share: null, lower: null, upper: null })
    const list = await inspector.get('/api/surveys')
    expect(list.json<{ surveys: { code: string }[] }>().surveys.map((s) => s.code)).toContain('small')
    const openapi = await inspector.get('/api/openapi.json')
    expect(openapi.body).toContain('/api/surveys/{surveyCode}/results')
  })

  it('refuses a bad definition posted to the API with a 400 and its reasons', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/surveys',
      headers: { cookie: inspector.cookieHeader, 'x-csrf-token': inspector.csrfToken },
      payload: { code: 'Not A Code', name: '', questionnaires: [], waves: [] },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json<{ details: { field: string }[] }>().details.map((d) => d.field)).toContain('code')
  })
})

describe('access', () => {
  const PATHS = [
    '/surveys',
    '/surveys/define',
    '/surveys/small',
    '/surveys/small/results',
    '/surveys/small/results.csv',
    '/surveys/small/waves/w1/import',
    '/api/surveys',
    '/api/surveys/small/results',
  ]

  it('refuses every force role and a force’s API token, and sends anonymous visitors to sign in', async () => {
    for (const role of ['force-admin', 'force-caseworker', 'staff'] as const) {
      const agent = await signedInAgent(t.app, cast.alpha.users[role].email)
      for (const path of PATHS) expect((await agent.get(path)).statusCode, `${role} ${path}`).toBe(403)
      const post = await agent.upload('/surveys/small/waves/w1/import', { filename: 'w1.csv', data: WAVE_1 })
      expect(post.statusCode).toBe(403)
    }
    for (const path of PATHS) {
      const response = await t.app.inject({
        url: path,
        headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
      })
      expect(response.statusCode, path).toBe(403)
    }
    const anonymous = await new Agent(t.app).get('/surveys/small/results')
    expect(anonymous.statusCode).toBe(303)
  })
})
