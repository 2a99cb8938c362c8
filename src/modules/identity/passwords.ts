import { hash, verify } from '@node-rs/argon2'

// argon2id with OWASP's recommended minimum cost (19 MiB, 2 passes).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 256

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

/** False for an account with no password here (it signs in through an identity provider), as slowly. */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) return verifyDecoy(password)
  try {
    return await verify(passwordHash, password)
  } catch {
    return false
  }
}

/**
 * Spent when no account matches, so a wrong email takes as long as a wrong password and timing does
 * not reveal which accounts exist.
 */
let decoyHash: Promise<string> | undefined
export async function verifyDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword('decoy password that matches no account')
  await verifyPassword(await decoyHash, password)
  return false
}

/** Length over complexity, as the NCSC advises; an email address is not a password. */
export function passwordProblem(password: string, email: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Password must be ${PASSWORD_MIN_LENGTH} characters or more`
  if (password.length > PASSWORD_MAX_LENGTH)
    return `Password must be ${PASSWORD_MAX_LENGTH} characters or fewer`
  if (password.trim().toLowerCase() === email.trim().toLowerCase())
    return 'Password must not be your email address'
  return undefined
}
