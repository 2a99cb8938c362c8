import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, dateInputFields, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { pageText } from '../roster/test-support.js'

let testApp: TestApp
let cast: TwoForces
let caseworker: Agent
let inspector: Agent
let bravoCaseworker: Agent

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => new Date('2012-06-01T10:00:00Z') }))
  caseworker = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
  inspector = await signedInAgent(testApp.app, cast.inspectorateAdmin.email)
  bravoCaseworker = await signedInAgent(testApp.app, cast.bravo.users['force-caseworker'].email)
})
afterAll(() => testApp.close())

const figures = (day: string, month: string, year: string, funded: string, filled: string) => ({
  ...dateInputFields('asOf', day, month, year),
  postsFunded: funded,
  postsFilled: filled,
})

describe('anti-corruption unit staffing pages', () => {
  it('asks for dates with GOV.UK date inputs and refuses a wrong one, recording nothing', async () => {
    const page = await caseworker.get('/acu-staffing')
    expect(page.statusCode).toBe(200)
    for (const name of ['asOf-day', 'asOf-month', 'asOf-year', 'from-day', 'to-year'])
      expect(page.body).toContain(`name="${name}"`)
    expect(page.body).not.toMatch(/For example, \d+\/\d+\/\d{4}/)

    const wrong = await caseworker.post('/acu-staffing', figures('31', '4', '2011', '6', '5'))
    expect(wrong.statusCode).toBe(400)
    expect(pageText(wrong.body)).toContain('Date of the figures must be a real date')
    expect(wrong.body).toContain('href="#asOf"')
    expect(wrong.body).toMatch(/id="asOf-month" name="asOf-month" type="text" value="4"/)
    const partial = await caseworker.post('/acu-staffing', figures('31', '', '', '6', '5'))
    expect(partial.statusCode).toBe(400)
    expect(pageText(partial.body)).toContain('Date of the figures must include a month and year')
    const future = await caseworker.post('/acu-staffing', figures('1', '7', '2012', '6', '5'))
    expect(future.statusCode).toBe(400)
    expect(pageText(future.body)).toContain('Date of the figures must be today or in the past')
    expect(pageText((await caseworker.get('/acu-staffing')).body)).toContain('No figures have been recorded')
  })

  it('confirms what was recorded with a banner and shows dates as 31 March 2011', async () => {
    const recorded = await caseworker.post('/acu-staffing', figures('31', '3', '2011', '6', '5'))
    expect(recorded.statusCode).toBe(303)
    expect(recorded.headers.location).toBe('/acu-staffing')
    const page = pageText((await caseworker.get('/acu-staffing')).body)
    expect(page).toContain('Staffing as at 31 March 2011 recorded')
    expect(page).toMatch(/Force As at Posts funded Posts filled Notes \S.* 31 March 2011 6 5/)
    // The banner is shown once, not on the next visit.
    expect(pageText((await caseworker.get('/acu-staffing')).body)).not.toContain('Staffing as at')
    expect((await caseworker.post('/acu-staffing', figures('31', '3', '2012', '8', '7.5'))).statusCode).toBe(
      303,
    )
  })

  it('compares two dates entered with date inputs; a wrong one gets a 400 that says why', async () => {
    const dates = new URLSearchParams({
      ...dateInputFields('from', '1', '4', '2011'),
      ...dateInputFields('to', '1', '4', '2012'),
    })
    const change = await caseworker.get(`/acu-staffing?${dates}`)
    expect(change.statusCode).toBe(200)
    expect(pageText(change.body)).toContain(
      'Posts filled 5 on 31 March 2011 → 7.5 on 31 March 2012 (change 2.5)',
    )
    expect(change.body).toMatch(/id="to-year" name="to-year" type="text" value="2012"/)

    const wrong = new URLSearchParams({
      ...dateInputFields('from', '1', '4', '2011'),
      ...dateInputFields('to', '1', '', '2012'),
    })
    const refused = await caseworker.get(`/acu-staffing?${wrong}`)
    expect(refused.statusCode).toBe(400)
    expect(pageText(refused.body)).toContain('Second date must include a month')
    expect(refused.body).toContain('href="#to"')

    const inspected = await inspector.get(`/acu-staffing?force=cheshire&${dates}`)
    expect(pageText(inspected.body)).toContain('(change 2.5)')
    expect(pageText((await bravoCaseworker.get('/acu-staffing')).body)).toContain(
      'No figures have been recorded',
    )
  })
})

describe('in Welsh', () => {
  it('shows the staffing page, its errors and the import pages in Welsh', async () => {
    const welsh = await signedInAgent(testApp.app, cast.alpha.users['force-caseworker'].email)
    await welsh.chooseLanguage('cy')
    const page = await welsh.get('/acu-staffing')
    expect(page.body).toMatch(/<html lang="cy"/)
    expect(page.body).toContain('<h1 class="govuk-heading-xl">Staffio’r uned gwrth-lygredd</h1>')
    expect(page.body).toContain('Newid rhwng dau ddyddiad')
    expect(page.body).not.toMatch(/Change between two dates|Record staffing|Figures recorded/)
    const refused = await welsh.post('/acu-staffing', { postsFunded: 'lots' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('Rhowch y dyddiad y mae’r ffigurau ar ei gyfer')
    expect(refused.body).toContain('Rhowch y swyddi a ariennir fel cyfwerth ag amser llawn, fel 6 neu 5.5')
    expect(refused.body).not.toMatch(/Enter the posts|Enter the date/)
    const recorded = await welsh.post('/acu-staffing', figures('31', '3', '2009', '4', '3'))
    expect(recorded.statusCode).toBe(303)
    expect((await welsh.get('/acu-staffing')).body).toContain(
      'Staffio fel ag yr oedd ar 31 Mawrth 2009 wedi’i gofnodi',
    )
    const upload = await welsh.get('/acu-staffing/import')
    expect(upload.body).toContain('<h1 class="govuk-heading-l">Mewnforio staffio’r uned gwrth-lygredd</h1>')
    expect(upload.body).toContain('Un rhes ar gyfer pob dyddiad')
    expect(upload.body).not.toMatch(/One row for each date|Check the file|Download the template/)
    const preview = await welsh.upload('/acu-staffing/import', {
      filename: 'staffing.csv',
      data: 'as_of,posts_funded,posts_filled,notes\n2010-03-31,6,5,\n',
    })
    expect(preview.body).toContain('Gwirio mewnforio staffing.csv')
    expect(preview.body).toContain('Ychwanegu')
    expect(preview.body).not.toMatch(/Would be written|>Add</)
  })
})
