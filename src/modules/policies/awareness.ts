import type { Transaction } from '../../db/tenancy.js'
import { type Caller, requireRole } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  type AreaAwareness,
  areaAwareness,
  type DashboardAwareness,
  type OverdueEntry,
  overdueByUnit,
  overdueEntries,
  type VersionAwareness,
  type VersionFigures,
  versionFiguresOf,
} from './present.js'
import {
  countAcknowledgedBy,
  selectDashboardCounts,
  selectForcesPolicies,
  selectOverdueRequests,
  selectPublishedBy,
  selectVersionFigures,
  selectVersionRequests,
} from './queries.js'
import { rateOf, trendOf } from './rules.js'
import { POLICY_READERS, PoliciesWorkflow, REMINDER_READERS } from './workflow.js'

const AWARENESS_ENTITY = 'policy-awareness'

/**
 * The awareness figures the force and the inspection read: how many of the staff asked to read each
 * version acknowledged it, by version, unit, area and day; and the lists of people overdue, for the
 * reminders.
 */
export class PolicyAwareness extends PoliciesWorkflow {
  private async figuresOf(
    tx: Transaction,
    forceId: number,
    today: string,
    versionIds?: string[],
  ): Promise<VersionFigures[]> {
    return (await selectVersionFigures(tx, forceId, today, versionIds)).map(versionFiguresOf)
  }

  /** For each published version of the force: how many were asked, acknowledged, the rate, and overdue. */
  async awareness(caller: Caller, forceId?: number): Promise<VersionFigures[]> {
    requireRole(caller, ...POLICY_READERS)
    const force = this.readingForce(caller, forceId)
    return this.scoped(caller, (tx) => this.figuresOf(tx, force, this.today()))
  }

  /** The dashboard's figures as a download, recorded in the audit trail. */
  async exportAwareness(
    caller: Caller,
    forceId: number | undefined,
    format: string,
  ): Promise<VersionFigures[]> {
    const rows = await this.awareness(caller, forceId)
    await this.audit.recordExport(
      caller,
      {
        forceId: this.readingForce(caller, forceId),
        entityType: AWARENESS_ENTITY,
        format,
        rows: rows.length,
        filters: {},
      },
      this.now(),
    )
    return rows
  }

  /** One published version's figures, overdue people by unit, and the trend since publication. */
  async versionAwareness(caller: Caller, versionId: string): Promise<VersionAwareness> {
    requireRole(caller, ...POLICY_READERS)
    const today = this.today()
    return this.scoped(caller, async (tx) => {
      const version = await this.versionRow(tx, caller, versionId)
      const [figures] = await this.figuresOf(tx, version.forceId, today, [version.id])
      if (!figures) throw new NotFoundError('This version is not published')
      const requests = await selectVersionRequests(tx, version.id)
      return {
        figures,
        overdueByUnit: overdueByUnit(requests, today),
        trend: trendOf(figures.publishedOn, today, requests),
      }
    })
  }

  /**
   * For each integrity area (the six national ones, then the force's own): the latest version published
   * on or before the census date, how many were asked by then and how many of them had acknowledged it
   * by then. The inspection's data returns read this.
   */
  async awarenessByArea(caller: Caller, forceId: number, census: string): Promise<AreaAwareness[]> {
    return (await this.awarenessByForce(caller, [forceId], census)).get(forceId) as AreaAwareness[]
  }

  /** `awarenessByArea` for several forces at once (an inspection's data returns): three queries. Issue #11. */
  async awarenessByForce(
    caller: Caller,
    forceIds: readonly number[],
    census: string,
  ): Promise<Map<number, AreaAwareness[]>> {
    requireRole(caller, ...POLICY_READERS)
    const forces = forceIds.map((forceId) => this.readingForce(caller, forceId))
    if (!forces.length) return new Map()
    const { allRows, latest, counts } = await this.scoped(caller, async (tx) => {
      const allRows = await selectForcesPolicies(tx, forces)
      const published = await selectPublishedBy(tx, forces, census)
      // Each policy's latest version published by the census (the versions come newest first).
      const latest = new Map<string, (typeof published)[number]>()
      for (const version of published)
        if (!latest.has(version.policyId)) latest.set(version.policyId, version)
      const counts = await countAcknowledgedBy(
        tx,
        [...latest.values()].map((version) => version.id),
        census,
      )
      return { allRows, latest, counts }
    })
    const countOf = new Map(counts.map((row) => [row.versionId, row]))
    return new Map(
      forces.map((force) => [
        force,
        areaAwareness(
          allRows.filter((row) => row.forceId === force),
          latest,
          countOf,
        ),
      ]),
    )
  }

  /** The force dashboard's figures as at `today`: its counts, and the share acknowledged. */
  async dashboardCounts(caller: Caller, forceId: number, today: string): Promise<DashboardAwareness> {
    requireRole(caller, ...POLICY_READERS)
    const force = this.readingForce(caller, forceId)
    const row = await this.scoped(caller, (tx) => selectDashboardCounts(tx, force, today))
    const figures = row ?? {
      currentVersions: 0,
      applicable: 0,
      acknowledged: 0,
      overdueAcknowledgements: 0,
      overdueStaff: 0,
    }
    return { ...figures, rate: rateOf(figures.acknowledged, figures.applicable) }
  }

  /**
   * Everyone past the deadline of a version they were asked to acknowledge and have not, by unit, for
   * managers to remind them. Sending the reminders is outside Probity: the list is what it gives.
   */
  async reminders(caller: Caller, forceId?: number, filter: { unit?: string } = {}): Promise<OverdueEntry[]> {
    requireRole(caller, ...REMINDER_READERS)
    const force = caller.actor.type === 'system' ? (forceId as number) : this.changingForce(caller, forceId)
    if (force === undefined) throw new ValidationError({ force: 'Name a force' })
    const today = this.today()
    const rows = await this.scoped(caller, (tx) => selectOverdueRequests(tx, force, today, filter.unit))
    const members = await this.roster.findMany(
      caller,
      rows.map((row) => row.staffMemberId),
    )
    return overdueEntries(rows, members, today)
  }
}
