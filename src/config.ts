import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { NotificationSettings } from './modules/notifications/service.js'
import {
  loadSingleSignOnSettings,
  type SingleSignOnSettings,
  SingleSignOnSettingsError,
} from './modules/single-sign-on/settings.js'

/**
 * Settings come only from the environment, validated once at start. Each variable carries the
 * sentence that tells an operator what it accepts, so a wrong value stops the process with one line.
 */
const port = z.coerce
  .number({ error: 'a whole number from 1 to 65535' })
  .int('a whole number from 1 to 65535')
  .min(1, 'a whole number from 1 to 65535')
  .max(65535, 'a whole number from 1 to 65535')

const seconds = z.coerce
  .number({ error: 'a whole number of seconds from 0 to 3600' })
  .int('a whole number of seconds from 0 to 3600')
  .min(0, 'a whole number of seconds from 0 to 3600')
  .max(3600, 'a whole number of seconds from 0 to 3600')

const databaseUrl = z.string().refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), {
  message: 'a PostgreSQL URL such as postgres://user:password@localhost:5432/probity',
})

const environmentSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1, 'a host name or IP address to listen on').default('0.0.0.0'),
  DATABASE_URL: databaseUrl.optional(),
  PROBITY_DATA_DIR: z.string().min(1, 'a folder path for the embedded database').default('./data'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  COOKIE_SECRET: z
    .string()
    .min(32, 'at least 32 random characters (e.g. from `openssl rand -hex 32`)')
    .optional(),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(false|true|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
      "false, true, or the proxies' addresses separated by commas (e.g. 127.0.0.1,10.0.0.0/8)",
    )
    .default('false'),
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'one of development, production, test' })
    .default('development'),
  DRAIN_SECONDS: seconds.default(0),
  PROBITY_AUDIT_KEY: z.string().includes('PRIVATE KEY', 'an Ed25519 private key in PEM form').optional(),
  PROBITY_AUDIT_KEY_FILE: z.string().min(1, 'the path of a file holding an Ed25519 private key').optional(),
  PROBITY_AUDIT_CHECKPOINT_DIR: z.string().min(1, 'a folder path for audit checkpoints').optional(),
  PROBITY_AUDIT_CHECKPOINT_MINUTES: z.coerce
    .number({ error: 'a whole number of minutes from 1 to 1440' })
    .int('a whole number of minutes from 1 to 1440')
    .min(1, 'a whole number of minutes from 1 to 1440')
    .max(1440, 'a whole number of minutes from 1 to 1440')
    .default(60),
  SHUTDOWN_TIMEOUT_SECONDS: seconds.default(10),
  PROBITY_ADMIN_SECOND_FACTOR: z.enum(['required', 'optional'], { error: 'required or optional' }).optional(),
  PROBITY_REPORTS_KEY: z
    .string()
    .refine((value) => /^[A-Za-z0-9+/]{43}=$/.test(value), {
      message: '32 random bytes in base64 (e.g. from `openssl rand -base64 32`)',
    })
    .optional(),
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\//.test(value) && URL.canParse(value), {
      message: 'an SMTP URL such as smtp://user:password@mail.example:587 or smtps://mail.example:465',
    })
    .optional(),
  MAIL_FROM: z
    .string()
    .regex(/^[^\r\n]*@[^\r\n]*$/, 'an email address, optionally with a name: Probity <probity@force.example>')
    .default('Probity <probity@localhost>'),
  // Also read by single sign-on (src/modules/single-sign-on/settings.ts), which needs it to be https.
  PROBITY_PUBLIC_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), {
      message: 'the address people open Probity at, such as https://probity.force.example',
    })
    .optional(),
  NOTIFICATIONS_POLL_SECONDS: z.coerce
    .number({ error: 'a whole number of seconds from 1 to 3600' })
    .int('a whole number of seconds from 1 to 3600')
    .min(1, 'a whole number of seconds from 1 to 3600')
    .max(3600, 'a whole number of seconds from 1 to 3600')
    .default(10),
})

const SECRET_SETTINGS = [
  'DATABASE_URL',
  'COOKIE_SECRET',
  'PROBITY_AUDIT_KEY',
  'PROBITY_REPORTS_KEY',
  'SMTP_URL',
]

export type DatabaseSettings = { kind: 'embedded'; dataDir: string } | { kind: 'server'; url: string }

/**
 * Signed checkpoints of the audit chain's end (`probity audit checkpoint`): the Ed25519 key that signs
 * them, from the variable or a file, and the folder the server writes one to every `intervalMs` — only
 * when both a key and a folder are set.
 */
export interface AuditCheckpointSettings {
  keyPem?: string
  keyFile?: string
  folder?: string
  intervalMs: number
}

export interface Config {
  port: number
  host: string
  database: DatabaseSettings
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL']
  production: boolean
  /**
   * Which reverse proxies to believe about the client's address and protocol (X-Forwarded-For/-Proto).
   * Off by default: otherwise anyone could claim any address and slip past the sign-in rate limit.
   */
  trustProxy: boolean | string[]
  /** Signs cookies. Every instance behind one address needs the same one, so production must set it. */
  cookieSecret: string
  /** On SIGTERM, how long /readyz fails before the server stops taking requests (the balancer's notice). */
  drainMs: number
  /** How long requests in flight may take to finish at shutdown before the process gives up on them. */
  shutdownTimeoutMs: number
  auditCheckpoints: AuditCheckpointSettings
  /**
   * Whether administrators signing in with a password must set up a second factor; unset, they must
   * except on the demo (`serve --demo`), whose shared demo password is printed for anyone to use.
   */
  adminSecondFactor?: 'required' | 'optional'
  /**
   * The AES-256 key that seals confidential reports' attachments: from PROBITY_REPORTS_KEY, or outside
   * production the key generated once into the file `reports.key` of the data folder. Production without
   * one takes reports without files (instances must share the key, so none is made up).
   */
  reportsKey: { key: Buffer } | { file: string } | { none: true }
  singleSignOn?: SingleSignOnSettings
  /** Email: SMTP (or, unset, the administrators' outbox), the From address and the links' base address. */
  notifications: NotificationSettings
  /** How often each instance's notifications worker looks for work. */
  notificationsPollMs: number
}

export class ConfigError extends Error {}

function singleSignOnSettings(environment: NodeJS.ProcessEnv): SingleSignOnSettings | undefined {
  try {
    return loadSingleSignOnSettings(environment)
  } catch (error) {
    if (error instanceof SingleSignOnSettingsError) throw new ConfigError(error.message)
    throw error
  }
}

/** Reads the settings; an empty variable counts as unset, as shells and .env files often leave them. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(environmentSchema.shape)
      .map((name) => [name, environment[name]])
      .filter(([, value]) => value !== undefined && value !== ''),
  )
  const parsed = environmentSchema.safeParse(present)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const name = String(issue?.path[0] ?? 'environment')
    // A connection string may hold a password, and a secret is secret: neither value is echoed.
    const shown = SECRET_SETTINGS.includes(name) ? '' : `=${JSON.stringify(present[name] ?? '')}`
    throw new ConfigError(`Invalid setting ${name}${shown}: expected ${issue?.message ?? 'a valid value'}`)
  }
  if (environment.PUBLIC_BASE_URL) {
    // Under its old name it would be ignored, and every link in an email would point at localhost.
    throw new ConfigError('Renamed setting PUBLIC_BASE_URL: set PROBITY_PUBLIC_URL instead')
  }
  const settings = parsed.data
  const production = settings.NODE_ENV === 'production'
  if (
    settings.PROBITY_AUDIT_CHECKPOINT_DIR &&
    !settings.PROBITY_AUDIT_KEY &&
    !settings.PROBITY_AUDIT_KEY_FILE
  ) {
    throw new ConfigError(
      'Missing setting PROBITY_AUDIT_KEY or PROBITY_AUDIT_KEY_FILE: PROBITY_AUDIT_CHECKPOINT_DIR needs a key to sign checkpoints',
    )
  }
  if (production && !settings.COOKIE_SECRET) {
    throw new ConfigError(
      'Missing setting COOKIE_SECRET: expected at least 32 random characters in production',
    )
  }
  return {
    port: settings.PORT,
    host: settings.HOST,
    database: settings.DATABASE_URL
      ? { kind: 'server', url: settings.DATABASE_URL }
      : { kind: 'embedded', dataDir: path.resolve(settings.PROBITY_DATA_DIR) },
    logLevel: settings.LOG_LEVEL,
    production,
    trustProxy: parseTrustProxy(settings.TRUST_PROXY),
    // Outside production a fresh secret each start is fine: it only voids forms left open across a restart.
    cookieSecret: settings.COOKIE_SECRET ?? randomBytes(32).toString('hex'),
    drainMs: settings.DRAIN_SECONDS * 1000,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    auditCheckpoints: {
      keyPem: settings.PROBITY_AUDIT_KEY,
      keyFile: settings.PROBITY_AUDIT_KEY_FILE && path.resolve(settings.PROBITY_AUDIT_KEY_FILE),
      folder: settings.PROBITY_AUDIT_CHECKPOINT_DIR && path.resolve(settings.PROBITY_AUDIT_CHECKPOINT_DIR),
      intervalMs: settings.PROBITY_AUDIT_CHECKPOINT_MINUTES * 60_000,
    },
    adminSecondFactor: settings.PROBITY_ADMIN_SECOND_FACTOR,
    reportsKey: settings.PROBITY_REPORTS_KEY
      ? { key: Buffer.from(settings.PROBITY_REPORTS_KEY, 'base64') }
      : production
        ? { none: true }
        : { file: path.join(path.resolve(settings.PROBITY_DATA_DIR), 'reports.key') },
    singleSignOn: singleSignOnSettings(environment),
    notifications: {
      smtpUrl: settings.SMTP_URL,
      from: settings.MAIL_FROM,
      baseUrl: settings.PROBITY_PUBLIC_URL ?? `http://localhost:${settings.PORT}`,
    },
    notificationsPollMs: settings.NOTIFICATIONS_POLL_SECONDS * 1000,
  }
}

/**
 * The reports key itself: the setting's, or the development key kept in the data folder, made the first
 * time (readable by its owner only), so attachments stay readable across restarts.
 */
export function loadReportsKey(setting: Config['reportsKey']): Buffer | null {
  if ('key' in setting) return setting.key
  if ('none' in setting) return null
  try {
    return Buffer.from(readFileSync(setting.file, 'utf8').trim(), 'base64')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const key = randomBytes(32)
  mkdirSync(path.dirname(setting.file), { recursive: true })
  writeFileSync(setting.file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  return key
}

function parseTrustProxy(value: string): boolean | string[] {
  if (value === 'false') return false
  if (value === 'true') return true
  return value.split(',')
}
