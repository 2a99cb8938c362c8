import { hash, randomBytes } from 'node:crypto'

/** A bearer secret: 32 random bytes, with a prefix that says what it is when found in a log or a file. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`
}

/** Secrets are stored only as their SHA-256: enough for 256-bit random values, and a leak gives nothing. */
export function secretHash(secret: string): string {
  return hash('sha256', secret)
}
