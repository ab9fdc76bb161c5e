/** A real SMTP server (smtp-server) on 127.0.0.1 that parses every message with mailparser. */
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface SmtpReceiver {
  readonly port: number
  readonly mails: ParsedMail[]
  /** Envelope recipients of each message, in order. */
  readonly recipients: string[][]
  close(): Promise<void>
}

export async function startSmtpReceiver(o: { user?: string; password?: string } = {}): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = []
  const recipients: string[][] = []
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
  return { port, mails, recipients, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
