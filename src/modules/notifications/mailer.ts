import nodemailer from 'nodemailer'

/** One email as the worker hands it over; `messageId` is the same on every try of one message. */
export interface OutgoingMail {
  messageId: string
  to: string
  subject: string
  text: string
}

/** Where messages go: an SMTP server, or (when none is configured) the administrators' outbox page. */
export interface Mailer {
  readonly kind: 'smtp' | 'outbox'
  send(mail: OutgoingMail): Promise<void>
  /** Drops any connection at once (a sending in flight fails). */
  close(): void
}

export interface MailSettings {
  /** smtp://user:password@host:587 (STARTTLS when the server offers it) or smtps://…:465; none: the outbox. */
  smtpUrl?: string
  /** The From address, e.g. "Probity <probity@force.example>". */
  from: string
}

// Shorter than a claim's lease (worker.ts), so a hung server fails the try before another worker may take it.
const SMTP_TIMEOUT_MS = 30_000

export function createMailer(settings: MailSettings): Mailer {
  if (!settings.smtpUrl) return { kind: 'outbox', send: async () => {}, close: () => {} }
  const url = new URL(settings.smtpUrl)
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    secure: url.protocol === 'smtps:',
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  })
  return {
    kind: 'smtp',
    async send(mail) {
      await transport.sendMail({
        from: settings.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
      })
    },
    close: () => transport.close(),
  }
}
