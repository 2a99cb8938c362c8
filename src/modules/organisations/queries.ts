import { and, eq, inArray, or, type SQL, sql } from 'drizzle-orm'
import type { Transaction } from '../../db/tenancy.js'
import { MATCH_SIMILARITY } from '../../domain/organisations.js'
import { organisationDistinctions, organisationNames, organisations, supplierContracts } from './schema.js'

/*
 * The registers' records are read here by the key of the name they give (probity_organisation_key,
 * with an index on each), read-only and under the same row-level security: the exception the README
 * names, as finding every gift of an organisation is one query only when it joins.
 */

/** Both drivers answer a raw statement with its rows in `rows`. */
async function rowsOf<Row>(tx: Transaction, query: SQL): Promise<Row[]> {
  return ((await tx.execute(query)) as unknown as { rows: Row[] }).rows
}

const keyList = (keys: readonly string[]) =>
  sql.join(
    keys.map((key) => sql`${key}`),
    sql`, `,
  )

export interface OrganisationSummary {
  id: string
  name: string
  companyNumber: string | null
  /** When the organisation was first known, in seconds since 1970: a number, so that it sorts as time does. */
  createdEpochSeconds: number
  names: number
  gifts: number
  secondJobs: number
  mediaContacts: number
  contracts: number
}

/**
 * The force's organisations with how often each register names them; `contains` keeps those with a
 * name key containing it, `ids` those named.
 */
export function selectOrganisations(
  tx: Transaction,
  forceId: number,
  filter: { contains?: string; ids?: readonly string[] },
  limit: number,
): Promise<OrganisationSummary[]> {
  const narrowed = sql.join(
    [
      filter.contains
        ? sql`and exists (select 1 from organisation_names k
                           where k.organisation_id = o.id and k.name_key like ${`%${filter.contains}%`})`
        : sql``,
      filter.ids ? sql`and o.id in (${keyList(filter.ids)})` : sql``,
    ],
    sql` `,
  )
  return rowsOf(
    tx,
    sql`
    with linked as (
      select probity_organisation_key(donor_name) as key, count(*) as gifts, 0 as jobs, 0 as contacts
        from gifts_hospitality where force_id = ${forceId} and donor_type <> 'public' group by 1
      union all
      select probity_organisation_key(employer), 0, count(*), 0
        from business_interests where force_id = ${forceId} and employer is not null group by 1
      union all
      select probity_organisation_key(outlet), 0, 0, count(*)
        from media_contacts where force_id = ${forceId} group by 1
    )
    select o.id, o.name, o.company_number as "companyNumber",
           extract(epoch from o.created_at)::float8 as "createdEpochSeconds",
           count(distinct n.name_key)::int as names,
           coalesce(sum(l.gifts), 0)::int as gifts,
           coalesce(sum(l.jobs), 0)::int as "secondJobs",
           coalesce(sum(l.contacts), 0)::int as "mediaContacts",
           (select count(*) from supplier_contracts c where c.organisation_id = o.id)::int as contracts
      from organisations o
      left join organisation_names n on n.organisation_id = o.id
      left join linked l on l.key = n.name_key
     where o.force_id = ${forceId} ${narrowed}
     group by o.id
     order by lower(o.name), o.id
     limit ${limit}`,
  )
}

export async function selectOrganisation(tx: Transaction, forceId: number, id: string) {
  const [organisation] = await tx
    .select()
    .from(organisations)
    .where(and(eq(organisations.forceId, forceId), eq(organisations.id, id)))
  return organisation
}

export async function selectNameKeys(tx: Transaction, organisationIds: readonly string[]) {
  if (!organisationIds.length) return []
  return tx
    .select()
    .from(organisationNames)
    .where(inArray(organisationNames.organisationId, [...organisationIds]))
    .orderBy(organisationNames.nameKey)
}

export function selectContracts(tx: Transaction, forceId: number, organisationId?: string) {
  return tx
    .select({
      id: supplierContracts.id,
      reference: supplierContracts.reference,
      description: supplierContracts.description,
      managingUnit: supplierContracts.managingUnit,
      organisationId: supplierContracts.organisationId,
      supplier: organisations.name,
      companyNumber: organisations.companyNumber,
    })
    .from(supplierContracts)
    .innerJoin(organisations, eq(organisations.id, supplierContracts.organisationId))
    .where(
      and(
        eq(supplierContracts.forceId, forceId),
        organisationId ? eq(supplierContracts.organisationId, organisationId) : undefined,
      ),
    )
    .orderBy(organisations.name, supplierContracts.reference)
}

/** A register record that names an organisation, as its page lists it. */
export interface LinkedRecord {
  register: 'gifts' | 'second-jobs' | 'media-contacts'
  id: string
  day: string
  nameGiven: string
  /** A gift's kind (`gift`, `hospitality`), a closed list's value the page words in its language. */
  giftKind: string | null
  summary: string
  staffName: string
  staffNumber: string
}

/** Every record of the three registers that gives one of the name keys, newest first. */
export function selectLinkedRecords(
  tx: Transaction,
  forceId: number,
  keys: readonly string[],
): Promise<LinkedRecord[]> {
  if (!keys.length) return Promise.resolve([])
  return rowsOf(
    tx,
    sql`
    select 'gifts' as register, g.id, g.offered_on::text as day, g.donor_name as "nameGiven",
           g.kind as "giftKind", g.description as summary, s.name as "staffName", s.staff_number as "staffNumber"
      from gifts_hospitality g join staff_members s on s.id = g.staff_member_id
     where g.force_id = ${forceId} and g.donor_type <> 'public'
       and probity_organisation_key(g.donor_name) in (${keyList(keys)})
    union all
    select 'second-jobs', b.id, b.submitted_on::text, b.employer, null, b.nature, s.name, s.staff_number
      from business_interests b join staff_members s on s.id = b.staff_member_id
     where b.force_id = ${forceId} and probity_organisation_key(b.employer) in (${keyList(keys)})
    union all
    select 'media-contacts', m.id, m.contact_on::text, m.outlet, null, m.journalist || ': ' || m.purpose, s.name,
           s.staff_number
      from media_contacts m join staff_members s on s.id = m.staff_member_id
     where m.force_id = ${forceId} and probity_organisation_key(m.outlet) in (${keyList(keys)})
     order by day desc, register, id`,
  )
}

export interface ProposedMatch {
  firstId: string
  secondId: string
  similarity: number
}

/**
 * Pairs of the force's organisations whose names are alike by trigrams (pg_trgm's % through its GIN
 * index), most alike first, leaving out pairs a caseworker has said are different.
 */
export async function selectProposedMatches(
  tx: Transaction,
  forceId: number,
  limit: number,
): Promise<ProposedMatch[]> {
  await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(MATCH_SIMILARITY)}, true)`)
  return rowsOf(
    tx,
    sql`
    select a.organisation_id as "firstId", b.organisation_id as "secondId",
           max(similarity(a.name_key, b.name_key))::float8 as similarity
      from organisation_names a
      join organisation_names b
        on b.force_id = a.force_id and b.name_key % a.name_key and a.organisation_id < b.organisation_id
     where a.force_id = ${forceId}
       and not exists (select 1 from organisation_distinctions d
                        where d.force_id = a.force_id and d.first_id = a.organisation_id
                          and d.second_id = b.organisation_id)
     group by a.organisation_id, b.organisation_id
     order by similarity desc, a.organisation_id, b.organisation_id
     limit ${limit}`,
  )
}

/**
 * Moves every name and contract of `merged` to `kept`, and every pair a caseworker kept apart from it
 * (what is different from `merged` is different from `kept`, so it is not proposed again), then deletes
 * `merged`.
 */
export async function mergeOrganisations(
  tx: Transaction,
  forceId: number,
  kept: string,
  merged: string,
  companyNumber: string | null,
  now: Date,
) {
  await tx
    .update(organisationNames)
    .set({ organisationId: kept })
    .where(and(eq(organisationNames.forceId, forceId), eq(organisationNames.organisationId, merged)))
  await tx
    .update(supplierContracts)
    .set({ organisationId: kept })
    .where(and(eq(supplierContracts.forceId, forceId), eq(supplierContracts.organisationId, merged)))
  await tx.execute(sql`
    insert into organisation_distinctions (force_id, first_id, second_id, decided_by, decided_at)
    select force_id, least(${kept}::uuid, other), greatest(${kept}::uuid, other), decided_by, decided_at
      from (select force_id, case when first_id = ${merged}::uuid then second_id else first_id end as other,
                   decided_by, decided_at
              from organisation_distinctions
             where force_id = ${forceId} and ${merged}::uuid in (first_id, second_id)) apart
     where other <> ${kept}::uuid
    on conflict do nothing`)
  await tx.delete(organisations).where(and(eq(organisations.forceId, forceId), eq(organisations.id, merged)))
  await tx
    .update(organisations)
    .set({ companyNumber, updatedAt: now })
    .where(and(eq(organisations.forceId, forceId), eq(organisations.id, kept)))
}

export async function insertDistinction(
  tx: Transaction,
  forceId: number,
  pair: [string, string],
  decidedBy: string | null,
  now: Date,
) {
  const [firstId, secondId] = [...pair].sort() as [string, string]
  await tx
    .insert(organisationDistinctions)
    .values({ forceId, firstId, secondId, decidedBy, decidedAt: now })
    .onConflictDoNothing()
}

/** The organisations that already hold these name keys or company numbers. */
export async function selectByKeysOrNumbers(
  tx: Transaction,
  forceId: number,
  keys: readonly string[],
  numbers: readonly string[],
) {
  const conditions: SQL[] = []
  if (keys.length) conditions.push(inArray(organisationNames.nameKey, [...keys]))
  if (numbers.length) conditions.push(inArray(organisations.companyNumber, [...numbers]))
  if (!conditions.length) return []
  return tx
    .select({
      id: organisations.id,
      name: organisations.name,
      companyNumber: organisations.companyNumber,
      nameKey: organisationNames.nameKey,
    })
    .from(organisations)
    .innerJoin(organisationNames, eq(organisationNames.organisationId, organisations.id))
    .where(and(eq(organisations.forceId, forceId), or(...conditions)))
}
