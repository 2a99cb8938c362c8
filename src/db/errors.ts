/** PostgreSQL's SQLSTATE of an error, looked for through Drizzle's wrapping. */
function sqlState(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
  }
  return undefined
}

/** A unique constraint violation (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === '23505'
}

/**
 * A value the database cannot take (SQLSTATE class 22, "data exception": a NUL in text, a number out
 * of range, a day that does not exist): the caller's input was bad, not the service.
 */
export function isInvalidDatabaseInput(error: unknown): boolean {
  return sqlState(error)?.startsWith('22') ?? false
}

/** A statement cancelled, by its statement_timeout or by someone's request (SQLSTATE 57014). */
export function isQueryCanceled(error: unknown): boolean {
  return sqlState(error) === '57014'
}
