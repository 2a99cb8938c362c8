import { z } from 'zod'
import type { ValidationError } from '../domain/errors.js'

/** The JSON API's answer to input that breaks a rule: the problems together, and one per field. */
export const problemJson = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  details: z.array(z.object({ field: z.string(), message: z.string() })),
})

/** The body of a 400 answer for a ValidationError, as `problemJson` describes it. */
export function problemOf(error: ValidationError): z.infer<typeof problemJson> {
  return {
    statusCode: 400,
    error: 'Bad Request',
    message: error.message,
    details: Object.entries(error.fieldErrors).map(([field, message]) => ({ field, message })),
  }
}

/** The member of staff a register's record is about, as the registers' JSON shows them. */
export const staffMemberReferenceJson = z.object({
  id: z.string(),
  staffNumber: z.string(),
  name: z.string(),
  grade: z.string(),
  unit: z.string(),
})

/** The member of staff of a record read with the roster's columns alongside. */
export function staffMemberReferenceOf(record: {
  staffMemberId: string
  staffNumber: string
  staffName: string
  grade: string
  unit: string
}): z.infer<typeof staffMemberReferenceJson> {
  return {
    id: record.staffMemberId,
    staffNumber: record.staffNumber,
    name: record.staffName,
    grade: record.grade,
    unit: record.unit,
  }
}
