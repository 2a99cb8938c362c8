import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Transaction } from '../../db/tenancy.js'
import { optionalText, requiredText } from '../../domain/fields.js'
import { companyNumber, organisationKey } from '../../domain/organisations.js'
import type { RowProblem } from '../../spreadsheets/validate.js'
import {
  type ChangeRowsImport,
  ForceRegisterImport,
  type PendingChange,
  type PendingImportsService,
} from '../imports/service.js'
import { selectByKeysOrNumbers } from './queries.js'
import { organisationNames, organisations, supplierContracts } from './schema.js'
import { ORGANISATION_KEEPERS } from './service.js'

/** One row of a procurement system's supplier list: a contract and its supplier. */
export const supplierRowSchema = z.object({
  supplier: requiredText('enter the supplier’s name', 'supplier', 300),
  company_number: optionalText('company_number', 20),
  contract_reference: requiredText('enter the contract’s reference', 'contract_reference', 100),
  description: optionalText('description', 1000),
  managing_unit: optionalText('managing_unit', 200),
})

export const SUPPLIER_COLUMNS = Object.keys(supplierRowSchema.shape)

/** A contract as an import writes it. */
export interface SupplierContractRow {
  supplier: string
  key: string
  companyNumber: string | null
  reference: string
  description: string | null
  managingUnit: string | null
}

const SUPPLIER_IMPORT: ChangeRowsImport<typeof supplierRowSchema, SupplierContractRow> = {
  register: 'supplier-contracts',
  entityType: 'supplier-contract',
  schema: supplierRowSchema,
  requiredColumns: ['supplier', 'contract_reference'],
  async compare(tx, forceId, rows) {
    const problems: RowProblem[] = []
    const changes: PendingChange<SupplierContractRow>[] = []
    let unchanged = 0
    const numbers = rows.flatMap(({ value }) => {
      const number = value.company_number ? companyNumber(value.company_number) : undefined
      return number ? [number] : []
    })
    const known = await selectByKeysOrNumbers(
      tx,
      forceId,
      rows.map(({ value }) => organisationKey(value.supplier)),
      numbers,
    )
    const byKey = new Map(known.map((row) => [row.nameKey, row]))
    const byNumber = new Map(known.flatMap((row) => (row.companyNumber ? [[row.companyNumber, row]] : [])))
    const references = [...new Set(rows.map(({ value }) => value.contract_reference))]
    const recorded = new Map(
      (references.length
        ? await tx
            .select({ contract: supplierContracts, supplier: organisations.name })
            .from(supplierContracts)
            .innerJoin(organisations, eq(organisations.id, supplierContracts.organisationId))
            .where(
              and(eq(supplierContracts.forceId, forceId), inArray(supplierContracts.reference, references)),
            )
        : []
      ).map((row) => [row.contract.reference, row]),
    )
    const firstLine = new Map<string, number>()
    for (const { line, value } of rows) {
      const reasons: string[] = []
      const key = organisationKey(value.supplier)
      if (!key) reasons.push('supplier: must have letters or digits in it')
      let number: string | null = null
      if (value.company_number) {
        number = companyNumber(value.company_number) ?? null
        if (!number)
          reasons.push('company_number: must be a Companies House number, like 01234567 or SC123456')
      }
      const earlier = firstLine.get(value.contract_reference)
      if (earlier) reasons.push(`contract_reference: line ${earlier} already gives this contract`)
      else firstLine.set(value.contract_reference, line)
      const named = byKey.get(key)
      const numbered = number ? byNumber.get(number) : undefined
      if (named && numbered && named.id !== numbered.id)
        reasons.push(`company_number: is ${numbered.name}’s, not ${named.name}’s`)
      else if (named?.companyNumber && number && named.companyNumber !== number)
        reasons.push(`company_number: ${named.name} has the company number ${named.companyNumber}`)
      if (reasons.length) {
        problems.push({ line, reason: reasons.join('; ') })
        continue
      }
      const row: SupplierContractRow = {
        supplier: value.supplier,
        key,
        companyNumber: number,
        reference: value.contract_reference,
        description: value.description,
        managingUnit: value.managing_unit,
      }
      const before = recorded.get(row.reference)
      if (
        before &&
        organisationKey(before.supplier) === key &&
        before.contract.description === row.description &&
        before.contract.managingUnit === row.managingUnit &&
        (!number || byKey.get(key)?.companyNumber === number)
      ) {
        unchanged++
        continue
      }
      changes.push({
        line,
        action: before ? 'Update' : named || numbered ? 'Add to a known organisation' : 'Add',
        cells: [
          { text: row.supplier },
          { text: row.companyNumber ?? '' },
          { text: row.reference },
          { text: row.managingUnit ?? '' },
        ],
        row,
      })
    }
    return { changes, problems, unchanged }
  },
  insert: (tx, rows, { forceId, now }) => writeSupplierContracts(tx, forceId, rows, now),
}

/**
 * Writes contracts to the force's supplier list: each supplier found by its name key or company
 * number (made an organisation when it is neither), each contract added or updated by its reference.
 */
export async function writeSupplierContracts(
  tx: Transaction,
  forceId: number,
  rows: readonly SupplierContractRow[],
  now: Date,
) {
  for (const row of rows) {
    const [known] = await selectByKeysOrNumbers(
      tx,
      forceId,
      [row.key],
      row.companyNumber ? [row.companyNumber] : [],
    )
    let organisationId = known?.id
    if (!organisationId) {
      const [made] = await tx
        .insert(organisations)
        .values({
          forceId,
          name: row.supplier,
          companyNumber: row.companyNumber,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: organisations.id })
      organisationId = made?.id as string
    } else if (row.companyNumber)
      await tx
        .update(organisations)
        .set({ companyNumber: row.companyNumber, updatedAt: now })
        .where(eq(organisations.id, organisationId))
    // A supplier found by its company number under another name now answers to this one too.
    await tx
      .insert(organisationNames)
      .values({ forceId, nameKey: row.key, organisationId })
      .onConflictDoNothing()
    await tx
      .insert(supplierContracts)
      .values({
        forceId,
        organisationId,
        reference: row.reference,
        description: row.description,
        managingUnit: row.managingUnit,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [supplierContracts.forceId, supplierContracts.reference],
        set: {
          organisationId,
          description: row.description,
          managingUnit: row.managingUnit,
          updatedAt: now,
        },
      })
  }
}

/** The force's supplier list from its procurement system's CSV or Excel export. */
export const suppliersImport = (pendingImports: PendingImportsService) =>
  new ForceRegisterImport(pendingImports, ORGANISATION_KEEPERS, SUPPLIER_IMPORT)
