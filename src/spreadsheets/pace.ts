import { performance } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'

/** How long a long task may hold the event loop before it lets other requests (and /healthz) run. */
export const TURN_MILLISECONDS = 10

/**
 * For loops over many rows on the server's one thread: call the returned function once per row (or
 * chunk) and await it; every TURN_MILLISECONDS of work it waits one turn of the event loop, so
 * requests that arrived meanwhile are answered. Cheaper than yielding every row, and unlike every N
 * rows it holds whatever a row costs.
 */
export function pacer(
  turnMilliseconds = TURN_MILLISECONDS,
  clock: () => number = () => performance.now(),
): () => Promise<void> | undefined {
  let turnStarted = clock()
  return () => {
    if (clock() - turnStarted < turnMilliseconds) return undefined
    return nextTurn().then(() => {
      turnStarted = clock()
    })
  }
}
