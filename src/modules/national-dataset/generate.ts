import type { CopyValue } from '../../db/bulk-copy.js'
import { CASE_OUTCOMES, CASE_SOURCES, CASE_TYPES } from '../../domain/cases.js'
import {
  BUSINESS_INTEREST_CRITERIA,
  FLAGGED_DONOR_TYPES,
  type GIFT_DISPOSALS,
  MEDIA_CONTACT_METHODS,
} from '../../domain/registers.js'
import { IMPORTED_COLUMNS } from '../gifts-hospitality/bulk-import.js'
import { dayNumber, isoDay, shiftYears, stamp } from './calendar.js'
import {
  APPROVERS,
  CASE_SUMMARIES,
  CONDITIONS,
  DISTRICTS,
  DONORS,
  FIRST_NAMES,
  GIFT_DESCRIPTIONS,
  HOSPITALITY_DESCRIPTIONS,
  LOCAL_UNITS,
  MEDIA_DISCUSSED,
  MEDIA_PURPOSES,
  NO_ACTION_REASONS,
  OFFICER_UNITS,
  OUTLETS,
  RANKS,
  REFERRAL_FINDINGS,
  REFUSAL_REASONS,
  SECOND_JOBS,
  STAFF_GRADES,
  STAFF_UNITS,
  SURNAMES,
} from './catalogue.js'
import { Random } from './random.js'

/** The dataset's "today": the end of its last year and the census of its inspection, as in the 2012 domain. */
export const DATASET_TODAY = '2012-08-31'

/** National targets at scale 1 (England and Wales, 2012). */
export const TARGETS = {
  /** Police staff and PCSOs for each officer. */
  staffPerOfficer: 0.4,
  pcsosPerOfficer: 0.1,
  /** Share of the workforce leaving each year. */
  turnover: 0.055,
  currentSecondJobs: 23_000,
  /** Applications a year that are now history (expired, refused, withdrawn). */
  historicApplicationsPerYear: 8_000,
  giftsPerYear: 35_000,
  mediaContactsPerYear: 9_000,
  casesPerYear: 1_500,
  referralsPerYear: 120,
} as const

export interface NationalOptions {
  years: number
  seed: number
  scale: number
}

export interface ForceInput {
  id: number
  code: string
  name: string
  officersFte: number | null
}

export interface SeededUser {
  id: string
  email: string
  name: string
  role: 'inspectorate-admin' | 'inspector' | 'force-admin' | 'force-caseworker' | 'staff'
  forceId: number | null
  staffMemberId: string | null
}

/** The people of one force the generator names: who decides, who runs cases, who is signed in as staff. */
interface ForceUsers {
  psdHead: SeededUser
  caseworker: SeededUser
  officer: SeededUser
  /** The staff number of the officer's roster entry. */
  officerStaffNumber: string
}

const NO_LEAVE = 2_147_483_647

/** A force's roster, kept compact: what the other tables need of each person. */
export interface StaffPlan {
  ids: string[]
  grades: string[]
  start: Int32Array
  /** NO_LEAVE for those still serving. */
  leave: Int32Array
  /** People 0 … current - 1 are serving today; the rest are leavers. */
  current: number
}

export interface ForcePlan {
  force: ForceInput
  /** The force's share of the nation's officers. */
  share: number
  staff: StaffPlan
  users: ForceUsers
}

/** Streams of randomness, one per table and force, so each is independent of the others' sizes. */
const STREAM = {
  staff: 1,
  names: 2,
  users: 3,
  interests: 4,
  gifts: 5,
  media: 6,
  cases: 7,
  staffing: 8,
} as const

export interface DatasetYear {
  from: number
  to: number
}

/** The dataset's calendar: its years (oldest first), each ending on the anniversary of "today". */
export function datasetYears(years: number): DatasetYear[] {
  return Array.from({ length: years }, (_, index) => ({
    from: dayNumber(shiftYears(DATASET_TODAY, index - years)) + 1,
    to: dayNumber(shiftYears(DATASET_TODAY, index - years + 1)),
  }))
}

/** Whole-number count of a scaled national figure for one force, rounding by the stream (unbiased). */
function scaledCount(random: Random, value: number): number {
  const whole = Math.floor(value)
  return whole + (random.chance(value - whole) ? 1 : 0)
}

/** A person's staff number: the force's initials and their place on the roster, e.g. GM100001. */
export function staffNumberOf(code: string, person: number): string {
  return `${staffNumberPrefix(code)}${String(100_001 + person)}`
}

function staffNumberPrefix(code: string): string {
  const words = code.split('-').filter((word) => word !== 'and' && word !== 'of')
  const initials = words.length > 1 ? words.map((word) => word[0]).join('') : code.slice(0, 2)
  return initials.toUpperCase()
}

export class NationalDataset {
  readonly today = dayNumber(DATASET_TODAY)
  readonly years: DatasetYear[]
  readonly start: number
  readonly plans: ForcePlan[]
  readonly inspectorate: SeededUser[]
  /** When PCSOs were first employed (2002): nobody is a PCSO from before it. */
  private readonly pcsosFrom = dayNumber('2002-09-01')

  constructor(
    readonly forces: readonly ForceInput[],
    readonly options: NationalOptions,
  ) {
    this.years = datasetYears(options.years)
    this.start = (this.years[0] as DatasetYear).from
    const sizes = forces.map((force) => force.officersFte ?? 1000)
    const national = sizes.reduce((sum, size) => sum + size, 0)
    const userIds = Random.stream(options.seed, STREAM.users)
    this.inspectorate = [
      ['admin', 'Inspectorate Administrator', 'inspectorate-admin'],
      ['inspector', 'Ian National-Inspector', 'inspector'],
      ['lead.inspector', 'Lena National-Lead-Inspector', 'inspector'],
    ].map(([local, name, role]) => ({
      id: userIds.uuid(),
      email: `${local}@inspectorate.national.example`,
      name: name as string,
      role: role as SeededUser['role'],
      forceId: null,
      staffMemberId: null,
    }))
    this.plans = forces.map((force, index) => {
      const staff = this.planStaff(force, sizes[index] as number)
      const firstConstable = staff.grades.findIndex(
        (grade, person) => grade === 'Constable' && person < staff.current,
      )
      const user = (local: string, name: string, role: SeededUser['role'], staffMemberId: string | null) => ({
        id: userIds.uuid(),
        email: `${local}@${force.code}.national.example`,
        name: `${name} (${force.name})`,
        role,
        forceId: force.id,
        staffMemberId,
      })
      return {
        force,
        share: (sizes[index] as number) / national,
        staff,
        users: {
          psdHead: user('psd.head', 'Head of Professional Standards', 'force-admin', null),
          caseworker: user('caseworker', 'Professional Standards Caseworker', 'force-caseworker', null),
          officer: user('officer', 'Officer', 'staff', staff.ids[Math.max(firstConstable, 0)] ?? null),
          officerStaffNumber: staffNumberOf(force.code, Math.max(firstConstable, 0)),
        },
      }
    })
  }

  get users(): SeededUser[] {
    return [
      ...this.inspectorate,
      ...this.plans.flatMap((plan) => [plan.users.psdHead, plan.users.caseworker, plan.users.officer]),
    ]
  }

  private planStaff(force: ForceInput, officersFte: number): StaffPlan {
    const random = Random.stream(this.options.seed, STREAM.staff, force.id)
    const { scale } = this.options
    const chiefs = ['Chief Constable', 'Deputy Chief Constable']
    for (let acc = 0; acc < Math.min(5, Math.max(1, Math.round(officersFte / 1500))); acc++)
      chiefs.push('Assistant Chief Constable')
    const officers = Math.max(chiefs.length + 3, scaledCount(random, officersFte * scale))
    const staffCount = Math.max(2, scaledCount(random, officersFte * scale * TARGETS.staffPerOfficer))
    const pcsos = Math.max(1, scaledCount(random, officersFte * scale * TARGETS.pcsosPerOfficer))
    const current = officers + staffCount + pcsos
    const leavers = scaledCount(random, current * TARGETS.turnover * this.options.years)
    const total = current + leavers
    const ids: string[] = new Array(total)
    const grades: string[] = new Array(total)
    const start = new Int32Array(total)
    const leave = new Int32Array(total).fill(NO_LEAVE)
    const thirtyYears = 30 * 365
    const gradeOf = (person: number, serving: boolean): string => {
      if (serving && person < chiefs.length) return chiefs[person] as string
      const kind = random.float() * (1 + TARGETS.staffPerOfficer + TARGETS.pcsosPerOfficer)
      if (serving ? person < officers : kind < 1) return random.weighted(RANKS)
      if (serving ? person < officers + staffCount : kind < 1 + TARGETS.staffPerOfficer)
        return random.weighted(STAFF_GRADES)
      return 'Police Community Support Officer'
    }
    for (let person = 0; person < total; person++) {
      const serving = person < current
      ids[person] = random.uuid()
      const grade = gradeOf(person, serving)
      grades[person] = grade
      const earliest =
        grade === 'Police Community Support Officer' ? this.pcsosFrom : this.today - thirtyYears
      if (serving) {
        const senior = person < chiefs.length
        start[person] = senior
          ? this.today - random.int(18 * 365, thirtyYears)
          : Math.max(earliest, this.today - random.int(0, thirtyYears))
      } else {
        const left = random.int(this.start, this.today - 1)
        leave[person] = left
        start[person] = Math.min(left - 30, Math.max(earliest, left - random.int(180, thirtyYears)))
        // Someone who left within a month of PCSOs beginning was police staff, not a PCSO.
        if ((start[person] as number) < earliest) grades[person] = 'Police Staff'
      }
    }
    return { ids, grades, start, leave, current }
  }

  /** A person serving on `day` (started by it, not left before it), or undefined after some tries. */
  private servingOn(random: Random, staff: StaffPlan, day: number, currentOnly = false): number | undefined {
    const pool = currentOnly ? staff.current : staff.ids.length
    for (let attempt = 0; attempt < 40; attempt++) {
      const person = Math.floor(random.float() * pool)
      if ((staff.start[person] as number) <= day && (staff.leave[person] as number) >= day) return person
    }
    return undefined
  }

  private static perYear(random: Random, nationalPerYear: number, plan: ForcePlan, scale: number): number {
    return scaledCount(random, nationalPerYear * plan.share * scale)
  }

  // ——— staff_members ———

  static readonly STAFF_COLUMNS = [
    'id',
    'force_id',
    'staff_number',
    'name',
    'grade',
    'unit',
    'start_date',
    'leave_date',
    'created_at',
    'updated_at',
  ] as const;

  *staffRows(): Generator<CopyValue[]> {
    for (const { force, staff } of this.plans) {
      const random = Random.stream(this.options.seed, STREAM.names, force.id)
      for (let person = 0; person < staff.ids.length; person++) {
        const grade = staff.grades[person] as string
        const left = staff.leave[person] as number
        const started = staff.start[person] as number
        const since = Math.max(started, this.start)
        yield [
          staff.ids[person],
          force.id,
          staffNumberOf(force.code, person),
          `${random.pick(FIRST_NAMES)} ${random.pick(SURNAMES)}`,
          grade,
          this.unitOf(random, grade),
          isoDay(started),
          left === NO_LEAVE ? null : isoDay(left),
          stamp(since, 8),
          stamp(left === NO_LEAVE ? since : Math.max(left, since), 8),
        ]
      }
    }
  }

  private unitOf(random: Random, grade: string): string {
    if (grade.endsWith('Chief Constable') || grade === 'Police Staff Director') return 'Chief Officer Team'
    if (grade === 'Police Community Support Officer')
      return `Neighbourhood Policing – ${random.pick(DISTRICTS)}`
    if (grade.startsWith('Police Staff')) return random.weighted(STAFF_UNITS)
    const unit = random.weighted(OFFICER_UNITS)
    return LOCAL_UNITS.has(unit) ? `${unit} – ${random.pick(DISTRICTS)}` : unit
  }

  // ——— users (one password hash for everyone) ———

  static readonly USER_COLUMNS = [
    'id',
    'email',
    'name',
    'role',
    'force_id',
    'staff_member_id',
    'password_hash',
    'must_change_password',
    'created_at',
    'updated_at',
  ] as const;

  *userRows(passwordHash: string): Generator<CopyValue[]> {
    const created = stamp(this.start, 7)
    for (const user of this.users)
      yield [
        user.id,
        user.email,
        user.name,
        user.role,
        user.forceId,
        user.staffMemberId,
        passwordHash,
        false,
        created,
        created,
      ]
  }

  // ——— business_interests ———

  static readonly INTEREST_COLUMNS = [
    'id',
    'force_id',
    'staff_member_id',
    'submitted_by',
    'submitted_on',
    'nature',
    'category',
    'employer',
    'hours_per_week',
    'paid',
    'relatives_interests',
    'conflict_declaration',
    'status',
    'assessment',
    'conditions',
    'refusal_reason',
    'decided_by',
    'decided_on',
    'review_date',
    'expiry_date',
    'withdrawn_on',
    'appeal_status',
    'appeal_grounds',
    'appeal_outcome_reason',
    'created_at',
    'updated_at',
  ] as const;

  *interestRows(): Generator<CopyValue[]> {
    const { scale, seed } = this.options
    const today = this.today
    for (const plan of this.plans) {
      const { force, staff, users } = plan
      const random = Random.stream(seed, STREAM.interests, force.id)
      const decider = users.psdHead.id
      const row = (
        person: number,
        submitted: number,
        status: string,
        decided: number | null,
        extra: {
          review?: number | null
          expiry?: number | null
          withdrawn?: number | null
          refusal?: string | null
          conditions?: string | null
          appeal?: boolean
        } = {},
      ): CopyValue[] => {
        const job = random.weighted(SECOND_JOBS.map((kind) => [kind, kind.weight] as const))
        const concern = status === 'refused'
        const assessment =
          decided === null
            ? null
            : Object.fromEntries(
                BUSINESS_INTEREST_CRITERIA.map((criterion, index) => [
                  criterion,
                  concern && index === 0
                    ? { concern: true, note: 'Risk to impartiality in the applicant’s area of work.' }
                    : { concern: false, note: '' },
                ]),
              )
        const last = Math.max(submitted, decided ?? submitted, extra.withdrawn ?? submitted)
        const hours = random.int(job.hours[0] * 2, job.hours[1] * 2) / 2
        return [
          random.uuid(),
          force.id,
          staff.ids[person],
          null,
          isoDay(submitted),
          random.pick(job.natures),
          job.category,
          random.pick(job.employers),
          hours,
          job.paid,
          null,
          random.chance(0.85)
            ? 'No conflict with my police role.'
            : 'I will not work for anyone I deal with through police business.',
          status,
          assessment,
          extra.conditions ?? null,
          extra.refusal ?? null,
          decided === null ? null : decider,
          decided === null ? null : isoDay(decided),
          extra.review == null ? null : isoDay(extra.review),
          extra.expiry == null ? null : isoDay(extra.expiry),
          extra.withdrawn == null ? null : isoDay(extra.withdrawn),
          extra.appeal ? 'dismissed' : null,
          extra.appeal ? 'The refusal did not take account of the hours proposed.' : null,
          extra.appeal ? 'The original decision stands: the conflict remains.' : null,
          stamp(submitted),
          stamp(last, 16),
        ]
      }

      // Current approvals: distinct people serving today, applied for in the last three years.
      const wanted = Math.min(
        staff.current,
        scaledCount(random, TARGETS.currentSecondJobs * plan.share * scale),
      )
      const order = Int32Array.from({ length: staff.current }, (_, index) => index)
      for (let taken = 0; taken < wanted; taken++) {
        const swap = taken + Math.floor(random.float() * (staff.current - taken))
        const person = order[swap] as number
        order[swap] = order[taken] as number
        order[taken] = person
        const submitted = Math.max(staff.start[person] as number, this.start, today - random.int(40, 3 * 365))
        const decided = Math.min(today - 1, submitted + random.int(5, 35))
        const conditional = random.chance(0.15)
        yield row(person, submitted, conditional ? 'approved with conditions' : 'approved', decided, {
          conditions: conditional ? random.pick(CONDITIONS) : null,
          review: today + random.int(1, 365),
          expiry: random.chance(0.25) ? today + random.int(60, 3 * 365) : null,
        })
      }

      // History: each year's applications that were refused, withdrawn, or approved and since expired.
      for (const year of this.years) {
        const count = NationalDataset.perYear(random, TARGETS.historicApplicationsPerYear, plan, scale)
        for (let n = 0; n < count; n++) {
          const submitted = random.int(year.from, Math.min(year.to, today - 1))
          const person = this.servingOn(random, staff, submitted)
          if (person === undefined) continue
          const kind = random.weighted([
            ['expired', 78],
            ['refused', 14],
            ['withdrawn', 8],
          ] as const)
          const decided = Math.min(today - 1, submitted + random.int(5, 40))
          if (kind === 'withdrawn') {
            yield row(person, submitted, 'withdrawn', null, {
              withdrawn: Math.min(today, submitted + random.int(1, 30)),
            })
          } else if (kind === 'refused' || decided + 30 > today - 1) {
            yield row(person, submitted, 'refused', decided, {
              refusal: random.pick(REFUSAL_REASONS),
              appeal: random.chance(0.1),
            })
          } else {
            const leftOn = staff.leave[person] as number
            const latest = Math.min(today - 1, leftOn)
            const expiry = Math.max(decided + 30, Math.min(latest, decided + random.int(180, 4 * 365)))
            if (expiry > today - 1) continue
            yield row(person, submitted, 'expired', decided, {
              review: decided + 365,
              expiry,
            })
          }
        }
      }

      // Awaiting a decision: applied for in the last eight weeks.
      const waiting = scaledCount(random, TARGETS.currentSecondJobs * 0.03 * plan.share * scale)
      for (let n = 0; n < waiting; n++) {
        const submitted = today - random.int(0, 56)
        const person = this.servingOn(random, staff, submitted, true)
        if (person !== undefined) yield row(person, submitted, 'submitted', null)
      }
    }
  }

  // ——— gifts_hospitality ———

  static readonly GIFT_COLUMNS = [...IMPORTED_COLUMNS, 'declared_by', 'created_at', 'updated_at'] as const;

  *giftRows(): Generator<CopyValue[]> {
    const { scale, seed } = this.options
    const donorChoices = DONORS.map(([type, weight, names]) => [[type, names] as const, weight] as const)
    for (const plan of this.plans) {
      const { force, staff } = plan
      const random = Random.stream(seed, STREAM.gifts, force.id)
      for (const year of this.years) {
        const count = NationalDataset.perYear(random, TARGETS.giftsPerYear, plan, scale)
        for (let n = 0; n < count; n++) {
          const offered = random.int(year.from, year.to)
          const person = this.servingOn(random, staff, offered)
          if (person === undefined) continue
          const hospitality = random.chance(0.55)
          const [donorType, donorNames] = random.weighted(donorChoices)
          // Mostly small (median about £14), with a long tail into the thousands.
          const raw = Math.min(5000, Math.exp(2.6 + 1.1 * random.normal()))
          const value =
            raw < 50 && random.chance(0.7) ? Math.max(1, Math.round(raw)) : Math.round(raw * 100) / 100
          const flagged = FLAGGED_DONOR_TYPES.includes(donorType)
          const declineChance = Math.min(
            0.9,
            0.12 + (flagged ? 0.25 : 0) + (value >= 100 ? 0.25 : 0) + (value >= 500 ? 0.2 : 0),
          )
          const declined = random.chance(declineChance)
          const declared = Math.min(this.today, offered + random.int(0, 10))
          const approver = !declined && value >= 25 ? random.pick(APPROVERS) : null
          let disposal: (typeof GIFT_DISPOSALS)[number] | null = null
          if (!hospitality)
            disposal = declined
              ? random.weighted([
                  ['returned', 85],
                  ['donated', 10],
                  ['destroyed', 5],
                ] as const)
              : value < 25
                ? 'kept'
                : random.weighted([
                    ['kept', 45],
                    ['donated', 45],
                    ['destroyed', 10],
                  ] as const)
          yield [
            random.uuid(),
            force.id,
            staff.ids[person],
            hospitality ? 'hospitality' : 'gift',
            random.pick(hospitality ? HOSPITALITY_DESCRIPTIONS : GIFT_DESCRIPTIONS),
            random.pick(donorNames),
            donorType,
            value,
            isoDay(offered),
            isoDay(declared),
            declined ? 'declined' : 'accepted',
            approver,
            disposal,
            null,
            null,
            stamp(declared, 10),
            stamp(declared, 10),
          ]
        }
      }
    }
  }

  // ——— media_contacts ———

  static readonly MEDIA_COLUMNS = [
    'id',
    'force_id',
    'staff_member_id',
    'journalist',
    'outlet',
    'contact_on',
    'method',
    'purpose',
    'discussed',
    'authorised_by',
    'recorded_by',
    'created_at',
    'updated_at',
  ] as const;

  *mediaRows(): Generator<CopyValue[]> {
    const { scale, seed } = this.options
    const methods = MEDIA_CONTACT_METHODS.map(
      (method, index) => [method, [35, 35, 20, 6, 4][index] ?? 1] as const,
    )
    for (const plan of this.plans) {
      const { force, staff } = plan
      const random = Random.stream(seed, STREAM.media, force.id)
      for (const year of this.years) {
        const count = NationalDataset.perYear(random, TARGETS.mediaContactsPerYear, plan, scale)
        for (let n = 0; n < count; n++) {
          const day = random.int(year.from, year.to)
          const person = this.servingOn(random, staff, day)
          if (person === undefined) continue
          const recorded = Math.min(this.today, day + random.int(0, 3))
          yield [
            random.uuid(),
            force.id,
            staff.ids[person],
            `${random.pick(FIRST_NAMES)} ${random.pick(SURNAMES)}`,
            random.pick(OUTLETS),
            isoDay(day),
            random.weighted(methods),
            random.pick(MEDIA_PURPOSES),
            random.pick(MEDIA_DISCUSSED),
            random.chance(0.6) ? 'Press office' : null,
            null,
            stamp(recorded, 11),
            stamp(recorded, 11),
          ]
        }
      }
    }
  }

  // ——— integrity cases, their subjects and access, and referrals (small: made at once) ———

  static readonly CASE_COLUMNS = [
    'id',
    'force_id',
    'reference',
    'type',
    'source',
    'status',
    'outcome',
    'opened_on',
    'closed_on',
    'target_date',
    'assigned_to',
    'confidential',
    'summary',
    'opened_by',
    'created_at',
    'updated_at',
  ] as const
  static readonly SUBJECT_COLUMNS = ['case_id', 'force_id', 'staff_member_id', 'added_at'] as const
  static readonly ACCESS_COLUMNS = ['case_id', 'force_id', 'user_id', 'added_at'] as const
  static readonly REFERRAL_COLUMNS = [
    'id',
    'force_id',
    'type',
    'finding',
    'evidence_url',
    'evidence',
    'referred_on',
    'created_by',
    'created_by_label',
    'status',
    'case_id',
    'no_action_reason',
    'responded_by',
    'responded_by_label',
    'responded_on',
    'created_at',
    'updated_at',
  ] as const

  private casesMade?: {
    cases: CopyValue[][]
    subjects: CopyValue[][]
    access: CopyValue[][]
    referrals: CopyValue[][]
  }

  /** Every case, subject, access grant and referral (thousands, not hundreds of thousands). */
  casework() {
    if (this.casesMade) return this.casesMade
    const { scale, seed } = this.options
    const today = this.today
    const made = {
      cases: [] as CopyValue[][],
      subjects: [] as CopyValue[][],
      access: [] as CopyValue[][],
      referrals: [] as CopyValue[][],
    }
    const inspector = this.inspectorate[1] as SeededUser
    const typeWeights = [8, 12, 7, 5, 30, 26, 12]
    const sourceWeights = [45, 20, 25, 0, 10]
    const outcomeWeights = [38, 30, 12, 6, 3, 3, 8]
    for (const plan of this.plans) {
      const { force, staff, users } = plan
      const random = Random.stream(seed, STREAM.cases, force.id)
      const opened: { day: number; type: string; source: string }[] = []
      for (const year of this.years) {
        const referrals = NationalDataset.perYear(random, TARGETS.referralsPerYear, plan, scale)
        for (let n = 0; n < referrals; n++) {
          const type = random.chance(0.85)
            ? 'social-media misconduct'
            : 'inappropriate disclosure to the media'
          const referred = random.int(year.from, year.to)
          const respondedOn = referred + random.int(7, 45)
          const answered = respondedOn <= today
          const accepted = answered && random.chance(0.6)
          let caseId: string | null = null
          if (accepted) {
            caseId = random.uuid()
            opened.push({ day: respondedOn, type, source: `inspectorate referral:${caseId}` })
          }
          const status = !answered ? 'awaiting response' : accepted ? 'accepted' : 'no action'
          const id = random.uuid()
          made.referrals.push([
            id,
            force.id,
            type,
            random.pick(REFERRAL_FINDINGS[type] as readonly string[]),
            `https://social.example/posts/${id.slice(0, 8)}`,
            null,
            isoDay(referred),
            inspector.id,
            `${inspector.name} <${inspector.email}>`,
            status,
            caseId,
            status === 'no action' ? random.pick(NO_ACTION_REASONS) : null,
            answered ? users.psdHead.id : null,
            answered ? `${users.psdHead.name} <${users.psdHead.email}>` : null,
            answered ? isoDay(respondedOn) : null,
            stamp(referred, 12),
            stamp(answered ? respondedOn : referred, 12),
          ])
        }
        const count = NationalDataset.perYear(random, TARGETS.casesPerYear, plan, scale)
        for (let n = 0; n < count; n++)
          opened.push({
            day: random.int(year.from, year.to),
            type: random.weighted(CASE_TYPES.map((type, index) => [type, typeWeights[index] ?? 1] as const)),
            source: random.weighted(
              CASE_SOURCES.map((source, index) => [source, sourceWeights[index] ?? 1] as const),
            ),
          })
      }
      // Referenced IC/YYYY/NNNN in the order opened, numbered afresh each calendar year.
      opened.sort((a, b) => a.day - b.day || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0))
      let numberedYear = ''
      let number = 0
      for (const entry of opened) {
        const openedIso = isoDay(entry.day)
        if (openedIso.slice(0, 4) !== numberedYear) {
          numberedYear = openedIso.slice(0, 4)
          number = 0
        }
        number++
        const referred = entry.source.startsWith('inspectorate referral:')
        const id = referred ? entry.source.slice('inspectorate referral:'.length) : random.uuid()
        const source = referred ? 'inspectorate referral' : entry.source
        const length = Math.round(Math.exp(Math.log(150) + 0.7 * random.normal()))
        let closed: number | null = entry.day + Math.max(1, length)
        // Anything opened more than two years ago has finished.
        if (entry.day < today - 730) closed = Math.min(closed, today - random.int(1, 365))
        if (closed < entry.day) closed = entry.day
        if (closed > today) closed = null
        const status = closed !== null ? 'closed' : entry.day > today - 14 ? 'open' : 'continuing'
        const confidential = random.chance(0.04)
        made.cases.push([
          id,
          force.id,
          `IC/${numberedYear}/${String(number).padStart(4, '0')}`,
          entry.type,
          source,
          status,
          closed === null
            ? null
            : random.weighted(CASE_OUTCOMES.map((o, index) => [o, outcomeWeights[index] ?? 1] as const)),
          openedIso,
          closed === null ? null : isoDay(closed),
          isoDay(entry.day + 120),
          users.caseworker.id,
          confidential,
          random.pick(CASE_SUMMARIES[entry.type] as readonly string[]),
          users.caseworker.id,
          stamp(entry.day, 10),
          stamp(closed ?? entry.day, 15),
        ])
        const subjects = random.chance(0.15) ? 2 : 1
        const named = new Set<number>()
        for (let s = 0; s < subjects; s++) {
          const person = this.servingOn(random, staff, entry.day)
          if (person !== undefined) named.add(person)
        }
        for (const person of named)
          made.subjects.push([id, force.id, staff.ids[person], stamp(entry.day, 10)])
        if (confidential) made.access.push([id, force.id, users.caseworker.id, stamp(entry.day, 10)])
      }
    }
    this.casesMade = made
    return made
  }

  // ——— acu_staffing: the unit's posts at the end of every year ———

  static readonly STAFFING_COLUMNS = [
    'id',
    'force_id',
    'as_of',
    'posts_funded',
    'posts_filled',
    'notes',
    'recorded_by',
    'created_at',
    'updated_at',
  ] as const;

  *staffingRows(): Generator<CopyValue[]> {
    for (const plan of this.plans) {
      const { force, users } = plan
      const random = Random.stream(this.options.seed, STREAM.staffing, force.id)
      // About two and a half posts per thousand officers, whatever the dataset's scale.
      let funded = Math.max(2, Math.round((force.officersFte ?? 1000) / 400))
      for (const year of this.years) {
        funded = Math.max(
          2,
          funded +
            random.weighted([
              [-1, 15],
              [0, 60],
              [1, 25],
            ] as const),
        )
        const filled = Math.max(
          0,
          funded -
            random.weighted([
              [0, 55],
              [0.5, 15],
              [1, 20],
              [2, 10],
            ] as const),
        )
        yield [
          random.uuid(),
          force.id,
          isoDay(year.to),
          funded,
          filled,
          null,
          users.psdHead.id,
          stamp(year.to, 17),
          stamp(year.to, 17),
        ]
      }
    }
  }
}
