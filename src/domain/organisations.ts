/**
 * How an organisation's name is compared across registers: "Radio Systems plc", "RADIO SYSTEMS
 * LIMITED" and "Radio-Systems Ltd." are one key, "radio systems". Migration 0036 defines the same rule
 * in SQL (probity_organisation_key), so that the database links register rows by it; a test holds the
 * two to the same answers.
 *
 * Only ASCII letters are lowered, and everything but ASCII letters and digits separates words, so that
 * the rule does not depend on a database's locale.
 */
export function organisationKey(name: string): string {
  const words = name
    .replace(/[A-Z]/g, (letter) => letter.toLowerCase())
    .replace(/['’.]/g, '')
    .replaceAll('&', ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
  return words.replace(/ (ltd|limited|plc|llp)$/, '')
}

/** Names the rule ignores: a gift's donor recorded as a member of the public is no organisation. */
export const UNORGANISED_DONOR_TYPES = ['public'] as const

/**
 * A Companies House company number: eight characters, digits or two letters and six digits (SC123456
 * for Scotland, NI…, OC… for partnerships). Shorter all-digit numbers are padded, as Companies House
 * writes them (1234567 is 01234567). Undefined when it is not one.
 */
export function companyNumber(text: string): string | undefined {
  const trimmed = text.trim().toUpperCase().replace(/\s+/g, '')
  if (/^\d{1,8}$/.test(trimmed)) return trimmed.padStart(8, '0')
  if (/^[A-Z]{2}\d{6}$/.test(trimmed)) return trimmed
  return undefined
}

/** How alike two names' keys must be (pg_trgm's similarity, 0 to 1) before a caseworker is asked. */
export const MATCH_SIMILARITY = 0.45
