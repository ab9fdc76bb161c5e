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
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { startApp, type App } from '../src/app.js'
import { createLogger } from '../src/observability/logger.js'
import { boundedSteps, fileTail, HELPER_REAP_MS, howExited } from './support/bounded-steps.js'
import { dropTestResources, TEST_PSEUDONYMIZATION_KEY, testConfig, uniqueName } from './support/config.js'
import { prediction } from './support/events.js'

const PREDICTIONS = 100_000
const LABELS = 50_000
const root = join(import.meta.dirname, '..')
/** Each child's and helper's stderr, overwritten by every run (test-artifacts/ is gitignored). */
const artifacts = join(root, 'test-artifacts', 'crash-recovery')

const TEST_TIMEOUT_MS = 600_000
/**
 * Time limits per step. A normal run takes ~190 s: publishing ~10 s, preparing ~4 s, the first
 * kill ~6 s after its child starts, each later one ~34 s (most of it the group waiting out the
 * killed member's session), the last child ~32 s and ~6 s to stop, the evaluation helper ~65 s.
 * They add up (PLANNED_MS) to less than the test's timeout, so a slow or stuck step fails with
 * its own name and last value rather than being cut off by vitest with nothing said.
 */
const BUDGET_MS = {
  producer: 20_000, prepare: 25_000, publish: 25_000, admin: 10_000,
  firstShare: 50_000, laterShare: 70_000, allCommitted: 80_000,
  killedExit: 10_000, stoppedExit: 30_000, evaluate: 150_000,
}
const PLANNED_MS = ((b) => b.producer + b.prepare + b.publish + b.admin + b.firstShare + 2 * b.laterShare + b.allCommitted
  + 3 * b.killedExit + b.stoppedExit + b.evaluate + 2 * HELPER_REAP_MS)(BUDGET_MS)

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
  const steps = boundedSteps('crash-recovery')
  let child: ChildProcess | null = null
  let producerApp: App | null = null
  let admin: Admin | null = null
  /** Starts `driftwatch start` number `run`, its stderr going to a file under artifacts. */
  const startPipeline = (run: number) => {
    const stderrFile = join(artifacts, `start-${run}.stderr.log`)
    const fd = openSync(stderrFile, 'w')
    try {
      child = spawn(process.execPath, [join(root, 'bin/driftwatch.js'), 'start'], { env, stdio: ['ignore', 'ignore', fd] })
    } finally {
      closeSync(fd) // the child has its own copy
    }
    steps.say(`run ${run}`, `child started, pid ${child.pid}`)
    return { proc: child, stderrFile }
  }
  afterAll(async () => {
    child?.kill('SIGKILL')
    await admin?.disconnect()
    await producerApp?.stop()
    await dropTestResources(config)
  })

  it('stores exactly what was produced after three kill -9 restarts', { timeout: TEST_TIMEOUT_MS }, async () => {
    expect(PLANNED_MS, 'the step budgets leave the test time to report').toBeLessThan(TEST_TIMEOUT_MS - 20_000)
    mkdirSync(artifacts, { recursive: true })
    steps.say('start', `step budgets ${PLANNED_MS / 1000} s of the test's ${TEST_TIMEOUT_MS / 1000} s; stderr of children and helpers in ${artifacts}`)
    const total = PREDICTIONS + LABELS
    // Publish-only, on this process's own chDB directory (the one every test file shares): it
    // never opens the child's directory, and never switches directories within the process.
    const publishing = await steps.within('producer', BUDGET_MS.producer, startApp(config, createLogger('error'), { consume: false, evaluate: false }))
    producerApp = publishing
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(configFile, 'evaluation:\n  interval: 2s\n')
    const helperRun = (name: string) => ({ env, cwd: root, stderrFile: join(artifacts, `${name}.stderr.log`) })
    await steps.runScript('prepare', BUDGET_MS.prepare, join(root, 'test/support/prepare-database.ts'), [
      'ALTER TABLE {db}.predictions MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool = 1',
      'ALTER TABLE {db}.ground_truth MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool = 1',
    ], helperRun('prepare'))
    await steps.within('publish', BUDGET_MS.publish, (async () => {
      const base = Date.now() - 3 * 86_400_000
      for (let i = 0; i < PREDICTIONS; i += 2000) {
        const batch = Array.from({ length: 2000 }, (_, j) => prediction({ prediction_id: `c-${i + j}`, event_time: base + (i + j) * 1000 }))
        await publishing.publisher.publishPredictions(batch)
      }
      for (let i = 0; i < LABELS; i += 2000) {
        const batch = Array.from({ length: 2000 }, (_, j) => ({ prediction_id: `c-${(i + j) * 2}`, label: { class_label: 'approve', value: null }, label_time: Date.now() - 1000, source: 'test' }))
        await publishing.publisher.publishGroundTruth(batch)
      }
    })())
    steps.say('publish', `${PREDICTIONS} predictions and ${LABELS} labels published`)

    const kafkaAdmin = new Kafka({ brokers: infra.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin()
    admin = kafkaAdmin
    await steps.within('admin', BUDGET_MS.admin, kafkaAdmin.connect())
    const committed = async () => {
      const offsets = await kafkaAdmin.fetchOffsets({ groupId: env.KAFKA_GROUP_ID, topics: [config.topics.predictions, config.topics.groundTruth] })
      return offsets.flatMap((t) => t.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)
    }
    // Fails fast when the pipeline exits on its own (a code, or a signal we did not send).
    const progress = ({ proc, stderrFile }: { proc: ChildProcess; stderrFile: string }) => async () => {
      const how = howExited(proc)
      if (how !== null) throw new Error(`driftwatch start (pid ${proc.pid}) exited by itself (${how}); stderr: ${fileTail(stderrFile)}`)
      return committed()
    }
    const show = (c: number) => `committed ${c}/${total}`
    for (const [i, share] of [0.2, 0.45, 0.7].entries()) {
      const step = `run ${i + 1}`
      const started = startPipeline(i + 1)
      const c = await steps.waitUntil(`${step} (until ${share * 100}% committed)`, i === 0 ? BUDGET_MS.firstShare : BUDGET_MS.laterShare,
        progress(started), (v) => v >= share * total, { intervalMs: 100, show })
      started.proc.kill('SIGKILL')
      steps.say(step, `${show(c)}; sent SIGKILL`)
      await steps.exited(step, BUDGET_MS.killedExit, started.proc)
    }
    const last = startPipeline(4)
    const c = await steps.waitUntil('run 4 (until everything is committed)', BUDGET_MS.allCommitted, progress(last), (v) => v === total, { show })
    last.proc.kill('SIGTERM')
    steps.say('run 4', `${show(c)}; sent SIGTERM`)
    await steps.exited('run 4', BUDGET_MS.stoppedExit, last.proc)

    const stdout = await steps.runScript('evaluate', BUDGET_MS.evaluate, join(root, 'test/support/evaluate-until-idle.ts'), [
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
    ], helperRun('evaluate'))
    const { passes, rows } = JSON.parse(stdout) as { passes: number[]; rows: Record<string, unknown>[] }
    steps.say('evaluate', `windows the helper still evaluated, per pass: ${passes.join(', ')}`)
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
