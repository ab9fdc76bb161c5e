/**
 * Scale-out: one consumer and three consumers in one group, reading the same topics into two
 * databases, give identical metric rows (all but the version). Partial aggregates are per
 * partition and merged by the accumulators, so how partitions are spread cannot matter.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig, uniqueName } from './support/config.js'
import { count, queryRows } from './support/query.js'
import { LOAN_MODEL_YAML, loanTraffic } from './support/traffic.js'
import { waitFor } from './support/wait.js'

const METRIC_TABLES = ['window_summary', 'drift', 'dataset_drift', 'performance', 'fairness', 'quality', 'comparison', 'detector_state'] as const

describe('scale-out by consumer group', () => {
  const prefix = `${uniqueName('so')}.`
  const file = parseFileConfig(LOAN_MODEL_YAML, 'test.yaml')
  const apps: App[] = []
  const start = async (db: string, group: string) => {
    const config = testConfig({ partitions: 6, env: { DRIFTWATCH_TOPIC_PREFIX: prefix, CLICKHOUSE_DATABASE: db, KAFKA_GROUP_ID: group } })
    const app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false })
    apps.push(app)
    return app
  }
  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop()
  })

  it('gives identical metric rows with 1 and with 3 consumers', async () => {
    const data = loanTraffic(5, 400)
    const one = await start(uniqueName('one'), uniqueName('g1'))
    for (let i = 0; i < data.predictions.length; i += 500) await one.publisher.publishPredictions(data.predictions.slice(i, i + 500))
    for (let i = 0; i < data.labels.length; i += 500) await one.publisher.publishGroundTruth(data.labels.slice(i, i + 500))
    const threeDb = uniqueName('three')
    const threeGroup = uniqueName('g3')
    const three = [await start(threeDb, threeGroup), await start(threeDb, threeGroup), await start(threeDb, threeGroup)]

    for (const app of [one, three[0]!]) {
      await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === data.predictions.length, { what: 'predictions', timeoutMs: 120_000 })
      await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === data.labels.length, { what: 'labels', timeoutMs: 120_000 })
    }
    const partitionsUsed = await count(three[0]!.store, 'SELECT uniqExact(source_partition) AS c FROM {db}.predictions')
    expect(partitionsUsed).toBe(6)

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
