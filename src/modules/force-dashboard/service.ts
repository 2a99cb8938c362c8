import type { Database } from '../../db/connection.js'
import { inOneScope } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { CASE_TYPES, type CaseType } from '../../domain/cases.js'
import { ForbiddenError, NotFoundError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import type { AcuStaffingService } from '../acu-staffing/service.js'
import type { BusinessInterestsService } from '../business-interests/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import type { GiftsHospitalityService } from '../gifts-hospitality/service.js'
import type { IntegrityCasesService } from '../integrity-cases/service.js'
import type { MediaContactsService } from '../media-contacts/service.js'
import type { DashboardAwareness } from '../policies/present.js'
import type { PoliciesService } from '../policies/service.js'
import type { ReferralsService } from '../referrals/service.js'

/**
 * Who reads the dashboard: whoever reads every register it counts — the force's caseworkers and
 * administrators (their own force), and the inspectorate (any force). Every register's service
 * checks the caller again when it counts.
 */
export const DASHBOARD_READERS: Role[] = ['force-caseworker', 'inspector']

/** How far ahead the dashboard looks for second-job reviews and expiries. */
export const REVIEW_WINDOW_DAYS = 30

/** The registers the dashboard counts, through their services. */
export interface DashboardRegisters {
  businessInterests: BusinessInterestsService
  giftsHospitality: GiftsHospitalityService
  mediaContacts: MediaContactsService
  integrityCases: IntegrityCasesService
  referrals: ReferralsService
  acuStaffing: AcuStaffingService
  policies: PoliciesService
}

export interface FinancialYear {
  from: string
  to: string
  /** As GOV.UK writes one: "2012 to 2013". */
  label: string
}

export interface ForceDashboard {
  force: ForceReference
  /** The day the figures are for: today in England and Wales, by the service's clock. */
  asAt: string
  financialYear: FinancialYear
  secondJobs: {
    currentApproved: number
    currentApprovedWithConditions: number
    awaitingDecision: number
    /** Approved interests with a review or expiry on or before `reviewWindowDays` from today (or past). */
    reviewsDue: number
    reviewWindowDays: number
    appealsOpen: number
  }
  giftsHospitality: { offered: number; accepted: number; declined: number; valueAccepted: number }
  mediaContacts: { contacts: number }
  integrityCases: {
    /** Not closed: open plus continuing. */
    notClosed: number
    open: number
    continuing: number
    byType: { type: CaseType; open: number; continuing: number }[]
    pastTarget: number
    confidential: number
  }
  referrals: { awaiting: number; socialMediaAwaiting: number }
  acuStaffing: { asOf: string; postsFunded: number; postsFilled: number } | null
  policyAwareness: DashboardAwareness
}

/** The financial year (1 April to 31 March) a day falls in. */
export function financialYearOf(day: string): FinancialYear {
  const year = Number(day.slice(0, 4))
  const start = day.slice(5) >= '04-01' ? year : year - 1
  return { from: `${start}-04-01`, to: `${start + 1}-03-31`, label: `${start} to ${start + 1}` }
}

export class ForceDashboardService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly registers: DashboardRegisters,
    private readonly now: () => Date,
  ) {}

  /** Whether the caller may choose any force (the inspectorate) rather than seeing only their own. */
  choosesForce(caller: Caller): boolean {
    return caller.scope.kind === 'inspectorate'
  }

  /**
   * The force whose dashboard the caller sees: a force's own (naming another force is not found), or
   * for the inspectorate the force named by its code; undefined while the inspectorate has named none.
   */
  async forceFor(caller: Caller, code?: string): Promise<ForceReference | undefined> {
    requireRole(caller, ...DASHBOARD_READERS)
    const forces = await this.forces.references()
    const named = code?.trim().toLowerCase()
    if (caller.scope.kind === 'force') {
      const forceId = caller.scope.forceId
      const own = forces.find((force) => force.id === forceId)
      if (!own || (named && named !== own.code)) throw new NotFoundError('No such force')
      return own
    }
    if (caller.scope.kind !== 'inspectorate') throw new ForbiddenError()
    if (!named) return undefined
    const force = forces.find((candidate) => candidate.code === named)
    if (!force) throw new NotFoundError('No such force')
    return force
  }

  /** Every force, for the inspectorate's chooser. */
  async choices(): Promise<ForceReference[]> {
    return [...(await this.forces.references())].sort((a, b) => a.name.localeCompare(b.name))
  }

  /** One force's figures as at today, each from its register's service (one aggregate query each). */
  async figures(caller: Caller, force: ForceReference): Promise<ForceDashboard> {
    requireRole(caller, ...DASHBOARD_READERS)
    const asAt = londonToday(this.now())
    const financialYear = financialYearOf(asAt)
    const { id } = force
    const year = { from: financialYear.from, to: financialYear.to }
    const r = this.registers
    // One transaction for the registers' counts (each service's own transaction joins it), where each
    // had opened its own: 16 round trips of BEGIN and COMMIT and 8 of tenant settings for 9 queries,
    // on up to seven pooled connections at once. Its one connection runs a query at a time, so they are
    // asked one after another. The cases' count names the user, so it has its own, alongside.
    const registers = inOneScope(this.db, caller.scope, async () => ({
      secondJobs: await r.businessInterests.dashboardCounts(caller, id, asAt, REVIEW_WINDOW_DAYS),
      gifts: await r.giftsHospitality.counts(caller, id, year),
      media: await r.mediaContacts.dashboardCounts(caller, id, year),
      referrals: await r.referrals.dashboardCounts(caller, id),
      staffing: await r.acuStaffing.latest(caller, id, asAt),
      awareness: await r.policies.dashboardCounts(caller, id, asAt),
    }))
    const [{ secondJobs, gifts, media, referrals, staffing, awareness }, cases] = await Promise.all([
      registers,
      r.integrityCases.dashboardCounts(caller, id, asAt),
    ])
    const byType = CASE_TYPES.map((type) => {
      const count = (status: string) =>
        cases.byTypeAndStatus.find((row) => row.type === type && row.status === status)?.cases ?? 0
      return { type, open: count('open'), continuing: count('continuing') }
    })
    const open = byType.reduce((sum, row) => sum + row.open, 0)
    const continuing = byType.reduce((sum, row) => sum + row.continuing, 0)
    return {
      force,
      asAt,
      financialYear,
      secondJobs: { ...secondJobs, reviewWindowDays: REVIEW_WINDOW_DAYS },
      giftsHospitality: {
        offered: gifts.offers,
        accepted: gifts.accepted,
        declined: gifts.declined,
        valueAccepted: gifts.valueAccepted,
      },
      mediaContacts: media,
      integrityCases: {
        notClosed: open + continuing,
        open,
        continuing,
        byType,
        pastTarget: cases.pastTarget,
        confidential: cases.confidential,
      },
      referrals,
      acuStaffing: staffing
        ? { asOf: staffing.asOf, postsFunded: staffing.postsFunded, postsFilled: staffing.postsFilled }
        : null,
      policyAwareness: awareness,
    }
  }

  /** The caller's dashboard: the force chosen as `forceFor` says, and its figures; null while none is chosen. */
  async dashboard(caller: Caller, code?: string): Promise<ForceDashboard | null> {
    const force = await this.forceFor(caller, code)
    return force ? this.figures(caller, force) : null
  }
}
