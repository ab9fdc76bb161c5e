/**
 * Exactly-once effect under crashes: 100,000 predictions and 50,000 labels on real Kafka, the
 * pipeline (`driftwatch start`, a child process) killed with SIGKILL three times mid-stream and
 * restarted on the same chDB directory. The stored counts must equal the produced counts
 * exactly, with no duplicates and no dead letters.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { TEST_PSEUDONYMIZATION_KEY, testConfig, uniqueName } from './support/config.js'
import { prediction } from './support/events.js'
import { waitFor } from './support/wait.js'

const PREDICTIONS = 100_000
const LABELS = 50_000
const root = join(import.meta.dirname, '..')

describe('crash recovery', () => {
  const infra = inject('infra')
  const db = uniqueName('crash')
  const dataDir = join(infra.chdbDataDir, db)
  const config = testConfig({ partitions: 6, env: { CLICKHOUSE_DATABASE: db } })
  const env = {
    ...process.env,
    KAFKA_BROKERS: infra.kafkaBrokers,
    SCHEMA_REGISTRY_URL: infra.registryUrl,
    CLICKHOUSE_DATABASE: db,
    DRIFTWATCH_DATA_DIR: dataDir,
    DRIFTWATCH_TOPIC_PREFIX: `${config.topics.predictions.split('.')[0]}.`,
    KAFKA_GROUP_ID: config.kafka!.groupId,
    DRIFTWATCH_PARTITIONS: '6',
    DRIFTWATCH_LOG_LEVEL: 'error',
    DRIFTWATCH_HTTP_ENABLED: 'false',
    DRIFTWATCH_PSEUDONYMIZATION_KEY: TEST_PSEUDONYMIZATION_KEY,
  }
  let child: ChildProcess | null = null
  let producerApp: App | null = null
  const startPipeline = () => {
    child = spawn(process.execPath, [join(root, 'bin/driftwatch.js'), 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] })
    return child
  }
  afterAll(async () => {
    child?.kill('SIGKILL')
    await producerApp?.stop()
  })

  it('stores exactly what was produced after three kill -9 restarts', { timeout: 600_000 }, async () => {
    // Publish-only, on this process's own chDB directory (the one every test file shares): it
    // never opens the child's directory, and never switches directories within the process.
    producerApp = await startApp(config, createLogger('error'), { consume: false, evaluate: false })
    const base = Date.now() - 3 * 86_400_000
    for (let i = 0; i < PREDICTIONS; i += 2000) {
      const batch = Array.from({ length: 2000 }, (_, j) => prediction({ prediction_id: `c-${i + j}`, event_time: base + (i + j) * 1000 }))
      await producerApp.publisher.publishPredictions(batch)
    }
    for (let i = 0; i < LABELS; i += 2000) {
      const batch = Array.from({ length: 2000 }, (_, j) => ({ prediction_id: `c-${(i + j) * 2}`, label: { class_label: 'approve', value: null }, label_time: Date.now() - 1000, source: 'test' }))
      await producerApp.publisher.publishGroundTruth(batch)
    }

    const admin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    const committed = async () => {
      const offsets = await admin.fetchOffsets({ groupId: env.KAFKA_GROUP_ID, topics: [config.topics.predictions, config.topics.groundTruth] })
      return offsets.flatMap((t) => t.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)
    }
    const total = PREDICTIONS + LABELS
    // Fails fast when the pipeline exits on its own instead of waiting for the timeout.
    const progress = (proc: ChildProcess) => async () => {
      if (proc.exitCode !== null) throw new Error(`driftwatch start exited with code ${proc.exitCode}`)
      return committed()
    }
    for (const share of [0.2, 0.45, 0.7]) {
      const proc = startPipeline()
      await waitFor(progress(proc), (c) => c >= share * total, { what: `${share * 100}% committed`, timeoutMs: 300_000, intervalMs: 100 })
      proc.kill('SIGKILL')
      await new Promise((r) => proc.once('exit', r))
    }
    const last = startPipeline()
    await waitFor(progress(last), (c) => c === total, { what: 'everything committed', timeoutMs: 300_000 })
    last.kill('SIGTERM')
    await new Promise((r) => last.once('exit', r))
    await admin.disconnect()

    const { stdout } = await promisify(execFile)(process.execPath, [
      join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'test/support/chdb-query.ts'), dataDir, db,
      `SELECT (SELECT count() FROM {db}.predictions FINAL) AS predictions,
              (SELECT uniqExact(prediction_id) FROM {db}.predictions) AS unique_predictions,
              (SELECT count() FROM {db}.ground_truth FINAL) AS labels,
              (SELECT uniqExact(prediction_id) FROM {db}.ground_truth) AS unique_labels,
              (SELECT count() FROM {db}.dead_letters) AS dead_letters`,
    ])
    expect(JSON.parse(stdout)).toEqual([{ predictions: String(PREDICTIONS), unique_predictions: String(PREDICTIONS), labels: String(LABELS), unique_labels: String(LABELS), dead_letters: '0' }])
  })
})
