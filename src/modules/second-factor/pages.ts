import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Principal } from '../../domain/access.js'
import { ValidationError } from '../../domain/errors.js'
import type { Services } from '../../services.js'
import { clearSessionCookie, setSessionCookie } from '../../web/authentication.js'
import { type FormErrors, formErrors } from '../../web/forms.js'
import { SIGN_IN_POLICY } from '../identity/sign-in-service.js'
import { PASSKEY_NAME_MAX, type RelyingParty } from './passkeys.js'

/** The signed-in person and their session, which every route here acts on (the access rule ensures both). */
export function signedIn(request: FastifyRequest): { principal: Principal; token: string } {
  const { principal, sessionToken } = request
  if (principal?.kind !== 'user' || !sessionToken)
    throw new ValidationError({
      code: 'Sign in with your password in a browser to manage your second factor',
    })
  return { principal, token: sessionToken }
}

export const originOf = (request: FastifyRequest) => ({
  ipAddress: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
})

/** The site as this browser reached it (behind a proxy, as TRUST_PROXY lets the proxy say). */
export const relyingPartyOf = (request: FastifyRequest): RelyingParty => ({
  id: request.hostname,
  origin: `${request.protocol}://${request.host}`,
})

/**
 * Ends what a session owed (the second factor given or set up): the session goes on under a new
 * cookie. Returns whether it owed anything.
 */
export async function settleSecondFactor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  const { principal, token } = signedIn(request)
  if (!principal.secondFactorDue) return false
  setSessionCookie(
    request,
    reply,
    await services.signIn.completeSecondFactor(token, principal, originOf(request)),
  )
  return true
}

/** "Your second factor": what the person has, and a passkey's options for a browser that can add one. */
export async function renderManage(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  extra: { returnTo: string; errors?: FormErrors },
) {
  const { principal, token } = signedIn(request)
  return reply.render('second-factor/views/manage.njk', {
    status: await services.secondFactors.status(principal),
    mustEnrol: principal.secondFactorDue === 'enrol',
    passkeyOptions: await services.passkeys.registrationOptions(principal, token, relyingPartyOf(request)),
    passkeyNameMax: PASSKEY_NAME_MAX,
    ...extra,
  })
}

/** "Confirm it is you": a code, or (for a browser that can) one of the person's passkeys. */
export async function renderVerify(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  extra: { returnTo: string; errors?: FormErrors },
) {
  const { principal, token } = signedIn(request)
  return reply.render('second-factor/views/verify.njk', {
    status: await services.secondFactors.status(principal),
    passkeyOptions: await services.passkeys.authenticationOptions(principal, token, relyingPartyOf(request)),
    ...extra,
  })
}

/**
 * A wrong second factor (code or passkey): it counts towards the account's lock-out, and at the limit
 * the session ends and the person is back at the sign-in page; otherwise they may try again.
 */
export async function refuseSecondFactor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  page: { returnTo: string; errors: FormErrors },
) {
  const { principal, token } = signedIn(request)
  if ((await services.signIn.secondFactorFailed(token, principal, request.ip)) === 'locked') {
    clearSessionCookie(reply)
    return reply.code(401).render('identity/views/sign-in.njk', {
      returnTo: page.returnTo,
      errors: formErrors({
        email: `Too many wrong codes: your account is locked for ${SIGN_IN_POLICY.lockMinutes} minutes. Then sign in again.`,
      }),
    })
  }
  reply.code(401)
  return renderVerify(services, request, reply, page)
}
