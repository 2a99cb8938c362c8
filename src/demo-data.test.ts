import { count } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedInAgent } from '../test/support/agent.js'
import { createDemoTestApp, DEMO_APP_TIMEOUT_MS } from '../test/support/demo-app.js'
import type { TestApp } from '../test/support/test-app.js'
import { DEMO_PASSWORD, seedDemoData } from './demo-data.js'
import { callerFor, SYSTEM_CALLER } from './domain/access.js'
import { ALERT_RULE_NAMES } from './domain/alert-rules.js'
import { ESCALATION_RULE_NAMES, type EscalationRule } from './domain/escalation.js'
import { auditEvents } from './modules/audit/schema.js'
import { REVISIT_2012 } from './modules/inspections/demo.js'

let testApp: TestApp

beforeAll(async () => {
  testApp = await createDemoTestApp()
}, DEMO_APP_TIMEOUT_MS)
afterAll(() => testApp.close())

async function auditEventCount(): Promise<number> {
  const [row] = await testApp.database.db.select({ value: count() }).from(auditEvents)
  return row?.value ?? 0
}

async function caseworkerOf(forceCode: string) {
  const signedIn = await testApp.services.signIn.signIn(`caseworker@${forceCode}.example`, DEMO_PASSWORD, {
    ipAddress: null,
    userAgent: null,
  })
  if (!signedIn.ok) throw new Error(`the ${forceCode} caseworker could not sign in`)
  return callerFor(signedIn.principal, null)
}

describe('the demo dataset on a later start', () => {
  it('changes and publishes nothing, and starts, whatever people did with the demo records', async () => {
    const { publication, inspections } = testApp.services
    const revisit = await inspections.findByCode(SYSTEM_CALLER, REVISIT_2012)
    if (!revisit) throw new Error('the demo has no 2012 revisit')
    const documents = await publication.documents(SYSTEM_CALLER, { inspectionId: revisit.id })
    const published = documents.flatMap((document) =>
      document.force && document.latest?.status === 'published' ? [document.latest] : [],
    )
    const [drafted, checked] = published
    if (!drafted || !checked) throw new Error('the demo published fewer than two force documents')

    // One correction left as a draft; another sent to its force, which comments and waits for an answer.
    const draft = await publication.correct(SYSTEM_CALLER, drafted.id, { changeNote: 'A figure was wrong' })
    const correction = await publication.correct(SYSTEM_CALLER, checked.id, { changeNote: 'Another figure' })
    await publication.sendForCheck(SYSTEM_CALLER, correction.versionId)
    await publication.comment(await caseworkerOf(checked.force?.code ?? ''), correction.versionId, {
      comment: 'The second-job figure leaves out a withdrawn application',
    })
    const statuses = async () =>
      (await publication.documents(SYSTEM_CALLER, { inspectionId: revisit.id })).map((document) => ({
        id: document.id,
        versions: document.versions.map((version) => [version.version, version.status]),
      }))
    const before = { events: await auditEventCount(), statuses: await statuses() }

    // `serve --demo` seeds again on every start.
    await expect(seedDemoData(testApp.services)).resolves.toEqual({ added: 0 })

    expect(await auditEventCount()).toBe(before.events)
    expect(await statuses()).toEqual(before.statuses)
    expect((await publication.version(SYSTEM_CALLER, draft.versionId)).version.status).toBe('draft')
    const pending = await publication.version(SYSTEM_CALLER, correction.versionId)
    expect(pending.version.status).toBe('factual-accuracy')
    expect(pending.comments).toHaveLength(1)
  })

  it('moves Cleveland to Engage with its reasons, published, and leaves Greater Manchester’s proposal waiting', async () => {
    const { escalation } = testApp.services
    const cleveland = await escalation.forForce(SYSTEM_CALLER, 'cleveland')
    expect(cleveland.state).toBe('engage')
    expect(cleveland.since?.published).toBe(true)
    expect(cleveland.since?.reasons.join(' ')).toMatch(/recommendations not implemented more than 90 days/)
    expect((await escalation.forForce(SYSTEM_CALLER, 'greater-manchester')).proposal?.toState).toBe('engage')
    const publicPage = (await testApp.app.inject('/forces/cleveland')).body
    expect(publicPage).toContain('Scan to Engage')
  })

  it('shows every monitoring rule firing: each rule’s reason in a change the demo proposed', async () => {
    const reasons = []
    for (const code of ['cleveland', 'greater-manchester'])
      for (const change of (await testApp.services.escalation.forForce(SYSTEM_CALLER, code)).history)
        reasons.push(...change.reasons)
    const wordsOf: Record<EscalationRule, string> = {
      'overdue-recommendations': 'not implemented more than 90 days after',
      judgement: 'headline judgement of Revisiting police relationships (2012) is “some improvements”',
      'data-return-missing': 'The data return for Revisiting police relationships (2012) still lacks',
      'awareness-below-line': 'Staff awareness of the latest policy is below 50%',
    }
    for (const rule of ESCALATION_RULE_NAMES)
      expect(
        reasons.find((reason) => reason.includes(wordsOf[rule])),
        `${rule} among ${reasons.join(' | ')}`,
      ).toBeDefined()
  })

  it('shows every correlation rule firing, in each demo force’s alert queue (the demo seeded above)', async () => {
    for (const code of ['cheshire', 'cleveland']) {
      const queue = await testApp.services.alerts.queue(await caseworkerOf(code))
      expect(new Set(queue.map((alert) => alert.rule)), code).toEqual(new Set(ALERT_RULE_NAMES))
      const officer = code === 'cheshire' ? 'CH0903' : 'CL0903'
      const employer = queue.filter(
        (alert) => alert.rule === 'gift-from-employer' && alert.staffNumber === officer,
      )
      expect(employer.map((alert) => alert.reason.split(' offered')[0])).toEqual([
        'Radio Systems plc',
        'Radio Systems plc',
        'Radio Systems plc',
      ])
    }
  })

  it('shows each demo force’s administrator, on the outbox page, a caseworker’s daily digest sent on the demo’s day', async () => {
    for (const code of ['cheshire', 'cleveland']) {
      const admin = await signedInAgent(testApp.app, `psd.head@${code}.example`, DEMO_PASSWORD)
      const outbox = await admin.get('/admin/notifications')
      expect(outbox.statusCode).toBe(200)
      const digests = [
        ...outbox.body.matchAll(/href="\/admin\/notifications\/([^"]+)">Probity: \d+ things? for you</g),
      ]
      expect(digests.length, code).toBeGreaterThan(0)
      const message = await admin.get(`/admin/notifications/${digests[0]?.[1]}`)
      expect(message.body).toContain('that you asked to hear of in a daily digest')
      expect(message.body).toMatch(/A new alert from the correlation rules \(\d+\)|falling due \(\d+\)/)
    }
  })
})
