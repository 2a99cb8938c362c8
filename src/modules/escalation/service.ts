import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, callerHas, requireRole, userIdOf } from '../../domain/access.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js'
import {
  defaultSetting,
  ESCALATION_RULE_NAMES,
  ESCALATION_RULES,
  evaluateRules,
  type ForceFacts,
  MONITORING_STATES,
  type MonitoringState,
  proposedChange,
  type RuleSetting,
} from '../../domain/escalation.js'
import { londonToday } from '../../domain/fields.js'
import type { Role } from '../../domain/roles.js'
import { parseOrThrow, wholeNumberField } from '../../domain/validation.js'
import { appendAuditEvent } from '../audit/service.js'
import type { ForceReference, ForcesService } from '../forces/service.js'
import { type EscalationSources, gatherFacts, inspectionToEvaluate, judgementScaleOf } from './facts.js'
import {
  type ChangeRow,
  currentStateOf,
  insertChange,
  saveRuleRows,
  selectChange,
  selectChanges,
  selectRuleRows,
  updateChange,
} from './queries.js'

/**
 * Who runs the evaluation, sets the rules and decides proposals: the inspectorate's inspectors. There is
 * no lead-inspector role; the inspector who confirms must not be the one who proposed (as with headline
 * judgements), so a second inspector always looks at a change.
 */
export const ESCALATION_INSPECTORS: Role[] = ['inspector']
/** Who reads a force's monitoring state: the inspectorate, and every user of the force itself. */
export const STATE_READERS: Role[] = ['inspector', 'staff']
export const STATE_ENTITY = 'monitoring-state'

export interface ForceState {
  force: ForceReference
  state: MonitoringState
  /** The confirmed change that put the force there; null while it has never moved from Scan. */
  since: ChangeRow | null
  /** The proposal awaiting a lead inspector (the inspectorate only). */
  proposal: ChangeRow | null
}

export interface ForceMonitoring extends ForceState {
  /** Every change the caller reads, newest first: a force reads only its confirmed ones. */
  history: ChangeRow[]
}

export interface EvaluationResult {
  inspection: { code: string; title: string } | null
  proposed: { force: ForceReference; change: ChangeRow }[]
  unchanged: number
}

const decisionSchema = z
  .object({
    decision: z.enum(['confirm', 'reject'], 'Choose whether to confirm or reject the change'),
    publish: z.enum(['yes', 'no'], 'Choose whether to show the change on the force’s public page').optional(),
    note: z.string().trim().max(2000, 'The note must be 2000 characters or fewer').default(''),
  })
  .superRefine((value, context) => {
    if (value.decision === 'confirm' && !value.publish)
      context.addIssue({
        code: 'custom',
        path: ['publish'],
        message: 'Choose whether to show the change on the force’s public page',
      })
    if (value.decision === 'reject' && !value.note)
      context.addIssue({
        code: 'custom',
        path: ['note'],
        message: 'Give the reason for rejecting the change',
      })
  })

/** Each rule's line: what it counts, and its bounds. */
const LINES = {
  threshold: {
    'overdue-recommendations': wholeNumberField('The number of recommendations', 1, 1000),
    'awareness-below-line': wholeNumberField('The percentage', 1, 100),
  },
  days: {
    'overdue-recommendations': wholeNumberField('The number of days overdue', 0, 3660),
    'data-return-missing': wholeNumberField('The number of days after the census date', 0, 3660),
  },
} as const

/**
 * Monitoring states of forces: the inspectorate's rules over each force's recommendations, judgement,
 * data return and policy awareness propose a change of state with its reasons; an inspector other
 * than the proposer confirms (choosing whether the public sees it) or rejects it; every step audited.
 */
export class EscalationService {
  constructor(
    private readonly db: Database,
    private readonly forces: ForcesService,
    private readonly sources: EscalationSources,
    private readonly now: () => Date,
  ) {}

  private inspectorate(caller: Caller) {
    requireRole(caller, ...ESCALATION_INSPECTORS)
    if (caller.scope.kind !== 'inspectorate')
      throw new ForbiddenError('Monitoring states are the inspectorate’s')
  }

  private scoped<T>(caller: Caller, work: (tx: Transaction) => Promise<T>) {
    return inScope(this.db, caller.scope, work, actingId(caller))
  }

  /** The inspectorate's setting of every rule: what it stored, or the rule's defaults. */
  async rules(caller: Caller): Promise<RuleSetting[]> {
    this.inspectorate(caller)
    const stored = new Map((await this.scoped(caller, selectRuleRows)).map((row) => [row.rule, row]))
    return ESCALATION_RULE_NAMES.map((rule) => {
      const own = stored.get(rule)
      return own
        ? {
            rule,
            enabled: own.enabled,
            threshold: own.threshold,
            days: own.days,
            judgements: own.judgements,
            state: own.state,
          }
        : defaultSetting(rule)
    })
  }

  /** The judgements the judgement rule may name: those of the evaluated inspection's framework. */
  async judgementScale(caller: Caller): Promise<string[]> {
    this.inspectorate(caller)
    return judgementScaleOf(this.sources, caller, await inspectionToEvaluate(this.sources, caller))
  }

  /**
   * Saves every rule's setting from the form (`<rule>-enabled`, `-threshold`, `-days`, `-judgements`,
   * `-state`). Audited.
   */
  async saveRules(caller: Caller, input: Record<string, unknown>): Promise<RuleSetting[]> {
    this.inspectorate(caller)
    const errors: Record<string, string> = {}
    const scale = await this.judgementScale(caller)
    const settings = ESCALATION_RULE_NAMES.map((rule): RuleSetting => {
      const defaults = ESCALATION_RULES[rule]
      const line = (field: 'threshold' | 'days') => {
        const schema = (LINES[field] as Record<string, z.ZodType<number>>)[rule]
        if (!schema) return null
        const parsed = schema.safeParse(input[`${rule}-${field}`])
        if (!parsed.success)
          errors[`${rule}-${field}`] = parsed.error.issues[0]?.message ?? 'Check the number'
        return parsed.success ? parsed.data : null
      }
      const state = input[`${rule}-state`]
      if (!MONITORING_STATES.includes(state as MonitoringState) || state === 'scan')
        errors[`${rule}-state`] = 'Choose the state the rule moves a force to'
      let judgements: string[] | null = null
      if (defaults.judgements) {
        const chosen = [input[`${rule}-judgements`] ?? []].flat().map(String)
        judgements = chosen.filter((judgement) => scale.includes(judgement))
        if (judgements.length !== chosen.length)
          errors[`${rule}-judgements`] = 'Choose judgements from the framework’s scale'
        else if (input[`${rule}-enabled`] === 'yes' && !judgements.length)
          errors[`${rule}-judgements`] = 'Choose at least one judgement, or turn the rule off'
      }
      return {
        rule,
        enabled: input[`${rule}-enabled`] === 'yes',
        threshold: line('threshold'),
        days: line('days'),
        judgements,
        state: state as MonitoringState,
      }
    })
    if (Object.keys(errors).length) throw new ValidationError(errors)
    const now = this.now()
    await this.scoped(caller, async (tx) => {
      const before = await selectRuleRows(tx)
      await saveRuleRows(tx, settings, now)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId: null,
          entityType: 'escalation-rules',
          entityId: null,
          action: 'update',
          before,
          after: settings,
        },
        now,
      )
    })
    return settings
  }

  /**
   * Evaluates the rules over every force's data (or one force's) and proposes a change wherever the
   * state they call for differs from the force's: the proposal replaces one still waiting, and is not
   * made again when the same change was rejected since the force last moved. Each proposal audited.
   */
  async evaluate(caller: Caller, forceCode?: string): Promise<EvaluationResult> {
    this.inspectorate(caller)
    const all = await this.forces.references()
    const forces = forceCode ? all.filter((force) => force.code === forceCode) : all
    if (!forces.length) throw new NotFoundError('No such force')
    const settings = await this.rules(caller)
    const inspection = await inspectionToEvaluate(this.sources, caller)
    const today = londonToday(this.now())
    const facts = await gatherFacts(this.sources, caller, forces, inspection, today)
    const now = this.now()
    const result: EvaluationResult = {
      inspection: inspection && { code: inspection.code, title: inspection.title },
      proposed: [],
      unchanged: 0,
    }
    await this.scoped(caller, async (tx) => {
      const changes = await selectChanges(
        tx,
        forces.map((force) => force.id),
      )
      for (const force of forces) {
        const own = changes.filter((change) => change.forceId === force.id)
        const { state, since } = currentStateOf(own)
        const waiting = own.find((change) => change.status === 'proposed') ?? null
        const due = proposedChange(state, evaluateRules(settings, facts.get(force.id) as ForceFacts))
        const same = (change: ChangeRow | null | undefined) =>
          !!due &&
          !!change &&
          change.toState === due.toState &&
          change.fromState === state &&
          JSON.stringify(change.reasons) === JSON.stringify(due.reasons)
        const rejectedSince = own.some(
          (change) =>
            change.status === 'rejected' &&
            (!since || (change.decidedAt ?? now) > (since.decidedAt ?? now)) &&
            same(change),
        )
        if (same(waiting) || (!due && !waiting) || (due && rejectedSince && !waiting)) {
          result.unchanged++
          continue
        }
        if (waiting) {
          const superseded = await updateChange(tx, waiting.id, { status: 'superseded', decidedAt: now })
          await this.audit(tx, caller, null, waiting, superseded, 'supersede', now)
        }
        if (!due || rejectedSince) continue
        const change = await insertChange(tx, {
          forceId: force.id,
          fromState: state,
          toState: due.toState,
          reasons: due.reasons,
          inspectionId: inspection?.id ?? null,
          proposedBy: userIdOf(caller),
          proposedByLabel: caller.actor.label,
          proposedAt: now,
        })
        await this.audit(tx, caller, null, null, change, 'propose', now)
        result.proposed.push({ force, change })
      }
    })
    return result
  }

  private audit(
    tx: Transaction,
    caller: Caller,
    forceId: number | null,
    before: ChangeRow | null,
    after: ChangeRow,
    action: string,
    now: Date,
  ) {
    return appendAuditEvent(
      tx,
      caller.actor,
      // Proposals and rejections are the inspectorate's own: audited without the force, so a force's
      // trail shows only the changes that were confirmed.
      { forceId, entityType: STATE_ENTITY, entityId: after.id, action, before, after },
      now,
    )
  }

  /** Every force's state and any proposal waiting, by force name (the inspectorate's overview). */
  async overview(caller: Caller): Promise<ForceState[]> {
    this.inspectorate(caller)
    const forces = await this.forces.references()
    const changes = await this.scoped(caller, (tx) =>
      selectChanges(
        tx,
        forces.map((force) => force.id),
      ),
    )
    return forces
      .map((force) => {
        const own = changes.filter((change) => change.forceId === force.id)
        return {
          force,
          ...currentStateOf(own),
          proposal: own.find((change) => change.status === 'proposed') ?? null,
        }
      })
      .toSorted((a, b) => a.force.name.localeCompare(b.force.name))
  }

  /** The force the caller may read the monitoring of: any for the inspectorate, their own for a force. */
  private async readableForce(caller: Caller, forceCode: string): Promise<ForceReference> {
    requireRole(caller, ...STATE_READERS)
    const force = (await this.forces.references()).find((candidate) => candidate.code === forceCode)
    if (!force) throw new NotFoundError('No such force')
    if (
      caller.scope.kind === 'force' ? caller.scope.forceId !== force.id : caller.scope.kind !== 'inspectorate'
    )
      throw new NotFoundError('No such force')
    return force
  }

  /** A force's state and history as the caller may read them. */
  async forForce(caller: Caller, forceCode: string): Promise<ForceMonitoring> {
    const force = await this.readableForce(caller, forceCode)
    const history = await this.scoped(caller, (tx) => selectChanges(tx, [force.id]))
    return {
      force,
      ...currentStateOf(history),
      proposal: history.find((change) => change.status === 'proposed') ?? null,
      history,
    }
  }

  /**
   * What the force's page shows of its monitoring: to the inspectorate and the force's own users, its
   * state (they follow a link to the history); to everyone, the changes the inspectorate published.
   */
  async forcePage(
    caller: Caller,
    forceCode: string,
  ): Promise<{ own: ForceState | null; published: ChangeRow[] }> {
    const force = (await this.forces.references()).find((candidate) => candidate.code === forceCode)
    if (!force) throw new NotFoundError('No such force')
    const reads =
      callerHas(caller, STATE_READERS) &&
      (caller.scope.kind === 'inspectorate' ||
        (caller.scope.kind === 'force' && caller.scope.forceId === force.id))
    const own = reads ? await this.forForce(caller, force.code) : null
    const published = await inScope(this.db, { kind: 'public' }, (tx) => selectChanges(tx, [force.id]))
    return { own, published }
  }

  /** Whether the caller may decide proposals (for showing the form). */
  decides(caller: Caller): boolean {
    return caller.scope.kind === 'inspectorate' && callerHas(caller, ESCALATION_INSPECTORS)
  }

  /**
   * A lead inspector confirms a proposed change (choosing whether the force's public page shows it)
   * or rejects it with a reason. Not the inspector who proposed it; a person, not a token. Audited.
   */
  async decide(
    caller: Caller,
    forceCode: string,
    changeId: string,
    input: Record<string, unknown>,
  ): Promise<ChangeRow> {
    this.inspectorate(caller)
    const force = await this.readableForce(caller, forceCode)
    if (caller.principal?.kind !== 'user')
      throw new ForbiddenError('A change of monitoring state is decided by a signed-in lead inspector')
    const { decision, publish, note } = parseOrThrow(decisionSchema, input)
    const now = this.now()
    return this.scoped(caller, async (tx) => {
      const change = await selectChange(tx, force.id, changeId, true)
      if (!change) throw new NotFoundError('No such change')
      if (change.status !== 'proposed')
        throw new ValidationError({ decision: `This change was already ${change.status}` })
      if (change.proposedBy && change.proposedBy === caller.principal?.id)
        throw new ForbiddenError('Another inspector must decide a change you proposed')
      const { state } = currentStateOf(await selectChanges(tx, [force.id]))
      if (decision === 'confirm' && state !== change.fromState)
        throw new ValidationError({
          decision: 'The force’s state has changed since this was proposed: evaluate the rules again',
        })
      const decided = await updateChange(tx, change.id, {
        status: decision === 'confirm' ? 'confirmed' : 'rejected',
        decidedBy: caller.principal?.id ?? null,
        decidedByLabel: caller.actor.label,
        decidedAt: now,
        decisionNote: note || null,
        published: decision === 'confirm' && publish === 'yes',
      })
      await this.audit(tx, caller, decision === 'confirm' ? force.id : null, change, decided, decision, now)
      return decided
    })
  }

  /** Shows a confirmed change on the force's public page after all. Audited. */
  async publish(caller: Caller, forceCode: string, changeId: string): Promise<ChangeRow> {
    this.inspectorate(caller)
    const force = await this.readableForce(caller, forceCode)
    const now = this.now()
    return this.scoped(caller, async (tx) => {
      const change = await selectChange(tx, force.id, changeId, true)
      if (!change) throw new NotFoundError('No such change')
      if (change.status !== 'confirmed')
        throw new ValidationError({ publish: 'Only a confirmed change can be published' })
      if (change.published) return change
      const published = await updateChange(tx, change.id, { published: true })
      await this.audit(tx, caller, force.id, change, published, 'publish', now)
      return published
    })
  }
}
