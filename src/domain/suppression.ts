/**
 * Small-number suppression of a published table (rows: forces; columns: items), pure.
 *
 * Primary: a figure from 1 up to the threshold is withheld (a small count could identify people); 0 is
 * shown, as "none" identifies no one. Secondary: the column totals are published (a national review
 * states them), so the withheld figures of a column add up to the total minus the rest. A reader knows
 * each is at least 1; they are pinned down when there is one alone, or when they are all 1s (their sum
 * equals their number). In such a column the smallest figure above the threshold is withheld too, so
 * the withheld figures then add up to more than their number and none is pinned down.
 * Where a column has nothing else to withhold, its total must not be published: the result says which.
 */

/** The threshold used unless a publisher records a reason for another. */
export const DEFAULT_SUPPRESSION_THRESHOLD = 5

export type Cell = number | null

export interface SuppressedTable {
  /** Whether each cell is withheld (published as "*"). */
  withheld: boolean[][]
  /** Why each withheld cell was withheld. */
  reasons: ('small number' | 'secondary' | null)[][]
  /** Columns whose total must not be published (a single withheld figure and nothing to pair it with). */
  totalsWithheld: number[]
}

/** Whether a figure is a small number at the threshold: from 1 up to it. */
export function isSmall(value: Cell, threshold: number): boolean {
  return value !== null && value >= 1 && value <= threshold
}

/**
 * Which cells of `table` (rows × columns; null where there is no figure) to withhold at `threshold`, for
 * the columns listed in `suppressible` (others, such as yes/no or shares, are published as they are).
 */
export function suppressTable(
  table: readonly (readonly Cell[])[],
  threshold: number,
  suppressible: readonly number[],
): SuppressedTable {
  const reasons: SuppressedTable['reasons'] = table.map((row) => row.map(() => null))
  const totalsWithheld: number[] = []
  if (threshold >= 1)
    for (const column of suppressible) {
      const primary: number[] = []
      for (const [index, row] of table.entries())
        if (isSmall(row[column] ?? null, threshold)) primary.push(index)
      for (const index of primary)
        (reasons[index] as SuppressedTable['reasons'][number])[column] = 'small number'
      // Withheld figures that are all 1s are pinned by their sum as surely as one alone is by the total.
      const sum = primary.reduce((total, index) => total + (table[index]?.[column] as number), 0)
      if (primary.length === 0 || (primary.length > 1 && sum > primary.length)) continue
      let partner: number | null = null
      for (const [index, row] of table.entries()) {
        const value = row[column] ?? null
        if (value === null || value <= threshold || primary.includes(index)) continue
        const best = partner === null ? null : (table[partner]?.[column] as number)
        if (best === null || value < best) partner = index
      }
      if (partner === null) totalsWithheld.push(column)
      else (reasons[partner] as SuppressedTable['reasons'][number])[column] = 'secondary'
    }
  return { withheld: reasons.map((row) => row.map((reason) => reason !== null)), reasons, totalsWithheld }
}
