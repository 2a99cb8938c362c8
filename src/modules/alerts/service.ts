import { and, desc, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import { type Database, queryRows } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import {
  ALERT_RULE_NAMES,
  ALERT_RULES,
  ALERT_STATUSES,
  type AlertRule,
  type AlertStatus,
  CASE_TYPE_OF_RULE,
} from '../../domain/alert-rules.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { wholeNumberField } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { IntegrityCasesService } from '../integrity-cases/service.js'
import { staffMembers } from '../roster/schema.js'
import { alertRuleSettings, alerts } from './schema.js'

/** Who works the queue: the force's caseworkers (and administrators, who also set the rules). */
export const ALERT_KEEPERS: Role[] = ['force-caseworker']
export const RULE_SETTERS: Role[] = ['force-admin']
export const ALERT_ENTITY = 'alert'
const QUEUE_LIMIT = 500
/** Why an alert in each closed status takes no decision. */
const CLOSED_STATUS_WORDS: Partial<Record<AlertStatus, string>> = {
  dismissed: 'already dismissed',
  'case opened': 'already made a case',
  withdrawn: 'withdrawn: the rules no longer find it',
}

export type AlertRow = typeof alerts.$inferSelect
export interface AlertView extends AlertRow {
  ruleTitle: string
  staffName: string
  staffNumber: string
}

/** How many alerts of each status one rule has raised in a force. */
export interface RuleCounts {
  rule: AlertRule
  title: string
  counts: Record<AlertStatus, number>
}

export interface RuleSetting {
  rule: AlertRule
  title: string
  enabled: boolean
  threshold: number | null
  windowDays: number | null
}

const noAlerts = () =>
  Object.fromEntries(ALERT_STATUSES.map((status) => [status, 0])) as Record<AlertStatus, number>

const decisionSchema = z.object({
  action: z.enum(['assess', 'dismiss', 'case'], 'Choose what to do with the alert'),
  note: z.string().trim().max(2000, 'The note must be 2000 characters or fewer').default(''),
})

function ownForce(caller: Caller, roles: Role[] = ALERT_KEEPERS): number {
  requireRole(caller, ...roles)
  if (caller.scope.kind !== 'force') throw new ForbiddenError('Alerts are a force’s own')
  return caller.scope.forceId
}

export class AlertsService {
  constructor(
    private readonly db: Database,
    private readonly integrityCases: IntegrityCasesService,
    private readonly now: () => Date,
  ) {}

  private inForce<T>(caller: Caller, work: (tx: Transaction, forceId: number) => Promise<T>, roles?: Role[]) {
    const forceId = ownForce(caller, roles)
    return inScope(this.db, caller.scope, (tx) => work(tx, forceId), actingId(caller))
  }

  private selectViews(tx: Transaction, forceId: number) {
    return tx
      .select({ alert: alerts, staffName: staffMembers.name, staffNumber: staffMembers.staffNumber })
      .from(alerts)
      .innerJoin(staffMembers, eq(staffMembers.id, alerts.staffMemberId))
      .where(eq(alerts.forceId, forceId))
      .$dynamic()
  }

  private static view(row: { alert: AlertRow; staffName: string; staffNumber: string }): AlertView {
    const rule = ALERT_RULES[row.alert.rule as AlertRule]
    return {
      ...row.alert,
      ruleTitle: rule?.title ?? row.alert.rule,
      staffName: row.staffName,
      staffNumber: row.staffNumber,
    }
  }

  /** The force's queue, newest first: open alerts unless another status is asked for. */
  async queue(caller: Caller, status: AlertStatus = 'open'): Promise<AlertView[]> {
    return this.inForce(caller, async (tx, forceId) =>
      (
        await this.selectViews(tx, forceId)
          .where(and(eq(alerts.forceId, forceId), eq(alerts.status, status)))
          .orderBy(desc(alerts.occurredOn), alerts.id)
          .limit(QUEUE_LIMIT)
      ).map(AlertsService.view),
    )
  }

  /** How many alerts of each status the force has. */
  async counts(caller: Caller): Promise<Record<AlertStatus, number>> {
    const rows = await this.inForce(caller, (tx, forceId) =>
      tx
        .select({ status: alerts.status, count: sql<number>`count(*)::int` })
        .from(alerts)
        .where(eq(alerts.forceId, forceId))
        .groupBy(alerts.status),
    )
    const counts = noAlerts()
    for (const row of rows) counts[row.status] = row.count
    return counts
  }

  /** Whether the caller reads forces' alert counts: the inspectorate's inspectors, a force's keepers. */
  readsCounts(caller: Caller): boolean {
    if (caller.scope.kind === 'inspectorate') return callerHas(caller, ['inspector'])
    return caller.scope.kind === 'force' && callerHas(caller, ALERT_KEEPERS)
  }

  /**
   * How many alerts of each rule and status each force has, every rule listed: counts only, never
   * whose or why (probity_alert_counts, migration 0048, which row-level security leaves the alerts
   * themselves hidden behind). Every force's for the inspectorate, its own for a force's keepers.
   */
  async countsByForce(caller: Caller): Promise<Map<number, RuleCounts[]>> {
    if (!this.readsCounts(caller)) throw new ForbiddenError('Only inspectors and a force’s caseworkers')
    const rows = await inScope(
      this.db,
      caller.scope,
      (tx) =>
        queryRows<{ forceId: number; rule: string; status: AlertStatus; alerts: number }>(
          tx,
          sql`select force_id as "forceId", rule, status, alerts from probity_alert_counts()`,
        ),
      actingId(caller),
    )
    const byForce = new Map<number, RuleCounts[]>()
    for (const row of rows) {
      let rules = byForce.get(row.forceId)
      if (!rules) {
        rules = ALERT_RULE_NAMES.map((rule) => ({ rule, title: ALERT_RULES[rule].title, counts: noAlerts() }))
        byForce.set(row.forceId, rules)
      }
      const own = rules.find((entry) => entry.rule === row.rule)
      if (own) own.counts[row.status] = row.alerts
    }
    return byForce
  }

  async find(caller: Caller, id: string): Promise<AlertView> {
    return this.inForce(caller, async (tx, forceId) => {
      const [row] = await this.selectViews(tx, forceId).where(
        and(eq(alerts.forceId, forceId), eq(alerts.id, id)),
      )
      if (!row) throw new NotFoundError('No such alert')
      return AlertsService.view(row)
    })
  }

  /** Every alert about one member of staff (their integrity picture). */
  async forStaffMember(caller: Caller, staffMemberId: string): Promise<AlertView[]> {
    return this.inForce(caller, async (tx, forceId) =>
      (
        await this.selectViews(tx, forceId)
          .where(and(eq(alerts.forceId, forceId), eq(alerts.staffMemberId, staffMemberId)))
          .orderBy(desc(alerts.occurredOn))
      ).map(AlertsService.view),
    )
  }

  /**
   * What a caseworker does with an open alert: assess it (a note of what they found), dismiss it (a
   * reason is required) or open a case about the member of staff from it. Audited.
   */
  async decide(caller: Caller, id: string, input: Record<string, unknown>): Promise<AlertView> {
    const forceId = ownForce(caller)
    const parsed = decisionSchema.safeParse(input)
    if (!parsed.success)
      throw new ValidationError({
        [String(parsed.error.issues[0]?.path[0] ?? 'action')]:
          parsed.error.issues[0]?.message ?? 'Check the form',
      })
    const { action, note } = parsed.data
    if (action === 'dismiss' && !note)
      throw new ValidationError({ note: 'Give the reason for dismissing the alert' })
    if (action === 'assess' && !note) throw new ValidationError({ note: 'Say what the assessment found' })
    const alert = await this.find(caller, id)
    const closed = CLOSED_STATUS_WORDS[alert.status]
    if (closed) throw new ValidationError({ action: `This alert was ${closed}` })
    const now = this.now()
    const decided = async (tx: Transaction, status: AlertStatus, caseId: string | null) => {
      const [after] = await tx
        .update(alerts)
        .set({ status, decisionNote: note || null, caseId, decidedBy: userIdOf(caller), decidedAt: now })
        .where(and(eq(alerts.forceId, forceId), eq(alerts.id, id)))
        .returning()
      await appendAuditEvent(
        tx,
        caller.actor,
        { forceId, entityType: ALERT_ENTITY, entityId: id, action: status, before: alert, after },
        now,
      )
    }
    if (action === 'case') {
      await this.integrityCases.open(
        caller,
        {
          type: CASE_TYPE_OF_RULE[alert.rule as AlertRule] ?? 'other',
          source: 'internal',
          openedOn: londonToday(now),
          summary: `From an alert: ${alert.reason}${note ? `\n\n${note}` : ''}`,
          staffNumber: alert.staffNumber,
        },
        { within: (tx, created) => decided(tx, 'case opened', created.id) },
      )
    } else
      await inScope(
        this.db,
        caller.scope,
        (tx) => decided(tx, action === 'assess' ? 'assessed' : 'dismissed', null),
        actingId(caller),
      )
    return this.find(caller, id)
  }

  /** The force's setting of each rule: what it stored, or the rule's defaults. */
  async rules(caller: Caller): Promise<RuleSetting[]> {
    const stored = await this.inForce(caller, (tx, forceId) =>
      tx.select().from(alertRuleSettings).where(eq(alertRuleSettings.forceId, forceId)),
    )
    const byRule = new Map(stored.map((row) => [row.rule, row]))
    return ALERT_RULE_NAMES.map((rule) => {
      const defaults = ALERT_RULES[rule]
      const own = byRule.get(rule)
      return {
        rule,
        title: defaults.title,
        enabled: own?.enabled ?? true,
        threshold: defaults.threshold === null ? null : (own?.threshold ?? defaults.threshold),
        windowDays: defaults.windowDays === null ? null : (own?.windowDays ?? defaults.windowDays),
      }
    })
  }

  /**
   * The force administrator's settings of the rules (`<rule>-enabled`, `-threshold`, `-windowDays`
   * fields); the rules then run over all the force's data with them. Audited.
   */
  async saveRules(caller: Caller, input: Record<string, unknown>): Promise<number> {
    const forceId = ownForce(caller, RULE_SETTERS)
    const errors: Record<string, string> = {}
    const values = ALERT_RULE_NAMES.map((rule) => {
      const defaults = ALERT_RULES[rule]
      const number = (field: 'threshold' | 'windowDays', label: string, min: number, max: number) => {
        if (defaults[field] === null) return null
        const parsed = wholeNumberField(label, min, max).safeParse(input[`${rule}-${field}`])
        if (!parsed.success) errors[`${rule}-${field}`] = parsed.error.issues[0]?.message ?? `Check ${label}`
        return parsed.success ? parsed.data : null
      }
      return {
        forceId,
        rule,
        enabled: input[`${rule}-enabled`] === 'yes',
        threshold: number('threshold', 'The number of offers', 2, 1000),
        windowDays: number('windowDays', 'The number of days', 1, 3660),
      }
    })
    if (Object.keys(errors).length) throw new ValidationError(errors)
    const now = this.now()
    return inScope(
      this.db,
      caller.scope,
      async (tx) => {
        const before = await tx.select().from(alertRuleSettings).where(eq(alertRuleSettings.forceId, forceId))
        for (const value of values)
          await tx
            .insert(alertRuleSettings)
            .values({ ...value, updatedAt: now })
            .onConflictDoUpdate({
              target: [alertRuleSettings.forceId, alertRuleSettings.rule],
              set: {
                enabled: value.enabled,
                threshold: value.threshold,
                windowDays: value.windowDays,
                updatedAt: now,
              },
            })
        await appendAuditEvent(
          tx,
          caller.actor,
          { forceId, entityType: 'alert-rules', entityId: null, action: 'update', before, after: values },
          now,
        )
        return runRules(tx, forceId)
      },
      actingId(caller),
    )
  }

  /** Every rule over all of every force's data (`probity alerts run`, nightly): how many alerts each raised. */
  async runAll(caller: Caller): Promise<{ forceId: number; raised: number }[]> {
    if (caller.actor.type !== 'system')
      throw new ForbiddenError('Only the command line runs every force’s rules')
    return queryRows<{ forceId: number; raised: number }>(
      this.db,
      sql`select id as "forceId", probity_raise_alerts(id, null) as raised from forces order by id`,
    )
  }
}

/** The rules over all one force's data (probity_raise_alerts, migration 0039): how many alerts it raised. */
async function runRules(tx: Transaction, forceId: number): Promise<number> {
  const [row] = (
    (await tx.execute(sql`select probity_raise_alerts(${forceId}, null) as raised`)) as unknown as {
      rows: { raised: number }[]
    }
  ).rows
  return row?.raised ?? 0
}
