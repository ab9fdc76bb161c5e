/**
 * Exactly-once effect under crashes: 100,000 predictions and 50,000 labels on real Kafka, the
 * pipeline (`driftwatch start`, a child process, evaluating every 2 s) killed with SIGKILL three
 * times mid-stream and restarted on the same chDB directory. Afterwards:
 *  - the stored events equal the produced ones: FINAL counts, and raw (non-FINAL) counts equal to
 *    the distinct ids, so no replay inserted a row twice (the input has no duplicates). Background
 *    merges of the ReplacingMergeTree tables would remove duplicates and hide them, so merges of
 *    predictions and ground_truth are turned off for this database (max_bytes_to_merge_at_max_space_in_pool = 1);
 *  - the metric rows count every event once: over window_summary, newest version per window,
 *    sum(predictions) and sum(labeled) equal the produced totals (the evaluation the last child
 *    was doing is completed first, evaluating only windows still due, see evaluate-until-idle.ts);
 *  - no dead letters.
 * Each restart's first batch of every partition is a possible replay and checks which of its rows
 * are stored (src/pipeline/replay-guard.ts): a kill between the engine's deduplication log and
 * its commit once made this test lose one partition's labels, a whole batch.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, TEST_PSEUDONYMIZATION_KEY, testConfig, uniqueName } from './support/config.js'
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
  // Hourly windows (the default for an unlisted model), evaluated often, so kills also land mid-evaluation.
  const configFile = join(dataDir, 'driftwatch.yaml')
  const env = {
    ...process.env,
    DRIFTWATCH_CONFIG: configFile,
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
    await dropTestResources(config)
  })

  it('stores exactly what was produced after three kill -9 restarts', { timeout: 600_000 }, async () => {
    // Publish-only, on this process's own chDB directory (the one every test file shares): it
    // never opens the child's directory, and never switches directories within the process.
    producerApp = await startApp(config, createLogger('error'), { consume: false, evaluate: false })
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(configFile, 'evaluation:\n  interval: 2s\n')
    const tsx = join(root, 'node_modules/tsx/dist/cli.mjs')
    await promisify(execFile)(process.execPath, [
      tsx, join(root, 'test/support/prepare-database.ts'),
      'ALTER TABLE {db}.predictions MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool = 1',
      'ALTER TABLE {db}.ground_truth MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool = 1',
    ], { env })
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

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'test/support/evaluate-until-idle.ts'),
        `SELECT (SELECT count() FROM {db}.predictions FINAL) AS predictions,
                (SELECT count() FROM {db}.predictions) AS raw_predictions,
                (SELECT uniqExact(prediction_id) FROM {db}.predictions) AS unique_predictions,
                (SELECT count() FROM {db}.ground_truth FINAL) AS labels,
                (SELECT count() FROM {db}.ground_truth) AS raw_labels,
                (SELECT uniqExact(prediction_id) FROM {db}.ground_truth) AS unique_labels,
                (SELECT count() FROM {db}.dead_letters) AS dead_letters,
                (SELECT (count(), sum(p), sum(l)) FROM (
                   SELECT argMax(predictions, eval_version) AS p, argMax(labeled, eval_version) AS l
                   FROM {db}.window_summary GROUP BY model_id, model_version, window_start)) AS windows`,
      ],
      { env, maxBuffer: 1 << 20 },
    )
    const { passes, rows } = JSON.parse(stdout) as { passes: number[]; rows: Record<string, unknown>[] }
    console.log(`[crash-recovery] windows the helper still evaluated, per pass: ${passes.join(', ')}`)
    const hours = Math.ceil(PREDICTIONS / 3600) + 1 // event times span 27.8 h: 28 or 29 hourly windows
    const [row] = rows
    expect(row).toMatchObject({
      predictions: String(PREDICTIONS), raw_predictions: String(PREDICTIONS), unique_predictions: String(PREDICTIONS),
      labels: String(LABELS), raw_labels: String(LABELS), unique_labels: String(LABELS),
      dead_letters: '0',
    })
    const [windows, predicted, labeled] = row!['windows'] as [string, string, string]
    expect([Number(predicted), Number(labeled)], 'sum(predictions), sum(labeled) over the newest window_summary rows').toEqual([PREDICTIONS, LABELS])
    expect(Number(windows)).toBeGreaterThanOrEqual(hours - 1)
    expect(Number(windows)).toBeLessThanOrEqual(hours)
  })
})
