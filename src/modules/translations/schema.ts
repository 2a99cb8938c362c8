import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { users } from '../identity/schema.js'

/**
 * The Welsh catalogue's strings an administrator has approved (src/web/i18n/cy.json and each module's
 * messages.cy.json). A string is approved only as worded when approved: a row whose `welsh` differs
 * from the catalogue's current text
 * approves nothing, so a changed translation goes back for review by itself.
 */
export const welshTranslationApprovals = pgTable('welsh_translation_approvals', {
  /** The catalogue key. */
  key: text().primaryKey(),
  /** The Welsh text approved, exactly (a plural message as its JSON). */
  welsh: text().notNull(),
  approvedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
  approvedByLabel: text().notNull(),
  approvedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
})
