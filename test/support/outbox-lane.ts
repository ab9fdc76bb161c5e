/**
 * A channel lane on the real outbox (chDB) with an injected clock, for delivery tests that cover
 * hours of retries with little real waiting: a migrated store on a database of its own, a firing
 * notification enqueued on it, and a lane kicked once a pass, the clock moved on after each.
 */
import { afterAll, beforeAll } from 'vitest'
import type { ChannelSender } from '../../src/alerts/channels/types.js'
import { ChannelLane, DEFAULT_DELIVERY } from '../../src/alerts/dispatcher.js'
import type { Notification } from '../../src/alerts/notification.js'
import { enqueue, notificationRows } from '../../src/alerts/outbox.js'
import type { AlertDeliveryRecorder } from '../../src/observability/alert-deliveries.js'
import type { Logger } from '../../src/observability/logger.js'
import type { ChannelName } from '../../src/rules/schema.js'
import { openStore, type Store } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { dropTestResources, testConfig } from './config.js'

/** A migrated embedded store on a database of its own: opened before the file's tests, dropped after them. */
export function outboxStore(): { readonly store: Store } {
  const config = testConfig({ kafka: false })
  let store: Store | undefined
  beforeAll(async () => {
    store = openStore(config.clickhouse)
    await migrate(store)
  })
  afterAll(async () => {
    await store?.close()
    await dropTestResources(config)
  })
  return {
    get store() {
      if (!store) throw new Error('the outbox store is opened in beforeAll')
      return store
    },
  }
}

/** A firing feature-drift notification of `rule` (income at PSI 0.5, model m v1), enqueued on `channels` at `nowMs`. */
export async function enqueueFiring(store: Store, rule: string, channels: readonly ChannelName[], nowMs: number): Promise<Notification> {
  const n: Notification = {
    status: 'firing', rule, description: null, severity: 'warning', runbook: null, metric: 'feature drift psi', condition: 'psi >= 0.2', op: '>=', threshold: 0.2,
    subjectLabel: 'feature', modelId: 'm', modelVersion: 'v1', windowStartMs: nowMs - 86_400_000, windowEndMs: nowMs, items: [{ subject: 'income', value: 0.5 }],
    details: [], transitionIds: [`${rule}|m|v1|income#1`], dashboardUrl: null, emailTo: null, createdAtMs: nowMs,
  }
  await enqueue(store, notificationRows(n, channels))
  return n
}

export interface LanePasses {
  readonly startMs: number
  readonly passes: number
  /** How far the clock moves on after each pass. */
  readonly passMs: number
  readonly logger: Logger
  readonly deliveries: AlertDeliveryRecorder
}

/** Runs `passes` passes of a lane with `sender` on DEFAULT_DELIVERY (jitter 0.5), each one kick, then stops the lane. */
export async function runLanePasses(store: Store, sender: ChannelSender, o: LanePasses): Promise<void> {
  let nowMs = o.startMs
  let version = 0
  const lane = new ChannelLane(sender, {
    store, logger: o.logger, now: () => nowMs, random: () => 0.5, version: () => nowMs * 1000 + ++version,
    policy: DEFAULT_DELIVERY, deliveries: o.deliveries, mayDeliver: () => true,
  })
  for (let pass = 0; pass < o.passes; pass++) {
    await lane.kick()
    nowMs += o.passMs
  }
  await lane.stop()
}
