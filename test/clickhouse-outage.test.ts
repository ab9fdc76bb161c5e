/**
 * Backpressure: while ClickHouse is unavailable for 40 s the affected partitions stop (nothing
 * is committed), the consumer retries with capped, jittered backoff and keeps its group
 * membership (40 s is past kafkajs's 30 s session timeout: a consumer that stopped heartbeating
 * while it backs off would have been removed from the group and rejoined under a new member id),
 * and the process does not crash. When ClickHouse is back every record is stored
 * exactly once.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { faultyOpenStore, type FaultSwitch } from './support/faulty-store.js'
import { count } from './support/query.js'
import { waitFor } from './support/wait.js'

const N = 5000
const OUTAGE_MS = 40_000

describe('ClickHouse outage', () => {
  const config = testConfig({ partitions: 3 })
  const fault: FaultSwitch = { down: false, rejected: 0 }
  let app: App
  afterAll(async () => {
    await app?.stop()
  })

  it('pauses, retries and then stores everything exactly once', { timeout: 180_000 }, async () => {
    app = await startApp(config, createLogger(config.logLevel), { evaluate: false, openStore: faultyOpenStore(fault) })
    const admin = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const committed = async () =>
      (await admin.fetchOffsets({ groupId: config.kafka!.groupId, topics: [config.topics.predictions] }))
        .flatMap((t) => t.partitions)
        .reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)

    // The one member of the group, once it has joined.
    const members = async () => {
      const [group] = (await admin.describeGroups([config.kafka!.groupId])).groups
      return { state: group?.state, ids: (group?.members ?? []).map((m) => m.memberId) }
    }
    const before = await waitFor(members, (g) => g.state === 'Stable' && g.ids.length === 1, { what: 'the consumer in its group' })

    fault.down = true
    const base = Date.now() - 3_600_000
    for (let i = 0; i < N; i += 1000) {
      await app.publisher.publishPredictions(Array.from({ length: 1000 }, (_, j) => prediction({ prediction_id: `o-${i + j}`, event_time: base + i + j })))
    }
    const outageEnds = Date.now() + OUTAGE_MS
    let crashed = false
    app.done.catch(() => (crashed = true))
    while (Date.now() < outageEnds) {
      expect(await committed()).toBe(0)
      await new Promise((r) => setTimeout(r, 1000))
    }
    expect(crashed).toBe(false)
    expect(fault.rejected).toBeGreaterThan(3)
    expect(await members(), 'group membership after the outage').toEqual(before)
    fault.down = false

    await waitFor(committed, (c) => c === N, { what: 'all offsets committed after the outage', timeoutMs: 90_000 })
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL')).toBe(N)
    expect(await count(app.store, 'SELECT uniqExact(prediction_id) AS c FROM {db}.predictions')).toBe(N)
    expect(await count(app.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)
    await admin.disconnect()
  })
})
