import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { highlight, MultiPatternMatcher, normaliseText } from './multi-pattern.js'

const found = (patterns: string[], text: string) =>
  new MultiPatternMatcher(patterns.map((p) => ({ text: p, tag: p })))
    .matches(text)
    .map((m) => m.tag)
    .sort()

describe('multi-pattern matching', () => {
  it('normalises case, accents, punctuation and spacing', () => {
    expect(normaliseText('  Off-DUTY,   Café!! ')).toBe('off duty cafe')
    expect(normaliseText('Don’t')).toBe("don't")
    expect(normaliseText('😀 ÉCOLE 😀')).toBe('ecole')
  })

  it('respects word boundaries: "class" does not match "ass"', () => {
    expect(found(['ass'], 'A first-class job')).toEqual([])
    expect(found(['ass'], 'what an ass.')).toEqual(['ass'])
    expect(found(['ass'], 'ASS')).toEqual(['ass'])
    expect(found(['scum'], 'scumbags')).toEqual([])
    expect(found(['scum*'], 'scumbags and scum')).toEqual(['scum*', 'scum*'])
    expect(found(['scum*'], 'descum')).toEqual([])
  })

  it('finds overlapping and nested patterns, each once per occurrence', () => {
    expect(found(['police state', 'state', 'police'], 'a police state')).toEqual([
      'police',
      'police state',
      'state',
    ])
    expect(found(['he', 'she', 'hers', 'his'], 'she said hers was his, he said')).toEqual([
      'he',
      'hers',
      'his',
      'she',
    ])
    expect(found(['a a'], 'a a a')).toEqual(['a a', 'a a'])
  })

  it('matches across case, punctuation and runs of spaces in multi-word terms', () => {
    expect(found(['off duty'], 'I was OFF-duty')).toEqual(['off duty'])
    expect(found(['off duty'], 'off\n\n  duty')).toEqual(['off duty'])
    expect(found(['off duty'], 'offduty')).toEqual([])
  })

  it('matches Unicode terms and text: accents, other scripts, astral characters', () => {
    expect(found(['café'], 'the CAFE next door')).toEqual(['café'])
    expect(found(['cafe'], 'the Café next door')).toEqual(['cafe'])
    expect(found(['полиция'], 'Это ПОЛИЦИЯ!')).toEqual(['полиция'])
    expect(found(['straße'], 'die STRASSE')).toEqual([])
    expect(found(['cop'], '🚓cop🚓')).toEqual(['cop'])
    expect(found(['警察'], '我是警察')).toEqual([])
    expect(found(['警察'], '我是 警察')).toEqual(['警察'])
  })

  it('matches anywhere without word boundaries when asked (handles)', () => {
    const handles = new MultiPatternMatcher([{ text: 'gmp', tag: 1 }], { wholeWords: false })
    expect(handles.matches('pcgmpolice').map((m) => m.tag)).toEqual([1])
  })

  it('agrees with a naive search for whole-word matches', () => {
    const word = fc.constantFrom('a', 'ab', 'ba', 'b', 'abc', 'c')
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.array(word, { maxLength: 30 }),
        (patternWords, textWords) => {
          const patterns = [...new Set(patternWords.map((w) => w.join(' ')))]
          const text = textWords.join(' ')
          const expected: string[] = []
          for (const pattern of patterns) {
            for (let i = 0; i + pattern.length <= text.length; i++) {
              if (
                text.startsWith(pattern, i) &&
                (i === 0 || text[i - 1] === ' ') &&
                (i + pattern.length === text.length || text[i + pattern.length] === ' ')
              )
                expected.push(pattern)
            }
          }
          expect(found(patterns, text)).toEqual(expected.sort())
        },
      ),
    )
  })

  it('highlights the matched words in the original text', () => {
    const matcher = new MultiPatternMatcher([
      { text: 'off duty', tag: 0 },
      { text: 'duty', tag: 0 },
      { text: 'scum*', tag: 0 },
    ])
    expect(highlight('Off-Duty <b>again</b>, Scumbags!', matcher)).toEqual([
      { text: 'Off-Duty', mark: true },
      { text: ' <b>again</b>, ', mark: false },
      { text: 'Scumbags', mark: true },
      { text: '!', mark: false },
    ])
    expect(highlight('Café 😀 café', new MultiPatternMatcher([{ text: 'cafe', tag: 0 }]))).toEqual([
      { text: 'Café', mark: true },
      { text: ' 😀 ', mark: false },
      { text: 'café', mark: true },
    ])
  })
})
