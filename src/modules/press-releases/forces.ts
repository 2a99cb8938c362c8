import fs from 'node:fs'
import type { ForceReferenceList, PressReleaseFacts } from '../../domain/press-release-facts.js'
import { FORCES_REFERENCE_CSV, type ForceReference, readForceReference } from '../forces/reference-data.js'

let shipped: ForceReferenceList | undefined
let shippedRows: ForceReference[] | undefined

function shippedReference(): ForceReference[] {
  shippedRows ??= readForceReference(fs.readFileSync(FORCES_REFERENCE_CSV, 'utf8'))
  return shippedRows
}

/** The shipped reference list of forces (code and name), for commands that run without a database. */
export function shippedForces(): ForceReferenceList {
  shipped ??= Object.freeze(
    shippedReference().map(({ code, name }) => ({
      code,
      name,
    })),
  )
  return shipped
}

/** The honours of the HMI the facts name, when the shipped reference records that HMI for the force. */
export function shippedHmiHonours(facts: PressReleaseFacts): string | null {
  const row = shippedReference().find((entry) => entry.code === facts.forceCode)
  return row && facts.hmi && row.hmi_2012 === facts.hmi ? row.hmi_honours_2012 : null
}
