import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, type TwoForces } from '../../../test/support/two-forces.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import type { Role } from '../../domain/roles.js'
import { readSpreadsheet } from '../../spreadsheets/read.js'
import { toXlsx } from '../../spreadsheets/write.js'
import {
  documentRows,
  parseFrameworkJson,
  parseFrameworkRows,
  SHEET_COLUMNS,
} from '../frameworks/document.js'
import { FrameworkProblemsError } from '../frameworks/service.js'
import { shippedFramework2011 } from '../frameworks/shipped.js'
import { addToRoster } from '../self-assessments/test-support.js'
import { DEMO_SELF_ASSESSED, REVISIT_2012, seedDemoInspections } from './demo.js'

let testApp: TestApp
let cast: TwoForces
const now = new Date('2012-06-20T09:00:00Z')

function callerOf(role: Role, forceId: number | null): Caller {
  const side = forceId === null ? null : forceId === alphaId ? cast.alpha : cast.bravo
  const id =
    side && role !== 'inspector' && role !== 'inspectorate-admin' && role !== 'researcher'
      ? side.users[role].id
      : cast.inspectorateAdmin.id
  return callerFor(
    { kind: 'user', id, label: `test ${role}`, role, forceId, staffMemberId: null },
    '127.0.0.1',
  )
}

let alphaId: number
let bravoId: number

beforeAll(async () => {
  ;({ testApp, cast } = await createTwoForcesTestApp({ now: () => now }))
  const forces = await testApp.services.forces.references()
  alphaId = forces.find((f) => f.code === cast.alpha.code)?.id as number
  bravoId = forces.find((f) => f.code === cast.bravo.code)?.id as number
})
afterAll(() => testApp.close())

async function problemsOf(work: () => Promise<unknown>): Promise<{ place: string; reason: string }[]> {
  try {
    await work()
  } catch (error) {
    if (error instanceof FrameworkProblemsError) return error.problems
    throw error
  }
  throw new Error('expected the load to be refused')
}

describe('frameworks', () => {
  it('loads the shipped 2011 framework: seven areas, questions with guidance, recommendations in order', async () => {
    const { framework, areas, questions, recommendations } = await testApp.services.frameworks.get(
      SYSTEM_CALLER,
      cast.inspection.frameworkId,
    )
    expect(framework).toMatchObject({ code: 'without-fear-or-favour', version: 1, status: 'published' })
    expect(areas.map((a) => a.title)).toEqual([
      'Relationships with the media and others',
      'Information disclosure',
      'Gifts and hospitality',
      'Procurement and contracts',
      'Business interests',
      'Professional standards and proactivity',
      'Governance and oversight',
    ])
    for (const area of areas) {
      const own = questions.filter((q) => q.areaId === area.id)
      expect(own.length).toBeGreaterThanOrEqual(2)
      expect(own.length).toBeLessThanOrEqual(5)
      for (const q of own) expect(q.guidance && q.evidenceExpected).toBeTruthy()
    }
    expect(recommendations.map((r) => r.code).slice(0, 3)).toEqual(['R1', 'R2', 'R3'])
    expect(new Set(recommendations.map((r) => r.addressee))).toEqual(
      new Set(['Chief constables', 'ACPO', 'Police authorities']),
    )
  })

  it('reports every problem of a bad file with its place, and writes nothing', async () => {
    const before = (await testApp.services.frameworks.list(SYSTEM_CALLER)).length
    const json = shippedFramework2011() as {
      version: number
      areas: { code: string; questions: { text: string }[] }[]
      recommendations: { area: string; scope: string; force: string | null }[]
    }
    json.version = 7
    ;(json.areas[1] as { code: string }).code = 'media'
    ;(json.areas[2]?.questions[0] as { text: string }).text = ''
    ;(json.recommendations[0] as { area: string }).area = 'nowhere'
    Object.assign(json.recommendations[1] as object, { scope: 'force', force: 'atlantis' })
    const problems = await problemsOf(() => testApp.services.frameworks.loadFramework(SYSTEM_CALLER, json))
    expect(problems).toEqual(
      expect.arrayContaining([{ place: 'area 3 › question 1 › text', reason: 'Enter the question' }]),
    )
    // Once the shape is right, the rules across elements are checked with their places.
    ;(json.areas[2]?.questions[0] as { text: string }).text = 'Fixed'
    const crossProblems = await problemsOf(() =>
      testApp.services.frameworks.loadFramework(SYSTEM_CALLER, json),
    )
    expect(crossProblems).toEqual(
      expect.arrayContaining([
        { place: 'area 2 (media)', reason: 'Area code media is used twice' },
        { place: 'recommendation 1 (R1)', reason: 'area: there is no area nowhere' },
        { place: 'recommendation 2 (R2)', reason: 'force: there is no force atlantis' },
      ]),
    )
    expect(await testApp.services.frameworks.list(SYSTEM_CALLER)).toHaveLength(before)
    // The version that exists already is refused too.
    const again = await problemsOf(() =>
      testApp.services.frameworks.loadFramework(SYSTEM_CALLER, shippedFramework2011()),
    )
    expect(again[0]?.reason).toContain('already exists')
  })

  it('names the line of a JSON syntax error and of each bad spreadsheet row', async () => {
    const json = parseFrameworkJson('{\n  "code": "x",\n  "version": 1,\n  oops\n}')
    expect(json.problems[0]?.place).toBe('line 4')
    const rows = documentRows(
      (parseFrameworkJson(JSON.stringify(shippedFramework2011())).document as never) ?? never(),
    )
    rows[3] = { ...(rows[3] as (typeof rows)[number]), text: '' }
    rows.push({ ...(rows[1] as (typeof rows)[number]), kind: 'question', area: 'nowhere', code: 'x-1' })
    const xlsx = await toXlsx(
      'framework',
      SHEET_COLUMNS.map((c) => ({ header: c, value: (r: Record<string, string>) => r[c] })),
      rows,
    )
    const parsed = parseFrameworkRows(await readSpreadsheet({ filename: 'f.xlsx', data: xlsx }))
    expect(parsed.problems).toEqual([
      { place: `line ${rows.length + 1}`, reason: 'area: no area nowhere on an earlier line' },
      { place: 'line 5', reason: 'text: Enter the question' },
    ])
  })

  it('round-trips through the spreadsheet form, and a new version copies, maps and publishes', async () => {
    const framework = testApp.services.frameworks
    const exported = await framework.exportDocument(SYSTEM_CALLER, cast.inspection.frameworkId)
    const xlsx = await toXlsx(
      'framework',
      SHEET_COLUMNS.map((c) => ({ header: c, value: (r: Record<string, string>) => r[c] })),
      documentRows({ ...exported, code: 'round-trip' }),
    )
    const parsed = parseFrameworkRows(await readSpreadsheet({ filename: 'f.xlsx', data: xlsx }))
    expect(parsed.problems).toEqual([])
    const imported = await framework.importDocument(SYSTEM_CALLER, parsed, 'f.xlsx')
    expect((await framework.exportDocument(SYSTEM_CALLER, imported.id)).areas).toEqual(exported.areas)

    const draft = await framework.newVersion(SYSTEM_CALLER, imported.id)
    expect(draft).toMatchObject({ version: 2, status: 'draft', previousVersionId: imported.id })
    const { mappings } = await framework.mappings(SYSTEM_CALLER, draft.id)
    expect(mappings.filter((m) => m.kind === 'area')).toHaveLength(7)
    expect(mappings.every((m) => m.fromCode === m.toCode)).toBe(true)
    // Edit the draft: rename an area's code and map it by hand.
    const detail = await framework.get(SYSTEM_CALLER, draft.id)
    const media = detail.areas[0]
    if (!media) throw new Error('no area')
    await framework.saveArea(SYSTEM_CALLER, draft.id, media.id, {
      code: 'media-relations',
      title: media.title,
    })
    await expect(
      framework.addMapping(SYSTEM_CALLER, draft.id, { kind: 'area', fromCode: 'nothing', toCode: 'media' }),
    ).rejects.toMatchObject({ fieldErrors: { fromCode: expect.any(String), toCode: expect.any(String) } })
    await framework.addMapping(SYSTEM_CALLER, draft.id, {
      kind: 'area',
      fromCode: 'media',
      toCode: 'media-relations',
    })
    const published = await framework.publish(SYSTEM_CALLER, draft.id)
    expect(published.status).toBe('published')
    await expect(
      framework.saveArea(SYSTEM_CALLER, draft.id, null, { code: 'late', title: 'Too late' }),
    ).rejects.toBeInstanceOf(ForbiddenError)
    // A force user reads frameworks; only the inspectorate admin changes them.
    await expect(framework.newVersion(callerOf('force-admin', alphaId), draft.id)).rejects.toBeInstanceOf(
      ForbiddenError,
    )
    await expect(framework.list(callerOf('staff', alphaId))).rejects.toBeInstanceOf(ForbiddenError)
    expect((await framework.list(callerOf('force-caseworker', alphaId))).length).toBeGreaterThan(1)
  })

  it('gives a force its national recommendations and its own, not another force’s', async () => {
    const framework = testApp.services.frameworks
    const draft = await framework.newVersion(SYSTEM_CALLER, cast.inspection.frameworkId)
    await framework.saveRecommendation(SYSTEM_CALLER, draft.id, null, {
      code: 'F-alpha',
      text: 'Alpha should publish its register',
      scope: 'force',
      forceCode: cast.alpha.code,
      addressee: 'Chief Constable of Cheshire',
    })
    const alpha = await framework.recommendationsFor(SYSTEM_CALLER, draft.id, alphaId)
    const bravo = await framework.recommendationsFor(SYSTEM_CALLER, draft.id, bravoId)
    expect(alpha.map((r) => r.code)).toContain('F-alpha')
    expect(bravo.map((r) => r.code)).not.toContain('F-alpha')
    expect(bravo).toHaveLength(alpha.length - 1)
    const seenByBravo = await framework.get(callerOf('force-caseworker', bravoId), draft.id)
    expect(seenByBravo.recommendations.map((r) => r.code)).not.toContain('F-alpha')
    const exportedForBravo = await framework.exportDocument(callerOf('force-caseworker', bravoId), draft.id)
    expect(exportedForBravo.recommendations.map((r) => r.code)).not.toContain('F-alpha')
    await expect(
      framework.recommendationsFor(callerOf('force-caseworker', bravoId), draft.id, alphaId),
    ).rejects.toBeInstanceOf(NotFoundError)
  })
})

describe('inspections', () => {
  const valid = () => ({
    code: 'check-2013',
    title: 'A check',
    frameworkId: cast.inspection.frameworkId,
    dataFrom: '2012-06-01',
    dataTo: '2013-05-31',
    censusDate: '2013-05-31',
  })

  it('refuses dates that do not make sense, each with its field', async () => {
    const inspections = testApp.services.inspections
    const error = await inspections
      .create(SYSTEM_CALLER, {
        ...valid(),
        dataTo: '2012-01-01',
        censusDate: '2015-01-01',
        fieldworkFrom: '2013-07-01',
        fieldworkTo: '2013-06-01',
        revisitsId: cast.inspection.id,
        forces: ['cheshire', 'atlantis'],
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ValidationError)
    expect(Object.keys((error as ValidationError).fieldErrors)).toEqual([
      'dataTo',
      'censusDate',
      'fieldworkTo',
      'forces',
    ])
    const missing = await inspections.create(SYSTEM_CALLER, {}).catch((e: ValidationError) => e.fieldErrors)
    expect(Object.keys(missing)).toEqual(
      expect.arrayContaining(['code', 'title', 'frameworkId', 'dataFrom', 'dataTo', 'censusDate']),
    )
    const early = await inspections
      .create(SYSTEM_CALLER, { ...valid(), censusDate: '2012-05-01' })
      .catch((e: ValidationError) => e.fieldErrors)
    expect(early.censusDate).toContain('on or after the start')
    const revisitsLater = await inspections
      .create(SYSTEM_CALLER, {
        ...valid(),
        dataFrom: '2011-01-01',
        censusDate: '2012-01-01',
        revisitsId: cast.inspection.id,
      })
      .catch((e: ValidationError) => e.fieldErrors)
    expect(revisitsLater.revisitsId).toContain('earlier census date')
  })

  it('covers all 44 forces unless some are chosen; only the inspectorate admin sets one up', async () => {
    const inspections = testApp.services.inspections
    const all = await inspections.create(SYSTEM_CALLER, { ...valid(), revisitsId: cast.inspection.id })
    const views = await inspections.assessments(SYSTEM_CALLER, all.id)
    expect(views).toHaveLength(44)
    expect(views[0]?.revisits?.id).toBe(cast.inspection.id)
    expect(views[0]?.framework.id).toBe(cast.inspection.frameworkId)
    await expect(
      inspections.create(callerOf('inspector', null), { ...valid(), code: 'other' }),
    ).rejects.toBeInstanceOf(ForbiddenError)
    const duplicate = await inspections
      .create(SYSTEM_CALLER, valid())
      .catch((e: ValidationError) => e.fieldErrors)
    expect(duplicate.code).toContain('Another inspection')
  })

  it('shows a force only its own part, and another force’s as not found', async () => {
    const inspections = testApp.services.inspections
    const alphaCaseworker = callerOf('force-caseworker', alphaId)
    const own = await inspections.assessments(alphaCaseworker, cast.inspection.id)
    expect(own.map((v) => v.force.code)).toEqual([cast.alpha.code])
    await expect(
      inspections.assessment(alphaCaseworker, cast.inspection.id, cast.bravo.code),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      inspections.assessment(SYSTEM_CALLER, cast.inspection.id, 'greater-manchester'),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(inspections.get(SYSTEM_CALLER, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError)
    await expect(inspections.list(callerOf('staff', alphaId))).rejects.toBeInstanceOf(ForbiddenError)
  })
})

describe('self-assessment', () => {
  it('is drafted by a caseworker, refused while ratings are missing, then submitted with sign-off', async () => {
    const service = testApp.services.selfAssessments
    const caseworker = callerOf('force-caseworker', bravoId)
    const admin = callerOf('force-admin', bravoId)
    const { inspection } = cast
    const start = await service.get(caseworker, inspection.id, cast.bravo.code)
    expect(start.status).toBe('not started')
    expect(start.mayEdit).toBe(true)
    expect(start.maySubmit).toBe(false)
    const questions = start.areas.flatMap((a) => a.questions.map((q) => q.question))
    const [first, ...rest] = questions
    if (!first) throw new Error('no questions')
    const bad = await service
      .saveAnswers(caseworker, inspection.id, cast.bravo.code, [
        { questionId: first.id, rating: 'excellent' },
      ])
      .catch((e: ValidationError) => e.fieldErrors)
    expect(bad).toEqual({ [`rating-${first.id}`]: 'Select a rating from the list' })
    const draft = await service.saveAnswers(caseworker, inspection.id, cast.bravo.code, [
      { questionId: first.id, rating: 'partly met', evidence: 'Policy approved in March 2012' },
    ])
    expect(draft).toMatchObject({ status: 'in progress', answered: 1 })
    expect(
      (await service.statusTable(SYSTEM_CALLER, inspection.id)).map((r) => [
        r.assessment.force.code,
        r.status,
      ]),
    ).toEqual([
      [cast.alpha.code, 'in progress'],
      [cast.bravo.code, 'in progress'],
    ])
    // A caseworker may not submit; an admin is refused while questions lack a rating, each named.
    await expect(service.submit(caseworker, inspection.id, cast.bravo.code, {})).rejects.toBeInstanceOf(
      ForbiddenError,
    )
    const refused = (await service
      .submit(admin, inspection.id, cast.bravo.code, { signedOffBy: '', confirm: '' })
      .catch((e: ValidationError) => e.fieldErrors)) as Record<string, string>
    expect(Object.keys(refused)).toEqual([...rest.map((q) => `rating-${q.id}`), 'signedOffBy', 'confirm'])
    expect(refused[`rating-${rest[0]?.id}`]).toContain(rest[0]?.code)
    await service.saveAnswers(
      caseworker,
      inspection.id,
      cast.bravo.code,
      rest.map((q) => ({ questionId: q.id, rating: 'fully met', evidence: `Evidence for ${q.code}` })),
    )
    const [chiefOfficer] = await addToRoster(testApp.services, cast.bravo.code, [
      ['JE0001', 'Jane Example', 'Deputy Chief Constable'],
    ])
    const submitted = await service.submit(admin, inspection.id, cast.bravo.code, {
      signedOffBy: chiefOfficer,
      confirm: 'yes',
    })
    expect(submitted).toMatchObject({
      status: 'submitted',
      signedOffByName: 'Jane Example',
      signedOffByRank: 'Deputy Chief Constable',
      answered: questions.length,
      mayEdit: false,
    })
    expect(submitted.submittedAt?.toISOString()).toBe(now.toISOString())
    // Read-only now, for the force; the inspector reads every answer.
    await expect(
      service.saveAnswers(caseworker, inspection.id, cast.bravo.code, [
        { questionId: first.id, rating: 'not met' },
      ]),
    ).rejects.toBeInstanceOf(ForbiddenError)
    const seen = await service.get(callerOf('inspector', null), inspection.id, cast.bravo.code)
    expect(seen.areas[0]?.questions[0]).toMatchObject({
      rating: 'partly met',
      evidence: 'Policy approved in March 2012',
    })
    expect(seen.mayReopen).toBe(true)
    const history = await testApp.services.audit.history(
      SYSTEM_CALLER,
      'self-assessment',
      submitted.assessment.id,
    )
    expect(history.map((e) => e.action)).toEqual(['save-answers', 'save-answers', 'submit'])
    // The inspectorate may reopen it, with a reason.
    await expect(
      service.reopen(callerOf('inspector', null), inspection.id, cast.bravo.code, { reason: '' }),
    ).rejects.toBeInstanceOf(ValidationError)
    const reopened = await service.reopen(callerOf('inspector', null), inspection.id, cast.bravo.code, {
      reason: 'Evidence for gifts-1 is missing',
    })
    expect(reopened.status).toBe('in progress')
  })

  it('hides another force’s self-assessment, and refuses staff and the inspectorate’s answers', async () => {
    const service = testApp.services.selfAssessments
    const { inspection } = cast
    await expect(
      service.get(callerOf('force-caseworker', alphaId), inspection.id, cast.bravo.code),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      service.saveAnswers(callerOf('force-admin', alphaId), inspection.id, cast.bravo.code, []),
    ).rejects.toBeInstanceOf(NotFoundError)
    await expect(
      service.get(callerOf('staff', alphaId), inspection.id, cast.alpha.code),
    ).rejects.toBeInstanceOf(ForbiddenError)
    await expect(
      service.saveAnswers(callerOf('inspector', null), inspection.id, cast.alpha.code, []),
    ).rejects.toBeInstanceOf(ForbiddenError)
    expect(
      (await service.statusTable(callerOf('force-admin', alphaId), inspection.id)).map(
        (r) => r.assessment.force.code,
      ),
    ).toEqual([cast.alpha.code])
  })
})

describe('the demo', () => {
  it('creates the 2011 review and the 2012 revisit with three submitted self-assessments, once', async () => {
    const demo = await createTestApp({ now: () => now })
    try {
      await seedDemoInspections(demo.services)
      const count = async () => ({
        frameworks: (await demo.services.frameworks.list(SYSTEM_CALLER)).length,
        inspections: (await demo.services.inspections.list(SYSTEM_CALLER)).length,
        events: (
          await demo.services.audit.history(
            SYSTEM_CALLER,
            'framework',
            (
              await demo.services.frameworks.list(SYSTEM_CALLER)
            )[1]?.id as string,
          )
        ).length,
      })
      const first = await count()
      expect(first).toMatchObject({ frameworks: 2, inspections: 2 })
      await seedDemoInspections(demo.services)
      expect(await count()).toEqual(first)
      const revisit = await demo.services.inspections.findByCode(SYSTEM_CALLER, REVISIT_2012)
      if (!revisit) throw new Error('no revisit')
      expect(revisit).toMatchObject({
        dataFrom: '2011-09-01',
        dataTo: '2012-05-31',
        censusDate: '2012-05-31',
      })
      const table = await demo.services.selfAssessments.statusTable(SYSTEM_CALLER, revisit.id)
      expect(table).toHaveLength(44)
      const submitted = table
        .filter((row) => row.status === 'submitted')
        .map((row) => row.assessment.force.code)
      expect(submitted.sort()).toEqual(DEMO_SELF_ASSESSED.map((f) => f.forceCode).sort())
      for (const row of table.filter((r) => r.status === 'submitted')) {
        expect(row.answered).toBe(row.total)
        expect(row.signedOffByName).toBeTruthy()
      }
      const { mappings, previous } = await demo.services.frameworks.mappings(
        SYSTEM_CALLER,
        revisit.frameworkId,
      )
      expect(previous?.version).toBe(1)
      expect(mappings.filter((m) => m.kind === 'area')).toHaveLength(7)
    } finally {
      await demo.close()
    }
  })
})

function never(): never {
  throw new Error('unreachable')
}
