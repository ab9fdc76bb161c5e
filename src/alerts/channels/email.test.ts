/**
 * Email delivery against a real SMTP server in-process (smtp-server): recipients the relay takes,
 * defers (4xx) or refuses (5xx) one by one, and a relay that is down.
 */
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DriftwatchError } from '../../errors.js'
import type { Notification } from '../notification.js'
import { emailSender } from './email.js'
import type { ChannelSender } from './types.js'

const n: Notification = {
  status: 'firing', rule: 'psi', description: null, severity: 'warning', runbook: null, metric: 'feature drift psi', condition: 'psi >= 0.2', op: '>=',
  threshold: 0.2, subjectLabel: 'feature', modelId: 'm', modelVersion: 'v1', windowStartMs: 0, windowEndMs: 86_400_000, items: [{ subject: 'income', value: 0.5 }],
  details: [], transitionIds: ['psi|m|v1|income#1'], dashboardUrl: null, emailTo: null, createdAtMs: 0,
}
const attempt = { idempotencyKey: 'k1', attempt: 1, inDoubt: false }
const GONE = 'gone@example.com'
const LATER = 'later@exmaple.com'
const OK = 'oncall@example.com'

describe('email recipients the relay refuses', () => {
  let deferring = true
  /** Every message the relay took, by its envelope recipients. */
  const received: string[][] = []
  const relay = new SMTPServer({
    secure: false, disabledCommands: ['STARTTLS'], authOptional: true, logger: false,
    onRcptTo(address, _session, cb) {
      if (address.address === GONE) return cb(Object.assign(new Error('5.1.1 <gone@example.com>: Recipient address rejected: User unknown'), { responseCode: 550 }))
      if (address.address === LATER && deferring) return cb(Object.assign(new Error('4.1.2 <later@exmaple.com>: Recipient address rejected: Domain not found'), { responseCode: 450 }))
      cb()
    },
    onData(stream, session, cb) {
      stream.resume()
      stream.on('end', () => (received.push(session.envelope.rcptTo.map((r) => r.address)), cb()))
    },
  })
  let sender: (to: string[]) => ChannelSender
  beforeAll(async () => {
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', () => resolve()))
    const port = (relay.server.address() as AddressInfo).port
    sender = (to) => emailSender({ smtp: { url: null, host: '127.0.0.1', port, user: null, password: null, tls: 'none', rejectUnauthorized: true }, from: 'dw@example.com', to })
  })
  afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())))
  const failure = async (p: Promise<unknown>): Promise<Record<string, unknown> & { message: string }> => {
    try {
      await p
    } catch (e) {
      const err = e as DriftwatchError
      return { retriable: err.retriable, ...err.context, message: err.message }
    }
    throw new Error('expected a failure')
  }

  it('retries only the deferred recipients, and names the refused ones with the relay\'s reply', async () => {
    deferring = true
    received.length = 0
    const s = sender([OK, GONE, LATER])
    const first = await failure(s.send(n, attempt))
    expect(received).toEqual([[OK]])
    expect(first).toMatchObject({ retriable: true, inDoubt: false, partial: true, retryWith: { emailTo: [LATER], notDelivered: [expect.stringMatching(/^gone@example.com: 550 5\.1\.1 .*User unknown$/)] } })
    expect(first.message).toMatch(/^email: sent to 1 of 3 recipients; deferred, will retry: later@exmaple.com: 450 4\.1\.2 .*Domain not found; refused: gone@example.com: 550 /)

    // The retry sends the stored notification, narrowed: only the deferred recipient gets it.
    deferring = false
    const retry = { ...n, ...(first as unknown as { retryWith: Partial<Notification> }).retryWith }
    const report = await s.send(retry, { ...attempt, attempt: 2 })
    expect(received).toEqual([[OK], [LATER]])
    expect(report).toEqual({ note: expect.stringMatching(/^email: not delivered to 1 recipient: gone@example.com: 550 5\.1\.1 .*User unknown$/) })
  })

  it('reports the refused ones when everyone else got it', async () => {
    received.length = 0
    expect(await sender([OK, GONE]).send(n, attempt)).toEqual({ note: expect.stringContaining('gone@example.com: 550') })
    expect(received).toEqual([[OK]])
    expect(await sender([OK]).send(n, attempt)).toBeUndefined()
  })

  it('retries the deferred ones when every recipient is refused, and gives up on those refused for good', async () => {
    deferring = true
    received.length = 0
    expect(await failure(sender([GONE, LATER]).send(n, attempt))).toMatchObject({ retriable: true, inDoubt: false, retryWith: { emailTo: [LATER], notDelivered: [expect.stringContaining('gone@example.com: 550')] } })
    expect(await failure(sender([GONE]).send(n, attempt))).toMatchObject({ retriable: false, inDoubt: false, message: expect.stringContaining('gone@example.com: 550') })
    expect(received).toEqual([])
  })

  it('a relay that refuses connections certainly got nothing: retriable, not in doubt', async () => {
    const closed = new SMTPServer({ logger: false })
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()))
    const port = (closed.server.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const s = emailSender({ smtp: { url: null, host: '127.0.0.1', port, user: null, password: null, tls: 'none', rejectUnauthorized: true }, from: 'dw@example.com', to: [OK] })
    expect(await failure(s.send(n, attempt))).toMatchObject({ retriable: true, inDoubt: false, message: expect.stringContaining('ECONNREFUSED') })
  })
})
