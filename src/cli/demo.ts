/**
 * `driftwatch demo`: a loan-approval model's traffic through the real pipeline (the embedded
 * source and chDB by default, Kafka when KAFKA_BROKERS is set), then what the store shows.
 * The demo has its own database (<database>_demo), recreated on every run.
 */
import type { RuntimeConfig } from '../config/env.js'
import { DriftwatchError } from '../errors.js'
import { startApp } from '../app.js'
import { createLogger } from '../observability/logger.js'
import { DEFAULT_LOAN_DEMO, simulateLoanModel } from '../demo/loan-model.js'
import { progress } from './progress.js'
import { printDemoReport } from './demo-report.js'
import { openStore } from '../store/clickhouse.js'

const BATCH = 1000

function positiveInt(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new DriftwatchError('DW_CONFIG_INVALID', `${flag} must be a positive integer, got "${value}"`)
  return n
}

export async function runDemo(base: RuntimeConfig, o: { days: string; perDay: string; seed: string }): Promise<number> {
  const started = Date.now()
  const runId = started.toString(36)
  const config: RuntimeConfig = {
    ...base,
    clickhouse: { ...base.clickhouse, database: `${base.clickhouse.database}_demo` },
    kafka: base.kafka && { ...base.kafka, groupId: `${base.kafka.groupId}-demo-${runId}` },
    topics: { ...base.topics, predictions: `demo-${runId}.${base.topics.predictions}`, groundTruth: `demo-${runId}.${base.topics.groundTruth}` },
  }
  const options = { ...DEFAULT_LOAN_DEMO, days: positiveInt('--days', o.days), perDay: positiveInt('--per-day', o.perDay), seed: positiveInt('--seed', o.seed) }
  if (options.days <= options.driftDay) {
    throw new DriftwatchError('DW_CONFIG_INVALID', `--days must be more than ${options.driftDay}: the drift starts on day ${options.driftDay + 1}`)
  }
  const out = (s: string) => process.stdout.write(`${s}\n`)

  await dropDemoDatabase(config)
  const logger = createLogger(base.logLevel === 'info' ? 'warn' : base.logLevel)
  const app = await startApp(config, logger)
  try {
    out(`driftwatch demo: ${app.mode} mode, ClickHouse ${app.store.kind} at ${app.store.location} (database ${app.store.database})`)
    const data = simulateLoanModel(options)
    const driftDate = new Date(options.startMs + options.driftDay * 86_400_000).toISOString().slice(0, 10)
    out(`simulating model 'loan-approval': ${data.predictions.length} predictions over ${options.days} days, income drift injected from ${driftDate}`)
    const bar = progress('publishing predictions', data.predictions.length)
    for (let i = 0; i < data.predictions.length; i += BATCH) {
      const chunk = data.predictions.slice(i, i + BATCH)
      await app.publisher.publishPredictions(chunk)
      bar.increment(chunk.length)
    }
    bar.stop()
    await waitForStored(app.store, data.predictions.length)
    await printDemoReport(app.store, options, out)
    out(`done in ${((Date.now() - started) / 1000).toFixed(1)}s`)
    return 0
  } finally {
    await app.stop()
  }
}

async function dropDemoDatabase(config: RuntimeConfig): Promise<void> {
  const store = openStore(config.clickhouse)
  try {
    await store.client.command({ query: `DROP DATABASE IF EXISTS ${store.database}` })
  } finally {
    await store.close()
  }
}

async function waitForStored(store: Awaited<ReturnType<typeof startApp>>['store'], expected: number, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const [row] = await (await store.client.query({ query: `SELECT count() AS c FROM ${store.database}.predictions FINAL`, format: 'JSONEachRow' })).json<{ c: string }>()
    const stored = Number(row?.c ?? 0)
    if (stored >= expected) return
    if (Date.now() > deadline) throw new Error(`only ${stored} of ${expected} predictions were stored after ${timeoutMs / 1000}s`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
