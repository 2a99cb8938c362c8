import type { Database } from '../../db/connection.js'
import { inScope, type Transaction } from '../../db/tenancy.js'
import { actingId, type Caller, requireRole, userIdOf } from '../../domain/access.js'
import { NotFoundError, ValidationError } from '../../domain/errors.js'
import { organisationKey } from '../../domain/organisations.js'
import type { Role } from '../../domain/roles.js'
import { appendAuditEvent } from '../audit/service.js'
import {
  insertDistinction,
  type LinkedRecord,
  mergeOrganisations,
  type OrganisationSummary,
  selectContracts,
  selectLinkedRecords,
  selectNameKeys,
  selectOrganisation,
  selectOrganisations,
  selectProposedMatches,
} from './queries.js'
import { type SupplierContractRow, writeSupplierContracts } from './suppliers-import.js'

/** Who works with organisations: the force's caseworkers (and its administrators). */
export const ORGANISATION_KEEPERS: Role[] = ['force-caseworker']
export const ORGANISATION_ENTITY = 'organisation'

/** The most organisations a list shows; a search narrows it. */
export const LIST_LIMIT = 200
/** The most proposed matches a page shows at once; deciding them brings the next. */
const MATCH_LIMIT = 50

export interface ProposedMatchView {
  first: OrganisationSummary & { keys: string[] }
  second: OrganisationSummary & { keys: string[] }
  /** As a percentage, for the page. */
  similarity: number
}

/** The caller's own force: organisations are a force's alone (the inspectorate sees none). */
function ownForce(caller: Caller): number {
  requireRole(caller, ...ORGANISATION_KEEPERS)
  if (caller.scope.kind !== 'force') throw new NotFoundError()
  return caller.scope.forceId
}

export class OrganisationsService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  private inForce<T>(caller: Caller, work: (tx: Transaction, forceId: number) => Promise<T>) {
    const forceId = ownForce(caller)
    return inScope(this.db, caller.scope, (tx) => work(tx, forceId), actingId(caller))
  }

  /** The force's organisations, by name; `search` keeps those with a name containing it. */
  list(caller: Caller, search?: string): Promise<OrganisationSummary[]> {
    const contains = search ? organisationKey(search) : undefined
    return this.inForce(caller, (tx, forceId) =>
      selectOrganisations(tx, forceId, { contains: contains || undefined }, LIST_LIMIT),
    )
  }

  /** One organisation: its name keys, its contracts and every register record that names it. */
  async show(caller: Caller, id: string) {
    return this.inForce(caller, async (tx, forceId) => {
      const organisation = await selectOrganisation(tx, forceId, id)
      if (!organisation) throw new NotFoundError('No such organisation')
      const keys = (await selectNameKeys(tx, [id])).map((name) => name.nameKey)
      const records: LinkedRecord[] = await selectLinkedRecords(tx, forceId, keys)
      return { organisation, keys, contracts: await selectContracts(tx, forceId, id), records }
    })
  }

  /** Adds contracts to the force's supplier list (the demo's; a force imports its own). */
  addContracts(caller: Caller, rows: Omit<SupplierContractRow, 'key'>[]) {
    const now = this.now()
    return this.inForce(caller, (tx, forceId) =>
      writeSupplierContracts(
        tx,
        forceId,
        rows.map((row) => ({ ...row, key: organisationKey(row.supplier) })),
        now,
      ),
    )
  }

  /** The force's supplier list: every contract with its supplier and managing unit. */
  contracts(caller: Caller) {
    return this.inForce(caller, (tx, forceId) => selectContracts(tx, forceId))
  }

  /** Pairs of organisations whose names are alike, for a caseworker to confirm or split. */
  proposedMatches(caller: Caller): Promise<ProposedMatchView[]> {
    return this.inForce(caller, async (tx, forceId) => {
      const pairs = await selectProposedMatches(tx, forceId, MATCH_LIMIT)
      if (!pairs.length) return []
      const ids = [...new Set(pairs.flatMap((pair) => [pair.firstId, pair.secondId]))]
      const summaries = new Map(
        (await selectOrganisations(tx, forceId, { ids }, ids.length)).map((row) => [row.id, row]),
      )
      const keys = new Map<string, string[]>()
      for (const name of await selectNameKeys(tx, ids))
        keys.set(name.organisationId, [...(keys.get(name.organisationId) ?? []), name.nameKey])
      return pairs.flatMap((pair) => {
        // The organisation known first is the one the other would be merged into.
        const [first, second] = [summaries.get(pair.firstId), summaries.get(pair.secondId)].sort(
          (a, b) => (a?.createdEpochSeconds ?? 0) - (b?.createdEpochSeconds ?? 0),
        )
        if (!first || !second) return []
        return [
          {
            first: { ...first, keys: keys.get(first.id) ?? [] },
            second: { ...second, keys: keys.get(second.id) ?? [] },
            similarity: Math.round(pair.similarity * 100),
          },
        ]
      })
    })
  }

  /**
   * A caseworker's answer to a proposed match: the same organisation (the second's names, contracts
   * and records become the first's) or different ones (never proposed again). Audited either way.
   */
  async decide(caller: Caller, firstId: string, secondId: string, same: boolean): Promise<{ name: string }> {
    if (firstId === secondId) throw new ValidationError({ decision: 'Choose two different organisations' })
    const now = this.now()
    return this.inForce(caller, async (tx, forceId) => {
      const first = await selectOrganisation(tx, forceId, firstId)
      const second = await selectOrganisation(tx, forceId, secondId)
      if (!first || !second) throw new NotFoundError('No such organisation')
      if (same && first.companyNumber && second.companyNumber && first.companyNumber !== second.companyNumber)
        throw new ValidationError({
          decision: `${first.name} and ${second.name} have different company numbers, so they are different organisations`,
        })
      if (same) {
        await mergeOrganisations(
          tx,
          forceId,
          first.id,
          second.id,
          first.companyNumber ?? second.companyNumber,
          now,
        )
      } else await insertDistinction(tx, forceId, [first.id, second.id], userIdOf(caller), now)
      await appendAuditEvent(
        tx,
        caller.actor,
        {
          forceId,
          entityType: ORGANISATION_ENTITY,
          entityId: first.id,
          action: same ? 'merge' : 'split',
          before: { first, second },
          after: same ? { kept: first.id, merged: second.id } : { different: [first.id, second.id] },
        },
        now,
      )
      return { name: first.name }
    })
  }
}
