import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import { syntheticForces } from './demo.js'
import { SYNTHETIC_SURVEY_CODE, syntheticRows, syntheticSurvey } from './generate.js'

const RESPONDENTS = 100_000

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
  await t.services.surveys.save(SYSTEM_CALLER, syntheticSurvey())
})
afterAll(() => t.close())

describe('a 100,000-respondent wave', { timeout: 300_000 }, () => {
  it('streams in, and its national shares and intervals match ones computed independently from the file', async () => {
    const forces = await syntheticForces(t.services)
    // Independently: straight sums over the generated rows, as a spreadsheet would do them.
    const sums = new Map<string, number>()
    let sumW = 0
    let sumW2 = 0
    let answered = 0
    for (const [index, row] of [...syntheticRows(2, RESPONDENTS, forces)].entries()) {
      if (index === 0) continue
      const weight = Number(row[2])
      const answer = row[3] as string
      if (!answer) continue
      answered++
      sumW += weight
      sumW2 += weight * weight
      sums.set(answer, (sums.get(answer) ?? 0) + weight)
    }
    // The file is made as it is read, line by line: never held whole.
    const lines = (function* () {
      for (const row of syntheticRows(2, RESPONDENTS, forces)) yield stringify([row])
    })()
    let progressReports = 0
    const outcome = await t.services.surveys.importRespondents(
      SYSTEM_CALLER,
      SYNTHETIC_SURVEY_CODE,
      '2012',
      { filename: 'synthetic-2012.csv', source: Readable.from(lines) },
      { onProgress: () => progressReports++ },
    )
    expect(outcome.respondents).toBe(RESPONDENTS)
    expect(progressReports).toBeGreaterThanOrEqual(RESPONDENTS / 10_000)

    const { waves } = await t.services.surveys.results(SYSTEM_CALLER, SYNTHETIC_SURVEY_CODE)
    const problem = waves[1]?.questions.find((question) => question.question.code === 'q1_problem')
    const national = problem?.areas.find((area) => area.area.key === 'national')
    expect(national?.base).toBe(answered)
    const effective = (sumW * sumW) / sumW2
    expect(national?.effectiveBase).toBeCloseTo(effective, 6)
    for (const { option, estimate } of national?.answers ?? []) {
      const share = (sums.get(option.code) ?? 0) / sumW
      const margin = 1.959963984540054 * Math.sqrt((share * (1 - share)) / effective)
      expect(estimate.share).toBeCloseTo(share, 9)
      expect(estimate.lower).toBeCloseTo(share - margin, 9)
      expect(estimate.upper).toBeCloseTo(share + margin, 9)
    }
    // Every force area has over 2,000 respondents: none is withheld.
    const forceAreas = problem?.areas.filter((area) => area.area.kind === 'force') ?? []
    expect(forceAreas).toHaveLength(forces.length)
    expect(forceAreas.every((area) => area.answers.every((answer) => !answer.estimate.suppressed))).toBe(true)
  })

  it('keeps nothing when the file fails after batches were sent, and the next import works', async () => {
    const forces = await syntheticForces(t.services)
    // 25,000 respondents: two batches of 10,000 are written while the rest is read, then a byte that
    // is not UTF-8 stops the file.
    const good = [...syntheticRows(1, 25_000, forces)].map((row) => Buffer.from(stringify([row])))
    const broken = Readable.from([...good, Buffer.from([0xff, 0x0a])])
    const importWave = (source: Readable) =>
      t.services.surveys.importRespondents(
        SYSTEM_CALLER,
        SYNTHETIC_SURVEY_CODE,
        '2011',
        { filename: 'synthetic-2011.csv', source },
        { anyNumberOfRows: true },
      )
    await expect(importWave(broken)).rejects.toBeInstanceOf(ValidationError)
    const before = await t.services.surveys.results(SYSTEM_CALLER, SYNTHETIC_SURVEY_CODE)
    expect(before.waves[0]?.questions).toEqual([])
    expect(await importWave(Readable.from(good))).toEqual({ respondents: 25_000 })
  })
})
