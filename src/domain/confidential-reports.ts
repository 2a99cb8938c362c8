import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Rules of a force's confidential reporting line: the codes a reporter is given, the challenge a
 * report form must meet, and how long a report closed without a case is kept.
 */

/** A report waits in the queue (open), went into a case (attached), or was closed with a reason. */
export const REPORT_STATUSES = ['open', 'attached', 'closed'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

/** Crockford's base32 without I, L, O and U: nothing to misread when copied from paper. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

function randomGroups(groups: number, size: number, random: (bytes: number) => Buffer): string {
  const bytes = random(groups * size)
  const characters = [...bytes].map((byte) => ALPHABET[byte & 31])
  const parts: string[] = []
  for (let group = 0; group < groups; group++)
    parts.push(characters.slice(group * size, (group + 1) * size).join(''))
  return parts.join('-')
}

/** What a reporter quotes to come back: not a secret on its own (the passphrase is), 40 random bits. */
export function newReceiptCode(random: (bytes: number) => Buffer = randomBytes): string {
  return `R-${randomGroups(2, 4, random)}`
}

/** The reporter's secret: 100 random bits in five groups, stored only as an argon2 hash. */
export function newPassphrase(random: (bytes: number) => Buffer = randomBytes): string {
  return randomGroups(5, 4, random)
}

/** A code as typed: spaces, dashes and case do not matter, and the letters people confuse are read as digits. */
function typedCharacters(typed: string): string {
  return typed
    .toUpperCase()
    .replace(/[^0-9A-Z]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
}

/** A receipt code as typed, in the form it was given (R-XXXX-XXXX), or undefined if it cannot be one. */
export function typedReceiptCode(typed: string): string | undefined {
  const characters = typedCharacters(typed)
  if (!/^R[0-9A-Z]{8}$/.test(characters)) return undefined
  return `R-${characters.slice(1, 5)}-${characters.slice(5)}`
}

/** A passphrase as typed, in the form it was given (five groups of four), or undefined if it cannot be one. */
export function typedPassphrase(typed: string): string | undefined {
  const characters = typedCharacters(typed)
  if (characters.length !== 20) return undefined
  return characters.match(/.{4}/g)?.join('-')
}

/** A report form's challenge: how old its token must be, how long it lasts, and the optional work. */
export const FORM_CHALLENGE = {
  /** A person reads and writes for longer than this; a script posting at once is refused. */
  minimumSeconds: 20,
  /** With the browser's proof of work (JavaScript on), the wait is shorter: the work is the cost. */
  minimumSecondsWithWork: 3,
  /** A form left open longer than this is shown again with a fresh token. */
  maximumSeconds: 4 * 60 * 60,
  /** Leading zero bits of SHA-256(token:proof): about 65,000 hashes, a second or so in a browser. */
  workBits: 16,
} as const

const tokenSignature = (secret: string, forceCode: string, issuedAt: number, nonce: string) =>
  createHmac('sha256', secret)
    .update(`confidential-report|${forceCode}|${issuedAt}|${nonce}`)
    .digest('base64url')

/** A signed token for one report form: when it was given, a nonce to spend once, and the signature. */
export function issueFormToken(secret: string, forceCode: string, now: Date): string {
  const issuedAt = now.getTime()
  const nonce = randomBytes(16).toString('base64url')
  return `${issuedAt}.${nonce}.${tokenSignature(secret, forceCode, issuedAt, nonce)}`
}

/** Whether SHA-256 of `token:proof` starts with `bits` zero bits. */
export function workDone(token: string, proof: string, bits: number = FORM_CHALLENGE.workBits): boolean {
  if (!/^\d{1,12}$/.test(proof)) return false
  const digest = createHash('sha256').update(`${token}:${proof}`).digest()
  let zeroes = 0
  for (const byte of digest) {
    if (byte === 0) {
      zeroes += 8
      if (zeroes >= bits) return true
      continue
    }
    return zeroes + Math.clz32(byte) - 24 >= bits
  }
  return true
}

export type FormTokenCheck =
  | { ok: true; nonce: string }
  | { ok: false; reason: 'invalid' | 'too-soon' | 'expired' }

/** When a token of ours was given and its nonce, or undefined when we did not sign it (for this force). */
function readFormToken(secret: string, forceCode: string, token: string) {
  const [issued, nonce, signature, ...rest] = token.split('.')
  if (!issued || !nonce || !signature || rest.length || !/^\d{1,15}$/.test(issued)) return undefined
  const issuedAt = Number(issued)
  const expected = Buffer.from(tokenSignature(secret, forceCode, issuedAt, nonce))
  const given = Buffer.from(signature)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
  return { issuedAt, nonce }
}

/**
 * Checks a report form's token: signed by us for this force, old enough (less so with the proof of
 * work), and not expired. That it is spent only once is the database's part (a nonce's unique key).
 */
export function checkFormToken(
  secret: string,
  forceCode: string,
  token: string,
  proof: string | undefined,
  now: Date,
): FormTokenCheck {
  const read = readFormToken(secret, forceCode, token)
  if (!read || (proof && !workDone(token, proof))) return { ok: false, reason: 'invalid' }
  const ageSeconds = (now.getTime() - read.issuedAt) / 1000
  const minimum = proof ? FORM_CHALLENGE.minimumSecondsWithWork : FORM_CHALLENGE.minimumSeconds
  if (ageSeconds < minimum) return { ok: false, reason: 'too-soon' }
  if (ageSeconds > FORM_CHALLENGE.maximumSeconds) return { ok: false, reason: 'expired' }
  return { ok: true, nonce: read.nonce }
}

/** Whether a form shown again (with a mistake to put right) may keep its token: ours and not expired. */
export function formTokenReusable(secret: string, forceCode: string, token: string, now: Date): boolean {
  const read = readFormToken(secret, forceCode, token)
  return !!read && (now.getTime() - read.issuedAt) / 1000 <= FORM_CHALLENGE.maximumSeconds
}

/** How long a report closed without a case is kept, unless the force sets otherwise. */
export const DEFAULT_RETENTION_DAYS = 365
export const RETENTION_DAYS_RANGE = { min: 30, max: 3650 } as const

/** A day (2012-03-27) so many days on, or back when negative. */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

/** The last day a report closed on `closedOn` is kept: it is deleted on the day after. */
export function keptUntil(closedOn: string, retentionDays: number): string {
  return addDays(closedOn, retentionDays)
}

/** On `today`, the reports closed on or before this day have been kept their time and are deleted. */
export function lastClosedDayDue(today: string, retentionDays: number): string {
  return addDays(today, -retentionDays - 1)
}

/** The files a report may carry, known by their first bytes rather than by their names. */
export const ATTACHMENT_KINDS = ['jpeg', 'png', 'pdf', 'docx'] as const
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number]

export const ATTACHMENT_MEDIA_TYPES: Record<AttachmentKind, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
}

export const ATTACHMENT_LIMITS = {
  /** The most one file may be. */
  bytes: 5 * 1024 * 1024,
  /** The most files one report carries. */
  files: 3,
} as const

/** What kind of file the bytes are, or undefined for one a report does not take. */
export function attachmentKind(data: Buffer, filename: string): AttachmentKind | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg'
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png'
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf'
  // A Word document is a zip: its name says which kind of zip, and opening it checks (attachments.ts).
  if (data.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1')) && /\.docx$/i.test(filename))
    return 'docx'
  return undefined
}

/** A file's name as it may be shown and sent back: no path, no control characters, at most 100 characters. */
export function safeFilename(name: string, kind: AttachmentKind): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .replace(/[\p{Cc}"<>|:*?]+/gu, '')
    .trim()
    .slice(0, 100)
  return base || `attachment.${kind === 'jpeg' ? 'jpg' : kind}`
}
