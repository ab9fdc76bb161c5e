/**
 * Email over SMTP with nodemailer. The Message-ID is the id the attempt carries (the deployment's
 * notification id, unique across deployments sharing a mailbox: senders.ts), the same on every
 * attempt, so a message re-sent after an in-doubt attempt carries the same Message-ID and receivers
 * that deduplicate on it (many mail stores and clients do) show it once.
 *
 * Failures: an SMTP 4xx reply or a refused connection is retriable; a 5xx reply (bad
 * recipient, rejected auth) is permanent; a timeout or lost socket is retriable and in doubt.
 * Nothing is sent before the connection is made, so a failed connect (nodemailer's ESOCKET
 * wrapping the socket's `connect` error: ECONNREFUSED, EHOSTUNREACH, ...) is not in doubt.
 *
 * Recipients one by one (RFC 5321 §3.3: the relay answers each RCPT TO). When the relay takes
 * the message for some recipients and refuses others, nodemailer resolves and lists the refused
 * ones (info.rejected / rejectedErrors, with the relay's reply); when it refuses every one, it
 * fails with EENVELOPE carrying the same lists. Per recipient, then:
 * - 4xx (deferred: "try again later") is retried, and only for those recipients: the delivery
 *   error asks the lane to store the notification with `emailTo` narrowed to them (`retryWith`),
 *   so the next attempt, in this process or after a restart, leaves out who already has it;
 * - 5xx (refused for good) is not retried, and is kept in the notification as well
 *   (`notDelivered`: address and reply), so the row's last_error names it once the rest is sent.
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

interface SmtpFailure {
  code?: string
  responseCode?: number
  response?: string
  message?: string
  syscall?: string
  recipient?: string
  rejected?: string[]
  rejectedErrors?: SmtpFailure[]
}

/** Nothing was sent: a refused recipient list, auth, TLS, DNS, or a socket that never connected. */
const notSent = (e: SmtpFailure): boolean => NOT_SENT.has(e.code ?? '') || (e.code === 'ESOCKET' && e.syscall === 'connect')

/**
 * The recipients the relay refused, split into deferred (4xx: retry them) and refused for good
 * (5xx), each described as "address: reply".
 */
function refusals(errors: readonly SmtpFailure[] | undefined, rejected: readonly string[] | undefined): { deferred: string[]; deferredText: string[]; refusedText: string[] } {
  const out = { deferred: [] as string[], deferredText: [] as string[], refusedText: [] as string[] }
  const seen = new Set<string>()
  for (const e of errors ?? []) {
    const who = e.recipient ?? ''
    seen.add(who)
    const text = `${who}: ${(e.response ?? e.message ?? '').trim()}`
    if ((e.responseCode ?? 0) >= 500) out.refusedText.push(text)
    else out.deferred.push(who), out.deferredText.push(text)
  }
  // A refused address without its error (nodemailer gives both): its reply is unknown, retry it.
  for (const who of rejected ?? []) if (!seen.has(who)) out.deferred.push(who), out.deferredText.push(`${who}: refused`)
  return out
}

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
      const earlier = n.notDelivered ?? []
      let info: SMTPTransport.SentMessageInfo
      try {
        info = await transport.sendMail({
          from: o.from,
          to: [...to],
          subject: c.subject,
          text: c.text,
          html: c.html,
          messageId: `<${a.idempotencyKey}@driftwatch>`,
          headers: { 'X-Driftwatch-Idempotency-Key': a.idempotencyKey, 'X-Driftwatch-Rule': n.rule, 'X-Driftwatch-Status': n.status },
        })
      } catch (cause) {
        const e = cause as SmtpFailure
        if (e.rejectedErrors?.length || e.rejected?.length) {
          // Every recipient refused: the deferred ones are retried, if any; the others never are.
          const r = refusals(e.rejectedErrors, e.rejected)
          const notDelivered = [...earlier, ...r.refusedText]
          throw deliveryError(`email: every recipient refused: ${[...r.deferredText, ...r.refusedText].join('; ')}${earlier.length ? `; refused earlier: ${earlier.join('; ')}` : ''}`, {
            retriable: r.deferred.length > 0,
            inDoubt: false,
            cause,
            ...(r.deferred.length > 0 ? { retryWith: { emailTo: r.deferred, notDelivered } } : {}),
          })
        }
        const reply = e.responseCode ?? 0
        const retriable = reply < 500
        const inDoubt = reply === 0 && !notSent(e)
        throw deliveryError(`email: ${e.message ?? String(cause)}${e.code ? ` (${e.code})` : ''}`, { retriable, inDoubt, cause })
      }
      const r = refusals((info as { rejectedErrors?: SmtpFailure[] }).rejectedErrors, (info.rejected ?? []).map(String))
      const notDelivered = [...earlier, ...r.refusedText]
      if (r.deferred.length > 0) {
        // Delivered to the others: retry only the deferred recipients (file comment).
        throw deliveryError(
          `email: sent to ${to.length - r.deferred.length - r.refusedText.length} of ${to.length} recipients; deferred, will retry: ${r.deferredText.join('; ')}${notDelivered.length ? `; refused: ${notDelivered.join('; ')}` : ''}`,
          { retriable: true, inDoubt: false, partial: true, retryWith: { emailTo: r.deferred, notDelivered } },
        )
      }
      return notDelivered.length > 0 ? { note: `email: not delivered to ${notDelivered.length} recipient${notDelivered.length === 1 ? '' : 's'}: ${notDelivered.join('; ')}` } : undefined
    },
  }
}
