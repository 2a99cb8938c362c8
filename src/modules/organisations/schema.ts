import { foreignKey, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { forces } from '../forces/schema.js'
import { users } from '../identity/schema.js'

/**
 * An organisation a force's registers name: a donor, the employer in a second job, a media outlet, a
 * supplier. Made by the database as register rows name it (migration 0036), one per name key, and
 * merged when a caseworker confirms that two are the same.
 */
export const organisations = pgTable(
  'organisations',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer()
      .notNull()
      .references(() => forces.id),
    /** The name as first written. */
    name: text().notNull(),
    /** Companies House number, from the supplier list. */
    companyNumber: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique('organisations_force_id').on(table.forceId, table.id)],
)

/** Every name key (src/domain/organisations.ts) that resolves to an organisation, per force. */
export const organisationNames = pgTable(
  'organisation_names',
  {
    forceId: integer().notNull(),
    nameKey: text().notNull(),
    organisationId: uuid().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.forceId, table.nameKey] }),
    foreignKey({
      columns: [table.forceId, table.organisationId],
      foreignColumns: [organisations.forceId, organisations.id],
    }).onDelete('cascade'),
  ],
)

/** Two organisations a caseworker said are not the same, so they are not proposed again (first < second). */
export const organisationDistinctions = pgTable(
  'organisation_distinctions',
  {
    forceId: integer().notNull(),
    firstId: uuid().notNull(),
    secondId: uuid().notNull(),
    decidedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.forceId, table.firstId, table.secondId] }),
    foreignKey({
      columns: [table.forceId, table.firstId],
      foreignColumns: [organisations.forceId, organisations.id],
    }).onDelete('cascade'),
    foreignKey({
      columns: [table.forceId, table.secondId],
      foreignColumns: [organisations.forceId, organisations.id],
    }).onDelete('cascade'),
  ],
)

/** The force's supplier list: each contract, its supplier and the unit that manages it. */
export const supplierContracts = pgTable(
  'supplier_contracts',
  {
    id: uuid().primaryKey().defaultRandom(),
    forceId: integer().notNull(),
    organisationId: uuid().notNull(),
    /** The procurement system's reference for the contract. */
    reference: text().notNull(),
    description: text(),
    /** The roster's unit that manages the contract. */
    managingUnit: text(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('supplier_contracts_force_reference').on(table.forceId, table.reference),
    foreignKey({
      columns: [table.forceId, table.organisationId],
      foreignColumns: [organisations.forceId, organisations.id],
    }).onDelete('cascade'),
  ],
)
