import { and, eq, lt } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import type { Caller } from '../../domain/access.js'
import { NotFoundError } from '../../domain/errors.js'
import { pendingImports } from './schema.js'

/** A pending import is kept this long for the person to confirm it. */
const KEEP_HOURS = 24

/**
 * Holds the checked rows of an upload between its dry run and its confirmation. Rows are the
 * register's own validated values (JSON), so confirming re-reads nothing from the file.
 */
export class PendingImportsService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  async save(
    caller: Caller,
    forceId: number,
    register: string,
    filename: string,
    rows: unknown[],
  ): Promise<string> {
    return inScope(this.db, caller.scope, async (tx) => {
      await tx
        .delete(pendingImports)
        .where(lt(pendingImports.createdAt, new Date(this.now().getTime() - KEEP_HOURS * 3_600_000)))
      const [saved] = await tx
        .insert(pendingImports)
        .values({
          forceId,
          register,
          filename,
          rows,
          createdBy: caller.principal?.kind === 'user' ? caller.principal.id : null,
          createdAt: this.now(),
        })
        .returning({ id: pendingImports.id })
      if (!saved) throw new Error('insert returned no row')
      return saved.id
    })
  }

  /**
   * Takes a pending import out, inside the caller's transaction, so the rows are applied and the
   * pending import removed together — a second confirmation finds nothing to apply.
   */
  async take(
    tx: Transaction,
    register: string,
    importId: string,
  ): Promise<{ forceId: number; filename: string; rows: unknown[] }> {
    if (!z.uuid().safeParse(importId).success)
      throw new NotFoundError('That import has expired or was already confirmed')
    const [taken] = await tx
      .delete(pendingImports)
      .where(and(eq(pendingImports.id, importId), eq(pendingImports.register, register)))
      .returning()
    if (!taken) throw new NotFoundError('That import has expired or was already confirmed')
    return { forceId: taken.forceId, filename: taken.filename, rows: taken.rows }
  }
}
