import { and, eq, inArray, sql } from 'drizzle-orm'
import { z } from 'zod'
import { dayField, optionalText } from '../../domain/fields.js'
import type { RowProblem } from '../../spreadsheets/validate.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  type ChangeRowsImport,
  ForceRegisterImport,
  type PendingChange,
  type PendingImportsService,
} from '../imports/service.js'
import { acuStaffing } from './schema.js'
import { fte, implausiblyFilled, STAFFING_ENTITY, STAFFING_KEEPERS, type StaffingRow } from './service.js'

/** One row of an import of the unit's staffing, by its (normalised) column headers. */
export const staffingImportRowSchema = z.object({
  as_of: dayField('enter the date the figures are for', 'must be a real date, like 2012-03-31 or 31/3/2012'),
  posts_funded: fte('enter the posts funded', 'the posts funded'),
  posts_filled: fte('enter the posts filled', 'the posts filled'),
  notes: optionalText('Notes', 2000),
})

/** The template's columns, in order; notes may be left out. */
export const STAFFING_IMPORT_COLUMNS = Object.keys(staffingImportRowSchema.shape)

/** Figures as an import writes them: those of a date already recorded are replaced. */
interface StaffingFigures {
  asOf: string
  postsFunded: number
  postsFilled: number
  notes: string | null
}

const sameFigures = (row: StaffingFigures, recorded: StaffingRow) =>
  row.postsFunded === recorded.postsFunded &&
  row.postsFilled === recorded.postsFilled &&
  (row.notes ?? null) === (recorded.notes ?? null)

const STAFFING_IMPORT: ChangeRowsImport<typeof staffingImportRowSchema, StaffingFigures> = {
  register: 'acu-staffing',
  entityType: STAFFING_ENTITY,
  schema: staffingImportRowSchema,
  requiredColumns: ['as_of', 'posts_funded', 'posts_filled'],
  async compare(tx, forceId, rows, today) {
    const days = [...new Set(rows.map((row) => row.value.as_of))]
    const recorded = new Map(
      (days.length
        ? await tx
            .select()
            .from(acuStaffing)
            .where(and(eq(acuStaffing.forceId, forceId), inArray(acuStaffing.asOf, days)))
        : []
      ).map((row) => [row.asOf, row]),
    )
    const firstLine = new Map<string, number>()
    const problems: RowProblem[] = []
    const changes: PendingChange<StaffingFigures>[] = []
    let unchanged = 0
    for (const { line, value } of rows) {
      const figures = {
        asOf: value.as_of,
        postsFunded: value.posts_funded,
        postsFilled: value.posts_filled,
        notes: value.notes,
      }
      const reasons: string[] = []
      if (figures.asOf > today) reasons.push('as_of: must be today or in the past')
      const earlier = firstLine.get(figures.asOf)
      if (earlier) reasons.push(`as_of: line ${earlier} already gives figures for this date`)
      else firstLine.set(figures.asOf, line)
      if (implausiblyFilled(figures))
        reasons.push('posts_filled: look wrong: check them against the posts funded')
      if (reasons.length) {
        problems.push({ line, reason: reasons.join('; ') })
        continue
      }
      const before = recorded.get(figures.asOf)
      if (before && sameFigures(figures, before)) {
        unchanged++
        continue
      }
      changes.push({
        line,
        action: before ? `Replace ${before.postsFunded} funded, ${before.postsFilled} filled` : 'Add',
        cells: [
          { day: figures.asOf },
          { number: figures.postsFunded },
          { number: figures.postsFilled },
          { text: figures.notes ?? '' },
        ],
        row: figures,
      })
    }
    return { changes, problems, unchanged }
  },
  async insert(tx, rows, { forceId, recordedBy, now, actor }) {
    const before = new Map(
      (
        await tx
          .select()
          .from(acuStaffing)
          .where(
            and(
              eq(acuStaffing.forceId, forceId),
              inArray(
                acuStaffing.asOf,
                rows.map((row) => row.asOf),
              ),
            ),
          )
      ).map((row) => [row.asOf, row]),
    )
    const written = await tx
      .insert(acuStaffing)
      .values(rows.map((row) => ({ ...row, forceId, recordedBy, createdAt: now, updatedAt: now })))
      .onConflictDoUpdate({
        target: [acuStaffing.forceId, acuStaffing.asOf],
        set: {
          postsFunded: sql`excluded.posts_funded`,
          postsFilled: sql`excluded.posts_filled`,
          notes: sql`excluded.notes`,
          updatedAt: now,
        },
      })
      .returning()
    // Each date's figures keep their own history, as when recorded on the page: a replacement shows both.
    for (const row of written) {
      const was = before.get(row.asOf)
      await appendAuditEvent(
        tx,
        actor,
        {
          forceId,
          entityType: STAFFING_ENTITY,
          entityId: row.id,
          action: was ? 'update' : 'create',
          before: was ?? null,
          after: row,
        },
        now,
      )
    }
  },
}

/** The unit's staffing from a spreadsheet, for those who record it. */
export const acuStaffingImport = (pendingImports: PendingImportsService) =>
  new ForceRegisterImport(pendingImports, STAFFING_KEEPERS, STAFFING_IMPORT)
