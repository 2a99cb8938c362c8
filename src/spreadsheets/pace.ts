import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'

/** How long a long task may hold the event loop before it lets other requests (and /healthz) run. */
export const TURN_MILLISECONDS = 10

/** The turn of the event loop the pacers on one clock are in: when it started, and the wait for the next. */
interface Turn {
  startedAt: number
  next: Promise<void> | undefined
}

const turns = new WeakMap<() => number, Turn>()
const processClock = () => performance.now()

/**
 * For loops over many rows on the server's one thread: call the returned function once per row (or
 * chunk) and await it; every TURN_MILLISECONDS of work it waits one turn of the event loop, so
 * requests that arrived meanwhile are answered. Cheaper than yielding every row, and unlike every N
 * rows it holds whatever a row costs.
 *
 * Every pacer on the same clock counts the same turn and waits for the same next one: loops nested
 * in one another (a CSV reader's chunks, its rows, the check of each row) hold the loop for one
 * turn's worth between them, not one each one after another.
 */
export function pacer(
  turnMilliseconds = TURN_MILLISECONDS,
  clock: () => number = processClock,
): () => Promise<void> | undefined {
  let turn = turns.get(clock)
  if (!turn) {
    turn = { startedAt: clock(), next: undefined }
    turns.set(clock, turn)
  }
  const shared = turn
  return () => {
    if (clock() - shared.startedAt < turnMilliseconds) return undefined
    shared.next ??= nextTurn().then(() => {
      shared.startedAt = clock()
      shared.next = undefined
    })
    return shared.next
  }
}
