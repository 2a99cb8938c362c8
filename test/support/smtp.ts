import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'

/** One message as the SMTP server received it: its headers (lower-case names) and its decoded text. */
export interface ReceivedMail {
  messageId: string
  to: string
  subject: string
  text: string
}

/**
 * What the server answers to a message once it has read it all: accept it, or refuse it with an error.
 * A test may do something at that moment (halt a worker) before answering.
 */
export type Answer = (mail: ReceivedMail) => Error | undefined

/**
 * A real SMTP server on an ephemeral loopback port, keeping every message it accepted. `received` is
 * every accepted transmission; `mailbox` is what a receiver that files messages by Message-ID shows.
 */
export class TestMailServer {
  readonly received: ReceivedMail[] = []
  /** The next answers to give, in order; when none is left, every message is accepted. */
  readonly answers: Answer[] = []
  private readonly server: SMTPServer
  url = ''

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream: SMTPServerDataStream, _session: SMTPServerSession, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          const mail = parseMail(Buffer.concat(chunks).toString('utf8'))
          const error = this.answers.shift()?.(mail)
          if (!error) this.received.push(mail)
          callback(error ?? null)
        })
      },
    })
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.server.address() as AddressInfo
    this.url = `smtp://127.0.0.1:${port}`
    return this
  }

  /** The messages as a mailbox shows them: one per Message-ID. */
  get mailbox(): ReceivedMail[] {
    return [...new Map(this.received.map((mail) => [mail.messageId, mail])).values()]
  }

  to(address: string): ReceivedMail[] {
    return this.mailbox.filter((mail) => mail.to.includes(address))
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

function parseMail(raw: string): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n')
  const headerText = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const headers = new Map<string, string>()
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':')
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  const body = raw.slice(split + 4)
  const text =
    headers.get('content-transfer-encoding') === 'quoted-printable' ? decodeQuotedPrintable(body) : body
  return {
    messageId: headers.get('message-id') ?? '',
    to: headers.get('to') ?? '',
    subject: decodeWords(headers.get('subject') ?? ''),
    text: text.replace(/\r\n/g, '\n'),
  }
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => `%${hex}`)
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'))
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= or =?UTF-8?B?…?=), as a subject with non-ASCII arrives. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_match, encoding: string, data: string) =>
      encoding.toLowerCase() === 'b'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    )
}
