import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInAgent } from '../../../test/support/agent.js'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { TEST_PASSWORD } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { DEMO_RESPONDENTS, seedDemoSurveys, syntheticForces } from './demo.js'
import { SYNTHETIC_SURVEY_CODE, syntheticCsv } from './generate.js'

let t: TestApp

beforeAll(async () => {
  t = await createTestApp()
  await seedDemoSurveys(t.services)
})
afterAll(() => t.close())

describe('the synthetic demo survey', () => {
  it('is generated the same every time, and differently for another seed', async () => {
    const forces = await syntheticForces(t.services)
    expect(syntheticCsv(2, 500, forces)).toBe(syntheticCsv(2, 500, forces))
    expect(syntheticCsv(2, 500, forces, 7)).not.toBe(syntheticCsv(2, 500, forces))
  })

  it('enters two waves once, labelled synthetic in the data, and gives the review a headline', async () => {
    await seedDemoSurveys(t.services)
    const [survey] = await t.services.surveys.list(SYSTEM_CALLER)
    expect(survey).toMatchObject({ code: SYNTHETIC_SURVEY_CODE, synthetic: true })
    expect(survey?.waves.map((wave) => [wave.code, wave.respondents])).toEqual([
      ['2011', DEMO_RESPONDENTS],
      ['2012', DEMO_RESPONDENTS],
    ])
    const [headline] = await t.services.surveys.headlines(SYSTEM_CALLER)
    expect(headline?.survey.synthetic).toBe(true)
    expect(headline?.label).toBe('think corruption is a problem in the police')
    expect(headline?.previous?.wave.code).toBe('2011')
  })

  it('says it is synthetic on every page', async () => {
    await t.services.users.create(SYSTEM_CALLER, {
      email: 'inspector@inspectorate.example',
      name: 'Ian Inspector',
      role: 'inspector',
      password: TEST_PASSWORD,
    })
    const inspector = await signedInAgent(t.app, 'inspector@inspectorate.example')
    const code = SYNTHETIC_SURVEY_CODE
    for (const path of [
      `/surveys/${code}`,
      `/surveys/${code}/results`,
      `/surveys/${code}/waves/2012/import`,
    ]) {
      const page = await inspector.get(path)
      expect(page.statusCode, path).toBe(200)
      expect(page.body, path).toContain('Synthetic data: made up to demonstrate Probity')
    }
    expect((await inspector.get('/surveys')).body).toMatch(/govuk-tag--orange">\s*Synthetic\s*</)
    const csv = await inspector.get(`/surveys/${code}/results.csv`)
    expect(csv.headers['content-disposition']).toContain('-synthetic-')
    expect(csv.body.split('\n')[1]).toContain(`${code},yes,`)
  })
})
