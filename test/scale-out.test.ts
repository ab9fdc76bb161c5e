/**
 * Scale-out: one consumer and three consumers in one group, reading the same topics into two
 * databases, give identical metric rows (all but the version). Partial aggregates are per
 * partition and merged by the accumulators, so how partitions are spread cannot matter.
 *
 * The comparison only means something if the three really shared the work: the traffic is
 * published only once all three are members of one stable group, each assigned partitions of
 * both topics, and each instance's own consumed counter (driftwatch_events_consumed_total of its
 * metrics registry) must be above zero before the metric rows are compared. One idle consumer
 * (the other two, or one, doing everything) fails the test.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { createMetrics, type DriftwatchMetrics } from '../src/observability/metrics.js'
import { dropTestResources, testConfig, uniqueName } from './support/config.js'
import { count, queryRows } from './support/query.js'
import { LOAN_MODEL_YAML, loanTraffic } from './support/traffic.js'
import { waitFor } from './support/wait.js'

const METRIC_TABLES = ['window_summary', 'drift', 'dataset_drift', 'performance', 'fairness', 'quality', 'comparison', 'detector_state'] as const
const PARTITIONS = 6

/** Records this instance processed durably (accepted + dead-lettered), over both topics. */
async function consumedBy(metrics: DriftwatchMetrics): Promise<number> {
  return (await metrics.eventsConsumed.get()).values.reduce((s, v) => s + v.value, 0)
}

describe('scale-out by consumer group', () => {
  const prefix = `${uniqueName('so')}.`
  const file = parseFileConfig(LOAN_MODEL_YAML, 'test.yaml')
  const apps: App[] = []
  const configs: ReturnType<typeof testConfig>[] = []
  const start = async (db: string, group: string, metrics: DriftwatchMetrics) => {
    const config = testConfig({ partitions: PARTITIONS, env: { DRIFTWATCH_TOPIC_PREFIX: prefix, CLICKHOUSE_DATABASE: db, KAFKA_GROUP_ID: group } })
    configs.push(config)
    const app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, metrics })
    apps.push(app)
    return app
  }
  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop()
    // Both databases, and the shared topics once.
    for (const config of [configs[0], configs[1]]) if (config) await dropTestResources(config)
  })

  it('gives identical metric rows with 1 and with 3 consumers, each of the 3 consuming', async () => {
    const data = loanTraffic(5, 400)
    const one = await start(uniqueName('one'), uniqueName('g1'), createMetrics({ processMetrics: false }))
    const threeDb = uniqueName('three')
    const threeGroup = uniqueName('g3')
    const threeMetrics = [0, 1, 2].map(() => createMetrics({ processMetrics: false }))
    const three: App[] = []
    for (const m of threeMetrics) three.push(await start(threeDb, threeGroup, m))

    // All three in one stable group, each holding partitions of both topics, before any record exists.
    const config = configs[1]!
    const admin = new Kafka({ brokers: [...config.kafka!.brokers], logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      await waitFor(
        async () => {
          const [group] = (await admin.describeGroups([threeGroup])).groups
          const assigned = (group?.members ?? []).map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {})
          return { state: group?.state, assigned }
        },
        ({ state, assigned }) =>
          state === 'Stable' && assigned.length === 3 && assigned.every((a) => (a[config.topics.predictions]?.length ?? 0) > 0 && (a[config.topics.groundTruth]?.length ?? 0) > 0),
        { what: 'three members of the group, each assigned partitions of both topics', timeoutMs: 90_000, intervalMs: 500 },
      )
    } finally {
      await admin.disconnect()
    }

    for (let i = 0; i < data.predictions.length; i += 500) await one.publisher.publishPredictions(data.predictions.slice(i, i + 500))
    for (let i = 0; i < data.labels.length; i += 500) await one.publisher.publishGroundTruth(data.labels.slice(i, i + 500))

    for (const app of [one, three[0]!]) {
      await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === data.predictions.length, { what: 'predictions', timeoutMs: 120_000 })
      await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === data.labels.length, { what: 'labels', timeoutMs: 120_000 })
    }
    const partitionsUsed = await count(three[0]!.store, 'SELECT uniqExact(source_partition) AS c FROM {db}.predictions')
    expect(partitionsUsed).toBe(PARTITIONS)

    // Each of the three did part of the work; together at least all of it (a rebalance may replay a batch).
    const consumed = await Promise.all(threeMetrics.map(consumedBy))
    const records = data.predictions.length + data.labels.length
    for (const [i, c] of consumed.entries()) expect(c, `records consumed by instance ${i + 1} of 3 (all: ${consumed.join(', ')})`).toBeGreaterThan(0)
    expect(consumed.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(records)
    expect(await count(three[0]!.store, 'SELECT count() AS c FROM {db}.dead_letters')).toBe(0)

    await one.evaluator.evaluateNow()
    await three[0]!.evaluator.evaluateNow()
    for (const table of METRIC_TABLES) {
      const rows = async (app: App) =>
        (await queryRows(app.store, `SELECT * EXCEPT eval_version FROM {db}.${table} FINAL ORDER BY ALL`)).map((r) => JSON.stringify(r))
      const [a, b] = [await rows(one), await rows(three[0]!)]
      expect(a.length, `${table} rows`).toBeGreaterThan(0)
      expect(b, table).toEqual(a)
    }
    const drifted = await queryRows<{ column: string }>(one.store, `SELECT DISTINCT column FROM {db}.drift FINAL WHERE target = 'feature' AND drift_detected = 1 ORDER BY column`)
    expect(drifted.map((r) => r.column)).toContain('income')
  })
})
