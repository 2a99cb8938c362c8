import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { countLimits, funnelPosition, poissonQuantile, pooledRate, rateLimits } from './funnel.js'

/** P(X ≤ k) for X ~ Poisson(mean), by the plain product formula (fine for small means). */
function cdf(mean: number, k: number): number {
  let term = Math.exp(-mean)
  let sum = term
  for (let i = 1; i <= k; i++) {
    term *= mean / i
    sum += term
  }
  return sum
}

describe('exact Poisson quantiles', () => {
  it('match the published tables', () => {
    // R: qpois(c(0.025, 0.975, 0.001, 0.999), 10) = 4 17 2 21; qpois(0.975, 1) = 3
    expect(poissonQuantile(10, 0.025)).toBe(4)
    expect(poissonQuantile(10, 0.975)).toBe(17)
    expect(poissonQuantile(10, 0.001)).toBe(2)
    expect(poissonQuantile(10, 0.999)).toBe(21)
    expect(poissonQuantile(1, 0.975)).toBe(3)
    expect(poissonQuantile(0, 0.999)).toBe(0)
  })

  it('is the smallest count whose cumulative probability reaches p', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 60, noNaN: true }),
        fc.double({ min: 0.0005, max: 0.9995, noNaN: true }),
        (mean, p) => {
          const k = poissonQuantile(mean, p)
          expect(cdf(mean, k)).toBeGreaterThanOrEqual(p - 1e-12)
          if (k > 0) expect(cdf(mean, k - 1)).toBeLessThan(p + 1e-12)
        },
      ),
    )
  })

  it('stays near the normal approximation for large means (no underflow)', () => {
    for (const mean of [800, 2000, 5000]) {
      const upper = poissonQuantile(mean, 0.999)
      const normal = mean + 3.09 * Math.sqrt(mean)
      expect(Math.abs(upper - normal)).toBeLessThan(5)
    }
  })

  it('refuses a mean or probability that means nothing', () => {
    expect(() => poissonQuantile(-1, 0.5)).toThrow(RangeError)
    expect(() => poissonQuantile(Number.NaN, 0.5)).toThrow(RangeError)
    expect(() => poissonQuantile(1, 1)).toThrow(RangeError)
  })
})

describe('funnel positions', () => {
  it('does not put a force with one case beyond the 99.8% limit when the national rate is tiny (the median-of-0 case)', () => {
    const units = [...Array.from({ length: 43 }, () => ({ count: 0, size: 3000 })), { count: 1, size: 3000 }]
    const rate = pooledRate(units) as number
    // λ = 1/44: P(X ≥ 1) ≈ 0.022, past the 95% limit's 0.025 tail but nowhere near the 99.8% limit's 0.001.
    expect(funnelPosition({ count: 1, size: 3000 }, rate)).toBe('above-95')
    expect(units.filter((unit) => funnelPosition(unit, rate) === 'above-99.8')).toEqual([])
    // With a handful of cases nationally, one case in a force of average size is within both limits.
    const spread = [...Array.from({ length: 40 }, (_, i) => ({ count: i % 4 === 0 ? 1 : 0, size: 3000 }))]
    const spreadRate = pooledRate(spread) as number
    expect(spread.map((unit) => funnelPosition(unit, spreadRate))).toEqual(spread.map(() => 'within'))
  })

  it('flags a count far above what its size predicts, at the level it passes', () => {
    const units = Array.from({ length: 20 }, () => ({ count: 10, size: 1000 }))
    const rate = pooledRate(units) as number
    expect(funnelPosition({ count: 10, size: 1000 }, rate)).toBe('within')
    // λ = 10: 95% upper limit 17, 99.8% upper limit 21.
    expect(funnelPosition({ count: 18, size: 1000 }, rate)).toBe('above-95')
    expect(funnelPosition({ count: 22, size: 1000 }, rate)).toBe('above-99.8')
    expect(funnelPosition({ count: 3, size: 1000 }, rate)).toBe('below-95')
    expect(funnelPosition({ count: 1, size: 1000 }, rate)).toBe('below-99.8')
  })

  it('leaves out units of no size from the pooled rate, and has none without any', () => {
    expect(pooledRate([{ count: 5, size: 0 }])).toBeNull()
    expect(
      pooledRate([
        { count: 5, size: 0 },
        { count: 2, size: 4 },
      ]),
    ).toBe(0.5)
  })

  it('never flags a unit whose count is what its size predicts, whatever the rate and size', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.integer({ min: 1, max: 50_000 }),
        (rate, size) => {
          expect(funnelPosition({ count: Math.round(rate * size), size }, rate)).toBe('within')
        },
      ),
    )
  })

  it('has limits that nest (99.8% outside 95%) and narrow as the size grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 0.05, noNaN: true }),
        fc.integer({ min: 50, max: 20_000 }),
        (rate, size) => {
          const inner = countLimits(rate * size, 0.95)
          const outer = countLimits(rate * size, 0.998)
          expect(outer.lower).toBeLessThanOrEqual(inner.lower)
          expect(outer.upper).toBeGreaterThanOrEqual(inner.upper)
          const small = rateLimits(rate, size, 1000)
          const big = rateLimits(rate, size * 16, 1000)
          expect(big.upper998 - big.lower998).toBeLessThan(small.upper998 - small.lower998 + 1e-9)
        },
      ),
    )
  })
})
