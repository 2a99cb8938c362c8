import type { z } from 'zod'

/**
 * The row schema of each register's upload, by the register's name (RegisterImport.register). The
 * worker that checks uploads (check-worker.ts) finds a register's schema here, since a schema cannot be
 * sent to another thread; each is imported only when an upload to that register is first checked.
 */
const ROW_SCHEMAS: Record<string, () => Promise<z.ZodType>> = {
  'gifts-hospitality': async () => (await import('../gifts-hospitality/fields.js')).importRowSchema,
  'media-contacts': async () => (await import('../media-contacts/fields.js')).importRowSchema,
  'referral-outcomes': async () => (await import('../referrals/import.js')).outcomeImportRowSchema,
  'policy-acknowledgements': async () =>
    (await import('../policies/import.js')).acknowledgementImportRowSchema,
  'acu-staffing': async () => (await import('../acu-staffing/import.js')).staffingImportRowSchema,
  'business-interests': async () => (await import('../business-interests/import.js')).importRowSchema,
  'integrity-cases': async () => (await import('../integrity-cases/import.js')).caseImportRowSchema,
  'supplier-contracts': async () => (await import('../organisations/suppliers-import.js')).supplierRowSchema,
}

/** The row schema of a register's upload; a register with none listed is a fault of the code. */
export function rowSchemaOf(register: string): Promise<z.ZodType> {
  const load = ROW_SCHEMAS[register]
  if (!load) throw new Error(`no row schema is listed for the register ${register} (row-schemas.ts)`)
  return load()
}
