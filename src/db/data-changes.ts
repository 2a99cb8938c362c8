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
 */
export class DataChanges {
  #generation = 0
  #heard = false
  #stop?: () => Promise<void>
  /** Transactions already counted; all its connections hear one within moments of each other. */
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
   * A transaction committed: `transactionId` is its notification's payload. Every connection of the
   * process hears it, so it counts once.
   */
  changed(transactionId: string): void {
    if (this.#counted.has(transactionId)) return
    this.#counted.set(transactionId, true)
    this.#generation++
  }

  /** For the listener: a gap in hearing may hide changes, so what was kept before it is dropped too. */
  hearing(heard: boolean): void {
    this.#heard = heard
    this.#generation++
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
  generation: number
  expiresAt: number
}

/** A bounded map whose entries last until the data changes or they expire, whichever comes first. */
export class KeptUntilDataChanges<Value extends object> {
  readonly #entries: LRUCache<string, Kept<Value>>

  constructor(
    private readonly changes: DataChanges,
    private readonly now: () => Date,
    limits: { maxEntries: number; maxBytes?: number; sizeOf?: (value: Value) => number },
  ) {
    const { maxEntries, maxBytes, sizeOf } = limits
    this.#entries = new LRUCache<string, Kept<Value>>({
      max: maxEntries,
      ...(maxBytes && sizeOf
        ? { maxSize: maxBytes, sizeCalculation: (kept) => Math.max(1, sizeOf(kept.value)) }
        : {}),
    })
  }

  get(key: string): Value | undefined {
    const kept = this.#entries.get(key)
    if (!kept) return undefined
    if (
      this.changes.heard &&
      kept.generation === this.changes.generation &&
      this.now().getTime() < kept.expiresAt
    )
      return kept.value
    this.#entries.delete(key)
    return undefined
  }

  /** Whether a value worked out from data read after `generation` was taken would be kept now. */
  wouldKeep(generation: number): boolean {
    return this.changes.heard && generation === this.changes.generation
  }

  /**
   * Keeps `value`, worked out from data read after `generation` was taken: if the data changed since,
   * the value may already be stale and is not kept.
   */
  set(key: string, value: Value, generation: number, expiresAt: Date): void {
    if (!this.wouldKeep(generation)) return
    this.#entries.set(key, { value, generation, expiresAt: expiresAt.getTime() })
  }
}
