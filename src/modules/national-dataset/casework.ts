import type { CopyValue } from '../../db/bulk-copy.js'
import { CASE_OUTCOMES, CASE_SOURCES, CASE_TYPES } from '../../domain/cases.js'
import { isoDay, stamp } from './calendar.js'
import { CASE_SUMMARIES, NO_ACTION_REASONS, REFERRAL_FINDINGS } from './catalogue.js'
import type { NationalDataset } from './generate.js'
import { perYear, type SeededUser, STREAM, servingOn, TARGETS } from './plan.js'
import { Random } from './random.js'

// ——— integrity cases, their subjects and access, and referrals (small: made at once) ———

export const CASE_COLUMNS = [
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
export const SUBJECT_COLUMNS = ['case_id', 'force_id', 'staff_member_id', 'added_at'] as const
export const ACCESS_COLUMNS = ['case_id', 'force_id', 'user_id', 'added_at'] as const
export const REFERRAL_COLUMNS = [
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

/** Every case, subject, access grant and referral (thousands, not hundreds of thousands). */
export function caseworkRows(dataset: NationalDataset) {
  const { scale, seed } = dataset.options
  const today = dataset.today
  const made = {
    cases: [] as CopyValue[][],
    subjects: [] as CopyValue[][],
    access: [] as CopyValue[][],
    referrals: [] as CopyValue[][],
  }
  const inspector = dataset.inspectorate[1] as SeededUser
  const typeWeights = [8, 12, 7, 5, 30, 26, 12]
  const sourceWeights = [45, 20, 25, 0, 10]
  const outcomeWeights = [38, 30, 12, 6, 3, 3, 8]
  for (const plan of dataset.plans) {
    const { force, staff, users } = plan
    const random = Random.stream(seed, STREAM.cases, force.id)
    const opened: { day: number; type: string; source: string }[] = []
    for (const year of dataset.years) {
      const referrals = perYear(random, TARGETS.referralsPerYear, plan, scale)
      for (let n = 0; n < referrals; n++) {
        const type = random.chance(0.85) ? 'social-media misconduct' : 'inappropriate disclosure to the media'
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
      const count = perYear(random, TARGETS.casesPerYear, plan, scale)
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
        const person = servingOn(random, staff, entry.day)
        if (person !== undefined) named.add(person)
      }
      for (const person of named) made.subjects.push([id, force.id, staff.ids[person], stamp(entry.day, 10)])
      if (confidential) made.access.push([id, force.id, users.caseworker.id, stamp(entry.day, 10)])
    }
  }
  return made
}
