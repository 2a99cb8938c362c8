// Every table of every module, for Drizzle's relational queries and for drizzle-kit's migrations.
export * from '../modules/audit/schema.js'
export * from '../modules/forces/schema.js'
export * from '../modules/identity/schema.js'
