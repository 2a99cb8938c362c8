import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

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
    return this.setCookie(FLASH_COOKIE, message, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      maxAge: FLASH_SECONDS,
      secure: this.request.protocol === 'https',
    })
  })
}

/** The message a write left for this page, if any; it is shown once. */
export function takeFlash(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const cookie = request.cookies?.[FLASH_COOKIE]
  if (!cookie) return undefined
  reply.clearCookie(FLASH_COOKIE, { path: '/' })
  const unsigned = request.unsignCookie(cookie)
  return unsigned.valid && unsigned.value ? unsigned.value : undefined
}
