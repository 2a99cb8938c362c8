import fs from 'node:fs'
import { SYSTEM_CALLER } from '../../domain/access.js'
import { STATEMENT_ITEMS } from '../../domain/inspections.js'
import type { OptionalStatement } from '../../domain/press-release-facts.js'
import type { Services } from '../../services.js'
import { REVISIT_2012 } from '../inspections/demo.js'
import { MEDIA_DISCLOSURE, SOCIAL_MEDIA } from './compute.js'

/**
 * The 2012 facts of the forces whose press releases are in test/fixtures, copied here so the app
 * does not need them at run time (a test checks the copy against the fixtures).
 */
export const DEMO_FACTS_2012 = new URL('./demo-facts-2012.json', import.meta.url)

export interface DemoFacts {
  forceCode: string
  mediaDisclosureInvestigations: { total: number; continuing: number | null } | null
  socialMediaCasesReferred: number | null
  secondJobApplications: { applications: number; approved: number | null } | null
  antiCorruptionUnitStaffChange: number | null
  counterCorruptionPlan?: boolean
  policiesReviewed?: boolean
  staffToldOfPolicyChanges?: boolean
  mediaPolicyInLineWithGuidance?: boolean
  informationSecurityChecks?: boolean
  socialMediaPolicy?: boolean
}

export function demoFacts(): Record<string, DemoFacts> {
  return JSON.parse(fs.readFileSync(DEMO_FACTS_2012, 'utf8')) as Record<string, DemoFacts>
}

/** The items of a return that a press release's facts state, with their values. */
export function expectedValues(facts: DemoFacts): Record<string, number> {
  const values: Record<string, number> = {}
  if (facts.secondJobApplications) {
    values['second-job-applications'] = facts.secondJobApplications.applications
    if (facts.secondJobApplications.approved !== null)
      values['second-job-approvals'] = facts.secondJobApplications.approved
  }
  if (facts.mediaDisclosureInvestigations) {
    values['media-disclosure-investigations'] = facts.mediaDisclosureInvestigations.total
    if (facts.mediaDisclosureInvestigations.continuing !== null)
      values['media-disclosure-continuing'] = facts.mediaDisclosureInvestigations.continuing
  }
  if (facts.socialMediaCasesReferred !== null)
    values['social-media-referrals'] = facts.socialMediaCasesReferred
  if (facts.antiCorruptionUnitStaffChange !== null)
    values['acu-staff-change'] = facts.antiCorruptionUnitStaffChange
  for (const [field, code] of Object.entries(STATEMENT_ITEMS) as [OptionalStatement, string][]) {
    const stated = facts[field]
    if (stated !== undefined) values[code] = stated ? 1 : 0
  }
  return values
}

/** Grades whose second jobs the demo records: never the chief officers, whom the public register names. */
const APPLICANT_GRADES = new Set([
  'Constable',
  'Sergeant',
  'Inspector',
  'Police Staff',
  'Police Community Support Officer',
])

/** The unit's posts (funded, filled) where a demo force has no figures yet. */
const DEFAULT_UNIT: Record<string, { funded: number; filled: number }> = {
  cheshire: { funded: 6, filled: 6 },
  cleveland: { funded: 6, filled: 6 },
  'greater-manchester': { funded: 24, filled: 22 },
}

const SECOND_JOBS = [
  { nature: 'Weekend driving instructor', category: 'self-employment', hoursPerWeek: '6', paid: 'yes' },
  { nature: 'Coaching a junior rugby team', category: 'voluntary work', hoursPerWeek: '3', paid: 'no' },
  { nature: 'Letting a flat', category: 'property letting', hoursPerWeek: '1', paid: 'yes' },
  {
    nature: 'Evening tutor at a further education college',
    category: 'teaching or training',
    hoursPerWeek: '4',
    paid: 'yes',
  },
  { nature: 'Shares in a family bakery', category: 'shareholding', hoursPerWeek: '1', paid: 'yes' },
  { nature: 'Wedding photographer', category: 'self-employment', hoursPerWeek: '5', paid: 'yes' },
] as const

/** A day `index` of `count` evenly spread between two days (both included). */
function spread(from: string, to: string, index: number, count: number): string {
  const start = Date.parse(`${from}T00:00:00Z`)
  const end = Date.parse(`${to}T00:00:00Z`)
  const step = count > 1 ? (end - start) / (count - 1) : 0
  return new Date(start + Math.round((step * index) / 86_400_000) * 86_400_000).toISOString().slice(0, 10)
}

/** A small roster for Greater Manchester (it has none in the demo): 30 people, as an HR export. */
function manchesterRoster(): { line: number; values: Record<string, string> }[] {
  const posts: [string, string][] = [
    ['Chief Constable', 'Chief Officer Team'],
    ['Deputy Chief Constable', 'Chief Officer Team'],
    ['Superintendent', 'Professional Standards Branch'],
    ['Chief Inspector', 'Anti-Corruption Unit'],
    ['Inspector', 'Professional Standards Branch'],
    ['Sergeant', 'Anti-Corruption Unit'],
  ]
  const units = [
    'Response – Manchester City',
    'Neighbourhoods – Salford',
    'Response – Bolton',
    'Serious Crime',
    'Contact Centre',
  ]
  for (let index = 0; index < 24; index++)
    posts.push([index % 4 === 3 ? 'Police Staff' : 'Constable', units[index % units.length] as string])
  const first = ['Aisha', 'Ben', 'Callum', 'Deborah', 'Ellis', 'Fatima', 'Gareth', 'Hannah', 'Imran', 'Jade']
  const last = [
    'Ashworth',
    'Barlow',
    'Cheetham',
    'Duckworth',
    'Entwistle',
    'Fairclough',
    'Greenhalgh',
    'Hargreaves',
  ]
  return posts.map(([grade, unit], index) => ({
    line: index + 2,
    values: {
      staff_number: `GM${String(2001 + index * 7)}`,
      name: `${first[index % first.length]} ${last[(index * 3) % last.length]}`,
      grade,
      unit,
      start_date: `${1990 + (index % 20)}-0${1 + (index % 9)}-15`,
      leave_date: '',
    },
  }))
}

/**
 * Builds, through each module's service, the records of the forces whose 2012 facts the fixtures hold,
 * so that their computed 2012 returns equal those facts, then computes the returns. It tops up what the
 * other demos already made (counting first) and never assumes an empty force; running it again adds
 * nothing. Called after the inspections demo, which creates the 2012 revisit.
 */
export async function seedDemoDataReturns(services: Services): Promise<void> {
  const caller = SYSTEM_CALLER
  const revisitRow = await services.inspections.findByCode(caller, REVISIT_2012)
  if (!revisitRow) return
  const facts = demoFacts()
  for (const [forceCode, forceFacts] of Object.entries(facts)) {
    const assessment = await services.inspections.assessment(caller, revisitRow.id, forceCode)
    const { inspection, force, revisits } = assessment
    const period = { from: inspection.dataFrom, to: inspection.dataTo }
    const census = inspection.censusDate
    const referralsTo = inspection.fieldworkTo ?? census

    // The roster: Greater Manchester has none in the demo.
    const roster = await services.roster.list(
      caller,
      forceCode,
      { status: 'current' },
      { sort: 'staffNumber', order: 'asc' },
    )
    if (roster.total === 0) {
      const { plan } = await services.roster.importRows(caller, {
        forceCode,
        filename: `${forceCode}-demo-roster.csv`,
        rows: manchesterRoster(),
      })
      if (plan.problems.length) throw new Error(`the demo roster of ${forceCode} has bad rows`)
    }
    const applicants = (
      await services.roster.list(
        caller,
        forceCode,
        { status: 'current' },
        { sort: 'staffNumber', order: 'asc' },
      )
    ).members.filter((member) => APPLICANT_GRADES.has(member.grade))
    if (!applicants.length)
      throw new Error(`the demo roster of ${forceCode} has no one to apply for second jobs`)

    // Second jobs: top up the applications in the period, approving enough of them and refusing the rest.
    if (forceFacts.secondJobApplications) {
      const counts = await services.businessInterests.counts(caller, force.id, period)
      const wanted = forceFacts.secondJobApplications
      const toAdd = wanted.applications - counts.applications
      const toApprove = (wanted.approved ?? 0) - counts.approved
      if (toAdd < 0 || toApprove < 0 || toApprove > toAdd)
        throw new Error(`${forceCode} already has more second-job applications in the period than its facts`)
      // Entered as the force's import of historic records: one transaction, decisions dated in the period.
      const rows = Array.from({ length: toAdd }, (_, index) => {
        const job = SECOND_JOBS[index % SECOND_JOBS.length] as (typeof SECOND_JOBS)[number]
        const applicant = applicants[index % applicants.length] as (typeof applicants)[number]
        const submittedOn = spread(period.from, period.to, index, toAdd)
        const approved = index < toApprove
        return [
          applicant.staffNumber,
          submittedOn,
          job.category,
          `${job.nature} (${index + 1})`,
          job.hoursPerWeek,
          job.paid,
          'No conflict with my duties',
          approved ? 'approved' : 'refused',
          approved
            ? ''
            : 'The work would bring the applicant into contact with people known through police duties',
          spread(submittedOn, period.to, 1, 4),
        ]
      })
      if (rows.length) {
        const csv = [
          'staff_number,submitted_on,category,nature,hours_per_week,paid,conflict_declaration,status,refusal_reason,decided_on',
          ...rows.map((row) => row.map((cell) => `"${cell.replaceAll('"', '""')}"`).join(',')),
        ].join('\n')
        const asForce = { ...caller, scope: { kind: 'force' as const, forceId: force.id } }
        const preview = await services.businessInterests.previewImport(asForce, {
          filename: `${forceCode}-second-jobs-2011-12.csv`,
          data: Buffer.from(csv),
        })
        if (preview.problems.length || !preview.importId)
          throw new Error(
            `the demo second jobs of ${forceCode} have bad rows: ${JSON.stringify(preview.problems)}`,
          )
        await services.businessInterests.confirmImport(asForce, preview.importId)
      }
    }

    // Media-disclosure investigations opened in the period; the right number still continuing at the census.
    if (forceFacts.mediaDisclosureInvestigations) {
      const counts = await services.integrityCases.counts(caller, force.id, { ...period, census })
      const opened = counts.openedByType[MEDIA_DISCLOSURE] ?? 0
      const continuing = counts.continuingByType[MEDIA_DISCLOSURE] ?? 0
      const toOpen = forceFacts.mediaDisclosureInvestigations.total - opened
      const toContinue = (forceFacts.mediaDisclosureInvestigations.continuing ?? 0) - continuing
      if (toOpen < 0 || toContinue < 0 || toContinue > toOpen)
        throw new Error(`${forceCode} already has more media-disclosure investigations than its facts`)
      for (let index = 0; index < toOpen; index++) {
        const openedOn = spread(period.from, '2012-03-31', index, toOpen)
        const created = await services.integrityCases.open(
          caller,
          {
            type: MEDIA_DISCLOSURE,
            source: index % 3 === 0 ? 'public complaint' : 'internal',
            openedOn,
            summary: 'Information about an investigation appeared in the press before it was released.',
            staffNumber: (applicants[(index * 5) % applicants.length] as (typeof applicants)[number])
              .staffNumber,
          },
          { forceId: force.id },
        )
        if (index < toContinue)
          await services.integrityCases.setStatus(caller, created.id, { status: 'continuing' })
        else
          await services.integrityCases.close(caller, created.id, {
            outcome: index % 2 ? 'management action' : 'no case to answer',
            closedOn: spread(openedOn, '2012-05-15', 1, 2),
          })
      }
    }

    // Social-media cases the inspectorate's research referred to the force, up to the end of fieldwork.
    if (forceFacts.socialMediaCasesReferred !== null) {
      const { referrals } = await services.referrals.list(caller, {
        forceId: force.id,
        from: inspection.dataFrom,
        to: referralsTo,
      })
      const toRefer =
        forceFacts.socialMediaCasesReferred - referrals.filter((r) => r.type === SOCIAL_MEDIA).length
      if (toRefer < 0) throw new Error(`${forceCode} already has more social-media referrals than its facts`)
      for (let index = 0; index < toRefer; index++)
        await services.referrals.create(caller, {
          force: forceCode,
          type: SOCIAL_MEDIA,
          finding:
            'A public social-media profile identifies the holder as an officer and shows inappropriate comments.',
          evidence: 'Screenshots taken by the research team, held on the referral file.',
          referredOn: spread('2012-04-02', '2012-07-31', index, toRefer),
        })
    }

    // The anti-corruption unit at both census dates, so the change equals the fact.
    if (forceFacts.antiCorruptionUnitStaffChange !== null && revisits) {
      const latest = (await services.acuStaffing.change(caller, force.id, census, census)).after
      const unit = DEFAULT_UNIT[forceCode] ?? { funded: 6, filled: 6 }
      const after = latest ? { funded: latest.postsFunded, filled: latest.postsFilled } : unit
      const beforeFilled = after.filled - forceFacts.antiCorruptionUnitStaffChange
      if (beforeFilled < 0) throw new Error(`${forceCode}'s unit cannot have shrunk by more than it has`)
      const record = (asOf: string, filled: number) =>
        services.acuStaffing.record(
          caller,
          { asOf, postsFunded: String(Math.max(after.funded, filled)), postsFilled: String(filled) },
          force.id,
        )
      const before = (await services.acuStaffing.change(caller, force.id, revisits.censusDate, census)).before
      if (before?.asOf !== revisits.censusDate || before.postsFilled !== beforeFilled)
        await record(revisits.censusDate, beforeFilled)
      if (latest?.asOf !== census || latest.postsFilled !== after.filled) await record(census, after.filled)
    }

    // Compute the return from the records (only when something changed: running again adds nothing).
    const current = await services.dataReturns.get(caller, revisitRow.id, forceCode)
    const computed = await services.dataReturns.computeFor(caller, current.assessment)
    const stale = current.items.some(
      (item) =>
        item.computable &&
        item.baseSource !== 'supplied' &&
        item.baseValue !== (computed[item.code]?.value ?? null),
    )
    if (stale || current.items.every((item) => item.source === null))
      await services.dataReturns.refresh(caller, revisitRow.id, forceCode)

    // What the force supplies: its yes/no statements (the counter-corruption plan, its policies), where its facts say.
    const supplied: Record<string, string> = {}
    for (const [field, code] of Object.entries(STATEMENT_ITEMS) as [OptionalStatement, string][]) {
      const stated = forceFacts[field]
      if (stated === undefined) continue
      const item = current.items.find((entry) => entry.code === code)
      if (item?.baseValue !== (stated ? 1 : 0)) supplied[code] = stated ? 'yes' : 'no'
    }
    if (Object.keys(supplied).length)
      await services.dataReturns.supply(caller, revisitRow.id, forceCode, supplied)

    // The demo rosters are samples of a force's people, so the roster's workforce is overridden with the
    // reference list's officers, with the reason: the comparison's rates per 1,000 then read sensibly.
    const officers = (await services.forces.find(forceCode))?.officersFte
    const workforce = (await services.dataReturns.get(caller, revisitRow.id, forceCode)).items.find(
      (item) => item.code === 'workforce',
    )
    if (officers && workforce?.source && workforce.value !== officers)
      await services.dataReturns.override(caller, revisitRow.id, forceCode, {
        item: 'workforce',
        value: String(officers),
        reason:
          'The demo roster holds only a sample of the force’s people: the workforce is the force’s officers (FTE, March 2012) from the reference list.',
      })
  }
}
