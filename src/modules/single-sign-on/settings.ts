import { z } from 'zod'
import { FORCE_ROLES, INSPECTORATE_ROLES, ROLES, type Role } from '../../domain/roles.js'

/** One OpenID Connect provider people may sign in with, and what its accounts are in Probity. */
export interface ProviderSettings {
  /** Names the provider in addresses (`/sign-in/oidc/<id>`) and in its variables. */
  id: string
  /** What the sign-in button says: "Sign in with <name>". */
  name: string
  issuer: URL
  clientId: string
  /** Absent for a public client, which proves itself by PKCE alone. */
  clientSecret?: string
  /** A force's code, or `inspectorate`: the only organisation whose users the provider may sign in. */
  organisation: string
  /** The claim holding the person's Probity role(s); absent, roles are assigned in Probity. */
  roleClaim?: string
  /** The role of a user this provider creates when no role claim is configured. */
  defaultRole: Role
  /** Whether a first sign-in by someone with no Probity account creates one. */
  createUsers: boolean
}

export interface SingleSignOnSettings {
  /** The address people reach Probity at: the providers send them back to `<publicUrl>/sign-in/oidc/<id>/callback`. */
  publicUrl: URL
  providers: ProviderSettings[]
  /** Whether people may still sign in with a password kept here (the embedded default does). */
  localPasswords: boolean
}

export const callbackPath = (providerId: string) => `/sign-in/oidc/${providerId}/callback`

const isLoopback = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)

const httpsUrl = (what: string) =>
  z
    .string()
    .refine((value) => URL.canParse(value), `${what}: a URL such as https://login.example.police.uk`)
    .transform((value) => new URL(value))
    .refine(
      (url) => url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url)),
      `${what}: an https URL (plain http only on this machine's loopback address)`,
    )

const providerVariables = z.object({
  ISSUER: httpsUrl('the provider’s issuer'),
  CLIENT_ID: z.string().min(1, 'the client id Probity is registered under at the provider'),
  CLIENT_SECRET: z.string().min(1).optional(),
  NAME: z.string().min(1).max(100).optional(),
  ORGANISATION: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'a force’s code (such as cheshire) or inspectorate')
    .default('inspectorate'),
  ROLE_CLAIM: z.string().min(1).max(100).optional(),
  DEFAULT_ROLE: z.enum(ROLES, { error: `one of ${ROLES.join(', ')}` }).optional(),
  CREATE_USERS: z.enum(['true', 'false'], { error: 'true or false' }).default('false'),
})

export class SingleSignOnSettingsError extends Error {}

/**
 * Reads `PROBITY_OIDC_PROVIDERS` (ids separated by commas) and, for each id, `PROBITY_OIDC_<ID>_*`
 * (the id in capitals, dashes as underscores), plus `PROBITY_PUBLIC_URL` and `PROBITY_LOCAL_PASSWORDS`.
 */
export function loadSingleSignOnSettings(environment: NodeJS.ProcessEnv): SingleSignOnSettings | undefined {
  const value = (name: string) => (environment[name] === '' ? undefined : environment[name])
  const localPasswords = value('PROBITY_LOCAL_PASSWORDS') ?? 'on'
  if (!['on', 'off'].includes(localPasswords))
    throw new SingleSignOnSettingsError(
      `Invalid setting PROBITY_LOCAL_PASSWORDS=${JSON.stringify(localPasswords)}: expected on or off`,
    )
  const ids = (value('PROBITY_OIDC_PROVIDERS') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
  if (ids.length === 0) {
    if (localPasswords === 'off')
      throw new SingleSignOnSettingsError(
        'Missing setting PROBITY_OIDC_PROVIDERS: with PROBITY_LOCAL_PASSWORDS=off nobody could sign in',
      )
    return undefined
  }
  const publicUrl = httpsUrl('PROBITY_PUBLIC_URL').safeParse(value('PROBITY_PUBLIC_URL') ?? '')
  if (!publicUrl.success)
    throw new SingleSignOnSettingsError(
      `Invalid setting PROBITY_PUBLIC_URL: expected ${publicUrl.error.issues[0]?.message.replace(/^[^:]*: /, '')}`,
    )
  const providers = ids.map((id): ProviderSettings => {
    if (!/^[a-z0-9-]{1,40}$/.test(id))
      throw new SingleSignOnSettingsError(
        `Invalid setting PROBITY_OIDC_PROVIDERS: ${JSON.stringify(id)} is not an id of lower-case letters, digits and dashes`,
      )
    const prefix = `PROBITY_OIDC_${id.toUpperCase().replaceAll('-', '_')}_`
    const present = Object.fromEntries(
      Object.keys(providerVariables.shape).map((name) => [name, value(`${prefix}${name}`)]),
    )
    const parsed = providerVariables.safeParse(present)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new SingleSignOnSettingsError(
        `Invalid setting ${prefix}${String(issue?.path[0])}: expected ${issue?.message ?? 'a valid value'}`,
      )
    }
    const settings = parsed.data
    const inspectorate = settings.ORGANISATION === 'inspectorate'
    const side = inspectorate ? INSPECTORATE_ROLES : FORCE_ROLES
    const defaultRole = settings.DEFAULT_ROLE ?? (inspectorate ? 'inspector' : 'staff')
    if (!side.includes(defaultRole))
      throw new SingleSignOnSettingsError(
        `Invalid setting ${prefix}DEFAULT_ROLE: expected one of ${side.join(', ')} for ${settings.ORGANISATION}`,
      )
    return {
      id,
      name: settings.NAME ?? id,
      issuer: settings.ISSUER,
      clientId: settings.CLIENT_ID,
      clientSecret: settings.CLIENT_SECRET,
      organisation: settings.ORGANISATION,
      roleClaim: settings.ROLE_CLAIM,
      defaultRole,
      createUsers: settings.CREATE_USERS === 'true',
    }
  })
  return { publicUrl: publicUrl.data, providers, localPasswords: localPasswords === 'on' }
}
