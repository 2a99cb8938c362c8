import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  changeBy,
  countOf,
  nounFor,
  numberInWords,
  ofWhich,
  parseNumberPhrase,
  parseNumberToken,
  pluralOf,
  pressNumber,
  readNumberAt,
  verbFor,
} from './number-words.js'

describe('writing numbers as the press office does', () => {
  it('writes one to nine in words and 10 and over in digits', () => {
    expect([1, 2, 7, 9, 10, 40, 72, 1204].map((value) => pressNumber(value))).toEqual([
      'one',
      'two',
      'seven',
      'nine',
      '10',
      '40',
      '72',
      '1,204',
    ])
  })

  it('never opens a sentence with digits', () => {
    expect(pressNumber(7, { start: true })).toBe('Seven')
    expect(pressNumber(40, { start: true })).toBe('Forty')
    expect(pressNumber(76, { start: true })).toBe('Seventy-six')
    expect(pressNumber(123, { start: true })).toBe('A total of 123')
  })

  it('writes numbers in British English words', () => {
    expect(numberInWords(0)).toBe('zero')
    expect(numberInWords(21)).toBe('twenty-one')
    expect(numberInWords(105)).toBe('one hundred and five')
    expect(numberInWords(1204)).toBe('one thousand two hundred and four')
    expect(numberInWords(3000)).toBe('three thousand')
    expect(numberInWords(1_000_021)).toBe('one million and twenty-one')
  })

  it('makes nouns and verbs agree with the count, and phrases zero by the context', () => {
    expect(countOf(1, 'case')).toBe('one case')
    expect(countOf(7, 'case')).toBe('seven cases')
    expect(countOf(0, 'case')).toBe('no cases')
    expect(countOf(0, 'case', { start: true })).toBe('No cases')
    expect(countOf(0, 'case', { zero: 'any' })).toBe('any cases')
    expect(countOf(7, 'case', { start: true })).toBe('Seven cases')
    expect(countOf(40, 'application')).toBe('40 applications')
    expect(countOf(2, 'member of staff')).toBe('two members of staff')
    expect(countOf(3, 'instance of inappropriate disclosure')).toBe(
      'three instances of inappropriate disclosure',
    )
    expect(countOf(5, 'person')).toBe('five people')
    expect(pluralOf('inquiry')).toBe('inquiries')
    expect(pluralOf('business')).toBe('businesses')
    expect(nounFor(1, 'case')).toBe('case')
    expect([verbFor(0), verbFor(1), verbFor(2), verbFor(1, 'has', 'have')]).toEqual([
      'were',
      'was',
      'were',
      'has',
    ])
  })

  it('writes the part of a whole', () => {
    expect(ofWhich(40, 40, 'approved')).toBe('all of which were approved')
    expect(ofWhich(72, 76, 'approved')).toBe('72 of which were approved')
    expect(ofWhich(3, 15, 'continuing')).toBe('three of which were continuing')
    expect(ofWhich(1, 15, 'continuing')).toBe('one of which was continuing')
    expect(ofWhich(0, 15, 'continuing')).toBe('none of which were continuing')
    expect(ofWhich(2, 2, 'approved')).toBe('both of which were approved')
    expect(ofWhich(1, 1, 'continuing')).toBe('which was continuing')
    expect(ofWhich(0, 1, 'approved')).toBe('which was not approved')
    expect(() => ofWhich(5, 3, 'approved')).toThrow(RangeError)
  })

  it('writes changes', () => {
    expect(changeBy(0)).toBe('no change')
    expect(changeBy(3)).toBe('increased by three')
    expect(changeBy(-12)).toBe('reduced by 12')
    expect(changeBy(-1, 'member of staff')).toBe('reduced by one member of staff')
    expect(changeBy(4, 'post')).toBe('increased by four posts')
  })

  it('refuses what is not a count', () => {
    expect(() => pressNumber(-1)).toThrow(RangeError)
    expect(() => pressNumber(1.5)).toThrow(RangeError)
  })
})

describe('reading numbers back', () => {
  it('reads number words and digits', () => {
    expect(parseNumberToken('seven')).toBe(7)
    expect(parseNumberToken('Seven')).toBe(7)
    expect(parseNumberToken('twenty-one')).toBe(21)
    expect(parseNumberToken('twenty‑one')).toBe(21)
    expect(parseNumberToken('72')).toBe(72)
    expect(parseNumberToken('1,204')).toBe(1204)
    expect(parseNumberToken('twenty-ten')).toBeNull()
    expect(parseNumberToken('cases')).toBeNull()
  })

  it('reads phrases, and the words that mean zero', () => {
    expect(parseNumberPhrase('one hundred and five')).toBe(105)
    expect(parseNumberPhrase('twenty one')).toBe(21)
    expect(parseNumberPhrase('a hundred')).toBe(100)
    expect(parseNumberPhrase('a single')).toBe(1)
    expect(parseNumberPhrase('none')).toBe(0)
    expect(parseNumberPhrase('no')).toBe(0)
    expect(parseNumberPhrase('nil')).toBe(0)
    expect(parseNumberPhrase('seven three')).toBeNull()
    expect(parseNumberPhrase('')).toBeNull()
  })

  it('reads the number at a position and says how many words it took', () => {
    const words = 'identified one hundred and twenty-three cases'.split(' ')
    expect(readNumberAt(words, 1)).toEqual({ value: 123, length: 4 })
    expect(readNumberAt(words, 0)).toBeNull()
    expect(readNumberAt('a single case'.split(' '), 0, true)).toEqual({ value: 1, length: 2 })
    expect(readNumberAt('a hundred cases'.split(' '), 0, true)).toEqual({ value: 100, length: 2 })
    expect(readNumberAt('a dozen cases'.split(' '), 0, true)).toEqual({ value: 12, length: 2 })
    expect(readNumberAt('no cases'.split(' '), 0)).toBeNull()
    expect(readNumberAt('no cases'.split(' '), 0, true)).toEqual({ value: 0, length: 1 })
  })

  it('reads back every number it writes, in words or in press style', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), (value) => {
        expect(parseNumberPhrase(numberInWords(value))).toBe(value)
        expect(parseNumberPhrase(pressNumber(value))).toBe(value)
        if (value < 100) expect(parseNumberPhrase(pressNumber(value, { start: true }))).toBe(value)
      }),
      { numRuns: 2000 },
    )
  })
})
