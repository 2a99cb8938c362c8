import type { Caller } from '../../domain/access.js'
import { DATA_RETURN_ITEMS } from '../../domain/inspections.js'
import type { AssessmentFacts } from './service.js'

/**
 * The records the computed items are counted from, through each module's own service: each counts for
 * several forces at once (one query per item for a whole inspection; a single force's return asks for one).
 */
export interface RecordSources {
  businessInterests: {
    countsByForce(
      caller: Caller,
      forceIds: readonly number[],
      period: { from: string; to: string },
    ): Promise<
      Map<
        number,
        { applications: number; approved: number; refused: number; pending: number; withdrawn: number }
      >
    >
  }
  integrityCases: {
    countsByForce(
      caller: Caller,
      forceIds: readonly number[],
      period: { from: string; to: string; census?: string },
    ): Promise<
      Map<number, { openedByType: Record<string, number>; continuingByType: Record<string, number> }>
    >
  }
  referrals: {
    countsByForce(
      caller: Caller,
      forceIds: readonly number[],
      period: { from: string; to: string },
    ): Promise<Map<number, { type: string; status: string; count: number }[]>>
  }
  acuStaffing: {
    changeByForce(
      caller: Caller,
      forceIds: readonly number[],
      from: string,
      to: string,
    ): Promise<
      Map<
        number,
        {
          before: { asOf: string; postsFilled: number; postsFunded: number } | null
          after: { asOf: string; postsFilled: number; postsFunded: number } | null
          filledChange: number | null
        }
      >
    >
  }
  roster: {
    countServingByForce(
      caller: Caller,
      forceIds: readonly number[],
      day: string,
    ): Promise<Map<number, number>>
  }
  policies?: {
    awarenessByForce(
      caller: Caller,
      forceIds: readonly number[],
      census: string,
    ): Promise<
      Map<
        number,
        {
          area: string
          areaName: string
          version: number | null
          applicable: number
          acknowledged: number
          rate: number | null
        }[]
      >
    >
  }
}

export const MEDIA_DISCLOSURE = 'inappropriate disclosure to the media'
export const SOCIAL_MEDIA = 'social-media misconduct'

/** A computed value and the counts behind it. */
export interface ComputedValue {
  value: number | null
  detail: Record<string, unknown>
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places

/**
 * Computes every computed item of several forces' returns in ONE inspection from their own records, by
 * assessment id, without storing anything: the counts for the data period, the census date and, for the
 * unit's staffing, the census date of the inspection this one revisits. Each source is asked once for all
 * of them (one query per item, grouped by force), so a whole inspection's returns take a fixed number of
 * queries however many forces are in scope.
 */
export async function computeReturns(
  sources: RecordSources,
  caller: Caller,
  assessments: readonly AssessmentFacts[],
): Promise<Map<string, Record<string, ComputedValue>>> {
  const first = assessments[0]
  if (!first) return new Map()
  if (assessments.some((assessment) => assessment.inspection.id !== first.inspection.id))
    throw new Error('computeForAll computes the returns of one inspection at a time')
  const { inspection, revisits } = first
  const forceIds = assessments.map((assessment) => assessment.force.id)
  const period = { from: inspection.dataFrom, to: inspection.dataTo }
  const census = inspection.censusDate
  const referralsTo = inspection.fieldworkTo ?? census
  const revisited = revisits && revisits.censusDate <= census ? revisits : null

  // One after another: an embedded database has a single connection for transactions.
  const interestsOf = await sources.businessInterests.countsByForce(caller, forceIds, period)
  const casesOf = await sources.integrityCases.countsByForce(caller, forceIds, { ...period, census })
  const referralsOf = await sources.referrals.countsByForce(caller, forceIds, {
    from: inspection.dataFrom,
    to: referralsTo,
  })
  const atCensusOf = await sources.acuStaffing.changeByForce(caller, forceIds, census, census)
  const changeOf = revisited
    ? await sources.acuStaffing.changeByForce(caller, forceIds, revisited.censusDate, census)
    : null
  const workforceOf = await sources.roster.countServingByForce(caller, forceIds, census)
  const awarenessOf = sources.policies
    ? await sources.policies.awarenessByForce(caller, forceIds, census)
    : null

  const returns = new Map<string, Record<string, ComputedValue>>()
  for (const { id, force } of assessments) {
    const computed: Record<string, ComputedValue> = {}
    const interests = interestsOf.get(force.id) as NonNullable<ReturnType<typeof interestsOf.get>>
    const interestDetail = {
      ...period,
      applications: interests.applications,
      approved: interests.approved,
      refused: interests.refused,
      pending: interests.pending,
      withdrawn: interests.withdrawn,
    }
    computed['second-job-applications'] = { value: interests.applications, detail: interestDetail }
    computed['second-job-approvals'] = { value: interests.approved, detail: interestDetail }

    const cases = casesOf.get(force.id) as NonNullable<ReturnType<typeof casesOf.get>>
    const opened = cases.openedByType[MEDIA_DISCLOSURE] ?? 0
    const continuing = cases.continuingByType[MEDIA_DISCLOSURE] ?? 0
    const caseDetail = {
      ...period,
      census,
      type: MEDIA_DISCLOSURE,
      opened,
      continuing,
      closed: opened - continuing,
    }
    computed['media-disclosure-investigations'] = { value: opened, detail: caseDetail }
    computed['media-disclosure-continuing'] = { value: continuing, detail: caseDetail }

    const social = (referralsOf.get(force.id) ?? []).filter((row) => row.type === SOCIAL_MEDIA)
    const referred = (status?: string) =>
      social.filter((row) => !status || row.status === status).reduce((sum, row) => sum + row.count, 0)
    computed['social-media-referrals'] = {
      value: referred(),
      detail: {
        from: inspection.dataFrom,
        to: referralsTo,
        type: SOCIAL_MEDIA,
        referred: referred(),
        accepted: referred('accepted'),
        noAction: referred('no action'),
        awaiting: referred('awaiting response'),
      },
    }

    const atCensus = atCensusOf.get(force.id) as NonNullable<ReturnType<typeof atCensusOf.get>>
    computed['acu-posts-filled'] = {
      value: atCensus.after ? round(atCensus.after.postsFilled, 2) : null,
      detail: {
        census,
        figuresOf: atCensus.after?.asOf ?? null,
        postsFilled: atCensus.after?.postsFilled ?? null,
        postsFunded: atCensus.after?.postsFunded ?? null,
      },
    }
    const change = changeOf?.get(force.id)
    if (revisited && change) {
      computed['acu-staff-change'] = {
        value: change.filledChange === null ? null : round(change.filledChange, 2),
        detail: {
          from: revisited.censusDate,
          to: census,
          revisits: revisited.code,
          before: change.before ? { asOf: change.before.asOf, postsFilled: change.before.postsFilled } : null,
          after: change.after ? { asOf: change.after.asOf, postsFilled: change.after.postsFilled } : null,
        },
      }
    } else
      computed['acu-staff-change'] = {
        value: null,
        detail: {
          census,
          reason: 'This inspection revisits no earlier one, so there is no change to measure',
        },
      }

    const workforce = workforceOf.get(force.id) ?? 0
    computed.workforce = {
      value: workforce > 0 ? workforce : null,
      detail: {
        census,
        serving: workforce,
        ...(workforce ? {} : { reason: 'No one on the roster at the census date' }),
      },
    }

    const awareness = awarenessOf?.get(force.id) ?? []
    for (const item of DATA_RETURN_ITEMS) {
      if (!item.code.startsWith('policy-awareness-')) continue
      const area = awareness.find((entry) => `policy-awareness-${entry.area}` === item.code)
      computed[item.code] = {
        value: area?.rate === null || area?.rate === undefined ? null : round(area.rate, 4),
        detail: {
          census,
          version: area?.version ?? null,
          asked: area?.applicable ?? 0,
          acknowledged: area?.acknowledged ?? 0,
          ...(area?.version ? {} : { reason: 'No version of the policy was published by the census date' }),
        },
      }
    }
    returns.set(id, computed)
  }
  return returns
}
