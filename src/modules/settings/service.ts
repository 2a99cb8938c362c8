import type { Database } from '../../db/connection.js'
import { inScope } from '../../db/tenancy.js'
import type { Caller } from '../../domain/access.js'
import { ForbiddenError } from '../../domain/errors.js'
import { findSetting, upsertSetting } from './queries.js'

/** The installation's own settings and markers; the system reads and writes them, no person does. */
export class SettingsService {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  /** The setting's value, or undefined when it was never set. */
  async get(caller: Caller, name: string): Promise<unknown> {
    return inScope(this.db, caller.scope, (tx) => findSetting(tx, name))
  }

  async set(caller: Caller, name: string, value: unknown): Promise<void> {
    if (caller.actor.type !== 'system') throw new ForbiddenError()
    await inScope(this.db, caller.scope, (tx) => upsertSetting(tx, name, value, this.now()))
  }
}
