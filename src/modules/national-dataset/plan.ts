import { dayNumber, shiftYears } from './calendar.js'
import type { Random } from './random.js'

/**
 * What every stage of the national dataset works from: its targets and calendar, the plan of each force,
 * and the draws the tables share.
 */

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

export const NO_LEAVE = 2_147_483_647

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
export const STREAM = {
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
export function scaledCount(random: Random, value: number): number {
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

/** A person serving on `day` (started by it, not left before it), or undefined after some tries. */
export function servingOn(
  random: Random,
  staff: StaffPlan,
  day: number,
  currentOnly = false,
): number | undefined {
  const pool = currentOnly ? staff.current : staff.ids.length
  for (let attempt = 0; attempt < 40; attempt++) {
    const person = Math.floor(random.float() * pool)
    if ((staff.start[person] as number) <= day && (staff.leave[person] as number) >= day) return person
  }
  return undefined
}

/** A force's whole-number share of a national yearly figure, at the dataset's scale. */
export function perYear(random: Random, nationalPerYear: number, plan: ForcePlan, scale: number): number {
  return scaledCount(random, nationalPerYear * plan.share * scale)
}
