/**
 * Receivers that answer a little after our timeout: a Slack webhook answering after its request
 * timed out, and an SMTP relay (smtp-server) answering DATA after the socket timeout. Each one
 * takes every message it is sent, but the lane cannot know that: each attempt's outcome is unknown
 * (in doubt). Such an attempt is re-sent only after the long in-doubt wait, which doubles, and at
 * most `maxInDoubtResends` times; the row then ends 'unknown', and the log says "outcome unknown
 * (in doubt)", never "not delivered". A refusal (HTTP 503) keeps the short backoff.
 *
 * The lane runs on the real outbox (chDB) with an injected clock: each pass moves the clock five
 * minutes and kicks the lane once, so a fixed number of passes covers 200 minutes of retries (past
 * the in-doubt waits of 5 + 10 + 20 + 40 + 80 minutes) while the timeouts (a few hundred ms) are
 * the only real waiting.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { describe, expect, it } from 'vitest'
import { emailSender, transportOptions } from '../src/alerts/channels/email.js'
import { slackSender } from '../src/alerts/channels/slack.js'
import type { ChannelSender } from '../src/alerts/channels/types.js'
import { DEFAULT_DELIVERY } from '../src/alerts/dispatcher.js'
import { openRows, rowsForTransitions } from '../src/alerts/outbox.js'
import type { Logger } from '../src/observability/logger.js'
import { enqueueFiring, outboxStore, runLanePasses } from './support/outbox-lane.js'

const TIMEOUT_MS = 200
/** Each receiver answers this long after it has read the whole message: past our timeout. */
const ANSWER_AFTER_MS = 700
const PASSES = 40
const PASS_MS = 5 * 60_000

/** A Slack webhook that takes every message and answers after ANSWER_AFTER_MS, or refuses the first `refuse` with 503. */
function slowWebhook(o: { refuse?: number } = {}) {
  const received: string[] = []
  let requests = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      if (++requests <= (o.refuse ?? 0)) return void res.writeHead(503).end('unavailable')
      received.push(body)
      if (o.refuse !== undefined) return void res.writeHead(200).end('ok')
      setTimeout(() => (res.destroyed ? undefined : res.writeHead(200).end('ok')), ANSWER_AFTER_MS).unref()
    })
  })
  return {
    received,
    requests: () => requests,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T/B/x`,
    up: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve())),
    down: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  }
}

/** An SMTP relay that reads every message whole, then answers DATA after ANSWER_AFTER_MS. */
function slowRelay() {
  const messageIds: string[] = []
  const server = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], authOptional: true, logger: false,
    onData(stream, _session, cb) {
      let text = ''
      stream.on('data', (c: Buffer) => (text += c.toString()))
      stream.on('end', () => {
        messageIds.push(/^Message-ID: (.*)$/im.exec(text)?.[1]?.trim() ?? '')
        setTimeout(() => cb(), ANSWER_AFTER_MS).unref()
      })
    },
  })
  // The client is gone by the time the relay answers.
  server.on('error', () => undefined)
  return {
    messageIds,
    port: () => (server.server.address() as AddressInfo).port,
    up: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve())),
    down: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** Every log line's message. */
function recordingLogger(lines: string[]): Logger {
  const log = (_o: unknown, msg?: string) => void lines.push(String(msg ?? ''))
  const logger = { info: log, warn: log, error: log, debug: () => undefined, child: () => logger }
  return logger as unknown as Logger
}

describe('a receiver that answers after the timeout', () => {
  const outbox = outboxStore()
  let seq = 0

  /** Enqueues one notification and runs PASSES passes of a lane with `sender`, the clock PASS_MS on each time. */
  const passes = async (sender: ChannelSender) => {
    const startMs = Date.now()
    const lines: string[] = []
    const n = await enqueueFiring(outbox.store, `slow-${++seq}`, [sender.name], startMs)
    await runLanePasses(outbox.store, sender, { startMs, passes: PASSES, passMs: PASS_MS, logger: recordingLogger(lines), deliveries: { delivered: () => undefined } })
    const [row] = (await rowsForTransitions(outbox.store, n.transitionIds)).filter((r) => r.channel === sender.name)
    return { row: row!, lines }
  }

  const bound = 1 + DEFAULT_DELIVERY.maxInDoubtResends

  it('a Slack webhook answering after the timeout gets the alert at most 1 + maxInDoubtResends times, and the row ends unknown', async () => {
    const webhook = slowWebhook()
    await webhook.up()
    try {
      const { row, lines } = await passes(slackSender({ webhookUrl: webhook.url(), timeoutMs: TIMEOUT_MS, minIntervalMs: 0 }))
      expect(webhook.received.length).toBeLessThanOrEqual(bound)
      expect(webhook.received).toHaveLength(bound) // the receiver took each one: the bound is reached, not undershot
      expect(row).toMatchObject({ status: 'unknown', inDoubt: true, attempts: bound })
      expect(row.lastError).toMatch(new RegExp(`^outcome unknown \\(in doubt\\) after ${bound} attempts`))
      expect(lines.filter((l) => l.includes('outcome unknown (in doubt)'))).toHaveLength(bound)
      expect(lines.filter((l) => l.includes('not delivered'))).toEqual([])
      expect(await openRows(outbox.store, 'slack')).toEqual([])
    } finally {
      await webhook.down()
    }
  })

  it('an SMTP relay answering DATA after the socket timeout gets the alert at most 1 + maxInDoubtResends times, all with one Message-ID', async () => {
    const relay = slowRelay()
    await relay.up()
    try {
      const smtp = { url: null, host: '127.0.0.1', port: relay.port(), user: null, password: null, tls: 'none' as const, rejectUnauthorized: true }
      const transport = nodemailer.createTransport({ ...transportOptions(smtp), socketTimeout: TIMEOUT_MS })
      const { row, lines } = await passes(emailSender({ smtp, from: 'dw@example.com', to: ['oncall@example.com'], transport }))
      expect(relay.messageIds.length).toBeLessThanOrEqual(bound)
      expect(relay.messageIds).toHaveLength(bound)
      expect(new Set(relay.messageIds).size).toBe(1)
      expect(row).toMatchObject({ status: 'unknown', inDoubt: true, attempts: bound })
      expect(lines.filter((l) => l.includes('not delivered'))).toEqual([])
    } finally {
      await relay.down()
    }
  })

  it('a refusal (HTTP 503) is not in doubt: it is retried on the short backoff and delivered once, on the next pass', async () => {
    const webhook = slowWebhook({ refuse: 3 })
    await webhook.up()
    try {
      const { row, lines } = await passes(slackSender({ webhookUrl: webhook.url(), timeoutMs: TIMEOUT_MS, minIntervalMs: 0 }))
      expect(webhook.requests()).toBe(4) // three refusals, one pass apart, then delivered
      expect(webhook.received).toHaveLength(1)
      expect(row).toMatchObject({ status: 'sent', inDoubt: false, attempts: 4 })
      expect(lines.filter((l) => l.includes('not delivered; will retry'))).toHaveLength(3)
      expect(lines.filter((l) => l.includes('outcome unknown'))).toEqual([])
    } finally {
      await webhook.down()
    }
  })
})
