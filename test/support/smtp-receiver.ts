/** A real SMTP server (smtp-server) on 127.0.0.1 that parses every message with mailparser. */
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface SmtpReceiver {
  readonly port: number
  readonly mails: ParsedMail[]
  /** Envelope recipients of each message, in order. */
  readonly recipients: string[][]
  /** RCPT TO commands received, by address (refused ones included). */
  readonly rcptTo: Record<string, number>
  close(): Promise<void>
}

/** A relay's answer refusing a recipient: `code` 4xx (deferred) or 5xx (refused for good). */
export const smtpRefusal = (code: number, text: string) => Object.assign(new Error(text), { responseCode: code })

export interface SmtpReceiverOptions {
  readonly user?: string
  readonly password?: string
  /** The relay's answer to RCPT TO: a refusal (smtpRefusal), or null to take the recipient. */
  readonly refuse?: (address: string) => Error | null
}

export async function startSmtpReceiver(o: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = []
  const recipients: string[][] = []
  const rcptTo: Record<string, number> = {}
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: o.user === undefined,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === o.user && auth.password === o.password) cb(null, { user: auth.username })
      else cb(new Error('invalid credentials'))
    },
    onRcptTo(address, _session, cb) {
      rcptTo[address.address] = (rcptTo[address.address] ?? 0) + 1
      const refusal = o.refuse?.(address.address) ?? null
      if (refusal) cb(refusal)
      else cb()
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail)
          recipients.push(session.envelope.rcptTo.map((r) => r.address))
          cb()
        })
        .catch((err: Error) => cb(err))
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.server.address() as AddressInfo).port
  return { port, mails, recipients, rcptTo, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
