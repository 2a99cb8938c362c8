import type { Scope } from '../domain/access.js'
import { type Database, isEmbedded, POOL_SIZE } from './connection.js'
import { isQueryCanceled } from './errors.js'
import { inScope, type Transaction } from './tenancy.js'

export interface SearchLimits {
  /**
   * How many searches of each queue (the inspectorate's, the forces') may hold a pooled connection at
   * once in this process; the rest wait in turn.
   */
  atOnce: number
  /**
   * How long one of a search's statements may run before a PostgreSQL server stops it. The embedded
   * database cannot: its statement runs to the end on the process's only thread, before the timer that
   * would stop it can fire, so it is not set there (see embedded-engine.ts for what such timers did).
   */
  timeoutMs: number
}

/**
 * A quarter of the pool for each queue, so searches (the inspectorate's over all 44 forces take
 * seconds) hold at most half the connections while other requests go on; 5 s, so a runaway search
 * frees its own.
 */
export const SEARCH_LIMITS: SearchLimits = {
  atOnce: Math.max(1, Math.floor(POOL_SIZE / 4)),
  timeoutMs: 5_000,
}

/** A search the database stopped for taking too long: the service is busy, not the request wrong. */
export class SearchTimeoutError extends Error {
  readonly statusCode = 503
  constructor() {
    super(
      'The search took too long and was stopped. Try again later, or narrow it with more words or a filter.',
    )
  }
}

/** At most `atOnce` pieces of work run at a time; the rest wait and start in the order they came. */
export class Turns {
  private running = 0
  private readonly waiting: (() => void)[] = []

  constructor(readonly atOnce: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.atOnce) this.running++
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await work()
    } finally {
      // A finishing piece hands its place straight to the next in line, so none can overtake.
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}

/**
 * The register searches (`?q=`) of one process: each runs in its own transaction, as inScope, once
 * fewer than `atOnce` others of its queue are running, with a statement timeout local to that
 * transaction. The inspectorate's searches span every force and take seconds, a force's of its own
 * register a tenth of that: each has a queue of its own, so no force's search waits behind the
 * inspectorate's.
 */
export class Searches {
  private readonly inspectorateTurns: Turns
  private readonly forcesTurns: Turns

  constructor(readonly limits: SearchLimits = SEARCH_LIMITS) {
    this.inspectorateTurns = new Turns(limits.atOnce)
    this.forcesTurns = new Turns(limits.atOnce)
  }

  /** Runs `work` as inScope does; as a search, bounded and timed, when `searching` is true. */
  inScope<T>(
    db: Database,
    scope: Scope,
    searching: boolean,
    work: (tx: Transaction) => Promise<T>,
  ): Promise<T> {
    if (!searching) return inScope(db, scope, work)
    const turns = scope.kind === 'inspectorate' ? this.inspectorateTurns : this.forcesTurns
    return turns.run(async () => {
      try {
        const settings = isEmbedded(db)
          ? []
          : ([['statement_timeout', String(this.limits.timeoutMs)]] as const)
        return await inScope(db, scope, work, '', settings)
      } catch (error) {
        if (isQueryCanceled(error)) throw new SearchTimeoutError()
        throw error
      }
    })
  }
}
