/**
 * Email over SMTP with nodemailer. The Message-ID is the notification's idempotency key, so a
 * message re-sent after an in-doubt attempt carries the same Message-ID and receivers that
 * deduplicate on it (many mail stores and clients do) show it once.
 *
 * Failures: an SMTP 4xx reply or a refused connection is retriable; a 5xx reply (bad
 * recipient, rejected auth) is permanent; a timeout or lost socket is retriable and in doubt.
 */
import nodemailer from 'nodemailer'
import type { Transporter } from 'nodemailer'
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js'
import type { SmtpSettings } from '../../config/alerts-env.js'
import { emailContent } from './email-content.js'
import { deliveryError, type ChannelSender } from './types.js'

/** nodemailer options from our settings; an SMTP_URL is taken apart so the TLS options still apply. */
export function transportOptions(s: SmtpSettings): SMTPTransport.Options {
  let { host, port, user, password } = s
  let tls = s.tls
  if (s.url) {
    const u = new URL(s.url)
    host = u.hostname
    tls = u.protocol === 'smtps:' ? 'tls' : s.tls
    port = u.port ? Number(u.port) : tls === 'tls' ? 465 : 587
    user = u.username ? decodeURIComponent(u.username) : user
    password = u.password ? decodeURIComponent(u.password) : password
  }
  return {
    host: host ?? 'localhost',
    port,
    secure: tls === 'tls',
    requireTLS: tls === 'starttls',
    ignoreTLS: tls === 'none',
    auth: user ? { user, pass: password ?? '' } : undefined,
    tls: { rejectUnauthorized: s.rejectUnauthorized },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  }
}

/**
 * The connection, greeting and socket timeouts in a row (the socket timeout is one of inactivity:
 * a relay that trickles could take longer, which is rare enough to leave to the in-doubt marking).
 */
const EMAIL_MAX_SEND_MS = 10_000 + 10_000 + 30_000

const NO_RECIPIENTS = 'no recipients (set ALERT_EMAIL_TO or the rule\'s emailTo)'

const NOT_SENT = new Set(['ECONNECTION', 'EDNS', 'EAUTH', 'ETLS', 'EENVELOPE'])

export function emailSender(o: { smtp: SmtpSettings; from: string; to: readonly string[]; transport?: Transporter }): ChannelSender {
  const transport = o.transport ?? nodemailer.createTransport(transportOptions(o.smtp))
  return {
    name: 'email',
    maxSendMs: EMAIL_MAX_SEND_MS,
    cannotSend: (n) => ((n.emailTo ?? o.to).length === 0 ? NO_RECIPIENTS : null),
    async send(n, a) {
      const to = n.emailTo ?? o.to
      if (to.length === 0) throw deliveryError(`email: ${NO_RECIPIENTS}`, { retriable: false, inDoubt: false })
      const c = emailContent(n, a.idempotencyKey)
      try {
        await transport.sendMail({
          from: o.from,
          to: [...to],
          subject: c.subject,
          text: c.text,
          html: c.html,
          messageId: `<${a.idempotencyKey}@driftwatch>`,
          headers: { 'X-Driftwatch-Idempotency-Key': a.idempotencyKey, 'X-Driftwatch-Rule': n.rule, 'X-Driftwatch-Status': n.status },
        })
      } catch (cause) {
        const e = cause as { code?: string; responseCode?: number; message?: string }
        const reply = e.responseCode ?? 0
        const retriable = reply < 500
        const inDoubt = reply === 0 && !NOT_SENT.has(e.code ?? '')
        throw deliveryError(`email: ${e.message ?? String(cause)}${e.code ? ` (${e.code})` : ''}`, { retriable, inDoubt, cause })
      }
    },
  }
}
