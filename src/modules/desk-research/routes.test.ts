import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Agent, signedInAgent } from '../../../test/support/agent.js'
import type { TestApp } from '../../../test/support/test-app.js'
import { createTwoForcesTestApp, TEST_PASSWORD, type TwoForces } from '../../../test/support/two-forces.js'
import { SYSTEM_CALLER } from '../../domain/access.js'

const NOW = new Date('2012-06-01T10:00:00Z')
const EXPORT = [
  'platform,profile_handle,display_name,profile_text,post_id,date,text,url',
  'twitter,@CheshireCopper,PC Copper,Cheshire Police response,t1,2012-01-12,Scumbags <b>everywhere</b> tonight,https://t.example/1',
  'twitter,@nobody,No One,Views my own,t2,2012-01-13,a lovely day,',
].join('\n')

describe('desk research pages', () => {
  let t: TestApp
  let cast: TwoForces
  let researcher: Agent

  beforeAll(async () => {
    ;({ testApp: t, cast } = await createTwoForcesTestApp({ now: () => NOW }))
    for (const [email, role] of [
      ['researcher@inspectorate.example', 'researcher'],
      ['inspector@inspectorate.example', 'inspector'],
    ] as const)
      await t.services.users.create(SYSTEM_CALLER, { email, name: role, role, password: TEST_PASSWORD })
    await t.services.deskResearch.create(SYSTEM_CALLER, {
      code: 'sm-2012',
      name: 'Social media 2012',
      periodFrom: '2011-09-01',
      periodTo: '2012-03-31',
      retainUntil: '2012-12-31',
    })
    researcher = await signedInAgent(t.app, 'researcher@inspectorate.example')
  })
  afterAll(async () => {
    await t?.close()
  })

  it('is refused to inspectors without the research role (but for the summary figures), to force users and to anonymous visitors', async () => {
    const inspector = await signedInAgent(t.app, 'inspector@inspectorate.example')
    expect((await inspector.get('/research')).statusCode).toBe(403)
    expect((await inspector.get('/research/sm-2012')).statusCode).toBe(403)
    // The figures alone, which the national review publishes, are the inspectors' too.
    expect((await inspector.get('/api/research/sm-2012/summary')).statusCode).toBe(200)
    for (const role of ['force-admin', 'force-caseworker', 'staff'] as const) {
      const agent = await signedInAgent(t.app, cast.alpha.users[role].email)
      expect((await agent.get('/research/sm-2012/review')).statusCode).toBe(403)
    }
    const token = await t.app.inject({
      url: '/api/research/sm-2012/summary',
      headers: { authorization: `Bearer ${cast.alpha.apiToken.token}` },
    })
    expect(token.statusCode).toBe(403)
    expect((await new Agent(t.app).get('/research')).statusCode).toBe(303)
    const admin = await signedInAgent(t.app, cast.inspectorateAdmin.email)
    expect((await admin.get('/research')).statusCode).toBe(200)
  })

  it('lists every bad row of an upload with its line, and imports nothing', async () => {
    await researcher.get('/research/sm-2012/import')
    const response = await researcher.upload('/research/sm-2012/import', {
      filename: 'bad.csv',
      data: `${EXPORT}\ntwitter,@x,,,t3,2012-13-01,text,\n`,
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('1 bad row in the file: nothing was imported')
    expect(response.body).toMatch(
      /4<\/td>\s*<td class="govuk-table__cell">the date &quot;2012-13-01&quot; is not a real date/,
    )
    const { summary } = await t.services.deskResearch.summary(SYSTEM_CALLER, 'sm-2012')
    expect(summary.profilesReviewed).toBe(0)
  })

  it('imports, shows the flagged post with its words marked and escaped, audits the view, and decides', async () => {
    const uploaded = await researcher.upload('/research/sm-2012/import', {
      filename: 'export.csv',
      data: EXPORT,
    })
    expect(uploaded.statusCode).toBe(303)
    const review = await researcher.get('/research/sm-2012/review')
    expect(review.statusCode).toBe(200)
    expect(review.body).toContain('<mark>Scumbags</mark> &lt;b&gt;everywhere&lt;/b&gt; tonight')
    expect(review.body).not.toContain('a lovely day')
    const queued = await t.services.deskResearch.reviewQueue(
      SYSTEM_CALLER,
      'sm-2012',
      { status: 'pending' },
      { offset: 0, limit: 5 },
    )
    const id = queued.posts[0]?.id as string
    const views = await t.services.audit.history(SYSTEM_CALLER, 'research-post', id)
    const researcherViews = views.filter((e) => e.action === 'view' && e.actorType === 'user')
    expect(researcherViews.length).toBeGreaterThanOrEqual(1)

    const bad = await researcher.post(`/research/sm-2012/posts/${id}/decision`, { decision: 'maybe' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Select confirm or dismiss')
    const ok = await researcher.post(`/research/sm-2012/posts/${id}/decision`, {
      decision: 'confirm',
      note: 'yes',
    })
    expect(ok.statusCode).toBe(303)
    const page = await researcher.get(`/research/sm-2012/posts/${id}`)
    expect(page.body).toContain('Confirmed by researcher')

    const csv = await researcher.get('/research/sm-2012/summary.csv')
    expect(csv.statusCode).toBe(200)
    // The referrals column counts the social-media referrals recorded for the force since the exercise
    // began, however they were made: the same records the data returns count.
    const { referrals } = await t.services.referrals.list(SYSTEM_CALLER, { from: '2011-09-01' })
    const recorded = referrals.filter(
      (r) => r.type === 'social-media misconduct' && r.force.code === 'cheshire',
    ).length
    expect(csv.body).toContain(`Cheshire Constabulary,cheshire,1,1,1,${recorded}`)
    const api = await researcher.get('/api/research/sm-2012/summary')
    expect(api.json()).toMatchObject({
      profilesReviewed: 2,
      postsScreened: 2,
      flagged: 1,
      instances: 1,
      awaitingAttribution: 1,
    })
    const force = await researcher.get('/research/sm-2012/forces/cheshire')
    expect(force.statusCode).toBe(200)
    expect((await researcher.get('/research/sm-2012/forces/durham')).statusCode).toBe(404)
  })

  it('lets the researcher attribute a queued profile', async () => {
    const queue = await researcher.get('/research/sm-2012/attribution')
    expect(queue.body).toContain('@nobody')
    const profileId = queue.body.match(/profiles\/([0-9a-f-]{36})\/attribute/)?.[1]
    const done = await researcher.post(`/research/sm-2012/profiles/${profileId}/attribute`, {
      force: 'cleveland',
    })
    expect(done.statusCode).toBe(303)
    expect((await researcher.get('/research/sm-2012/attribution')).body).toContain('No profile is waiting')
  })

  it('refers a profile on an earlier date with a reason, never before its latest post nor in the future (P20 #3)', async () => {
    const list = await researcher.get('/research/sm-2012/referrals')
    expect(list.statusCode).toBe(200)
    const href = list.body.match(/href="(\/research\/sm-2012\/profiles\/[0-9a-f-]{36}\/refer)"/)?.[1]
    if (!href) throw new Error('no profile waits to be referred')
    const page = await researcher.get(href)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Refer @CheshireCopper to Cheshire Constabulary')
    expect(page.body).toContain('12 January 2012')
    const refer = (day: [string, string, string], reason = '') =>
      researcher.post(href, {
        'referredOn-day': day[0],
        'referredOn-month': day[1],
        'referredOn-year': day[2],
        earlierDateReason: reason,
      })
    const noReason = await refer(['30', '3', '2012'])
    expect(noReason.statusCode).toBe(400)
    expect(noReason.body).toContain('Enter why the date of the referral is earlier than today')
    const beforePost = await refer(['11', '1', '2012'], 'Found early')
    expect(beforePost.statusCode).toBe(400)
    expect(beforePost.body).toContain('on or after the day of the latest post it refers')
    expect((await refer(['2', '6', '2012'], 'Tomorrow')).statusCode).toBe(400)
    const done = await refer(
      ['30', '3', '2012'],
      'Confirmed in March, referred once the review was signed off',
    )
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe('/research/sm-2012/referrals')
    expect((await researcher.get('/research/sm-2012/referrals')).body).toContain(
      'Referred 1 instance to the force',
    )
    // Dated in the exercise's period, it counts there; the reason is in the audit trail.
    const { referrals } = await t.services.referrals.list(SYSTEM_CALLER, {
      from: '2012-03-30',
      to: '2012-03-30',
    })
    const made = referrals.find((r) => r.finding.includes('@CheshireCopper'))
    expect(made?.referredOn).toBe('2012-03-30')
    const events = await t.services.audit.history(SYSTEM_CALLER, 'referral', made?.id as string)
    expect(events.find((event) => event.action === 'refer')?.after).toMatchObject({
      earlierDateReason: 'Confirmed in March, referred once the review was signed off',
    })
    // Nothing waits now: the page for the profile is not found.
    expect((await researcher.get(href)).statusCode).toBe(404)
    const inspector = await signedInAgent(t.app, 'inspector@inspectorate.example')
    expect((await inspector.get(href)).statusCode).toBe(403)
    const caseworker = await signedInAgent(t.app, cast.alpha.users['force-caseworker'].email)
    expect((await caseworker.get(href)).statusCode).toBe(403)
  })
})
