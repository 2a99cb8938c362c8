import { Readable } from 'node:stream'
import { sql } from 'drizzle-orm'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { sheetXml, workbook } from '../../../test/support/zip.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { createServices } from '../../services.js'
import type { AreaResult } from './results.js'
import { ImportRejectedError } from './service.js'
import { SMALL_SURVEY, WAVE_1, WAVE_2 } from './test-support.js'

const NOW = new Date('2012-06-01T10:00:00Z')

let testApp: TestApp

function callerWith(role: Role, forceId: number | null = null): Caller {
  return callerFor(
    {
      kind: 'user',
      id: '00000000-0000-4000-8000-000000000009',
      label: `a ${role}`,
      role,
      forceId,
      staffMemberId: null,
    },
    null,
  )
}

const csv = (text: string, filename = 'wave.csv') => ({ filename, source: Readable.from([text]) })

const areaOf = (areas: AreaResult[], key: string) => areas.find((area) => area.area.key === key) as AreaResult

beforeAll(async () => {
  testApp = await createTestApp({ now: () => NOW })
  await testApp.services.surveys.save(SYSTEM_CALLER, SMALL_SURVEY)
})
afterAll(() => testApp.close())

describe('importing a wave', () => {
  it('imports respondents and computes weighted shares, intervals and suppression by hand', async () => {
    const surveys = testApp.services.surveys
    expect(await surveys.importRespondents(SYSTEM_CALLER, 'small', 'w1', csv(WAVE_1))).toEqual({
      respondents: 9,
    })
    const { waves } = await surveys.results(callerWith('inspector'), 'small')
    const [question] = waves[0]?.questions ?? []
    if (!question) throw new Error('no results')
    const national = areaOf(question.areas, 'national')
    // Answered: weights 1,2,1,3,1,2,2,4 (n = 8, Σw = 16, Σw² = 40, n_eff = 256/40 = 6.4).
    // Yes: 1+1+3+4 = 9 → 9/16 = 0.5625; margin 1.959964 × √(0.5625 × 0.4375 / 6.4) = 0.384334.
    expect(national.base).toBe(8)
    expect(national.effectiveBase).toBeCloseTo(6.4, 10)
    const yes = national.answers.find((answer) => answer.option.code === 'yes')?.estimate
    expect(yes?.share).toBe(0.5625)
    expect(yes?.lower).toBeCloseTo(0.178166, 5)
    expect(yes?.upper).toBeCloseTo(0.946834, 5)
    expect(national.answers.map((answer) => answer.estimate.share)).toEqual([9 / 16, 6 / 16, 1 / 16])
    // Northern: Cheshire (1, 2, 1) and Cleveland (3, 1): Σw = 8, Σw² = 16, n_eff = 4; yes 5/8.
    const northern = areaOf(question.areas, 'region:Northern')
    expect(northern.base).toBe(5)
    expect(northern.effectiveBase).toBe(4)
    expect(northern.answers[0]?.estimate.share).toBe(0.625)
    // Cleveland has two respondents, under the minimum base of 3: withheld.
    const cleveland = areaOf(question.areas, 'force:cleveland')
    expect(cleveland.area.name).toBe('Cleveland Police')
    expect(
      cleveland.answers.every((answer) => answer.estimate.suppressed && answer.estimate.share === null),
    ).toBe(true)
    expect(areaOf(question.areas, 'force:kent').answers[0]?.estimate.share).toBe(4 / 8)
    expect(national.headline?.estimate.share).toBe(0.5625)
  })

  it('maps a reworded question across waves and tests the change', async () => {
    const surveys = testApp.services.surveys
    await surveys.importRespondents(SYSTEM_CALLER, 'small', 'w2', csv(WAVE_2))
    const { waves } = await surveys.results(callerWith('inspector'), 'small')
    const national = areaOf(waves[1]?.questions[0]?.areas ?? [], 'national')
    // Σw = 12, yes = 1+1+2 = 4: 1/3; Σw² = 4 + 16 = 20, n_eff = 144/20 = 7.2.
    const yes = national.answers[0]
    expect(yes?.estimate.share).toBeCloseTo(1 / 3, 12)
    // z = (1/3 − 0.5625) / √(0.5625·0.4375/6.4 + (1/3)(2/3)/7.2) = −0.229167 / 0.263280 = −0.870430
    expect(yes?.change?.difference).toBeCloseTo(1 / 3 - 0.5625, 12)
    expect(yes?.change?.z).toBeCloseTo(-0.87043, 5)
    expect(yes?.change?.significant).toBe(false)
    // "Don't know" kept its code; no answer in wave 2 chose it.
    expect(national.answers[2]?.estimate.share).toBe(0)
  })

  it('gives the national review its headline: the latest share and how it moved', async () => {
    const [headline] = await testApp.services.surveys.headlines(callerWith('inspector'), { survey: 'small' })
    expect(headline).toMatchObject({
      survey: { code: 'small', synthetic: false },
      question: { code: 'q2_problem' },
      label: 'think corruption is a problem',
      wave: { code: 'w2' },
      base: 8,
      previous: { wave: { code: 'w1' }, share: 0.5625, significant: false },
    })
    expect(headline?.share).toBeCloseTo(1 / 3, 12)
    expect(headline?.previous?.change).toBeCloseTo(1 / 3 - 0.5625, 12)
  })

  it('refuses a file with bad rows, listing each with its line, and writes nothing', async () => {
    const surveys = testApp.services.surveys
    const bad = `stratum,weight,q_problem
cheshire,1,yes
atlantis,1,yes
kent,-2,no

kent,abc,maybe
"cleveland",1,dk
`
    const error = await surveys.importRespondents(SYSTEM_CALLER, 'small', 'w1', csv(bad)).catch((e) => e)
    expect(error).toBeInstanceOf(ImportRejectedError)
    expect((error as ImportRejectedError).problems).toEqual([
      { line: 3, reason: 'stratum: "atlantis" is not a known stratum' },
      { line: 4, reason: 'weight: must be a number greater than 0 and at most 1,000,000' },
      {
        line: 6,
        reason:
          'weight: must be a number greater than 0 and at most 1,000,000; q_problem: "maybe" is not an answer option (yes, no, dk)',
      },
    ])
    // The wave still holds its first import, whole.
    const { waves } = await surveys.results(SYSTEM_CALLER, 'small')
    expect(areaOf(waves[0]?.questions[0]?.areas ?? [], 'national').base).toBe(8)
    expect(waves[0]?.wave.respondents).toBe(9)
  })

  it('refuses a file whose columns are not the questionnaire’s', async () => {
    const surveys = testApp.services.surveys
    const missing = surveys.importRespondents(
      SYSTEM_CALLER,
      'small',
      'w1',
      csv('stratum,weight\ncheshire,1\n'),
    )
    await expect(missing).rejects.toThrow('has no column q_problem')
    const unknown = surveys.importRespondents(
      SYSTEM_CALLER,
      'small',
      'w1',
      csv('stratum,weight,q_problem,q9\n'),
    )
    await expect(unknown).rejects.toThrow('q9, which is not a question')
    const wrongKind = surveys.importRespondents(SYSTEM_CALLER, 'small', 'w1', csv('x', 'wave.pdf'))
    await expect(wrongKind).rejects.toBeInstanceOf(ValidationError)
  })

  it('imports respondents from an Excel workbook, streamed', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Respondents')
    for (const line of WAVE_2.trim().split('\n')) sheet.addRow(line.split(','))
    const data = Buffer.from(await workbook.xlsx.writeBuffer())
    const surveys = testApp.services.surveys
    await surveys.importRespondents(SYSTEM_CALLER, 'small', 'w2', {
      filename: 'w2.xlsx',
      source: Readable.from([data]),
    })
    const { waves } = await surveys.results(SYSTEM_CALLER, 'small')
    expect(areaOf(waves[1]?.questions[0]?.areas ?? [], 'national').answers[0]?.estimate.share).toBeCloseTo(
      1 / 3,
      12,
    )
    const broken = surveys.importRespondents(SYSTEM_CALLER, 'small', 'w2', {
      filename: 'w2.xlsx',
      source: Readable.from([Buffer.from('not a zip at all')]),
    })
    await expect(broken).rejects.toBeInstanceOf(ValidationError)
  })
})

describe('hostile files', () => {
  /** What wave 1 holds: the first test's nine respondents, whatever a refused file tried. */
  async function waveOneRespondents() {
    const { waves } = await testApp.services.surveys.results(SYSTEM_CALLER, 'small')
    return waves[0]?.wave.respondents
  }

  it('refuses a zip bomb of a workbook before inflating it, naming the limit, and writes nothing', async () => {
    // A few rows, then 20 MB of comment that deflates to some 20 KB.
    const rows = [
      ['stratum', 'weight', 'q_problem'],
      ['kent', '1', 'yes'],
    ]
    const bomb = workbook(sheetXml(rows, `<!--${'a'.repeat(20 * 1024 * 1024)}-->`))
    expect(bomb.length).toBeLessThan(100 * 1024)
    const refused = testApp.services.surveys
      .importRespondents(SYSTEM_CALLER, 'small', 'w1', {
        filename: 'bomb.xlsx',
        source: Readable.from([bomb]),
      })
      .catch((error) => error)
    expect(await refused).toBeInstanceOf(ValidationError)
    expect((await refused).fieldErrors.file).toBe(
      'bomb.xlsx expands more than 200 times when unzipped, which no real workbook does',
    )
    expect(await waveOneRespondents()).toBe(9)
  })

  it('refuses files over the limits of every upload as they are read, and writes nothing', async () => {
    const tight = createServices(testApp.database.db, {
      now: () => NOW,
      uploadLimits: { rows: 3, cellCharacters: 100, bytes: 64 * 1024 },
    }).surveys
    const respondents = (file: { filename: string; source: Buffer | Readable }) =>
      tight.importRespondents(SYSTEM_CALLER, 'small', 'w1', file).catch((error) => error.fieldErrors?.file)
    expect(await respondents(csv(WAVE_1))).toBe(
      'wave.csv has more than 3 rows, the most one upload may have: split it into smaller files',
    )
    expect(await respondents(csv(`stratum,weight,q_problem\nkent,1,${'y'.repeat(101)}\n`))).toBe(
      'wave.csv has a cell longer than 100 characters, the most a cell may hold (line 2)',
    )
    // A workbook is gathered to be unzipped: a stream of one larger than an upload may be stops there.
    const large = (function* () {
      for (let chunk = 0; chunk < 100; chunk++) yield Buffer.alloc(1024)
    })()
    expect(await respondents({ filename: 'large.xlsx', source: Readable.from(large) })).toBe(
      'large.xlsx is larger than 0.06 MB, the most one upload may be: split it into smaller files',
    )
    expect(
      await respondents({ filename: 'w.xlsx', source: Buffer.from('PK\u0003\u0004 not a workbook') }),
    ).toBe('w.xlsx could not be opened as an Excel workbook')
    const table = `question,answer,base,weighted_share\n${'q_problem,yes,10,40\n'.repeat(4)}`
    const aggregates = await tight
      .importAggregates(SYSTEM_CALLER, 'small', 'w1', { filename: 'table.csv', data: Buffer.from(table) })
      .catch((error) => error.fieldErrors?.file)
    expect(aggregates).toBe(
      'table.csv has more than 3 rows, the most one upload may have: split it into smaller files',
    )
    expect(await waveOneRespondents()).toBe(9)
  })
})

describe('published aggregate tables', () => {
  const TABLE = `question,answer,base,weighted_share,region
q_problem,yes,1000,40,
q_problem,no,1000,50,
q_problem,dk,1000,10,
q_problem,yes,50,30,Northern
`

  it('imports a table and gives intervals on its bases', async () => {
    const surveys = testApp.services.surveys
    await surveys.save(SYSTEM_CALLER, { ...SMALL_SURVEY, code: 'published', minimumBase: 100 })
    const result = await surveys.importAggregates(SYSTEM_CALLER, 'published', 'w1', {
      filename: 'table.csv',
      data: Buffer.from(TABLE),
    })
    expect(result).toEqual({ cells: 4 })
    const { waves } = await surveys.results(SYSTEM_CALLER, 'published')
    const areas = waves[0]?.questions[0]?.areas ?? []
    const yes = areaOf(areas, 'national').answers[0]?.estimate
    // √(0.4 × 0.6 / 1000) × 1.959964 = 0.030364
    expect(yes?.share).toBeCloseTo(0.4, 12)
    expect(yes?.lower).toBeCloseTo(0.369636, 5)
    // Northern's base of 50 is under the minimum of 100.
    expect(areaOf(areas, 'region:Northern').answers[0]?.estimate.suppressed).toBe(true)
  })

  it('refuses a table with bad rows and writes nothing', async () => {
    const surveys = testApp.services.surveys
    const bad = `question,answer,base,weighted_share,region
q_problem,yes,1000,40,
q_nothing,yes,1000,40,
q_problem,maybe,10,40,
q_problem,no,0,140,Narnia
q_problem,yes,1000,41,
`
    const error = await surveys
      .importAggregates(SYSTEM_CALLER, 'published', 'w1', { filename: 'bad.csv', data: Buffer.from(bad) })
      .catch((e) => e)
    expect((error as ImportRejectedError).problems).toEqual([
      { line: 3, reason: "question: q_nothing is not a question of this wave's questionnaire" },
      { line: 4, reason: 'answer: maybe is not an answer option of q_problem' },
      { line: 5, reason: 'base: must be 1 or more; weighted_share: must be a percentage from 0 to 100' },
      { line: 6, reason: 'this question, answer and region are given twice' },
    ])
    const { waves } = await surveys.results(SYSTEM_CALLER, 'published')
    expect(areaOf(waves[0]?.questions[0]?.areas ?? [], 'national').answers[0]?.estimate.share).toBeCloseTo(
      0.4,
      12,
    )
  })
})

describe('definitions', () => {
  it('adds new versions and waves, and refuses a changed version', async () => {
    const surveys = testApp.services.surveys
    const changed = structuredClone(SMALL_SURVEY)
    const first = changed.questionnaires[0]?.questions[0]
    if (first) first.text = 'Reworded without a new version'
    await expect(surveys.save(SYSTEM_CALLER, changed)).rejects.toThrow('already saved with other questions')
    await surveys.save(SYSTEM_CALLER, {
      ...SMALL_SURVEY,
      waves: [
        ...SMALL_SURVEY.waves,
        { code: 'w3', label: 'Third', questionnaireVersion: 2, strata: 'region' },
      ],
    })
    expect((await surveys.find(SYSTEM_CALLER, 'small')).waves.map((wave) => wave.code)).toEqual([
      'w1',
      'w2',
      'w3',
    ])
  })

  it('imports a wave whose strata are regions: results by region, no force areas', async () => {
    const surveys = testApp.services.surveys
    const regional = `stratum,weight,q2_problem
northern,1,y
Northern,3,n
northern,2,y
northern,2,
`
    expect(await surveys.importRespondents(SYSTEM_CALLER, 'small', 'w3', csv(regional))).toEqual({
      respondents: 4,
    })
    const { waves } = await surveys.results(callerWith('inspector'), 'small')
    const areas = waves.find((wave) => wave.wave.code === 'w3')?.questions[0]?.areas ?? []
    // Answered: weights 1, 3, 2 (Σw = 6); yes 1 + 2 = 3: a half, nationally and in the Northern region.
    expect(areas.map((area) => area.area.key)).toEqual(['national', 'region:Northern'])
    expect(areas.map((area) => [area.base, area.answers[0]?.estimate.share])).toEqual([
      [3, 0.5],
      [3, 0.5],
    ])
  })

  it('refuses a definition that breaks its rules, with the reason', async () => {
    const surveys = testApp.services.surveys
    const wrong = {
      ...SMALL_SURVEY,
      code: 'bad',
      waves: [{ code: 'w1', label: 'x', questionnaireVersion: 9, strata: 'force' }],
    }
    await expect(surveys.save(SYSTEM_CALLER, wrong)).rejects.toThrow(
      'questionnaire version 9, which is not defined',
    )
  })
})

describe('access', () => {
  it('refuses force roles in the service', async () => {
    const forceAdmin = callerWith('force-admin', 1)
    await expect(testApp.services.surveys.list(forceAdmin)).rejects.toBeInstanceOf(ForbiddenError)
    await expect(testApp.services.surveys.results(forceAdmin, 'small')).rejects.toBeInstanceOf(ForbiddenError)
    await expect(
      testApp.services.surveys.importRespondents(forceAdmin, 'small', 'w1', csv(WAVE_1)),
    ).rejects.toBeInstanceOf(ForbiddenError)
  })

  it('hides respondents from the app role outside the inspectorate’s scope, and refuses its writes', async () => {
    const db = testApp.database.db
    const count = (scope: Parameters<typeof inScope>[1]) =>
      inScope(db, scope, async (tx) => {
        const result = await tx.execute(sql`select count(*)::int as n from survey_respondents`)
        return (result as unknown as { rows: { n: number }[] }).rows[0]?.n
      })
    expect(await count({ kind: 'inspectorate' })).toBeGreaterThan(0)
    expect(await count({ kind: 'force', forceId: 1 })).toBe(0)
    expect(await count({ kind: 'public' })).toBe(0)
    const write = inScope(db, { kind: 'force', forceId: 1 }, (tx) =>
      tx.execute(sql`update surveys set name = 'changed by a force'`),
    )
    // Row-level security lets a force see the survey but change none of it.
    await write
    const [survey] = (await testApp.services.surveys.list(SYSTEM_CALLER)).filter(
      (row) => row.code === 'small',
    )
    expect(survey?.name).toBe('Small test survey')
  })
})
