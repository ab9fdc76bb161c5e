/**
 * `npm run bench`: driftwatch's performance on the real local Kafka, each figure against a
 * baseline measured in the same run. Writes bench/results.json (machine-readable) and renders
 * bench/RESULTS.md from it (./render.ts); analysis lives in docs/performance.md.
 *
 * 1. Produces N Avro predictions (20 features) and labels for half of them, in a child process.
 * 2. (a) raw kafkajs consume of those records: the client's own ceiling;
 *    (b) driftwatch ingest of the same records in this process, from start-up until every offset
 *        is committed: decode -> validate -> store (chDB in-process) -> route to windows -> commit.
 *        CPU is this process's, every thread (chDB's included), split by thread from /proc.
 *    (c) evaluation of the windows those records fall in.
 * 3. Micro-benchmarks of the hot statistics.
 * 4. Peak RSS with 1M unlabeled predictions inside the join horizon, in a child process.
 * 5. Read API latency with 1,000 windows of 50 features (./read-api.ts, also bench/read-api.json).
 * 6. Evaluation time of one new window against small and large history (./evaluate-history.ts).
 * 7. The HTML report's extra cost over JSON on 1M rows (./report-html.ts).
 *
 *   npm run bench -- [--events 200000] [--join-memory 1000000] [--history-small 100000] [--history-large 10000000]
 *                    [--skip history,report-html,read-api]
 *   npm run bench -- --read-api-only
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { startApp } from '../../src/app.js'
import { loadRuntimeConfig } from '../../src/config/env.js'
import { installRecordDecoder } from '../../src/kafka/record-decoder.js'
import { createLogger } from '../../src/observability/logger.js'
import { queryRows } from '../../src/store/query.js'
import { waitForCommits } from './commits.js'
import { evaluateHistoryBenchmark, type EvaluateHistoryResult } from './evaluate-history.js'
import { benchConfig, benchEnv, type JoinMemoryResult } from './join-memory.js'
import { microBenchmarks } from './micro.js'
import { readApiBenchmark, writeReadApiResult } from './read-api.js'
import { reportHtmlBenchmark, type ReportHtmlResult } from './report-html.js'
import { renderResults, TARGETS, type BenchResults } from './render.js'
import { threadCpuDelta, threadCpuMs } from './threads.js'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const skipped = new Set((process.argv.includes('--skip') ? process.argv[process.argv.indexOf('--skip') + 1]! : '').split(',').filter(Boolean))
const N = arg('events', 200_000)
const JOIN_MEMORY_N = arg('join-memory', 1_000_000)
const root = join(import.meta.dirname, '..', '..')
const tsx = join(root, 'node_modules', '.bin', 'tsx')
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`)

function infra(): { brokers: string; registry: string } {
  if (process.env['KAFKA_BROKERS'] && process.env['SCHEMA_REGISTRY_URL']) return { brokers: process.env['KAFKA_BROKERS'], registry: process.env['SCHEMA_REGISTRY_URL'] }
  const out = execFileSync('bash', [join(root, 'scripts/infra/up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
  return { brokers: env['KAFKA_BROKERS']!, registry: env['SCHEMA_REGISTRY_URL']! }
}

/** A child step that prints one JSON line last. */
function child<T>(script: string, args: readonly string[], env: Record<string, string> = {}): T {
  const out = execFileSync(tsx, [join(root, 'scripts', 'bench', script), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 })
  return JSON.parse(out.trim().split('\n').at(-1)!) as T
}

let peakRss = 0
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)
const mib = (bytes: number) => Math.round(bytes / 2 ** 20)

async function throughput(brokers: string, registry: string) {
  const id = `bench${Date.now().toString(36)}`
  process.env['KAFKA_BROKERS'] = brokers
  process.env['SCHEMA_REGISTRY_URL'] = registry
  log(`producing ${N} predictions and ${Math.ceil(N / 2)} labels (${id})`)
  const produced = child<{ predictions: number; labels: number; seconds: number }>('produce.ts', [id, String(N)])
  const total = produced.predictions + produced.labels
  const topics = [`${id}.predictions`, `${id}.ground-truth`]

  log('raw kafkajs consume')
  // The raw consumer decodes records as driftwatch's client does (src/kafka/client.ts): kafkajs
  // loads its record decoder once, at the first fetch, so whichever is in place then serves both.
  if (!installRecordDecoder()) throw new Error('the record decoder of src/kafka/record-decoder.ts could not be installed')
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING })
  const raw = kafka.consumer({ groupId: `${id}-raw` })
  await raw.connect()
  await raw.subscribe({ topics, fromBeginning: true })
  let seen = 0
  let t = Date.now()
  await new Promise<void>((resolve) => {
    void raw.run({ eachBatchAutoResolve: true, eachBatch: async ({ batch }) => {
      seen += batch.messages.length
      if (seen >= total) resolve()
    } })
  })
  const rawS = (Date.now() - t) / 1000
  await raw.disconnect()

  log('driftwatch ingest')
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-'))
  const config = loadRuntimeConfig({ ...benchEnv(id, dataDir), KAFKA_GROUP_ID: `${id}-dw` })
  const admin = kafka.admin()
  await admin.connect()
  peakRss = process.memoryUsage().rss
  const threads0 = threadCpuMs()
  const cpu0 = process.cpuUsage()
  t = Date.now()
  const app = await startApp(config, createLogger('error'), { evaluate: false, file: benchConfig() })
  const startupS = (Date.now() - t) / 1000
  const startupCpu = process.cpuUsage(cpu0)
  await waitForCommits(admin, `${id}-dw`, topics, total)
  const ingestS = (Date.now() - t) / 1000
  const cpu = process.cpuUsage(cpu0)
  const byThread = threadCpuDelta(threads0, threadCpuMs())
  const ingestRss = peakRss
  log('evaluation')
  t = Date.now()
  const evaluation = await app.evaluator.evaluateNow()
  const evaluateS = (Date.now() - t) / 1000
  const tables = ['predictions', 'ground_truth', 'dead_letters', 'window_marks', 'partial_aggregates', 'window_summary', 'drift', 'performance', 'fairness', 'quality']
  const rows = Object.fromEntries(
    await Promise.all(tables.map(async (tb) => [tb, Number((await queryRows<{ c: string }>(app.store, `SELECT count() AS c FROM {db}.${tb}`, {}, 'bench count'))[0]!.c)] as const)),
  )
  const engine = (await queryRows<{ v: string }>(app.store, 'SELECT version() AS v', {}, 'bench version'))[0]!.v
  await admin.disconnect()
  await app.stop()
  rmSync(dataDir, { recursive: true, force: true })
  const cores = cpus().length
  const cpuUs = cpu.user + cpu.system
  return {
    engine,
    input: { predictions: produced.predictions, labels: produced.labels, features: 20, partitions: 6 },
    produce_s: produced.seconds,
    raw_consume_s: rawS,
    raw_consume_events_per_s: Math.round(total / rawS),
    ingest_s: ingestS,
    ingest_startup_s: startupS,
    ingest_events_per_s: Math.round(total / ingestS),
    ingest_events_per_s_per_core: Math.round(total / ingestS / cores),
    ingest_vs_raw_ratio: +(rawS / ingestS).toFixed(3),
    cpu_us_per_event: +(cpuUs / total).toFixed(1),
    startup_cpu_ms: Math.round((startupCpu.user + startupCpu.system) / 1000),
    cpu_us_per_event_after_startup: +((cpuUs - startupCpu.user - startupCpu.system) / total).toFixed(1),
    ingest_cpu_ms_by_thread: byThread,
    peak_rss_mib: mib(ingestRss),
    evaluate_s: evaluateS,
    windows_evaluated: evaluation.evaluated,
    rows_written: rows,
    stored_all: rows['predictions'] === produced.predictions && rows['ground_truth'] === produced.labels && rows['dead_letters'] === 0,
  }
}

async function main() {
  if (process.argv.includes('--read-api-only')) {
    console.log(writeReadApiResult(root, await readApiBenchmark()))
    clearInterval(sampler)
    return
  }
  const load0 = loadavg()[0]!
  const { brokers, registry } = infra()
  const run = await throughput(brokers, registry)
  clearInterval(sampler)
  log('micro-benchmarks')
  const micro = microBenchmarks()
  let memory: JoinMemoryResult | null = null
  if (JOIN_MEMORY_N > 0) {
    log(`join memory: ${JOIN_MEMORY_N} unlabeled predictions`)
    memory = child<JoinMemoryResult>('join-memory.ts', [String(JOIN_MEMORY_N), '200000'])
  }
  let readApi = null
  if (!skipped.has('read-api')) {
    log('read API')
    readApi = await readApiBenchmark()
    writeReadApiResult(root, readApi)
  }
  let history: EvaluateHistoryResult | null = null
  if (!skipped.has('history')) {
    log('evaluation against history (seeds 10M predictions in the engine: several minutes)')
    history = await evaluateHistoryBenchmark({ small: arg('history-small', 100_000), large: arg('history-large', 10_000_000) })
  }
  let reportHtml: ReportHtmlResult | null = null
  if (!skipped.has('report-html')) {
    log('HTML report vs JSON on 1M rows (about 3 minutes)')
    reportHtml = await reportHtmlBenchmark()
  }
  const chdbVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'chdb', 'package.json'), 'utf8')) as { version: string }).version
  const results: BenchResults = {
    measured_at: new Date().toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cores: cpus().length,
      cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
      memory_gib: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      kafka: 'Apache Kafka 3.9.1, single KRaft node on 127.0.0.1',
      schema_registry: 'Apicurio Registry 3.0.9',
      clickhouse: `chDB ${chdbVersion} in-process (ClickHouse ${run.engine})`,
      load_average_before: +load0.toFixed(2),
      load_average_after: +loadavg()[0]!.toFixed(2),
    },
    ...run,
    join_memory_peak_rss_mib: memory?.peakRssMb ?? null,
    join_memory: memory,
    evaluate_window_ms_small_history: history?.evaluate_window_ms_small_history ?? null,
    evaluate_window_ms_large_history: history?.evaluate_window_ms_large_history ?? null,
    evaluate_history: history,
    report_html: reportHtml,
    read_api: readApi,
    micro,
    targets: TARGETS,
  }
  mkdirSync(join(root, 'bench'), { recursive: true })
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  const md = renderResults(results)
  writeFileSync(join(root, 'bench', 'RESULTS.md'), md)
  console.log(md)
}

await main()
