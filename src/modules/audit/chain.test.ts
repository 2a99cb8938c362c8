import { describe, expect, it } from 'vitest'
import {
  type ChainedEvent,
  type ChainProblem,
  ChainVerifier,
  describeProblem,
  GENESIS_HASH,
  hashEvent,
} from './chain.js'

type StoredEvent = ChainedEvent & { hash: string }

/** A chain of `length` valid events, as appendAuditEvent would have written them. */
function chainOf(length: number): StoredEvent[] {
  const events: StoredEvent[] = []
  let prevHash = GENESIS_HASH
  for (let seq = 1; seq <= length; seq++) {
    const event: ChainedEvent = {
      seq,
      occurredAt: new Date(Date.UTC(2012, 2, 27, 9, seq)).toISOString(),
      actorType: 'user',
      actorId: `user-${seq % 3}`,
      actorLabel: `Person ${seq % 3} <person${seq % 3}@example.police.uk>`,
      forceId: seq % 2 ? 7 : null,
      entityType: 'user',
      entityId: `entity-${seq}`,
      action: seq === 1 ? 'create' : 'update',
      before: seq === 1 ? null : { name: `Name ${seq - 1}`, role: 'staff' },
      after: { name: `Name ${seq}`, role: 'staff' },
      ipAddress: '192.0.2.1',
      prevHash,
    }
    const hash = hashEvent(event)
    events.push({ ...event, hash })
    prevHash = hash
  }
  return events
}

const headOf = (events: StoredEvent[]) => {
  const last = events[events.length - 1]
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH }
}

/** What verification finds: the first problem, or undefined when the chain is intact. */
function verify(events: StoredEvent[], head = headOf(events)): ChainProblem | undefined {
  const verifier = new ChainVerifier()
  for (const event of events) {
    const problem = verifier.next(event)
    if (problem) return problem
  }
  return verifier.end(head)
}

/** A copy of the event with `change` applied and its hash recomputed, as a careful forger would. */
function rewritten(event: StoredEvent, change: Partial<ChainedEvent>): StoredEvent {
  const { hash: _old, ...fields } = { ...event, ...change }
  return { ...fields, hash: hashEvent(fields) }
}

describe('hashEvent', () => {
  const [event] = chainOf(1) as [StoredEvent]

  it('is a SHA-256 in hex, the same for the same content', () => {
    expect(event.hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hashEvent({ ...event })).toBe(event.hash)
  })

  it('ignores key order in before and after, as jsonb reorders keys', () => {
    expect(hashEvent({ ...event, after: { role: 'staff', name: 'Name 1' } })).toBe(event.hash)
  })

  it('reads the time the same whatever format the database returns it in', () => {
    expect(hashEvent({ ...event, occurredAt: '2012-03-27 09:01:00+00' })).toBe(event.hash)
    expect(hashEvent({ ...event, occurredAt: '2012-03-27 10:01:00.000+01' })).toBe(event.hash)
  })

  it('treats a missing before or after as null', () => {
    expect(hashEvent({ ...event, before: undefined })).toBe(hashEvent({ ...event, before: null }))
  })

  it.each([
    ['seq', { seq: 2 }],
    ['occurredAt', { occurredAt: '2012-03-27T09:01:00.001Z' }],
    ['actorType', { actorType: 'system' }],
    ['actorId', { actorId: null }],
    ['actorLabel', { actorLabel: 'Someone else' }],
    ['forceId', { forceId: 8 }],
    ['entityType', { entityType: 'api-token' }],
    ['entityId', { entityId: 'entity-2' }],
    ['action', { action: 'delete' }],
    ['before', { before: { name: 'x' } }],
    ['after', { after: { name: 'Name 2', role: 'staff' } }],
    ['ipAddress', { ipAddress: '192.0.2.2' }],
    ['prevHash', { prevHash: 'f'.repeat(64) }],
    ['chain', { chain: 7 }],
  ] as [string, Partial<ChainedEvent>][])('changes when %s changes', (_field, change) => {
    expect(hashEvent({ ...event, ...change })).not.toBe(event.hash)
  })

  it('covers a force’s chain, and leaves out the national chain, as events were hashed before chains were per force', () => {
    expect(hashEvent({ ...event, chain: 0 })).toBe(event.hash)
    expect(hashEvent({ ...event, chain: 7 })).not.toBe(hashEvent({ ...event, chain: 8 }))
  })
})

describe('ChainVerifier', () => {
  it('passes an intact chain and counts its events', () => {
    const events = chainOf(10)
    const verifier = new ChainVerifier()
    for (const event of events) expect(verifier.next(event)).toBeUndefined()
    expect(verifier.end(headOf(events))).toBeUndefined()
    expect(verifier.checked).toBe(10)
  })

  it('passes an empty chain whose head is still at the start', () => {
    expect(verify([], { seq: 0, hash: GENESIS_HASH })).toBeUndefined()
  })

  it('names an event whose field was altered', () => {
    const events = chainOf(10)
    events[6] = { ...(events[6] as StoredEvent), after: { name: 'Someone else', role: 'force-admin' } }
    const problem = verify(events)
    expect(problem).toEqual({ kind: 'altered', seq: 7, reason: 'content' })
    expect(describeProblem(problem as ChainProblem)).toBe(
      'event 7 was altered (its content no longer matches its hash).',
    )
  })

  it('names the first of two altered events', () => {
    const events = chainOf(10)
    events[3] = { ...(events[3] as StoredEvent), action: 'view' }
    events[8] = { ...(events[8] as StoredEvent), action: 'view' }
    expect(verify(events)).toMatchObject({ kind: 'altered', seq: 4 })
  })

  it('names an event removed from the middle as missing', () => {
    const events = chainOf(10)
    events.splice(4, 1)
    const problem = verify(events)
    expect(problem).toEqual({ kind: 'missing', seq: 5, reason: 'gap', found: 6 })
    expect(describeProblem(problem as ChainProblem)).toBe(
      'event 5 is missing (the chain jumps from event 4 to event 6).',
    )
  })

  it('names the first event as missing when the trail starts later', () => {
    const events = chainOf(5).slice(2)
    expect(verify(events)).toEqual({ kind: 'missing', seq: 1, reason: 'gap', found: 3 })
  })

  it('names events removed from the tail as missing, from the chain head', () => {
    const events = chainOf(10)
    const head = headOf(events)
    const problem = verify(events.slice(0, 8), head)
    expect(problem).toEqual({ kind: 'missing', seq: 9, reason: 'tail', found: 10 })
    expect(describeProblem(problem as ChainProblem)).toBe(
      "event 9 is missing (the chain ends at event 8, but the chain's recorded end is event 10).",
    )
  })

  it('names the first event as missing when every event was removed', () => {
    expect(verify([], headOf(chainOf(3)))).toEqual({ kind: 'missing', seq: 1, reason: 'tail', found: 3 })
  })

  it('names an event rewritten with a recomputed hash, from the next event’s link to it', () => {
    const events = chainOf(10)
    events[4] = rewritten(events[4] as StoredEvent, { actorLabel: 'Nobody <nobody@example.com>' })
    const problem = verify(events)
    expect(problem).toEqual({ kind: 'altered', seq: 5, reason: 'link' })
    expect(describeProblem(problem as ChainProblem)).toBe(
      'event 5 was altered (it was rewritten with a new hash, so event 6 no longer links to it).',
    )
  })

  it('names the last event rewritten with a recomputed hash, from the chain head', () => {
    const events = chainOf(10)
    const head = headOf(events)
    events[9] = rewritten(events[9] as StoredEvent, { after: { name: 'Forged', role: 'staff' } })
    expect(verify(events, head)).toEqual({ kind: 'altered', seq: 10, reason: 'head' })
  })

  it('names the first event rewritten to start the chain elsewhere', () => {
    const events = chainOf(3)
    events[0] = rewritten(events[0] as StoredEvent, { prevHash: 'a'.repeat(64) })
    expect(verify(events)).toEqual({ kind: 'altered', seq: 1, reason: 'link' })
  })

  it('names an event added past the chain head', () => {
    const events = chainOf(6)
    const head = headOf(events.slice(0, 5))
    expect(verify(events, head)).toEqual({ kind: 'altered', seq: 6, reason: 'beyond-head', found: 5 })
    expect(describeProblem({ kind: 'altered', seq: 6, reason: 'beyond-head', found: 5 })).toBe(
      "event 6 was added outside the chain (the chain's recorded end is event 5).",
    )
  })
})
