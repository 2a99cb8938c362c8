import { and, asc, desc, eq, type SQL, sql } from 'drizzle-orm'
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core'
import { contains } from '../../db/search-text.js'
import type { Transaction } from '../../db/tenancy.js'
import type { CaseLinkType } from '../../domain/cases.js'
import { businessInterests } from '../business-interests/schema.js'
import { giftsHospitality } from '../gifts-hospitality/schema.js'
import { mediaContacts } from '../media-contacts/schema.js'
import { staffMembers } from '../roster/schema.js'

/** The SQL of a search of the force's own registers for an entry to link to a case. */

/** A register entry that matched a search for one to link to a case. */
export interface RegisterMatchRow {
  entityType: CaseLinkType
  entityId: string
  staffName: string
  staffNumber: string
  /** What the entry is: the job, the gift or hospitality, the journalist and outlet. */
  what: string
  /** More about it: the employer, the donor, what the contact was for. */
  other: string | null
  /** The day it happened: applied for, offered, contact made. */
  on: string
}

/** How to search one register: its table, its day, what it is about and the text a word may match. */
interface RegisterSearch {
  table: PgTable
  id: AnyPgColumn
  forceId: AnyPgColumn
  staffMemberId: AnyPgColumn
  on: AnyPgColumn
  what: SQL<string>
  other: AnyPgColumn
  texts: AnyPgColumn[]
}

const REGISTER_SEARCHES: Record<CaseLinkType, RegisterSearch> = {
  'business-interest': {
    table: businessInterests,
    id: businessInterests.id,
    forceId: businessInterests.forceId,
    staffMemberId: businessInterests.staffMemberId,
    on: businessInterests.submittedOn,
    what: sql<string>`${businessInterests.nature} || ' (' || ${businessInterests.category} || ')'`,
    other: businessInterests.employer,
    texts: [businessInterests.nature, businessInterests.category, businessInterests.employer],
  },
  'gift-hospitality': {
    table: giftsHospitality,
    id: giftsHospitality.id,
    forceId: giftsHospitality.forceId,
    staffMemberId: giftsHospitality.staffMemberId,
    on: giftsHospitality.offeredOn,
    what: sql<string>`initcap(${giftsHospitality.kind}) || ': ' || ${giftsHospitality.description}`,
    other: giftsHospitality.donorName,
    texts: [giftsHospitality.kind, giftsHospitality.description, giftsHospitality.donorName],
  },
  'media-contact': {
    table: mediaContacts,
    id: mediaContacts.id,
    forceId: mediaContacts.forceId,
    staffMemberId: mediaContacts.staffMemberId,
    on: mediaContacts.contactOn,
    what: sql<string>`${mediaContacts.journalist} || ', ' || ${mediaContacts.outlet}`,
    other: mediaContacts.purpose,
    texts: [mediaContacts.journalist, mediaContacts.outlet, mediaContacts.purpose],
  },
}

/**
 * The force's register entries (second jobs, gifts and hospitality, media contacts) in which every
 * word appears, in any case, in the entry's own words, the member of staff's name or number, or its
 * day written as people type it (27 March 2012, 27/3/2012, 2012-03-27): the latest first, at most
 * `limit` of each register. The force's own only, by this condition and by row-level security.
 */
export async function selectRegisterMatches(
  tx: Transaction,
  forceId: number,
  words: readonly string[],
  registers: readonly CaseLinkType[],
  limit: number,
): Promise<RegisterMatchRow[]> {
  const found: RegisterMatchRow[] = []
  for (const entityType of registers) {
    const register = REGISTER_SEARCHES[entityType]
    const { on } = register
    const text = sql`concat_ws(' ', ${sql.join(
      [...register.texts, staffMembers.name, staffMembers.staffNumber],
      sql`, `,
    )}, to_char(${on}, 'FMDD FMMonth YYYY'), to_char(${on}, 'FMDD/FMMM/YYYY'), ${on}::text)`
    const rows = await tx
      .select({
        entityId: sql<string>`${register.id}`,
        staffName: staffMembers.name,
        staffNumber: staffMembers.staffNumber,
        what: register.what,
        other: sql<string | null>`${register.other}`,
        on: sql<string>`${on}::text`,
      })
      .from(register.table)
      .innerJoin(
        staffMembers,
        and(eq(staffMembers.forceId, register.forceId), eq(staffMembers.id, register.staffMemberId)),
      )
      .where(and(eq(register.forceId, forceId), ...words.map((word) => sql`${text} ilike ${contains(word)}`)))
      .orderBy(desc(on), asc(register.id))
      .limit(limit)
    found.push(...rows.map((row) => ({ ...row, entityType })))
  }
  return found
}
