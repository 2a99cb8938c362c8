import type { CopyValue } from '../../db/bulk-copy.js'
import {
  BUSINESS_INTEREST_CRITERIA,
  FLAGGED_DONOR_TYPES,
  type GIFT_DISPOSALS,
  MEDIA_CONTACT_METHODS,
} from '../../domain/registers.js'
import { IMPORTED_COLUMNS } from '../gifts-hospitality/bulk-import.js'
import { isoDay, stamp } from './calendar.js'
import {
  APPROVERS,
  CONDITIONS,
  DONORS,
  FIRST_NAMES,
  GIFT_DESCRIPTIONS,
  HOSPITALITY_DESCRIPTIONS,
  MEDIA_DISCUSSED,
  MEDIA_PURPOSES,
  OUTLETS,
  REFUSAL_REASONS,
  SECOND_JOBS,
  SURNAMES,
} from './catalogue.js'
import type { NationalDataset } from './generate.js'
import { perYear, STREAM, scaledCount, servingOn, TARGETS } from './plan.js'
import { Random } from './random.js'

// ——— business_interests ———

export const INTEREST_COLUMNS = [
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
] as const

export function* businessInterestRows(dataset: NationalDataset): Generator<CopyValue[]> {
  const { scale, seed } = dataset.options
  const today = dataset.today
  for (const plan of dataset.plans) {
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
      const submitted = Math.max(
        staff.start[person] as number,
        dataset.start,
        today - random.int(40, 3 * 365),
      )
      const decided = Math.min(today - 1, submitted + random.int(5, 35))
      const conditional = random.chance(0.15)
      yield row(person, submitted, conditional ? 'approved with conditions' : 'approved', decided, {
        conditions: conditional ? random.pick(CONDITIONS) : null,
        review: today + random.int(1, 365),
        expiry: random.chance(0.25) ? today + random.int(60, 3 * 365) : null,
      })
    }

    // History: each year's applications that were refused, withdrawn, or approved and since expired.
    for (const year of dataset.years) {
      const count = perYear(random, TARGETS.historicApplicationsPerYear, plan, scale)
      for (let n = 0; n < count; n++) {
        const submitted = random.int(year.from, Math.min(year.to, today - 1))
        const person = servingOn(random, staff, submitted)
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
      const person = servingOn(random, staff, submitted, true)
      if (person !== undefined) yield row(person, submitted, 'submitted', null)
    }
  }
}

// ——— gifts_hospitality ———

export const GIFT_COLUMNS = [...IMPORTED_COLUMNS, 'declared_by', 'created_at', 'updated_at'] as const

export function* giftsHospitalityRows(dataset: NationalDataset): Generator<CopyValue[]> {
  const { scale, seed } = dataset.options
  const donorChoices = DONORS.map(([type, weight, names]) => [[type, names] as const, weight] as const)
  for (const plan of dataset.plans) {
    const { force, staff } = plan
    const random = Random.stream(seed, STREAM.gifts, force.id)
    for (const year of dataset.years) {
      const count = perYear(random, TARGETS.giftsPerYear, plan, scale)
      for (let n = 0; n < count; n++) {
        const offered = random.int(year.from, year.to)
        const person = servingOn(random, staff, offered)
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
        const declared = Math.min(dataset.today, offered + random.int(0, 10))
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

export const MEDIA_COLUMNS = [
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
] as const

export function* mediaContactRows(dataset: NationalDataset): Generator<CopyValue[]> {
  const { scale, seed } = dataset.options
  const methods = MEDIA_CONTACT_METHODS.map(
    (method, index) => [method, [35, 35, 20, 6, 4][index] ?? 1] as const,
  )
  for (const plan of dataset.plans) {
    const { force, staff } = plan
    const random = Random.stream(seed, STREAM.media, force.id)
    for (const year of dataset.years) {
      const count = perYear(random, TARGETS.mediaContactsPerYear, plan, scale)
      for (let n = 0; n < count; n++) {
        const day = random.int(year.from, year.to)
        const person = servingOn(random, staff, day)
        if (person === undefined) continue
        const recorded = Math.min(dataset.today, day + random.int(0, 3))
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
