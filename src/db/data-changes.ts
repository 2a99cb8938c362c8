import { LRUCache } from 'lru-cache'

/** The channel migration 0021's triggers notify on every committed change to the data. */
export const DATA_CHANGED_CHANNEL = 'probity_data_changed'

/** Starts hearing every writer's changes and returns how to stop. */
export type StartWatching = (changes: DataChanges) => Promise<() => Promise<void>>

/**
 * Counts committed changes to the data, so that what the process keeps in memory can be dropped the
 * moment it may be stale. Every connection the process opens listens, so its own writes are counted
 * before their commit returns (read-your-writes); one standing listener hears everyone else's. While
 * that listener is down, changes can be missed, so nothing kept may be used.
 *
 * A notification names the transaction and the table it changed (`<transaction>:<table>`, migration
 * 0077), so what is kept from a few tables (who a session or token belongs to, the forces) outlives
 * changes to the others (a declaration, say). One that names no table counts as a change to them all.
 */
export class DataChanges {
  #generation = 0
  #heard = false
  #stop?: () => Promise<void>
  /** Changes counted to each table, to changes that named none, and the times hearing started or stopped. */
  readonly #byTable = new Map<string, number>()
  #unnamed = 0
  #hearingChanges = 0
  /** Notifications already counted; all its connections hear one within moments of each other. */
  readonly #counted = new LRUCache<string, true>({ max: 10_000 })

  constructor(private readonly startWatching: StartWatching) {}

  /** Goes up on every change heard, and whenever hearing starts or stops. */
  get generation(): number {
    return this.#generation
  }

  /** Whether every writer's changes are being heard: only then may anything kept be used. */
  get heard(): boolean {
    return this.#heard
  }

  /**
   * A mark that moves on whenever one of `tables` changes (any table, when none are named), or hearing
   * starts or stops: what was worked out under one mark is stale under another.
   */
  markOf(tables?: readonly string[]): string {
    if (!tables) return String(this.#generation)
    const counts = tables.map((table) => this.#byTable.get(table) ?? 0)
    return `${this.#hearingChanges}.${this.#unnamed}.${counts.join('.')}`
  }

  /**
   * A transaction committed a change: `payload` is its notification's, `<transaction>:<table>` (or the
   * transaction alone, from a server before migration 0077). Every connection of the process hears it,
   * so it counts once.
   */
  changed(payload: string): void {
    if (this.#counted.has(payload)) return
    this.#counted.set(payload, true)
    this.#generation++
    const table = payload.split(':')[1]
    if (table) this.#byTable.set(table, (this.#byTable.get(table) ?? 0) + 1)
    else this.#unnamed++
  }

  /** For the listener: a gap in hearing may hide changes, so what was kept before it is dropped too. */
  hearing(heard: boolean): void {
    this.#heard = heard
    this.#generation++
    this.#hearingChanges++
  }

  /** Starts the standing listener (a server needs it; a one-off command does not). */
  async watch(): Promise<void> {
    this.#stop ??= await this.startWatching(this)
  }

  async close(): Promise<void> {
    const stop = this.#stop
    this.#stop = undefined
    await stop?.()
  }
}

interface Kept<Value> {
  value: Value
  mark: string
  expiresAt: number
}

/**
 * A bounded map whose entries last until the data they were worked out from changes, or they expire,
 * whichever comes first. The data is the tables named in `limits.tables`, or all of it when none are.
 */
export class KeptUntilDataChanges<Value extends object> {
  readonly #entries: LRUCache<string, Kept<Value>>
  readonly #tables?: readonly string[]

  constructor(
    private readonly changes: DataChanges,
    private readonly now: () => Date,
    limits: {
      maxEntries: number
      maxBytes?: number
      sizeOf?: (value: Value) => number
      /** The only tables the values are worked out from (their own rows, not what other tables add). */
      tables?: readonly string[]
    },
  ) {
    const { maxEntries, maxBytes, sizeOf } = limits
    this.#tables = limits.tables
    this.#entries = new LRUCache<string, Kept<Value>>({
      max: maxEntries,
      ...(maxBytes && sizeOf
        ? { maxSize: maxBytes, sizeCalculation: (kept) => Math.max(1, sizeOf(kept.value)) }
        : {}),
    })
  }

  /** Taken before the data a value is worked out from is read, to hand to `set` with the value. */
  get mark(): string {
    return this.changes.markOf(this.#tables)
  }

  get(key: string): Value | undefined {
    const kept = this.#entries.get(key)
    if (!kept) return undefined
    if (this.changes.heard && kept.mark === this.mark && this.now().getTime() < kept.expiresAt)
      return kept.value
    this.#entries.delete(key)
    return undefined
  }

  /** Whether a value worked out from data read after `mark` was taken would be kept now. */
  wouldKeep(mark: string): boolean {
    return this.changes.heard && mark === this.mark
  }

  /**
   * Keeps `value`, worked out from data read after `mark` was taken: if the data changed since, the
   * value may already be stale and is not kept.
   */
  set(key: string, value: Value, mark: string, expiresAt: Date): void {
    if (!this.wouldKeep(mark)) return
    this.#entries.set(key, { value, mark, expiresAt: expiresAt.getTime() })
  }
}
