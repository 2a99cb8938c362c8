import { PassThrough, Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../../../test/support/test-app.js'
import { inScope } from '../../db/tenancy.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { DEFAULT_ALIASES, DEFAULT_CATEGORIES } from '../../domain/desk-research.js'
import type { Role } from '../../domain/roles.js'
import { writeCorpus } from './generate.js'
import { ImportRejectedError } from './import.js'
import { researchExercises, researchPosts, researchProfiles } from './schema.js'
import { Attributor, Screener } from './screening.js'

const NOW = new Date('2012-06-01T10:00:00Z')

const csv = (lines: string[]) => Readable.from([`${lines.join('\n')}\n`])
const HEADER = 'platform,profile_handle,display_name,profile_text,post_id,date,text,url'

let researcherId = '00000000-0000-4000-8000-000000000001'

function callerWith(role: Role, forceId: number | null = null): Caller {
  return callerFor(
    {
      kind: 'user',
      id: researcherId,
      label: `a ${role}`,
      role,
      forceId,
      staffMemberId: null,
    },
    null,
  )
}

describe('screening and attribution', () => {
  it('scores posts by category with weights, shows the matched words, respects word boundaries', () => {
    const screener = new Screener(DEFAULT_CATEGORIES, 3)
    expect(screener.screen('A first-class lesson: assess everything')).toBeNull()
    const flagged = screener.screen('What SCUM. Ran a check on him, off the record.')
    expect(flagged?.category).toBe('disclosure')
    expect(flagged?.score).toBe(9)
    expect(flagged?.matches).toEqual([
      { category: 'disclosure', score: 6, terms: ['ran a check', 'off the record'] },
      { category: 'offensive', score: 3, terms: ['scum*'] },
    ])
    // A term inside a longer one that matched counts once, as the longer: "scumbag*", not "scum*" too.
    expect(screener.screen('Scumbags, the lot of them')?.matches).toEqual([
      { category: 'offensive', score: 3, terms: ['scumbag*'] },
    ])
    // One word of weight 1 is below the threshold; a term counts once however often it appears.
    expect(screener.screen('useless useless useless')).toBeNull()
  })

  it('attributes a profile naming exactly one force, and queues none or several', () => {
    const forces = [
      { id: 1, code: 'cheshire', name: 'Cheshire Constabulary' },
      { id: 2, code: 'greater-manchester', name: 'Greater Manchester Police' },
      { id: 3, code: 'west-midlands', name: 'West Midlands Police' },
    ]
    const attributor = new Attributor(forces, DEFAULT_ALIASES)
    expect(attributor.attribute({ handle: '@CheshirePolice_PC1' })).toEqual({ forceId: 1, candidates: [1] })
    expect(attributor.attribute({ handle: '@bob', profileText: 'PC with GMP. Views my own' }).forceId).toBe(2)
    expect(attributor.attribute({ handle: '@bob', profileText: 'greater-manchester response' }).forceId).toBe(
      2,
    )
    expect(attributor.attribute({ handle: '@bob', profileText: 'Views my own' })).toEqual({
      forceId: null,
      candidates: [],
    })
    expect(
      attributor.attribute({ handle: '@bob', profileText: 'Ex Cheshire, now West Midlands Police' }),
    ).toEqual({
      forceId: null,
      candidates: [1, 3],
    })
  })
})

describe('desk research', () => {
  let t: TestApp
  let cheshireId: number
  beforeAll(async () => {
    t = await createTestApp({ now: () => NOW })
    cheshireId = (await t.services.forces.references()).find((f) => f.code === 'cheshire')?.id as number
    const { user } = await t.services.users.create(SYSTEM_CALLER, {
      email: 'researcher@inspectorate.example',
      name: 'Rita Researcher',
      role: 'researcher',
      password: 'correct horse battery staple',
    })
    researcherId = user.id
    await t.services.deskResearch.create(SYSTEM_CALLER, {
      code: 'sm-2012',
      name: 'Social media 2012',
      periodFrom: '2011-09-01',
      periodTo: '2012-03-31',
      retainUntil: '2012-12-31',
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('refuses anyone but the inspectorate’s researchers', async () => {
    await expect(t.services.deskResearch.list(callerWith('inspector'))).rejects.toThrow(/permission/)
    await expect(t.services.deskResearch.list(callerWith('force-admin', cheshireId))).rejects.toThrow(
      /permission/,
    )
    expect(await t.services.deskResearch.list(callerWith('researcher'))).toHaveLength(1)
    expect(await t.services.deskResearch.list(callerWith('inspectorate-admin'))).toHaveLength(1)
  })

  it('row-level security keeps every research table from forces and the public', async () => {
    for (const scope of [{ kind: 'force', forceId: cheshireId }, { kind: 'public' }] as const) {
      for (const table of [researchExercises, researchProfiles, researchPosts]) {
        const rows = await inScope(t.database.db, scope, (tx) => tx.select().from(table))
        expect(rows).toEqual([])
      }
      await expect(
        inScope(t.database.db, scope, (tx) =>
          tx.insert(researchExercises).values({
            code: 'sneaky',
            name: 'x',
            periodFrom: '2012-01-01',
            periodTo: '2012-01-02',
            retainUntil: '2012-01-03',
            createdByLabel: 'x',
          }),
        ),
      ).rejects.toThrow()
    }
    const seen = await inScope(t.database.db, { kind: 'inspectorate' }, (tx) =>
      tx.select().from(researchExercises),
    )
    expect(seen).toHaveLength(1)
  })

  it('reports every bad row with its line and reason, and writes nothing', async () => {
    const before = await t.services.deskResearch.summary(SYSTEM_CALLER, 'sm-2012')
    const file = csv([
      HEADER,
      'twitter,@good,Good,Cheshire Police,1,2012-01-01,what a scumbag,https://x.example/1',
      'twitter,,No handle,,2,2012-01-01,text,',
      'twitter,@dated,,,3,2012-02-30,text,',
      '"twitter","@multi","Multi","line',
      'profile",4,2012-01-01,fine,ftp://nope',
      'twitter,@old,,,5,2010-01-01,too old,',
    ])
    const error = await t.services.deskResearch
      .importPosts(SYSTEM_CALLER, 'sm-2012', { stream: file, format: 'csv', filename: 'bad.csv' })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ImportRejectedError)
    expect((error as ImportRejectedError).problems).toEqual([
      { line: 3, reason: 'the profile handle is missing' },
      { line: 4, reason: 'the date "2012-02-30" is not a real date like 2012-03-27' },
      { line: 5, reason: 'the URL must be a web address starting http:// or https://' },
      {
        line: 7,
        reason: 'the post is dated 2010-01-01, outside the exercise’s period 2011-09-01 to 2012-03-31',
      },
    ])
    const after = await t.services.deskResearch.summary(SYSTEM_CALLER, 'sm-2012')
    expect(after.summary).toEqual(before.summary)
    expect(after.summary.profilesReviewed).toBe(0)
  })

  it('reports bad JSON lines too', async () => {
    const file = Readable.from(['{"platform":"twitter"}\nnot json\n[1]\n'])
    const error = (await t.services.deskResearch
      .importPosts(SYSTEM_CALLER, 'sm-2012', { stream: file, format: 'jsonl', filename: 'bad.jsonl' })
      .catch((e: unknown) => e)) as ImportRejectedError
    expect(error.problems).toEqual([
      { line: 1, reason: 'the profile handle is missing' },
      { line: 2, reason: 'the line is not valid JSON' },
      { line: 3, reason: 'the line is not a JSON object' },
    ])
  })

  it('imports a generated corpus of 20,000 posts, screening and attributing as it goes', async () => {
    const stream = new PassThrough()
    const writing = writeCorpus(stream, {
      posts: 20_000,
      format: 'jsonl',
      from: '2011-09-01',
      days: 180,
    }).then(() => stream.end())
    const progress: number[] = []
    const outcome = await t.services.deskResearch.importPosts(
      SYSTEM_CALLER,
      'sm-2012',
      { stream, format: 'jsonl', filename: 'corpus.jsonl' },
      { onProgress: (rows) => progress.push(rows) },
    )
    await writing
    expect(outcome.rows).toBe(20_000)
    expect(outcome.profiles).toBe(400)
    expect(outcome.newProfiles).toBe(400)
    expect(outcome.flagged).toBeGreaterThan(100)
    expect(outcome.flagged).toBeLessThan(400)
    expect(progress).toEqual([10_000, 20_000, 20_000])
    const { summary } = await t.services.deskResearch.summary(SYSTEM_CALLER, 'sm-2012')
    expect(summary.profilesReviewed).toBe(400)
    expect(summary.postsScreened).toBe(20_000)
    expect(summary.flagged).toBe(outcome.flagged)
    expect(summary.pending).toBe(outcome.flagged)
    expect(summary.awaitingAttribution).toBe(outcome.queued)
    expect(outcome.queued).toBeGreaterThan(0)
  })

  it('queues profiles for attribution and lets a researcher pick the force', async () => {
    const researcher = callerWith('researcher')
    const queue = await t.services.deskResearch.attributionQueue(researcher, 'sm-2012', {
      offset: 0,
      limit: 500,
    })
    expect(queue.total).toBeGreaterThan(0)
    const profile = queue.profiles[0]
    if (!profile) throw new Error('no queued profile')
    const picked = await t.services.deskResearch.attribute(researcher, 'sm-2012', profile.id, 'cheshire')
    expect(picked.forceId).toBe(cheshireId)
    expect(picked.attribution).toBe('researcher')
    const again = await t.services.deskResearch.attributionQueue(researcher, 'sm-2012', {
      offset: 0,
      limit: 500,
    })
    expect(again.total).toBe(queue.total - 1)
  })

  it('reviews flagged posts, refers confirmed ones by profile, and the force sees the referral', async () => {
    const researcher = callerWith('researcher')
    const file = csv([
      HEADER,
      'twitter,@CheshirePC99,PC 99,Proud to serve with Cheshire Police,t1,2012-01-05,What a scumbag that driver was,https://x.example/t1',
      'twitter,@CheshirePC99,PC 99,Proud to serve with Cheshire Police,t2,2012-01-06,"Ran a check on my neighbour, off the record",https://x.example/t2',
      'facebook,@CheshirePC99,PC 99,Cheshire Police,f1,2012-01-07,hate this job,https://x.example/f1',
    ])
    await t.services.deskResearch.importPosts(researcher, 'sm-2012', {
      stream: file,
      format: 'csv',
      filename: 'pc99.csv',
    })
    const queue = await t.services.deskResearch.reviewQueue(
      researcher,
      'sm-2012',
      { status: 'pending' },
      { offset: 0, limit: 1000 },
    )
    const mine = queue.posts.filter((post) => post.profile.handleKey === 'cheshirepc99')
    expect(mine.map((post) => post.externalId).sort()).toEqual(['f1', 't1', 't2'])
    const t1 = mine.find((post) => post.externalId === 't1')
    expect(t1?.segments).toEqual([
      { text: 'What a ', mark: false },
      { text: 'scumbag', mark: true },
      { text: ' that driver was', mark: false },
    ])
    const viewed = await t.services.audit.history(SYSTEM_CALLER, 'research-post', t1?.id as string)
    expect(viewed.map((event) => event.action)).toEqual(['view'])

    for (const post of mine)
      await t.services.deskResearch.decide(researcher, 'sm-2012', post.id, {
        decision: post.externalId === 't2' ? 'dismiss' : 'confirm',
        note: 'checked',
      })
    const { ready } = await t.services.deskResearch.referrable(researcher, 'sm-2012')
    const group = ready.find(
      (g) => g.profile.handleKey === 'cheshirepc99' && g.profile.platform === 'twitter',
    )
    expect(group?.posts.map((p) => p.externalId)).toEqual(['t1'])
    // Two researchers refer the same profile at once: one referral is made, the other is refused.
    const attempts = await Promise.allSettled([
      t.services.deskResearch.refer(researcher, 'sm-2012', group?.profile.id as string),
      t.services.deskResearch.refer(researcher, 'sm-2012', group?.profile.id as string),
    ])
    const made = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []))
    expect(made).toHaveLength(1)
    const { referralId, instances } = made[0] as { referralId: string; instances: number }
    expect(instances).toBe(1)

    const caseworker = callerWith('force-caseworker', cheshireId)
    const { referrals: forcesReferrals } = await t.services.referrals.list(caseworker, {})
    expect(forcesReferrals.filter((r) => r.finding.includes('@CheshirePC99'))).toHaveLength(1)
    const referral = await t.services.referrals.find(caseworker, referralId)
    expect(referral.type).toBe('social-media misconduct')
    expect(referral.finding).toContain('@CheshirePC99 (PC 99) on twitter: 1 potentially inappropriate post')
    expect(referral.evidenceUrl).toBe('https://x.example/t1')
    expect(referral.evidence).toContain('What a scumbag that driver was')
    // Referred instances cannot be un-confirmed, nor referred twice.
    await expect(
      t.services.deskResearch.refer(researcher, 'sm-2012', group?.profile.id as string),
    ).rejects.toThrow(/No confirmed/)

    const { summary } = await t.services.deskResearch.summary(researcher, 'sm-2012')
    expect(summary.instances).toBe(2)
    expect(summary.profilesWithInstances).toBe(2)
    expect(summary.byPlatform).toEqual([
      { key: 'facebook', label: 'Facebook', instances: 1, percent: 50 },
      { key: 'twitter', label: 'Twitter', instances: 1, percent: 50 },
    ])
    const cheshire = summary.byForce.find((row) => row.force.code === 'cheshire')
    expect(cheshire).toMatchObject({ instances: 2, profilesWithInstances: 2, referred: 1 })
  })

  it('purges personal data past retention, keeping the summary and the referrals', async () => {
    await expect(t.services.deskResearch.purge(SYSTEM_CALLER, { code: 'sm-2012' })).rejects.toThrow(
      /kept until 2012-12-31/,
    )
    const { summary: before } = await t.services.deskResearch.summary(SYSTEM_CALLER, 'sm-2012')
    const later = await createLaterService(t)
    const purged = await later.purge(SYSTEM_CALLER, {})
    expect(purged).toEqual([{ code: 'sm-2012', profiles: before.profilesReviewed, posts: before.flagged }])
    const { exercise, summary } = await later.summary(SYSTEM_CALLER, 'sm-2012')
    expect(exercise.purgedAt).not.toBeNull()
    expect(summary).toEqual(before)
    await expect(
      later.reviewQueue(SYSTEM_CALLER, 'sm-2012', { status: 'pending' }, { offset: 0, limit: 10 }),
    ).rejects.toThrow(/purged/)
    const referrals = await t.services.referrals.list(SYSTEM_CALLER, {})
    expect(referrals.referrals.some((r) => r.type === 'social-media misconduct')).toBe(true)
  })
})

async function createLaterService(t: TestApp) {
  const { createServices } = await import('../../services.js')
  return createServices(t.database.db, { now: () => new Date('2013-01-02T10:00:00Z') }).deskResearch
}

describe('the demo exercise', () => {
  it('seeds once, with flagged posts waiting and a profile in the attribution queue', async () => {
    const t = await createTestApp({ now: () => NOW })
    try {
      const { seedDemoResearch, DEMO_EXERCISE } = await import('./demo.js')
      await seedDemoResearch(t.services)
      await seedDemoResearch(t.services)
      const { summary } = await t.services.deskResearch.summary(SYSTEM_CALLER, DEMO_EXERCISE)
      expect(summary).toMatchObject({
        profilesReviewed: 5,
        postsScreened: 8,
        flagged: 6,
        awaitingAttribution: 2,
      })
    } finally {
      await t.close()
    }
  })
})
