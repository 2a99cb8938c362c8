import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'

/** A 32-bit mix of integers (murmur3's finaliser over each), so every stream has its own seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const part of parts) {
    let k = Math.imul(part | 0, 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h | 0
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'))

/**
 * Reproducible randomness for the national dataset: pure-rand's xoroshiro128+ behind the few draws the
 * generator needs. The same seed always gives the same sequence; nothing reads the clock or Math.random.
 */
export class Random {
  private readonly rng: ReturnType<typeof xoroshiro128plus>

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed)
  }

  /** A stream of its own for one part of the dataset (a table of a force), from the dataset's seed. */
  static stream(seed: number, ...parts: number[]): Random {
    return new Random(mixSeed(seed, ...parts))
  }

  private uint32(): number {
    return this.rng.next() >>> 0
  }

  /** A number in [0, 1). */
  float(): number {
    return this.uint32() / 0x1_0000_0000
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1))
  }

  chance(probability: number): boolean {
    return this.float() < probability
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T
  }

  /** One of the items, chosen with the weights given alongside them. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, weight] of choices) total += weight
    let target = this.float() * total
    for (const [item, weight] of choices) {
      target -= weight
      if (target < 0) return item
    }
    return (choices[choices.length - 1] as readonly [T, number])[0]
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    const u = 1 - this.float()
    const v = this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** A version-4 UUID made of this stream's bits, so ids are as reproducible as the rest. */
  uuid(): string {
    const a = this.uint32()
    const b = this.uint32()
    const c = this.uint32()
    const d = this.uint32()
    const b1 = (b >>> 16) & 0xffff
    const b2 = ((b & 0x0fff) | 0x4000) & 0xffff
    const c1 = (((c >>> 16) & 0x3fff) | 0x8000) & 0xffff
    const c2 = c & 0xffff
    const hex = (byte: number) => HEX[byte] as string
    return `${hex(a >>> 24)}${hex((a >>> 16) & 0xff)}${hex((a >>> 8) & 0xff)}${hex(a & 0xff)}-${hex(b1 >>> 8)}${hex(b1 & 0xff)}-${hex(b2 >>> 8)}${hex(b2 & 0xff)}-${hex(c1 >>> 8)}${hex(c1 & 0xff)}-${hex(c2 >>> 8)}${hex(c2 & 0xff)}${hex(d >>> 24)}${hex((d >>> 16) & 0xff)}${hex((d >>> 8) & 0xff)}${hex(d & 0xff)}`
  }
}
