/**
 * Evaluation time vs stored history, on embedded chDB: a binary model with 20
 * features (16 numerical, 4 categorical, as ./join-memory.ts) and one protected attribute, its
 * history stored across 1,000 one-hour windows with labels for half, as if every window had been
 * evaluated (window_state, window_marks and the evaluator's cursor written). Then one NEW window
 * arrives (1,000 predictions, labels for half) and the evaluator's pass that evaluates it is timed:
 * the due-window scan, the window's partials and metrics against its reference (the previous
 * window, the default), the version comparison and the orphan sweep. Same new window, same
 * reference window (1,000 predictions each), once with 100k and once with 10M stored predictions:
 * only the history differs. Target: large within 2x of small.
 *
 * History is generated inside the engine (INSERT ... SELECT FROM numbers(n)), with random-looking
 * prediction ids (a hash), as real ids are. Each pass is repeated (a new mark re-evaluates the
 * window; a fresh evaluator, so the reference is read again as for a new window) and the median
 * is reported, with the median of each phase and of the pass's CPU time (this process, chDB's
 * threads included; wall times on a busy machine mostly measure the wait for a core). Merges of
 * the generated history are stopped while measuring: they are ingest's cost.
 *
 *   npx tsx scripts/bench/evaluate-history.ts [--small 100000] [--large 10000000] [--reps 5]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseFileConfig, type FileConfig } from '../../src/config/file.js'
import { scanDue } from '../../src/evaluate/due.js'
import { Evaluator } from '../../src/evaluate/evaluator.js'
import { sweepOrphans } from '../../src/evaluate/orphans.js'
import { createLogger } from '../../src/observability/logger.js'
import { createDeadLetterSink } from '../../src/pipeline/dead-letter-sink.js'
import { openStore, type Store } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { clickhouseDateTime64 } from '../../src/store/rows.js'

const HOUR = 3_600_000
const WINDOWS = 1000
const NEW_WINDOW_PREDICTIONS = 1000

export interface HistoryRun {
  readonly storedPredictions: number
  readonly seedS: number
  /** Median wall time of the whole evaluator pass that evaluates the new window. */
  readonly passMs: number
  /** The fastest pass: the least disturbed by other processes. */
  readonly bestPassMs: number
  /** Medians of its phases, measured separately. */
  readonly dueScanMs: number
  readonly evaluateWindowMs: number
  readonly orphanSweepMs: number
  readonly passCpuMs: number
  readonly samplesMs: number[]
}

export interface EvaluateHistoryResult {
  readonly evaluate_window_ms_small_history: number
  readonly evaluate_window_ms_large_history: number
  /** Wall time, large / small. */
  readonly ratio: number
  /** CPU time of the pass (this process, chDB's threads included), large / small: less disturbed by other processes. */
  readonly ratio_cpu: number
  /** Fastest pass, large / small. */
  readonly ratio_best: number
  readonly target_ratio: 2
  readonly met: boolean
  readonly windows: number
  readonly new_window_predictions: number
  readonly small: HistoryRun
  readonly large: HistoryRun
  readonly cores: number
  /** Load average at the end: above the core count, wall times are inflated. */
  readonly load_average: number
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * Predictions [first, first + n) of the generator, spread evenly over `windows` windows from
 * startMs: 16 numerical features, 4 categorical, a score and class, a group segment, 6 partitions.
 */
export const predictionsSql = (db: string, prefix: string, first: number, n: number, startMs: number, windows: number) => `
  INSERT INTO ${db}.predictions (prediction_id, model_id, model_version, event_time, features_num, features_cat, features_missing,
                                 class_label, score, probabilities, value, segments, environment, variant, subject_id,
                                 source_topic, source_partition, source_offset, ingested_at)
  SELECT concat('${prefix}', lower(hex(cityHash64(number, 'id')))), 'bench', 'v1',
         fromUnixTimestamp64Milli(toInt64(${startMs} + intDiv(number - ${first}, ${Math.ceil(n / windows)}) * ${HOUR} + (cityHash64(number, 't') % ${HOUR}))),
         mapFromArrays(arrayMap(f -> concat('num_', toString(f)), range(16)), arrayMap(f -> (cityHash64(number, f) % 10007) / 100, range(16))),
         mapFromArrays(arrayMap(f -> concat('cat_', toString(f)), range(4)), arrayMap(f -> concat('c', toString(cityHash64(number, 100 + f) % 12)), range(4))),
         [], if(number % 3 = 0, 'no', 'yes'), (cityHash64(number, 's') % 1000) / 1000, map(), NULL,
         map('group', if(number % 2 = 0, 'A', 'B')), 'production', 'champion', NULL,
         'bench.predictions', number % 6, number, now64(3)
  FROM numbers(${first}, ${n})`

export const labelsSql = (db: string, prefix: string, first: number, n: number) => `
  INSERT INTO ${db}.ground_truth (prediction_id, label_class, label_value, label_time, source, source_topic, source_partition, source_offset, ingested_at)
  SELECT concat('${prefix}', lower(hex(cityHash64(number, 'id')))), if(cityHash64(number, 'y') % 10 < 7, 'yes', 'no'), NULL,
         now64(3), 'bench', 'bench.ground-truth', number % 6, number, now64(3)
  FROM numbers(${first}, ${n}) WHERE number % 2 = 0`

export async function seedHistory(store: Store, stored: number, newStartMs: number): Promise<void> {
  const db = store.database
  const firstMs = newStartMs - WINDOWS * HOUR
  // Windows 0..998 hold the bulk; window 999 (the new window's reference) holds as many as the new window.
  const bulk = stored - NEW_WINDOW_PREDICTIONS
  for (let i = 0; i < bulk; i += 2_000_000) {
    const n = Math.min(2_000_000, bulk - i)
    // Each chunk covers its share of the 999 windows, in order.
    const w0 = Math.floor((i / bulk) * (WINDOWS - 1))
    const w1 = Math.floor(((i + n) / bulk) * (WINDOWS - 1))
    await store.client.command({ query: predictionsSql(db, 'h-', i, n, firstMs + w0 * HOUR, Math.max(1, w1 - w0)) })
    await store.client.command({ query: labelsSql(db, 'h-', i, n) })
  }
  await store.client.command({ query: predictionsSql(db, 'r-', 0, NEW_WINDOW_PREDICTIONS, newStartMs - HOUR, 1) })
  await store.client.command({ query: labelsSql(db, 'r-', 0, NEW_WINDOW_PREDICTIONS) })
  // As if every history window had been evaluated after its last mark: marks, state, cursor.
  const evaluatedAt = Date.now() - 10 * 60_000
  await store.client.command({
    query: `INSERT INTO ${db}.window_marks (model_id, model_version, window_start, window_ms, reason, marked_at)
            SELECT 'bench', 'v1', fromUnixTimestamp64Milli(toInt64(${firstMs} + number * ${HOUR})), ${HOUR}, 'predictions',
                   fromUnixTimestamp64Milli(toInt64(${evaluatedAt - 60_000} - (${WINDOWS} - number) * 1000))
            FROM numbers(${WINDOWS})`,
  })
  await store.client.command({
    query: `INSERT INTO ${db}.window_state (model_id, model_version, window_start, window_ms, last_mark, closed, eval_version)
            SELECT 'bench', 'v1', fromUnixTimestamp64Milli(toInt64(${firstMs} + number * ${HOUR})), ${HOUR},
                   fromUnixTimestamp64Milli(toInt64(${evaluatedAt - 60_000} - (${WINDOWS} - number) * 1000)), 1, ${evaluatedAt}
            FROM numbers(${WINDOWS})`,
  })
  await store.client.insert({ table: `${db}.evaluator_cursor`, values: [{ name: 'window_marks', marks_read_until: clickhouseDateTime64(evaluatedAt - 60_000) }], format: 'JSONEachRow' })
}

async function run(stored: number, reps: number): Promise<HistoryRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-history-'))
  const store = openStore({ url: null, user: 'default', password: '', database: `benchhist${Date.now().toString(36)}`, dataDir })
  const file: FileConfig = parseFileConfig('models:\n  - id: bench\n    window: 1h\n    allowedLateness: 0s\n    positiveClass: "yes"\n    protected: [group]\n', 'bench')
  const logger = createLogger('silent')
  const lateness = () => 0
  try {
    await migrate(store)
    const newStartMs = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR
    const seedStart = performance.now()
    await seedHistory(store, stored, newStartMs)
    const seedS = (performance.now() - seedStart) / 1000
    // Background merges of the freshly generated history are ingest's cost, not evaluation's, and
    // this process's CPU time counts chDB's threads: keep them out of the measurement.
    for (const table of ['predictions', 'ground_truth']) await store.client.command({ query: `SYSTEM STOP MERGES ${store.database}.${table}` })
    // The new window arrives (as the consumers store it and mark it).
    await store.client.command({ query: predictionsSql(store.database, 'n-', 0, NEW_WINDOW_PREDICTIONS, newStartMs, 1) })
    await store.client.command({ query: labelsSql(store.database, 'n-', 0, NEW_WINDOW_PREDICTIONS) })
    const mark = () =>
      store.client.insert({
        table: `${store.database}.window_marks`,
        values: [{ model_id: 'bench', model_version: 'v1', window_start: clickhouseDateTime64(newStartMs), window_ms: HOUR, reason: 'predictions' }],
        format: 'JSONEachRow',
      })
    const evaluator = () => new Evaluator({ store, file, deadLetters: createDeadLetterSink(store, null), logger, now: Date.now })
    const pass: number[] = []
    const cpu: number[] = []
    const due: number[] = []
    const window: number[] = []
    const orphans: number[] = []
    for (let i = 0; i < reps; i++) {
      await mark()
      const t = performance.now()
      const c = process.cpuUsage()
      const report = await evaluator().tick()
      const used = process.cpuUsage(c)
      pass.push(performance.now() - t)
      cpu.push((used.user + used.system) / 1000)
      if (report.evaluated !== 1) throw new Error(`expected the pass to evaluate the new window only, it evaluated ${report.evaluated}`)

      await mark()
      let s = performance.now()
      const scan = await scanDue(store, lateness, { windowMs: () => HOUR })
      due.push(performance.now() - s)
      s = performance.now()
      await evaluator().evaluateWindow(scan.due[0]!)
      window.push(performance.now() - s)
      s = performance.now()
      await sweepOrphans(store, createDeadLetterSink(store, null), file.join.orphanAfter, Date.now())
      orphans.push(performance.now() - s)
      await evaluator().tick() // settles the mark and the cursor for the next repetition
    }
    return { storedPredictions: stored + NEW_WINDOW_PREDICTIONS, seedS, passMs: median(pass), bestPassMs: Math.min(...pass), dueScanMs: median(due), evaluateWindowMs: median(window), orphanSweepMs: median(orphans), passCpuMs: median(cpu), samplesMs: pass }
  } finally {
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

export async function evaluateHistoryBenchmark(opts: { small?: number; large?: number; reps?: number } = {}): Promise<EvaluateHistoryResult> {
  const reps = opts.reps ?? 5
  const small = await run(opts.small ?? 100_000, reps)
  const large = await run(opts.large ?? 10_000_000, reps)
  const ratio = large.passMs / small.passMs
  return {
    evaluate_window_ms_small_history: Math.round(small.passMs * 10) / 10,
    evaluate_window_ms_large_history: Math.round(large.passMs * 10) / 10,
    ratio: Math.round(ratio * 100) / 100,
    ratio_cpu: Math.round((large.passCpuMs / small.passCpuMs) * 100) / 100,
    ratio_best: Math.round((large.bestPassMs / small.bestPassMs) * 100) / 100,
    target_ratio: 2,
    met: ratio <= 2,
    windows: WINDOWS,
    new_window_predictions: NEW_WINDOW_PREDICTIONS,
    small,
    large,
    cores: cpus().length,
    load_average: Math.round(loadavg()[0]! * 100) / 100,
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? Number(process.argv[i + 1]) : undefined
  }
  evaluateHistoryBenchmark({ small: arg('small'), large: arg('large'), reps: arg('reps') })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err)
      process.exitCode = 1
    })
}
