import fs from 'node:fs'
import type { ForceReferenceList } from '../../domain/press-release-facts.js'
import { FORCES_REFERENCE_CSV, readForceReference } from '../forces/reference-data.js'

let shipped: ForceReferenceList | undefined

/** The shipped reference list of forces (code and name), for commands that run without a database. */
export function shippedForces(): ForceReferenceList {
  shipped ??= Object.freeze(
    readForceReference(fs.readFileSync(FORCES_REFERENCE_CSV, 'utf8')).map(({ code, name }) => ({
      code,
      name,
    })),
  )
  return shipped
}
