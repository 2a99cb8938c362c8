import { createHash } from 'node:crypto'
import canonicalizeModule from 'canonicalize'

// The package is CommonJS whose types declare an ES default export; at run time the import is the function.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined

/** The fields of an event that its hash covers: everything but the hash itself. */
export interface ChainedEvent {
  /** Its chain: a force's id, or the national chain (0 or absent). */
  chain?: number
  /** Its number in its chain, from 1. */
  seq: number
  occurredAt: string
  actorType: string
  actorId: string | null
  actorLabel: string
  forceId: number | null
  entityType: string
  entityId: string | null
  action: string
  before: unknown
  after: unknown
  ipAddress: string | null
  prevHash: string
}

export const GENESIS_HASH = 'genesis'

/** The chain of events no force appended: the inspectorate's, the system's, sign-ins, and every event before chains were per force. */
export const NATIONAL_CHAIN = 0

/**
 * SHA-256 over the canonical JSON (RFC 8785) of the event, so key order and spacing never matter. A
 * force's chain is covered too, so an event or a whole chain relabelled as another's no longer matches
 * its hash; the national chain's events leave it out, as every event did before chains were per force
 * (migration 0062), so those keep their hashes.
 */
export function hashEvent(event: ChainedEvent): string {
  const canonical = canonicalize({
    ...(event.chain ? { chain: event.chain } : {}),
    seq: event.seq,
    occurredAt: new Date(event.occurredAt).toISOString(),
    actorType: event.actorType,
    actorId: event.actorId,
    actorLabel: event.actorLabel,
    forceId: event.forceId,
    entityType: event.entityType,
    entityId: event.entityId,
    action: event.action,
    before: event.before ?? null,
    after: event.after ?? null,
    ipAddress: event.ipAddress,
    prevHash: event.prevHash,
  })
  return createHash('sha256')
    .update(canonical ?? '')
    .digest('hex')
}

/**
 * Why the chain breaks where it does:
 * - `content`: the event's fields no longer produce its stored hash;
 * - `link`: the event was rewritten with a fresh hash, so the next event (or, for the first, the
 *   start of the chain) no longer links to it;
 * - `head`: the last event was rewritten with a fresh hash, which no longer matches the chain's
 *   recorded end;
 * - `gap`: the numbering jumps over the event;
 * - `tail`: the trail stops before the chain's recorded end;
 * - `beyond-head`: the event lies after the chain's recorded end (or its chain has none), so it was not
 *   appended through it;
 * - `checkpoint-missing`: a signed checkpoint kept outside the database records the event, but the
 *   trail ends before it (events were cut from the end, and the recorded end moved back with them);
 * - `checkpoint-hash`: the event's hash is not the one a signed checkpoint records (the chain was
 *   rewritten at or before it, with fresh hashes that agree with each other).
 */
export type ChainProblemReason =
  | 'content'
  | 'link'
  | 'head'
  | 'gap'
  | 'tail'
  | 'beyond-head'
  | 'checkpoint-missing'
  | 'checkpoint-hash'

export type ChainProblem = {
  kind: 'altered' | 'missing'
  /** The first event that does not fit. */
  seq: number
  reason: ChainProblemReason
  /** The number of the event found where `seq` was expected (gap), or the recorded end (tail, beyond-head, checkpoint-missing). */
  found?: number
  /** The checkpoint file that shows it (checkpoint-missing, checkpoint-hash). */
  checkpoint?: string
}

/**
 * Checks events one at a time, in order, so a trail of any length verifies in flat memory. It names
 * the first event that does not fit: a gap in the numbering (missing), a hash that no longer matches
 * its content (altered), or an event whose predecessor was rewritten with a fresh hash, which breaks
 * the link to it (the predecessor is the altered one).
 */
export class ChainVerifier {
  private expectedSeq = 1
  private previousHash = GENESIS_HASH

  /** How many events, from the first, fitted the chain. */
  get checked(): number {
    return this.expectedSeq - 1
  }

  next(event: ChainedEvent & { hash: string }): ChainProblem | undefined {
    if (event.seq !== this.expectedSeq) {
      return { kind: 'missing', seq: this.expectedSeq, reason: 'gap', found: event.seq }
    }
    if (hashEvent(event) !== event.hash) return { kind: 'altered', seq: event.seq, reason: 'content' }
    if (event.prevHash !== this.previousHash) {
      return { kind: 'altered', seq: Math.max(1, event.seq - 1), reason: 'link' }
    }
    this.previousHash = event.hash
    this.expectedSeq++
    return undefined
  }

  /** `head` is the chain's recorded end, which reveals events removed from (or added past) the tail. */
  end(head: { seq: number; hash: string }): ChainProblem | undefined {
    if (head.seq >= this.expectedSeq) {
      return { kind: 'missing', seq: this.expectedSeq, reason: 'tail', found: head.seq }
    }
    if (head.seq < this.checked) {
      return { kind: 'altered', seq: head.seq + 1, reason: 'beyond-head', found: head.seq }
    }
    if (head.hash !== this.previousHash) return { kind: 'altered', seq: this.checked, reason: 'head' }
    return undefined
  }
}

/**
 * One sentence for people: which event of which chain, what happened to it, and how that shows. Events
 * are numbered in their chain; where the event is there, its number in the whole trail (the one the
 * audit pages show) is given too.
 */
export function describeProblem(problem: ChainProblem & { chainName?: string; trailSeq?: number }): string {
  const sentence = describeInChain(problem)
  return problem.chainName ? `in ${problem.chainName}, ${sentence}` : sentence
}

function describeInChain({ trailSeq, ...problem }: ChainProblem & { trailSeq?: number }): string {
  const numbered =
    trailSeq === undefined || trailSeq === problem.seq ? '' : ` (number ${trailSeq} in the trail)`
  const event = `event ${problem.seq}${numbered}`
  switch (problem.reason) {
    case 'content':
      return `${event} was altered (its content no longer matches its hash).`
    case 'link':
      return problem.seq === 1
        ? `${event} was altered (it no longer links to the start of the chain).`
        : `${event} was altered (it was rewritten with a new hash, so event ${problem.seq + 1} no longer links to it).`
    case 'head':
      return `${event} was altered (it was rewritten with a new hash, which no longer matches the chain's recorded end).`
    case 'gap':
      if (problem.found === undefined) return `${event} is missing.`
      return problem.seq === 1
        ? `${event} is missing (the chain starts at event ${problem.found}).`
        : `${event} is missing (the chain jumps from event ${problem.seq - 1} to event ${problem.found}).`
    case 'tail': {
      const end =
        problem.found === undefined ? '' : `, but the chain's recorded end is event ${problem.found}`
      return problem.seq === 1
        ? `${event} is missing (the chain is empty${end}).`
        : `${event} is missing (the chain ends at event ${problem.seq - 1}${end}).`
    }
    case 'beyond-head': {
      const end =
        problem.found === undefined
          ? "the chain's recorded end is gone"
          : problem.found === 0
            ? "the chain's recorded end is its start"
            : `the chain's recorded end is event ${problem.found}`
      return `${event} was added outside the chain (${end}).`
    }
    case 'checkpoint-missing':
      return `${event} is missing: the signed checkpoint ${problem.checkpoint} records it, but the chain ends at event ${problem.found} (events were cut from its end).`
    case 'checkpoint-hash':
      return `${event} or one before it was rewritten: its hash is not the one the signed checkpoint ${problem.checkpoint} records.`
  }
}
