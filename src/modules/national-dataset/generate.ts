import type { CopyValue } from '../../db/bulk-copy.js'
import { dayNumber, isoDay, stamp } from './calendar.js'
import { caseworkRows } from './casework.js'
import {
  DISTRICTS,
  FIRST_NAMES,
  LOCAL_UNITS,
  OFFICER_UNITS,
  RANKS,
  STAFF_GRADES,
  STAFF_UNITS,
  SURNAMES,
} from './catalogue.js'
import {
  DATASET_TODAY,
  type DatasetYear,
  datasetYears,
  type ForceInput,
  type ForcePlan,
  type NationalOptions,
  NO_LEAVE,
  type SeededUser,
  STREAM,
  type StaffPlan,
  scaledCount,
  staffNumberOf,
  TARGETS,
} from './plan.js'
import { Random } from './random.js'
import { businessInterestRows, giftsHospitalityRows, mediaContactRows } from './registers.js'

/**
 * The national dataset for the forces and options given: each force's plan (its roster, and the users to
 * sign in as) and the rows of every table the seed writes, each table from its own stream. The registers'
 * rows are made in registers.ts and the casework's in casework.ts, from this plan.
 */
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

  // ——— the registers (registers.ts) ———

  interestRows(): Generator<CopyValue[]> {
    return businessInterestRows(this)
  }

  giftRows(): Generator<CopyValue[]> {
    return giftsHospitalityRows(this)
  }

  mediaRows(): Generator<CopyValue[]> {
    return mediaContactRows(this)
  }

  // ——— integrity cases, their subjects and access, and referrals (casework.ts) ———

  private casesMade?: {
    cases: CopyValue[][]
    subjects: CopyValue[][]
    access: CopyValue[][]
    referrals: CopyValue[][]
  }

  /** The rows of the four casework tables, made on first use and kept. */
  casework() {
    this.casesMade ??= caseworkRows(this)
    return this.casesMade
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
