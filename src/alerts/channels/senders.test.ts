import { describe, expect, it } from 'vitest'
import type { DriftwatchError } from '../../errors.js'
import { deliveryId, type Notification } from '../notification.js'
import { buildSenders, scopedSender } from './senders.js'
import type { ChannelSender, DeliveryAttempt } from './types.js'

const n: Notification = {
  status: 'firing', rule: 'psi', description: null, severity: 'warning', runbook: null, metric: 'feature drift psi', condition: 'psi >= 0.2', op: '>=',
  threshold: 0.2, subjectLabel: 'feature', modelId: 'm', modelVersion: 'v1', windowStartMs: 86_400_000, windowEndMs: 2 * 86_400_000, items: [{ subject: 'income', value: 0.5 }],
  details: [], transitionIds: ['psi|m|v1|income#1'], dashboardUrl: null, emailTo: null, createdAtMs: 0,
}
const scope = { deploymentId: 'a5e6c1d2-0000-4000-8000-000000000001', database: 'driftwatch' }

/** A sender that records the attempts it is given. */
function recording(): ChannelSender & { attempts: DeliveryAttempt[] } {
  const attempts: DeliveryAttempt[] = []
  return { name: 'grafana', maxSendMs: 20_000, minIntervalMs: 5, cannotSend: () => 'no', attempts, send: async (_n, a) => void attempts.push(a) }
}

describe('senders under the deployment scope', () => {
  it('send under the notification id of the outbox key, the same on every attempt, reading the scope each time it is asked', async () => {
    const inner = recording()
    let reads = 0
    const s = scopedSender(inner, async () => (reads++, { ...scope }))
    await s.send(n, { idempotencyKey: 'k1', attempt: 1, inDoubt: false })
    await s.send(n, { idempotencyKey: 'k1', attempt: 2, inDoubt: true })
    const id = deliveryId(scope, n.windowStartMs, 'k1')
    expect(inner.attempts).toEqual([{ idempotencyKey: id, attempt: 1, inDoubt: false }, { idempotencyKey: id, attempt: 2, inDoubt: true }])
    expect(reads).toBe(2)
    expect([s.name, s.maxSendMs, s.minIntervalMs, s.cannotSend?.(n)]).toEqual(['grafana', 20_000, 5, 'no'])
  })

  it('send nothing when the scope cannot be read: retriable, not in doubt', async () => {
    const inner = recording()
    const s = scopedSender(inner, async () => Promise.reject(new Error('Timeout error.')))
    const err = (await s.send(n, { idempotencyKey: 'k1', attempt: 1, inDoubt: false }).catch((e: unknown) => e)) as DriftwatchError
    expect([err.code, err.retriable, err.context['inDoubt']]).toEqual(['DW_ALERT_DELIVERY_FAILED', true, false])
    expect(err.message).toBe("grafana: not sent: this deployment's id could not be read from ClickHouse (Timeout error.)")
    expect(inner.attempts).toEqual([])
  })

  it('keep each channel\'s timeouts, pacing and cannotSend when built with a scope', () => {
    const channels = {
      enabled: true, rulesDir: null, dashboardBaseUrl: null,
      slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' },
      email: { smtp: { url: null, host: 'localhost', port: 25, user: null, password: null, tls: 'none' as const, rejectUnauthorized: true }, from: 'dw@example.com', to: [] },
      grafana: { url: 'http://grafana:3000', apiToken: 'glsa_x' },
    }
    const plain = buildSenders(channels)
    const scoped = buildSenders(channels, async () => scope)
    expect(scoped.map((s) => [s.name, s.maxSendMs, s.minIntervalMs, typeof s.cannotSend])).toEqual(plain.map((s) => [s.name, s.maxSendMs, s.minIntervalMs, typeof s.cannotSend]))
  })
})
