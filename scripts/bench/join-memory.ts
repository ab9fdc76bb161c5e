/**
 * Memory with many unlabeled predictions inside the join horizon: publishes N predictions
 * (20 features each) through the embedded pipeline into a scratch chDB directory, with no
 * labels, and reports peak RSS and the join index size. The index is bounded by
 * join.indexSize; predictions beyond it are found by batched ClickHouse lookups instead.
 *
 *   tsx scripts/bench/join-memory.ts [N=1000000] [indexSize=200000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startApp } from '../../src/app.js'
import { loadRuntimeConfig } from '../../src/config/env.js'
import { parseFileConfig } from '../../src/config/file.js'
import type { PredictionEvent } from '../../src/ingest/schemas.js'
import { createLogger } from '../../src/observability/logger.js'

export interface JoinMemoryResult {
  readonly predictions: number
  readonly indexSize: number
  readonly indexEntries: number
  readonly peakRssMb: number
  readonly seconds: number
}

/** The bench's model: hourly windows, a positive class, one protected attribute. */
export const benchConfig = () => parseFileConfig('models:\n  - id: bench\n    window: 1h\n    positiveClass: "yes"\n    protected: [group]\n', 'bench')

/** Environment of a bench run on the local infrastructure, its topics and database named by `prefix`. */
export function benchEnv(prefix: string, dataDir = join(tmpdir(), `driftwatch-${prefix}`)): Record<string, string> {
  return {
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:19092',
    SCHEMA_REGISTRY_URL: process.env['SCHEMA_REGISTRY_URL'] ?? 'http://127.0.0.1:18081/apis/ccompat/v7',
    DRIFTWATCH_TOPIC_PREFIX: `${prefix}.`,
    DRIFTWATCH_DATA_DIR: dataDir,
    CLICKHOUSE_DATABASE: prefix,
    DRIFTWATCH_PARTITIONS: '6',
    DRIFTWATCH_LOG_LEVEL: 'error',
    DRIFTWATCH_PSEUDONYMIZATION_KEY: 'driftwatch-bench-pseudonymization-key',
  }
}

export function syntheticPrediction(i: number, t0: number): PredictionEvent {
  const features: Record<string, number | string> = {}
  for (let f = 0; f < 16; f++) features[`num_${f}`] = ((i * 7919 + f * 104729) % 10007) / 100
  for (let f = 0; f < 4; f++) features[`cat_${f}`] = `c${(i + f) % 12}`
  return {
    prediction_id: `bench-${i}`,
    model_id: 'bench',
    model_version: 'v1',
    event_time: t0 + i,
    features,
    prediction: { class_label: i % 3 ? 'yes' : 'no', score: (i % 1000) / 1000, probabilities: null, value: null },
    segments: { group: i % 2 ? 'A' : 'B' },
    deployment: { environment: 'production', variant: 'champion' },
    subject_id: null,
  }
}

export async function joinMemory(n: number, indexSize: number): Promise<JoinMemoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-'))
  const config = loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: dir, CLICKHOUSE_DATABASE: 'bench', DRIFTWATCH_LOG_LEVEL: 'error' })
  const file = parseFileConfig(`join: { indexSize: ${indexSize} }\nmodels:\n  - id: bench\n    window: 1d\n`, 'bench')
  const app = await startApp(config, createLogger('error'), { file, evaluate: false })
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100)
  const started = Date.now()
  const t0 = Date.now() - 10 * 86_400_000
  try {
    for (let i = 0; i < n; i += 5000) {
      await app.publisher.publishPredictions(Array.from({ length: Math.min(5000, n - i) }, (_, j) => syntheticPrediction(i + j, t0)))
    }
    return { predictions: n, indexSize, indexEntries: app.joiner.index.size, peakRssMb: Math.round(peak / 1048576), seconds: (Date.now() - started) / 1000 }
  } finally {
    clearInterval(sampler)
    await app.stop()
    // chDB can still be finishing a merge in the directory after stop() (ENOTEMPTY): retry, and
    // never let the scratch directory fail the measurement.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
    } catch {
      process.stderr.write(`join-memory: left ${dir} behind\n`)
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1_000_000)
  const indexSize = Number(process.argv[3] ?? 200_000)
  console.log(JSON.stringify(await joinMemory(n, indexSize)))
}
