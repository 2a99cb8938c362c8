import {
  type ChangeStatus,
  type MonitoringState,
  STATE_DESCRIPTIONS,
  STATE_LABELS,
} from '../../domain/escalation.js'
import { formatDay } from '../../web/forms.js'
import type { ChangeRow } from './queries.js'
import type { ForceState } from './service.js'

const STATE_TAGS: Record<MonitoringState, string> = {
  scan: 'govuk-tag--green',
  engage: 'govuk-tag--orange',
  intervention: 'govuk-tag--red',
}

const STATUS_TAGS: Record<ChangeStatus, string> = {
  proposed: 'govuk-tag--blue',
  confirmed: 'govuk-tag--green',
  rejected: 'govuk-tag--red',
  superseded: 'govuk-tag--grey',
}

/** A state as a GOV.UK tag shows it, with the sentence saying what it means. */
export function stateTag(state: MonitoringState) {
  return { text: STATE_LABELS[state], classes: STATE_TAGS[state], description: STATE_DESCRIPTIONS[state] }
}

/** One change as the pages list it: what moved where, why, and who proposed and decided it when. */
export function changeView(change: ChangeRow) {
  return {
    id: change.id,
    from: STATE_LABELS[change.fromState],
    to: stateTag(change.toState),
    reasons: change.reasons,
    status: {
      text: change.status.charAt(0).toUpperCase() + change.status.slice(1),
      classes: STATUS_TAGS[change.status],
    },
    proposed: `${formatDay(change.proposedAt)} by ${change.proposedByLabel}`,
    decided:
      change.decidedAt && change.decidedByLabel
        ? `${formatDay(change.decidedAt)} by ${change.decidedByLabel}`
        : null,
    decidedOn: change.decidedAt ? formatDay(change.decidedAt) : null,
    // The moments and people apart, for a page that says "on … by …" in its own language.
    proposedAt: change.proposedAt,
    proposedBy: change.proposedByLabel,
    decidedAt: change.decidedAt,
    decidedBy: change.decidedByLabel,
    note: change.decisionNote,
    published: change.published,
    publishable: change.status === 'confirmed' && !change.published,
  }
}

/** The inspectorate's overview: each force's state, since when, and the change waiting, if any. */
export function overviewRows(states: readonly ForceState[]) {
  return states.map(({ force, state, since, proposal }) => ({
    force,
    state: stateTag(state),
    since: since?.decidedAt ? formatDay(since.decidedAt) : null,
    proposal: proposal && { id: proposal.id, to: stateTag(proposal.toState) },
  }))
}
