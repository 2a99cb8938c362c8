import { and, eq, inArray, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { Transaction } from '../../db/tenancy.js'
import { ValidationError } from '../../domain/errors.js'
import { optionalDay, requiredText } from '../../domain/fields.js'
import type { RowProblem } from '../../spreadsheets/validate.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  type ChangeRowsImport,
  ForceRegisterImport,
  type PendingChange,
  type PendingImportsService,
} from '../imports/service.js'
import { normaliseStaffNumber } from '../roster/rows.js'
import { staffMembers } from '../roster/schema.js'
import { policies, policyAcknowledgementRequests, policyVersions } from './schema.js'
import { POLICY_MANAGERS, POLICY_VERSION_ENTITY } from './workflow.js'

/** One row of an import of acknowledgements, by its (normalised) column headers. */
export const acknowledgementImportRowSchema = z.object({
  area: requiredText('enter the policy’s area, as in the template', 'Area', 200).transform((text) =>
    text.toLowerCase(),
  ),
  version: z
    .string()
    .trim()
    .regex(/^\d{1,6}$/, 'must be the version’s number, like 2')
    .transform(Number),
  staff_number: requiredText('enter the staff number', 'Staff number', 50).transform(normaliseStaffNumber),
  acknowledged_on: optionalDay('must be a real date, like 2012-03-27 or 27/3/2012'),
})

/**
 * The template's columns, in order: it lists everyone asked to read a published version who has not
 * acknowledged it. `name` is there to say who a row is; the import does not read it.
 */
export const ACKNOWLEDGEMENT_IMPORT_COLUMNS = ['area', 'version', 'staff_number', 'name', 'acknowledged_on']

/** An acknowledgement as an import writes it. */
interface PendingAcknowledgement {
  versionId: string
  version: number
  staffMemberId: string
  acknowledgedOn: string
}

/** The requests to read the versions a file names, keyed by area, version number and staff number. */
async function requestsOf(tx: Transaction, forceId: number, areas: string[], staffNumbers: string[]) {
  const rows =
    areas.length && staffNumbers.length
      ? await tx
          .select({
            area: policies.area,
            version: policyVersions.number,
            versionId: policyVersions.id,
            publishedOn: policyVersions.publishedOn,
            staffNumber: staffMembers.staffNumber,
            staffMemberId: staffMembers.id,
            name: staffMembers.name,
            requestedOn: policyAcknowledgementRequests.requestedOn,
            acknowledgedOn: policyAcknowledgementRequests.acknowledgedOn,
          })
          .from(policyAcknowledgementRequests)
          .innerJoin(policyVersions, eq(policyVersions.id, policyAcknowledgementRequests.versionId))
          .innerJoin(policies, eq(policies.id, policyVersions.policyId))
          .innerJoin(staffMembers, eq(staffMembers.id, policyAcknowledgementRequests.staffMemberId))
          .where(
            and(
              eq(policyAcknowledgementRequests.forceId, forceId),
              inArray(policies.area, areas),
              inArray(staffMembers.staffNumber, staffNumbers),
            ),
          )
      : []
  return new Map(rows.map((row) => [`${row.area} ${row.version} ${row.staffNumber}`, row]))
}

const ACKNOWLEDGEMENT_IMPORT: ChangeRowsImport<
  typeof acknowledgementImportRowSchema,
  PendingAcknowledgement
> = {
  register: 'policy-acknowledgements',
  entityType: POLICY_VERSION_ENTITY,
  schema: acknowledgementImportRowSchema,
  requiredColumns: ['area', 'version', 'staff_number', 'acknowledged_on'],
  async compare(tx, forceId, rows, today) {
    const requests = await requestsOf(
      tx,
      forceId,
      [...new Set(rows.map((row) => row.value.area))],
      [...new Set(rows.map((row) => row.value.staff_number))],
    )
    const firstLine = new Map<string, number>()
    const problems: RowProblem[] = []
    const changes: PendingChange<PendingAcknowledgement>[] = []
    let unchanged = 0
    for (const { line, value } of rows) {
      const key = `${value.area} ${value.version} ${value.staff_number}`
      const request = requests.get(key)
      if (!request) {
        problems.push({
          line,
          reason: `staff_number: ${value.staff_number} was not asked to read version ${value.version} of the ${value.area} policy`,
        })
        continue
      }
      const earlier = firstLine.get(key)
      if (earlier) {
        problems.push({ line, reason: `staff_number: line ${earlier} already gives this acknowledgement` })
        continue
      }
      firstLine.set(key, line)
      const day = value.acknowledged_on
      if (!day || day === request.acknowledgedOn) {
        unchanged++
        continue
      }
      const reasons: string[] = []
      if (day > today) reasons.push('acknowledged_on: must be today or in the past')
      else if (day < request.requestedOn)
        reasons.push(`acknowledged_on: must be on or after the day they were asked, ${request.requestedOn}`)
      if (request.acknowledgedOn)
        reasons.push(`acknowledged_on: they already acknowledged this version on ${request.acknowledgedOn}`)
      if (reasons.length) {
        problems.push({ line, reason: reasons.join('; ') })
        continue
      }
      changes.push({
        line,
        action: 'Acknowledged',
        cells: [
          { text: `${request.area}, version ${request.version}` },
          { text: `${request.staffNumber} ${request.name}` },
          { day },
        ],
        row: {
          versionId: request.versionId,
          version: request.version,
          staffMemberId: request.staffMemberId,
          acknowledgedOn: day,
        },
      })
    }
    return { changes, problems, unchanged }
  },
  async insert(tx, rows, { forceId, recordedBy, now, actor }) {
    for (const row of rows) {
      const [updated] = await tx
        .update(policyAcknowledgementRequests)
        .set({
          // Midday: the day it was acknowledged, whatever the clocks did that day.
          acknowledgedAt: new Date(`${row.acknowledgedOn}T12:00:00Z`),
          acknowledgedOn: row.acknowledgedOn,
          acknowledgedBy: recordedBy,
        })
        .where(
          and(
            eq(policyAcknowledgementRequests.forceId, forceId),
            eq(policyAcknowledgementRequests.versionId, row.versionId),
            eq(policyAcknowledgementRequests.staffMemberId, row.staffMemberId),
            isNull(policyAcknowledgementRequests.acknowledgedAt),
          ),
        )
        .returning({ versionId: policyAcknowledgementRequests.versionId })
      // Acknowledged on the page since the dry run: the whole import stops, and nothing is written.
      if (!updated)
        throw new ValidationError({
          file: 'Someone in the file acknowledged on the page since the file was checked: upload it again to see who',
        })
      await appendAuditEvent(
        tx,
        actor,
        {
          forceId,
          entityType: POLICY_VERSION_ENTITY,
          entityId: row.versionId,
          action: 'acknowledge',
          after: {
            staffMemberId: row.staffMemberId,
            version: row.version,
            acknowledgedOn: row.acknowledgedOn,
            imported: true,
          },
        },
        now,
      )
    }
  },
}

/** Acknowledgements recorded on paper, from a spreadsheet, for those who publish the force's policies. */
export const acknowledgementsImport = (pendingImports: PendingImportsService) =>
  new ForceRegisterImport(pendingImports, POLICY_MANAGERS, ACKNOWLEDGEMENT_IMPORT)
