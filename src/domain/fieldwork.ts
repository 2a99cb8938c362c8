import type { JudgementStatus, ProgressBasis, RecommendationStatus } from './inspections.js'

/**
 * The rules of fieldwork and recommendation progress that need no database: moderation of a headline
 * judgement, the order of findings, and a recommendation's one history across framework versions.
 */

/** Who did something to a judgement: a signed-in inspector's user id (never null for a decision). */
export interface JudgementState {
  status: JudgementStatus
  judgement: string
  proposedBy: string | null
}

export type JudgementAction = 'propose' | 'confirm' | 'return' | 'reopen'

/**
 * Why an inspector may not take an action on the judgement as it stands, or null when they may.
 * A proposal can be made or replaced until it is confirmed; a different inspector from the proposer
 * confirms it or returns it; a confirmed judgement stands until an inspector reopens it with a reason.
 */
export function judgementRefusal(
  current: JudgementState | null,
  action: JudgementAction,
  userId: string,
): string | null {
  switch (action) {
    case 'propose':
      return current?.status === 'confirmed'
        ? 'The headline judgement is confirmed: reopen it before proposing another'
        : null
    case 'confirm':
    case 'return':
      if (current?.status !== 'proposed') return 'There is no proposed judgement to moderate'
      if (current.proposedBy === userId)
        return action === 'confirm'
          ? 'You proposed this judgement: another inspector must confirm it'
          : 'You proposed this judgement: another inspector must moderate it (propose a different one instead)'
      return null
    case 'reopen':
      return current?.status === 'confirmed' ? null : 'Only a confirmed judgement can be reopened'
  }
}

/** Whether a judgement is one of the framework's scale (exactly as the scale writes it). */
export function onScale(scale: readonly string[], judgement: string): boolean {
  return scale.includes(judgement)
}

/** The headline a report states: a confirmed judgement only. */
export function headlineOf(judgement: { status: JudgementStatus; judgement: string } | null): string | null {
  return judgement?.status === 'confirmed' ? judgement.judgement : null
}

export interface Positioned {
  id: string
  position: number
}

/**
 * Moving a finding up or down swaps it with its neighbour in the same list (the list in order). Gives
 * the two new positions to write, or nothing when it is already first (up) or last (down).
 */
export function swapWithNeighbour<Item extends Positioned>(
  ordered: readonly Item[],
  id: string,
  direction: 'up' | 'down',
): { id: string; position: number }[] {
  const index = ordered.findIndex((item) => item.id === id)
  if (index < 0) return []
  const other = ordered[direction === 'up' ? index - 1 : index + 1]
  const item = ordered[index] as Item
  if (!other) return []
  // Equal positions (never written by this module, but possible) still swap into a strict order.
  const [a, b] =
    item.position === other.position
      ? direction === 'up'
        ? [other.position, other.position + 1]
        : [other.position + 1, other.position]
      : [other.position, item.position]
  return [
    { id: item.id, position: a },
    { id: other.id, position: b },
  ]
}

/** A recommendation of one framework version, by code. */
export interface VersionedCode {
  frameworkId: string
  code: string
}

/** One framework's recommendation carried on as another's (a `recommendation` mapping). */
export interface RecommendationMapping {
  fromFrameworkId: string
  fromCode: string
  toFrameworkId: string
  toCode: string
}

const keyOf = (item: VersionedCode) => `${item.frameworkId}\u0000${item.code}`

/**
 * Every recommendation that is the same one across versions as `start`: those mapped to it, from it,
 * and on through further versions. Their updates together are one history.
 */
export function lineageOf(start: VersionedCode, mappings: readonly RecommendationMapping[]): VersionedCode[] {
  const neighbours = new Map<string, VersionedCode[]>()
  const link = (a: VersionedCode, b: VersionedCode) => {
    const list = neighbours.get(keyOf(a)) ?? []
    list.push(b)
    neighbours.set(keyOf(a), list)
  }
  for (const mapping of mappings) {
    const from = { frameworkId: mapping.fromFrameworkId, code: mapping.fromCode }
    const to = { frameworkId: mapping.toFrameworkId, code: mapping.toCode }
    link(from, to)
    link(to, from)
  }
  const seen = new Map<string, VersionedCode>([[keyOf(start), start]])
  const queue = [start]
  while (queue.length) {
    const next = queue.shift() as VersionedCode
    for (const neighbour of neighbours.get(keyOf(next)) ?? []) {
      if (seen.has(keyOf(neighbour))) continue
      seen.set(keyOf(neighbour), neighbour)
      queue.push(neighbour)
    }
  }
  return [...seen.values()]
}

/** Who records a progress update decides its basis: a force reports on itself, an inspector verifies. */
export function basisFor(scope: { kind: string }): ProgressBasis {
  return scope.kind === 'inspectorate' ? 'inspector-verified' : 'self-reported'
}

export interface ProgressUpdateLike {
  status: RecommendationStatus
  recordedAt: Date
}

/** The current status is the latest update (the last recorded); none when there is no update. */
export function latestOf<Update extends ProgressUpdateLike>(updates: readonly Update[]): Update | null {
  let latest: Update | null = null
  for (const update of updates)
    if (!latest || update.recordedAt.getTime() >= latest.recordedAt.getTime()) latest = update
  return latest
}
