import type { FastifyRequest } from 'fastify'
import { POLICY_AREAS } from '../../domain/inspections.js'
import { formatDay } from '../../web/forms.js'
import { LOCALES } from '../../web/i18n/catalogue.js'
import type { AuditEvent } from '../audit/service.js'
import type { StaffMember } from '../roster/service.js'
import type { PolicyRow, RequestRow, VersionSummary } from './queries.js'
import { daysBetween, POLICY_AREA_CODES, rateOf, type TrendPoint } from './rules.js'
import type { PolicyAudience } from './schema.js'

/** What the policies' pages, exports and the other modules read, and how it is made from the rows. */

/** The force dashboard's policy awareness figures. */
export interface DashboardAwareness {
  /** Current versions: each policy's latest published on or before today. */
  currentVersions: number
  applicable: number
  acknowledged: number
  /** acknowledged / applicable; null when nobody was asked. */
  rate: number | null
  /** Acknowledgements past their deadline, of any version: what the reminders list. */
  overdueAcknowledgements: number
  /** The people those belong to. */
  overdueStaff: number
}

export interface PolicyWithVersions {
  policy: PolicyRow
  versions: VersionSummary[]
}

export interface LibraryArea {
  area: string
  areaName: string
  policy: PolicyRow | null
  latestPublished: VersionSummary | null
  versions: VersionSummary[]
}

export interface VersionFigures {
  versionId: string
  policyId: string
  area: string
  areaName: string
  policyTitle: string
  number: number
  title: string
  publishedOn: string
  deadline: string
  restricted: boolean
  audience: PolicyAudience | null
  applicable: number
  acknowledged: number
  rate: number | null
  overdue: number
}

interface UnitFigures {
  unit: string
  overdue: number
  applicable: number
  acknowledged: number
}

export interface VersionAwareness {
  figures: VersionFigures
  overdueByUnit: UnitFigures[]
  trend: TrendPoint[]
}

export interface MyPolicy {
  versionId: string
  policyTitle: string
  areaName: string
  number: number
  title: string
  dueOn: string
  acknowledgedAt: Date | null
  state: 'to read' | 'overdue' | 'done'
}

export interface VersionView {
  policy: PolicyRow
  version: VersionSummary
  /** The caller's own request to read it, if they were asked. */
  request: RequestRow | null
  manages: boolean
  readsFigures: boolean
  history: AuditEvent[]
}

export interface OverdueEntry {
  staffMemberId: string
  staffNumber: string
  name: string
  unit: string
  grade: string
  policyTitle: string
  areaName: string
  versionId: string
  number: number
  dueOn: string
  daysOverdue: number
}

export interface AreaAwareness {
  area: string
  areaName: string
  versionId: string | null
  version: number | null
  applicable: number
  acknowledged: number
  rate: number | null
}

/** Every area: the six national ones, then the force's own in the order of the rows given. */
function everyArea<T>(rows: PolicyRow[], areaOf: (code: string, name: string) => T): T[] {
  return [
    ...POLICY_AREAS.map((area) => areaOf(area.code, area.name)),
    ...rows
      .filter((row) => !POLICY_AREA_CODES.includes(row.area))
      .map((row) => areaOf(row.area, row.areaName)),
  ]
}

/** The library's areas from the force's policies (by area name) and versions (newest first). */
export function libraryAreas(rows: PolicyRow[], versions: VersionSummary[]): LibraryArea[] {
  return everyArea(rows, (code, name) => {
    const policy = rows.find((row) => row.area === code) ?? null
    const own = policy ? versions.filter((version) => version.policyId === policy.id) : []
    return {
      area: code,
      areaName: policy?.areaName ?? name,
      policy,
      latestPublished: own.find((version) => version.status === 'published') ?? null,
      versions: own,
    }
  })
}

/** A force's areas with the figures of each policy's latest version published by the census date. */
export function areaAwareness(
  rows: PolicyRow[],
  latest: Map<string, { id: string; number: number }>,
  countOf: Map<string, { applicable: number; acknowledged: number }>,
): AreaAwareness[] {
  const sorted = [...rows].sort((a, b) => a.areaName.localeCompare(b.areaName))
  return everyArea(sorted, (code, name) => {
    const policy = rows.find((row) => row.area === code)
    const version = policy ? latest.get(policy.id) : undefined
    const count = version ? countOf.get(version.id) : undefined
    const applicable = count?.applicable ?? 0
    const acknowledged = count?.acknowledged ?? 0
    return {
      area: code,
      areaName: policy?.areaName ?? name,
      versionId: version?.id ?? null,
      version: version?.number ?? null,
      applicable,
      acknowledged,
      rate: version ? rateOf(acknowledged, applicable) : null,
    }
  })
}

/** A published version's figures, with its rate. */
export function versionFiguresOf(
  row: Omit<VersionFigures, 'publishedOn' | 'deadline' | 'rate'> & {
    publishedOn: string | null
    deadline: string | null
  },
): VersionFigures {
  return {
    ...row,
    publishedOn: row.publishedOn ?? '',
    deadline: row.deadline ?? '',
    rate: rateOf(row.acknowledged, row.applicable),
  }
}

/** How many in each unit were asked, acknowledged and are overdue: the most overdue first. */
export function overdueByUnit(
  requests: { unit: string; dueOn: string; acknowledgedOn: string | null }[],
  today: string,
): UnitFigures[] {
  const units = new Map<string, UnitFigures>()
  for (const request of requests) {
    const entry = units.get(request.unit) ?? {
      unit: request.unit,
      overdue: 0,
      applicable: 0,
      acknowledged: 0,
    }
    entry.applicable++
    if (request.acknowledgedOn) entry.acknowledged++
    else if (request.dueOn < today) entry.overdue++
    units.set(request.unit, entry)
  }
  return [...units.values()].sort((a, b) => b.overdue - a.overdue || a.unit.localeCompare(b.unit))
}

/** A request as the member of staff's own list shows it: done, overdue, or still to read. */
export function myPolicyOf(row: Omit<MyPolicy, 'state'>, today: string): MyPolicy {
  return { ...row, state: row.acknowledgedAt ? 'done' : row.dueOn < today ? 'overdue' : 'to read' }
}

/** The overdue requests with the names and staff numbers of the people, by unit, name and due date. */
export function overdueEntries(
  rows: Omit<OverdueEntry, 'staffNumber' | 'name' | 'daysOverdue'>[],
  members: Map<string, StaffMember>,
  today: string,
): OverdueEntry[] {
  return rows
    .map((row) => {
      const member = members.get(row.staffMemberId)
      return {
        ...row,
        staffNumber: member?.staffNumber ?? '',
        name: member?.name ?? 'Unknown',
        daysOverdue: daysBetween(row.dueOn, today),
      }
    })
    .sort(
      (a, b) =>
        a.unit.localeCompare(b.unit) || a.name.localeCompare(b.name) || a.dueOn.localeCompare(b.dueOn),
    )
}

/** A day as the page's language writes it: 27 March 2012, 27 Mawrth 2012. */
export const dayIn = (request: FastifyRequest, value: string | Date | null | undefined) =>
  formatDay(value, LOCALES[request.language])
