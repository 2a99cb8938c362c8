import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { cookieName, cookieScope } from './cookie-names.js'

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Says what a write did on the next page shown (GOV.UK's success banner, from the layout): call
     * it before redirecting after the write.
     */
    flash(message: string): FastifyReply
  }
}

/**
 * The message rides in a signed, HttpOnly cookie for one page view, not in the address: nobody can
 * send a link that shows a banner for a change that was not made, and reloading or bookmarking the
 * page does not show it again.
 */
const FLASH_COOKIE = 'probity_flash'
const FLASH_SECONDS = 300

export function setUpFlash(app: FastifyInstance): void {
  app.decorateReply('flash', function flash(this: FastifyReply, message: string) {
    return this.setCookie(cookieName(this.request, FLASH_COOKIE), message, {
      ...cookieScope(this.request),
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      maxAge: FLASH_SECONDS,
    })
  })
}

/** The message a write left for this page, if any; it is shown once. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const name = cookieName(request, FLASH_COOKIE)
  const cookie = request.cookies?.[name]
  if (!cookie) return undefined
  reply.clearCookie(name, cookieScope(request))
  const unsigned = request.unsignCookie(cookie)
  return unsigned.valid && unsigned.value ? unsigned.value : undefined
}
