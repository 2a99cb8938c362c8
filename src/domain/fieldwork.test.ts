import { describe, expect, it } from 'vitest'
import {
  basisFor,
  headlineOf,
  judgementRefusal,
  latestOf,
  lineageOf,
  swapWithNeighbour,
} from './fieldwork.js'

describe('moderation of a headline judgement', () => {
  const proposed = { status: 'proposed' as const, judgement: 'improvements', proposedBy: 'ann' }
  it('lets anyone propose until it is confirmed', () => {
    expect(judgementRefusal(null, 'propose', 'ann')).toBeNull()
    expect(judgementRefusal(proposed, 'propose', 'bob')).toBeNull()
    expect(judgementRefusal({ ...proposed, status: 'returned' }, 'propose', 'ann')).toBeNull()
    expect(judgementRefusal({ ...proposed, status: 'confirmed' }, 'propose', 'ann')).toMatch(/reopen/)
  })
  it('needs another inspector than the proposer to confirm or return it', () => {
    expect(judgementRefusal(proposed, 'confirm', 'ann')).toMatch(/another inspector must confirm/)
    expect(judgementRefusal(proposed, 'return', 'ann')).toMatch(/another inspector must moderate/)
    expect(judgementRefusal(proposed, 'confirm', 'bob')).toBeNull()
    expect(judgementRefusal(proposed, 'return', 'bob')).toBeNull()
    expect(judgementRefusal(null, 'confirm', 'bob')).toMatch(/no proposed judgement/)
    expect(judgementRefusal({ ...proposed, status: 'returned' }, 'confirm', 'bob')).toMatch(/no proposed/)
  })
  it('reopens only a confirmed judgement, and only a confirmed one is the headline', () => {
    expect(judgementRefusal(proposed, 'reopen', 'bob')).toMatch(/Only a confirmed/)
    expect(judgementRefusal({ ...proposed, status: 'confirmed' }, 'reopen', 'ann')).toBeNull()
    expect(headlineOf(proposed)).toBeNull()
    expect(headlineOf({ ...proposed, status: 'confirmed' })).toBe('improvements')
    expect(headlineOf(null)).toBeNull()
  })
})

describe('the order of findings', () => {
  const list = [
    { id: 'a', position: 1 },
    { id: 'b', position: 2 },
    { id: 'c', position: 5 },
  ]
  it('swaps a finding with its neighbour, and leaves the ends alone', () => {
    expect(swapWithNeighbour(list, 'c', 'up')).toEqual([
      { id: 'c', position: 2 },
      { id: 'b', position: 5 },
    ])
    expect(swapWithNeighbour(list, 'a', 'down')).toEqual([
      { id: 'a', position: 2 },
      { id: 'b', position: 1 },
    ])
    expect(swapWithNeighbour(list, 'a', 'up')).toEqual([])
    expect(swapWithNeighbour(list, 'c', 'down')).toEqual([])
    expect(swapWithNeighbour(list, 'z', 'up')).toEqual([])
  })
  it('still orders two findings that share a position', () => {
    const tied = [
      { id: 'a', position: 3 },
      { id: 'b', position: 3 },
    ]
    expect(swapWithNeighbour(tied, 'b', 'up')).toEqual([
      { id: 'b', position: 3 },
      { id: 'a', position: 4 },
    ])
  })
})

describe('a recommendation across framework versions', () => {
  const mappings = [
    { fromFrameworkId: 'v1', fromCode: 'R1', toFrameworkId: 'v2', toCode: 'REC-1' },
    { fromFrameworkId: 'v2', fromCode: 'REC-1', toFrameworkId: 'v3', toCode: 'X1' },
    { fromFrameworkId: 'v1', fromCode: 'R2', toFrameworkId: 'v2', toCode: 'REC-2' },
  ]
  it('follows mappings both ways through every version', () => {
    const codes = (start: { frameworkId: string; code: string }) =>
      lineageOf(start, mappings)
        .map((item) => `${item.frameworkId}:${item.code}`)
        .sort()
    expect(codes({ frameworkId: 'v2', code: 'REC-1' })).toEqual(['v1:R1', 'v2:REC-1', 'v3:X1'])
    expect(codes({ frameworkId: 'v1', code: 'R1' })).toEqual(['v1:R1', 'v2:REC-1', 'v3:X1'])
    expect(codes({ frameworkId: 'v2', code: 'REC-9' })).toEqual(['v2:REC-9'])
  })
  it('takes the basis from who records and the latest update as current', () => {
    expect(basisFor({ kind: 'force' })).toBe('self-reported')
    expect(basisFor({ kind: 'inspectorate' })).toBe('inspector-verified')
    const at = (iso: string) => new Date(iso)
    expect(
      latestOf([
        { status: 'in progress' as const, recordedAt: at('2012-01-01') },
        { status: 'implemented' as const, recordedAt: at('2012-03-01') },
        { status: 'not started' as const, recordedAt: at('2011-01-01') },
      ])?.status,
    ).toBe('implemented')
    expect(latestOf([])).toBeNull()
  })
})
