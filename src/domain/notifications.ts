import { hasRole, type Role } from './roles.js'

/**
 * What Probity tells people by email, who may hear of each kind, and how each is sent unless the person
 * chooses otherwise: at once, gathered into a daily digest, or not at all.
 */
export const NOTIFICATION_KINDS = [
  'decision-made',
  'referral-received',
  'alert-raised',
  'review-due',
  'acknowledgement-overdue',
  'draft-comment',
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

export const DELIVERIES = ['immediate', 'digest', 'off'] as const
export type Delivery = (typeof DELIVERIES)[number]

export const DELIVERY_LABELS: Record<Delivery, string> = {
  immediate: 'At once, an email for each',
  digest: 'In a daily digest',
  off: 'Do not email me',
}

interface KindRule {
  /** What the preferences page calls it. */
  label: string
  /** The role a person needs to be told of it (a broader role includes it). */
  role: Role
  /** How it is sent until the person chooses. */
  delivery: Exclude<Delivery, 'off'>
}

export const NOTIFICATION_RULES: Record<NotificationKind, KindRule> = {
  'decision-made': {
    label: 'A decision on your second-job application or appeal',
    role: 'staff',
    delivery: 'immediate',
  },
  'acknowledgement-overdue': {
    label: 'A policy you have not acknowledged by its deadline',
    role: 'staff',
    delivery: 'immediate',
  },
  'referral-received': {
    label: 'A referral from the inspectorate to your force',
    role: 'force-caseworker',
    delivery: 'immediate',
  },
  'alert-raised': {
    label: 'A new alert from the correlation rules',
    role: 'force-caseworker',
    delivery: 'digest',
  },
  'review-due': {
    label: 'A second job’s review or expiry falling due',
    role: 'force-caseworker',
    delivery: 'digest',
  },
  'draft-comment': {
    label: 'A force’s comment on a draft in its factual-accuracy check',
    role: 'inspector',
    delivery: 'immediate',
  },
}

/** The kinds a person with this role may hear of, in the order the preferences page lists them. */
export function kindsFor(role: Role): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => hasRole(role, NOTIFICATION_RULES[kind].role))
}

export type NotificationChoices = Partial<Record<NotificationKind, Delivery>>

/** How a person hears of a kind: their choice where they made one, else the kind's default. */
export function deliveryOf(choices: NotificationChoices | undefined, kind: NotificationKind): Delivery {
  return choices?.[kind] ?? NOTIFICATION_RULES[kind].delivery
}

/**
 * Reads the preferences form: one answer per kind the role hears of, each one of the deliveries. Every
 * missing or unknown answer is an error named by its field, for the page's error summary.
 */
export function parseChoices(
  role: Role,
  input: Record<string, unknown>,
): { choices: NotificationChoices; errors: Record<string, string> } {
  const choices: NotificationChoices = {}
  const errors: Record<string, string> = {}
  for (const kind of kindsFor(role)) {
    const value = input[kind]
    if ((DELIVERIES as readonly unknown[]).includes(value)) choices[kind] = value as Delivery
    else
      errors[kind] =
        `Choose how to hear of ${NOTIFICATION_RULES[kind].label.charAt(0).toLowerCase()}${NOTIFICATION_RULES[kind].label.slice(1)}`
  }
  return { choices, errors }
}

/** The wait before the next try of a message that failed `attempts` times: 1, 2, 4… minutes, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 3_600_000)
}

/** Tries before a message is given up as failed (it stays on the outbox page with its last error). */
export const MAX_ATTEMPTS = 6

/** A digest goes once the oldest item waiting in it is a day old: at most one a day per person. */
export const DIGEST_AFTER_MS = 24 * 3_600_000
