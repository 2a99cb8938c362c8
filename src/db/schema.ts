// Every table of every module, for Drizzle's relational queries and for drizzle-kit's migrations.
export * from '../modules/forces/schema.js'
