import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compareShares,
  designEffect,
  type Estimate,
  effectiveBase,
  estimateShare,
  publishedSums,
  sumsOf,
} from './surveys.js'

describe('weighted shares with Kish intervals', () => {
  // Ten respondents weighted 1, 1, 1, 1, 2, 2, 2, 3, 3, 4 (Σw = 20, Σw² = 1+1+1+1+4+4+4+9+9+16 = 50);
  // those weighted 1, 2, 3 and 4 (one of each) said yes: 10 of 20, p = 0.5.
  const weights = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4]
  const base = sumsOf(weights)

  it('computes the effective base and design effect by hand', () => {
    expect(base).toEqual({ n: 10, sumW: 20, sumW2: 50 })
    // (Σw)²/Σw² = 400/50 = 8; deff = 10/8 = 1.25
    expect(effectiveBase(base)).toBe(8)
    expect(designEffect(base)).toBe(1.25)
  })

  it('gives the share and its 95% interval on the effective base', () => {
    const estimate = estimateShare(1 + 2 + 3 + 4, base, 10)
    // se = √(0.5 × 0.5 / 8) = 0.1767767; margin = 1.959964 × 0.1767767 = 0.3464760
    expect(estimate.suppressed).toBe(false)
    expect(estimate.share).toBe(0.5)
    expect(estimate.lower).toBeCloseTo(0.153524, 6)
    expect(estimate.upper).toBeCloseTo(0.846476, 6)
    expect(estimate.base).toBe(10)
  })

  it('withholds a share whose unweighted base is under the minimum', () => {
    const estimate = estimateShare(10, base, 11)
    expect(estimate).toMatchObject({ suppressed: true, share: null, lower: null, upper: null, base: 10 })
  })

  it('keeps an interval within 0 and 1', () => {
    const estimate = estimateShare(19, base, 1)
    expect(estimate.share).toBe(0.95)
    expect(estimate.upper).toBe(1)
  })

  it('treats a published cell as a simple random sample of its base', () => {
    const estimate = estimateShare(0.4 * 1000, publishedSums(1000), 100)
    // se = √(0.4 × 0.6 / 1000) = 0.0154919; margin = 0.0303636
    expect(estimate.lower).toBeCloseTo(0.3696364, 6)
    expect(estimate.upper).toBeCloseTo(0.4303636, 6)
  })
})

describe('change between waves', () => {
  const share = (value: number, effective: number): Estimate => ({
    base: Math.round(effective),
    effectiveBase: effective,
    suppressed: false,
    share: value,
    lower: null,
    upper: null,
  })

  it('is not significant when the difference is within the noise', () => {
    // var = 0.25/100 + 0.24/100 = 0.0049; se = 0.07; z = 0.1/0.07 = 1.4286
    const change = compareShares(share(0.5, 100), share(0.6, 100))
    expect(change?.difference).toBeCloseTo(0.1, 10)
    expect(change?.z).toBeCloseTo(1.428571, 5)
    expect(change?.significant).toBe(false)
  })

  it('is significant when it is not', () => {
    // var = 0.25/200 + 0.2275/200 = 0.0023875; se = 0.0488621; z = 0.15/0.0488621 = 3.069864
    const change = compareShares(share(0.5, 200), share(0.65, 200))
    expect(change?.z).toBeCloseTo(3.069864, 5)
    expect(change?.significant).toBe(true)
  })

  it('says nothing about a suppressed share', () => {
    const suppressed = estimateShare(1, sumsOf([1, 1]), 100)
    expect(compareShares(suppressed, share(0.5, 100))).toBeNull()
  })
})

describe('properties', () => {
  const weightsArb = fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: 1, maxLength: 200 })

  it('the effective base is at most n, n for equal weights, and unchanged by scaling the weights', () => {
    fc.assert(
      fc.property(weightsArb, fc.double({ min: 0.01, max: 100, noNaN: true }), (weights, scale) => {
        const base = sumsOf(weights)
        const effective = effectiveBase(base)
        expect(effective).toBeLessThanOrEqual(base.n * (1 + 1e-9))
        expect(effective).toBeGreaterThan(0)
        expect(effectiveBase(sumsOf(weights.map((w) => w * scale)))).toBeCloseTo(effective, 6)
        expect(effectiveBase(sumsOf(weights.map(() => scale)))).toBeCloseTo(base.n, 6)
      }),
    )
  })

  it('a share lies within its interval, which lies within 0 and 1', () => {
    fc.assert(
      fc.property(weightsArb, fc.array(fc.boolean(), { maxLength: 200 }), (weights, said) => {
        const base = sumsOf(weights)
        const yes = weights.reduce((sum, w, index) => sum + (said[index] ? w : 0), 0)
        const estimate = estimateShare(yes, base, 1)
        const { share, lower, upper } = estimate
        if (share === null || lower === null || upper === null) throw new Error('not suppressed')
        expect(lower).toBeGreaterThanOrEqual(0)
        expect(upper).toBeLessThanOrEqual(1)
        expect(lower).toBeLessThanOrEqual(share + 1e-12)
        expect(upper).toBeGreaterThanOrEqual(share - 1e-12)
      }),
    )
  })

  it('suppresses exactly the bases under the minimum', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 1, max: 300 }), (weights, minimum) => {
        expect(estimateShare(0, sumsOf(weights), minimum).suppressed).toBe(weights.length < minimum)
      }),
    )
  })

  it('the change from A to B is the opposite of the change from B to A', () => {
    const estimate = fc.record({
      share: fc.double({ min: 0, max: 1, noNaN: true }),
      effectiveBase: fc.double({ min: 1, max: 10_000, noNaN: true }),
    })
    fc.assert(
      fc.property(estimate, estimate, (a, b) => {
        const toEstimate = (e: { share: number; effectiveBase: number }): Estimate => ({
          ...e,
          base: 100,
          suppressed: false,
          lower: null,
          upper: null,
        })
        const forward = compareShares(toEstimate(a), toEstimate(b))
        const backward = compareShares(toEstimate(b), toEstimate(a))
        expect(forward?.significant).toBe(backward?.significant)
        expect(forward?.difference).toBeCloseTo(-(backward?.difference ?? 0), 12)
      }),
    )
  })
})
