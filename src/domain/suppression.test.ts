import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type Cell, isSmall, suppressTable } from './suppression.js'

/** What a reader of the published table sees: the shown figures, "*" for withheld ones, the column totals. */
function published(table: readonly (readonly Cell[])[], withheld: boolean[][], totalsWithheld: number[]) {
  const columns = table[0]?.length ?? 0
  return {
    shown: table.map((row, r) => row.map((value, c) => (withheld[r]?.[c] ? '*' : value))),
    totals: Array.from({ length: columns }, (_, c) =>
      totalsWithheld.includes(c) ? null : table.reduce((sum, row) => sum + (row[c] ?? 0), 0),
    ),
  }
}

const tables = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }))
  .chain(([rows, columns]) =>
    fc.array(
      fc.array(fc.option(fc.nat({ max: 40 }), { nil: null, freq: 8 }), {
        minLength: columns,
        maxLength: columns,
      }),
      { minLength: rows, maxLength: rows },
    ),
  )

describe('small-number suppression', () => {
  it('withholds every small number, never a zero or a missing figure, and only in suppressible columns', () => {
    fc.assert(
      fc.property(tables, fc.integer({ min: 0, max: 10 }), (table, threshold) => {
        const suppressible = [0, 2]
        const { withheld } = suppressTable(table, threshold, suppressible)
        for (const [r, row] of table.entries())
          for (const [c, value] of row.entries()) {
            const isWithheld = withheld[r]?.[c] === true
            if (suppressible.includes(c) && isSmall(value, threshold)) expect(isWithheld).toBe(true)
            if (value === null || value === 0 || !suppressible.includes(c) || threshold === 0)
              expect(isWithheld).toBe(false)
          }
      }),
    )
  })

  it('lets no withheld figure be worked out from the published figures and totals', () => {
    fc.assert(
      fc.property(tables, fc.integer({ min: 1, max: 10 }), (table, threshold) => {
        const columns = table[0]?.length ?? 0
        const all = Array.from({ length: columns }, (_, c) => c)
        const { withheld, totalsWithheld } = suppressTable(table, threshold, all)
        const seen = published(table, withheld, totalsWithheld)
        for (const [r, row] of table.entries())
          for (const [c, value] of row.entries()) {
            if (!withheld[r]?.[c]) continue
            // A reader knows a withheld figure is at least 1 (zeros are shown). Find another table that
            // publishes exactly the same thing but differs in this cell: then this cell is not recoverable.
            const others = table
              .map((_, index) => index)
              .filter((index) => index !== r && withheld[index]?.[c])
            const witness = table.map((line) => [...line])
            const mine = value as number
            const donor = others.find((index) => (table[index]?.[c] as number) >= 2)
            const receiver = others[0]
            if (mine >= 2 && receiver !== undefined) {
              ;(witness[r] as Cell[])[c] = mine - 1
              ;(witness[receiver] as Cell[])[c] = (table[receiver]?.[c] as number) + 1
            } else if (donor !== undefined) {
              ;(witness[r] as Cell[])[c] = mine + 1
              ;(witness[donor] as Cell[])[c] = (table[donor]?.[c] as number) - 1
            } else {
              // No other withheld figure to trade with: only safe if the column's total is not published.
              expect(seen.totals[c]).toBeNull()
              continue
            }
            expect(published(witness, withheld, totalsWithheld)).toEqual(seen)
            expect(witness[r]?.[c]).not.toBe(value)
            expect(witness.every((line, index) => !withheld[index]?.[c] || (line[c] as number) >= 1)).toBe(
              true,
            )
          }
      }),
      { numRuns: 500 },
    )
  })

  it('withholds at most one more figure per column, the smallest it can', () => {
    const table = [[3], [40], [12], [0], [null], [25]]
    const { reasons, totalsWithheld } = suppressTable(table, 5, [0])
    expect(reasons.map((row) => row[0])).toEqual(['small number', null, 'secondary', null, null, null])
    expect(totalsWithheld).toEqual([])
    // Two small numbers already protect each other: nothing more withheld.
    expect(suppressTable([[2], [4], [30]], 5, [0]).reasons.map((row) => row[0])).toEqual([
      'small number',
      'small number',
      null,
    ])
    // Nothing to pair the one small number with: the column's total must not be published.
    expect(suppressTable([[2], [0], [null]], 5, [0]).totalsWithheld).toEqual([0])
  })
})
