import { sql } from 'drizzle-orm'
import { type CopyValue, copyRows } from '../../db/bulk-copy.js'
import { type Database, type DatabaseHandle, queryRows } from '../../db/connection.js'
import { type Caller, callerFor, SYSTEM_CALLER } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { SelfAssessmentRating } from '../../domain/inspections.js'
import { createServices, type Services } from '../../services.js'
import { appendAuditEvent } from '../audit/service.js'
import { shippedFramework2011 } from '../frameworks/shipped.js'
import { hashPassword } from '../identity/passwords.js'
import { isoDay } from './calendar.js'
import { ACCESS_COLUMNS, CASE_COLUMNS, REFERRAL_COLUMNS, SUBJECT_COLUMNS } from './casework.js'
import { NationalDataset } from './generate.js'
import { DATASET_TODAY, type ForceInput, type NationalOptions, type SeededUser, TARGETS } from './plan.js'
import { Random } from './random.js'
import { GIFT_COLUMNS, INTEREST_COLUMNS, MEDIA_COLUMNS } from './registers.js'

/** Every national user signs in with this; like the demo's, it is published, so never use it in production. */
export const NATIONAL_PASSWORD = 'probity-national-2012'

export const NATIONAL_DEFAULTS: NationalOptions = { years: 10, seed: 2012, scale: 1 }

/** The tables the seed writes with COPY, in the order written (each names only rows before it). */
export const NATIONAL_TABLES = [
  'staff_members',
  'users',
  'business_interests',
  'gifts_hospitality',
  'media_contacts',
  'integrity_cases',
  'integrity_case_subjects',
  'integrity_case_access',
  'referrals',
  'acu_staffing',
] as const
export type NationalTable = (typeof NATIONAL_TABLES)[number]

/** A table starts (with the rows expected, an estimate), moves on, or is done (with the rows written). */
export type NationalProgress = (event: {
  table: NationalTable | 'inspection'
  phase: 'start' | 'progress' | 'done'
  rows: number
  expected: number
}) => void

export interface NationalSeedOptions extends Partial<NationalOptions> {
  onProgress?: NationalProgress
}

export interface NationalSummary {
  years: number
  seed: number
  scale: number
  /** The dataset's "today", census date of its inspection: fixed, never the wall clock. */
  today: string
  dataFrom: string
  /** Rows written to each table. */
  counts: Record<NationalTable, number>
  /** Serving on the dataset's today, nationally. */
  currentStaff: number
  /** Approved (with or without conditions) and not expired on the dataset's today. */
  currentSecondJobs: number
  password: string
  users: NationalUsers
  /** The inspection of all 44 forces (what `probity publish --inspection` takes). */
  inspectionCode: string
  inspection: {
    code: string
    id: string
    baselineCode: string | null
    dataFrom: string
    dataTo: string
    censusDate: string
  }
  seconds: number
}

/** Who to sign in as: every account has the one password. */
export interface NationalUsers {
  password: string
  list: { email: string; role: SeededUser['role']; forceCode: string | null }[]
  /** The force's head of professional standards (force-admin). */
  psdHead(forceCode: string): string
  /** The force's caseworker (force-caseworker). */
  caseworker(forceCode: string): string
  /** The force's member of staff (staff), linked to their roster entry. */
  officer(forceCode: string): string
  /** The staff number of that member of staff's roster entry. */
  staffNumber(forceCode: string): string
  admin: string
  inspector: string
  leadInspector: string
}

/**
 * The database to write to. COPY needs the database itself, which services keep to themselves: given the
 * services, it is the one they were built over (the forces service's).
 */
function databaseOf(target: Database | DatabaseHandle | Services): Database {
  if ('kind' in target && 'db' in target) return target.db
  if ('forces' in target && 'users' in target && 'roster' in target)
    return (target.forces as unknown as { db: Database }).db
  return target as Database
}

/** Checks the three numbers; bad ones are refused with messages the CLI prints as they are. */
export function checkNationalOptions(options: Partial<NationalOptions>): NationalOptions {
  const years = options.years ?? NATIONAL_DEFAULTS.years
  const seed = options.seed ?? NATIONAL_DEFAULTS.seed
  const scale = options.scale ?? NATIONAL_DEFAULTS.scale
  const errors: Record<string, string> = {}
  if (!Number.isInteger(years) || years < 1 || years > 20)
    errors.years = '--years must be a whole number from 1 to 20'
  if (!Number.isSafeInteger(seed)) errors.seed = '--seed must be a whole number'
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1)
    errors.scale = '--scale must be a number more than 0 and at most 1, like 0.01'
  if (Object.keys(errors).length) throw new ValidationError(errors)
  return { years, seed, scale }
}

const INSPECTION_RATINGS: readonly (readonly [SelfAssessmentRating, number])[] = [
  ['fully met', 55],
  ['partly met', 35],
  ['not met', 10],
]
const EVIDENCE = [
  'Policy approved by the professional standards board; board minutes and intranet notice.',
  'Quarterly review of the register by the head of professional standards; review notes kept.',
  'Staff briefings and e-learning completed; completion figures attached.',
  'Audit reports for the data period and the action taken on each finding.',
  'Work has started; the action plan sets a completion date after the census date.',
]
const RATIONALES: Record<string, string> = {
  'good progress': 'Integrity policies are in line with national guidance, well known to staff and checked.',
  improvements: 'Most policies have been reviewed and oversight is in place; staff awareness still lags.',
  'some improvements': 'Some areas have moved on, but the work is uneven and oversight is still forming.',
  'limited progress':
    'Little has changed since the last inspection; plans exist but are not yet carried out.',
}

function userCaller(user: SeededUser): Caller {
  return callerFor(
    {
      kind: 'user',
      id: user.id,
      label: `${user.name} <${user.email}>`,
      role: user.role,
      forceId: user.forceId,
      staffMemberId: user.staffMemberId,
    },
    null,
  )
}

/**
 * Writes the national dataset into a freshly migrated database: 44 forces' rosters, registers, cases,
 * referrals and unit staffing over `years` years (bulk tables with COPY, in one transaction), users to
 * sign in as, and an inspection of every force with self-assessments submitted and judgements confirmed
 * (through the services). The same options always give the same rows. Refuses a database that already
 * has staff on its rosters.
 */
export async function seedNationalData(
  target: Database | DatabaseHandle | Services,
  options: NationalSeedOptions = {},
): Promise<NationalSummary> {
  const db = databaseOf(target)
  const started = performance.now()
  const settings = checkNationalOptions(options)
  const progress = options.onProgress ?? (() => {})
  const [existing] = await queryRows<{ national: number; staff: number }>(
    db,
    sql`select (select count(*)::int from users where email like '%.national.example') as national,
               (select count(*)::int from staff_members) as staff`,
  )
  if (existing?.national)
    throw new ValidationError({
      database: 'The national dataset is already in this database: nothing was added',
    })
  if (existing?.staff)
    throw new ValidationError({
      database: `The national dataset needs a freshly migrated database, and this one already has ${existing.staff} staff on its rosters: nothing was added`,
    })

  const today = new Date(`${DATASET_TODAY}T12:00:00Z`)
  const services = createServices(db, { now: () => today })
  const references = new Map((await services.forces.references()).map((force) => [force.code, force]))
  const forces: ForceInput[] = (await services.forces.list())
    .map((force) => ({
      id: (references.get(force.code) as { id: number }).id,
      code: force.code,
      name: force.name,
      officersFte: force.officersFte,
    }))
    .sort((a, b) => a.id - b.id)
  const dataset = new NationalDataset(forces, settings)
  const passwordHash = await hashPassword(NATIONAL_PASSWORD)

  const { scale, years } = settings
  const staffTotal = dataset.plans.reduce((sum, plan) => sum + plan.staff.ids.length, 0)
  const casework = dataset.casework()
  const sources: Record<
    NationalTable,
    { columns: readonly string[]; rows: () => Iterable<CopyValue[]>; expected: number }
  > = {
    staff_members: {
      columns: NationalDataset.STAFF_COLUMNS,
      rows: () => dataset.staffRows(),
      expected: staffTotal,
    },
    users: {
      columns: NationalDataset.USER_COLUMNS,
      rows: () => dataset.userRows(passwordHash),
      expected: dataset.users.length,
    },
    business_interests: {
      columns: INTEREST_COLUMNS,
      rows: () => dataset.interestRows(),
      expected: Math.round(
        (TARGETS.currentSecondJobs * 1.03 + TARGETS.historicApplicationsPerYear * years) * scale,
      ),
    },
    gifts_hospitality: {
      columns: GIFT_COLUMNS,
      rows: () => dataset.giftRows(),
      expected: Math.round(TARGETS.giftsPerYear * years * scale),
    },
    media_contacts: {
      columns: MEDIA_COLUMNS,
      rows: () => dataset.mediaRows(),
      expected: Math.round(TARGETS.mediaContactsPerYear * years * scale),
    },
    integrity_cases: {
      columns: CASE_COLUMNS,
      rows: () => casework.cases,
      expected: casework.cases.length,
    },
    integrity_case_subjects: {
      columns: SUBJECT_COLUMNS,
      rows: () => casework.subjects,
      expected: casework.subjects.length,
    },
    integrity_case_access: {
      columns: ACCESS_COLUMNS,
      rows: () => casework.access,
      expected: casework.access.length,
    },
    referrals: {
      columns: REFERRAL_COLUMNS,
      rows: () => casework.referrals,
      expected: casework.referrals.length,
    },
    acu_staffing: {
      columns: NationalDataset.STAFFING_COLUMNS,
      rows: () => dataset.staffingRows(),
      expected: forces.length * years,
    },
  }

  const rows = {} as Record<NationalTable, number>
  await db.transaction(async (tx) => {
    for (const table of NATIONAL_TABLES) {
      const source = sources[table]
      progress({ table, phase: 'start', rows: 0, expected: source.expected })
      rows[table] = await copyRows(tx, table, source.columns, source.rows(), {
        onProgress: (written) =>
          progress({ table, phase: 'progress', rows: written, expected: source.expected }),
      })
      progress({ table, phase: 'done', rows: rows[table], expected: source.expected })
    }
    await appendAuditEvent(
      tx,
      SYSTEM_CALLER.actor,
      {
        forceId: null,
        entityType: 'national-dataset',
        entityId: null,
        action: 'seed',
        after: { ...settings, rows },
      },
      today,
    )
  })
  await db.execute(sql.raw(`analyze ${NATIONAL_TABLES.join(', ')}`))

  const inspection = await seedInspection(services, dataset, (phase, done, total) =>
    progress({ table: 'inspection', phase, rows: done, expected: total }),
  )
  const [current] = await queryRows<{ staff: number; jobs: number }>(
    db,
    sql`select (select count(*)::int from staff_members where leave_date is null or leave_date >= ${DATASET_TODAY}) as staff,
               (select count(*)::int from business_interests where status in ('approved', 'approved with conditions')
                  and (expiry_date is null or expiry_date > ${DATASET_TODAY})) as jobs`,
  )
  return {
    ...settings,
    today: DATASET_TODAY,
    dataFrom: isoDay(dataset.start),
    counts: rows,
    currentStaff: current?.staff ?? 0,
    currentSecondJobs: current?.jobs ?? 0,
    password: NATIONAL_PASSWORD,
    users: nationalUsers(dataset),
    inspectionCode: inspection.code,
    inspection,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  }
}

function nationalUsers(dataset: NationalDataset): NationalUsers {
  const byCode = new Map(dataset.plans.map((plan) => [plan.force.code, plan]))
  const plan = (code: string) => {
    const found = byCode.get(code)
    if (!found) throw new Error(`The national dataset has no force ${code}`)
    return found
  }
  const codeOf = new Map(dataset.plans.map((entry) => [entry.force.id, entry.force.code]))
  const [admin, inspector, leadInspector] = dataset.inspectorate as [SeededUser, SeededUser, SeededUser]
  return {
    password: NATIONAL_PASSWORD,
    list: dataset.users.map((user) => ({
      email: user.email,
      role: user.role,
      forceCode: user.forceId === null ? null : (codeOf.get(user.forceId) ?? null),
    })),
    psdHead: (code) => plan(code).users.psdHead.email,
    caseworker: (code) => plan(code).users.caseworker.email,
    officer: (code) => plan(code).users.officer.email,
    staffNumber: (code) => plan(code).users.officerStaffNumber,
    admin: admin.email,
    inspector: inspector.email,
    leadInspector: leadInspector.email,
  }
}

/**
 * The inspection of all forces over the dataset's last year (census on its "today"), revisiting one of
 * the year before when there is one, through the services: every force's self-assessment answered and
 * signed off, a headline judgement proposed by one inspector and confirmed by another, and its data
 * return computed from its records and stored (so `probity publish` states the figures).
 */
async function seedInspection(
  services: ReturnType<typeof createServices>,
  dataset: NationalDataset,
  progress: (phase: 'start' | 'progress' | 'done', done: number, total: number) => void,
): Promise<NationalSummary['inspection']> {
  const admin = userCaller(dataset.inspectorate[0] as SeededUser)
  const proposer = userCaller(dataset.inspectorate[1] as SeededUser)
  const moderator = userCaller(dataset.inspectorate[2] as SeededUser)
  const { frameworks, inspections, selfAssessments, fieldwork, dataReturns } = services
  const framework =
    (await frameworks.findVersion(SYSTEM_CALLER, 'without-fear-or-favour', 1)) ??
    (await frameworks.loadFramework(SYSTEM_CALLER, shippedFramework2011()))
  const endYear = Number(DATASET_TODAY.slice(0, 4))
  const last = dataset.years[dataset.years.length - 1] as { from: number; to: number }
  let baseline: { id: string; code: string } | null = null
  if (dataset.years.length >= 2) {
    const before = dataset.years[dataset.years.length - 2] as { from: number; to: number }
    baseline = await inspections.create(admin, {
      code: `national-${endYear - 1}`,
      title: `National integrity inspection ${endYear - 1} (national dataset)`,
      frameworkId: framework.id,
      dataFrom: isoDay(before.from),
      dataTo: isoDay(before.to),
      censusDate: isoDay(before.to),
      fieldworkFrom: isoDay(before.to - 61),
      fieldworkTo: isoDay(before.to),
      status: 'closed',
    })
  }
  const census = isoDay(last.to)
  const created = await inspections.create(admin, {
    code: `national-${endYear}`,
    title: `National integrity inspection ${endYear} (national dataset)`,
    frameworkId: framework.id,
    dataFrom: isoDay(last.from),
    dataTo: census,
    censusDate: census,
    fieldworkFrom: isoDay(last.to - 61),
    fieldworkTo: census,
    ...(baseline ? { revisitsId: baseline.id } : {}),
    status: 'open',
  })
  const random = Random.stream(dataset.options.seed, 9)
  const scale = framework.judgementScale
  progress('start', 0, dataset.plans.length)
  for (const [index, plan] of dataset.plans.entries()) {
    const code = plan.force.code
    const current = await selfAssessments.get(SYSTEM_CALLER, created.id, code)
    const questions = current.areas.flatMap((area) => area.questions.map((entry) => entry.question))
    await selfAssessments.saveAnswers(
      SYSTEM_CALLER,
      created.id,
      code,
      questions.map((question) => ({
        questionId: question.id,
        rating: random.weighted(INSPECTION_RATINGS),
        evidence: random.pick(EVIDENCE),
      })),
    )
    await selfAssessments.submit(SYSTEM_CALLER, created.id, code, {
      signedOffByName: `Deputy Chief Constable of ${plan.force.name}`,
      signedOffByRank: 'Deputy Chief Constable',
      confirm: 'yes',
    })
    const judgement = random.weighted(
      scale.map((entry, position) => [entry, [20, 40, 30, 10][position] ?? 10] as const),
    )
    await fieldwork.proposeJudgement(proposer, created.id, code, {
      judgement,
      rationale:
        RATIONALES[judgement] ?? 'Judged against the framework from the force’s records and fieldwork.',
    })
    await fieldwork.confirmJudgement(moderator, created.id, code, {
      note: 'Agreed at the national moderation panel.',
    })
    // The return computed from the force's records and stored, as "Recalculate from records" does.
    await dataReturns.refresh(proposer, created.id, code)
    progress('progress', index + 1, dataset.plans.length)
  }
  progress('done', dataset.plans.length, dataset.plans.length)
  return {
    code: created.code,
    id: created.id,
    baselineCode: baseline?.code ?? null,
    dataFrom: created.dataFrom,
    dataTo: created.dataTo,
    censusDate: created.censusDate,
  }
}
