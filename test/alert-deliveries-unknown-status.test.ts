/**
 * driftwatch_alert_deliveries_total{status="unknown"}: a notification given up with its outcome in
 * doubt (the receiver may have it; the outbox row ends 'unknown', not sent again) is counted
 * apart from one given up for certain ('failed'). Both ways a row ends 'unknown' are counted so:
 * the last in-doubt attempt past maxInDoubtResends, and a row found in 'sending' (an interrupted
 * attempt) past that bound.
 *
 * The lane runs on the real outbox (chDB) with an injected clock, each pass five minutes on, and
 * records into a metrics registry as `driftwatch start` wires it (alertDeliveryRecorder).
 */
import { describe, expect, it } from 'vitest'
import { deliveryError, type ChannelSender } from '../src/alerts/channels/types.js'
import { withUnknownOutcomes } from '../src/alerts/delivery-failure.js'
import { DEFAULT_DELIVERY } from '../src/alerts/dispatcher.js'
import type { Notification } from '../src/alerts/notification.js'
import { recordStatus, rowsForTransitions } from '../src/alerts/outbox.js'
import { alertDeliveryRecorder } from '../src/observability/alert-deliveries.js'
import type { Logger } from '../src/observability/logger.js'
import { createMetrics } from '../src/observability/metrics.js'
import { enqueueFiring, outboxStore, runLanePasses } from './support/outbox-lane.js'

const PASS_MS = 5 * 60_000
const PASSES = 60
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent } as unknown as Logger

/** A Slack sender whose every attempt times out: the outcome of each is unknown. */
const timingOut: ChannelSender = {
  name: 'slack',
  async send() {
    throw deliveryError('Slack webhook: no answer within 10000 ms', { retriable: true, inDoubt: true })
  },
}

describe('driftwatch_alert_deliveries_total counts a delivery given up in doubt as unknown', () => {
  const outbox = outboxStore()
  let seq = 0

  const enqueueOne = (nowMs: number): Promise<Notification> => enqueueFiring(outbox.store, `in-doubt-${++seq}`, ['slack'], nowMs)

  /** Runs PASSES passes of a lane with `timingOut`; the deliveries counted, by status, and the row. */
  const passes = async (n: Notification, startMs: number) => {
    const metrics = createMetrics({ processMetrics: false })
    await runLanePasses(outbox.store, timingOut, { startMs, passes: PASSES, passMs: PASS_MS, logger: silent, deliveries: alertDeliveryRecorder(metrics) })
    const counted = Object.fromEntries((await metrics.alertDeliveries.get()).values.map((v) => [String(v.labels['status']), v.value]))
    const [row] = await rowsForTransitions(outbox.store, n.transitionIds)
    return { counted, row: row! }
  }

  it('the last in-doubt attempt: every earlier one retried, the last one unknown, none failed', async () => {
    const startMs = Date.now()
    const n = await enqueueOne(startMs)
    const { counted, row } = await passes(n, startMs)
    expect(row).toMatchObject({ status: 'unknown', inDoubt: true, attempts: 1 + DEFAULT_DELIVERY.maxInDoubtResends })
    expect(counted).toEqual({ retried: DEFAULT_DELIVERY.maxInDoubtResends, unknown: 1 })
  })

  it('a row found in sending past the in-doubt bound: settled unknown without a send, counted unknown', async () => {
    const startMs = Date.now()
    const n = await enqueueOne(startMs)
    const [row] = await rowsForTransitions(outbox.store, n.transitionIds)
    // As a lane leaves it when its process dies mid-send, after maxInDoubtResends unknown outcomes.
    await recordStatus(outbox.store, { ...row!, status: 'sending', attempts: 1 + DEFAULT_DELIVERY.maxInDoubtResends, inDoubt: true, payload: withUnknownOutcomes(row!.payload, DEFAULT_DELIVERY.maxInDoubtResends), version: row!.version + 1 })
    const { counted, row: settled } = await passes(n, startMs)
    expect(settled).toMatchObject({ status: 'unknown', inDoubt: true })
    expect(counted).toEqual({ unknown: 1 })
  })
})
