import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Principal } from '../../domain/access.js'
import { cookieName, cookieScope } from '../cookie-names.js'
import { isLanguage, type Language, type MessageParams, translate } from './catalogue.js'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The language the pages are shown in: the one the person signed in chose, else the one chosen in
     * the header's switch in this browser, else the browser's.
     */
    language: Language
    /** A catalogue message in the request's language (src/web/i18n/catalogue.ts). */
    t(key: string, params?: MessageParams): string
  }
}

/** The choice made with the header's switch, kept for a year. */
const LANGUAGE_COOKIE = 'probity_language'
const KEEP_CHOICE_SECONDS = 365 * 24 * 60 * 60
/** The query parameter of the header's switch: `?lang=cy` or `?lang=en` on any page. */
const SWITCH_PARAMETER = 'lang'

/** The language the browser prefers most among ours (Accept-Language, by quality), else English. */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  let best: { language: Language; quality: number } | undefined
  for (const range of (acceptLanguage ?? '').split(',').slice(0, 20)) {
    const [tag = '', ...parameters] = range.trim().toLowerCase().split(';')
    const primary = tag.split('-')[0]
    if (!isLanguage(primary)) continue
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const quality = q ? Number(q.slice(2)) : 1
    if (Number.isFinite(quality) && quality > 0 && quality > (best?.quality ?? 0))
      best = { language: primary, quality }
  }
  return best?.language ?? 'en'
}

/** The page's address without the switch parameter: where the switch sends the browser back to. */
function withoutSwitch(url: URL): string {
  url.searchParams.delete(SWITCH_PARAMETER)
  return url.pathname + url.search
}

/**
 * The header's link to the other language: this page's address with `lang` set. A refusal or error
 * page does not write the address it was asked for into itself (it may name another force's record):
 * its link is the query alone, which the browser resolves against the address it is on.
 */
export function languageSwitchHref(requestUrl: string, language: Language, statusCode = 200): string {
  if (statusCode >= 400) return `?${SWITCH_PARAMETER}=${language}`
  const url = new URL(requestUrl, 'http://probity.invalid')
  url.searchParams.set(SWITCH_PARAMETER, language)
  return url.pathname + url.search
}

/** Adds names to a response's Vary header, keeping those already there. */
export function addVary(reply: FastifyReply, ...names: string[]): void {
  const present = String(reply.getHeader('vary') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const lower = present.map((name) => name.toLowerCase())
  const added = names.filter((name) => !lower.includes(name.toLowerCase()))
  if (added.length) reply.header('vary', [...present, ...added].join(', '))
}

/** Keeps a signed-in person's choice with their account (SignInService.chooseLanguage). */
export type RememberLanguage = (principal: Principal, language: Language, ipAddress: string) => Promise<void>

/**
 * Chooses each request's language: a `?lang=` on a page stores the choice in a cookie, and with the
 * account of the person signed in, and sends the browser back to the page without it (so addresses,
 * and what the response cache keeps, stay one per page); otherwise the person's choice, then the
 * browser's, then its Accept-Language. Registered after authentication (src/web/authentication.ts).
 */
export function setUpLanguage(app: FastifyInstance, remember: RememberLanguage): void {
  app.decorateRequest('language', 'en')
  app.decorateRequest('t', function t(this: FastifyRequest, key: string, params?: MessageParams) {
    return translate(this.language, key, params)
  })
  app.addHook('onRequest', async (request, reply) => {
    const principal = request.principal
    if (request.method === 'GET' && request.url.includes(`${SWITCH_PARAMETER}=`)) {
      const url = new URL(request.url, 'http://probity.invalid')
      const asked = url.searchParams.get(SWITCH_PARAMETER)
      if (isLanguage(asked)) {
        reply.setCookie(cookieName(request, LANGUAGE_COOKIE), asked, {
          ...cookieScope(request),
          httpOnly: true,
          sameSite: 'lax',
          maxAge: KEEP_CHOICE_SECONDS,
        })
        // A person who has not finished signing in (a second factor owed) changes only this browser.
        if (principal?.kind === 'user' && !principal.secondFactorDue && principal.language !== asked)
          await remember(principal, asked, request.ip)
        return reply.redirect(withoutSwitch(url), 303)
      }
    }
    const chosen = request.cookies[cookieName(request, LANGUAGE_COOKIE)]
    request.language =
      principal?.language ??
      (isLanguage(chosen) ? chosen : preferredLanguage(request.headers['accept-language']))
  })
  // A page's words depend on the person's cookies and their browser's languages: a cache between here
  // and them (a browser's, a proxy's) must not give a page kept in one language to a request for the other.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html'))
      addVary(reply, 'Accept-Language', 'Cookie')
    return payload
  })
}
