/** PostgreSQL's SQLSTATE for a unique constraint violation, looked for through Drizzle's wrapping. */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if ((current as { code?: unknown }).code === '23505') return true
  }
  return false
}
