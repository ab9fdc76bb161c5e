/**
 * `npm run bench`: throughput on the real local Kafka, measured in one run against the client's
 * own ceiling, plus micro-benchmarks and the join's memory. Writes bench/RESULTS.md.
 *
 * 1. Produces N Avro prediction events (20 features) and labels for half of them.
 * 2. (a) raw kafkajs consume-only throughput of those topics (the client's ceiling);
 *    (b) driftwatch end to end: decode -> validate -> join routing -> durable chDB writes ->
 *        offset commits -> evaluation of every window.
 * 3. Micro-benchmarks of the hot statistics; peak RSS with many unlabeled predictions.
 * 4. Read API latency with 1,000 windows of 50 features on embedded chDB (./read-api.ts, also
 *    written to bench/read-api.json).
 *
 *   npm run bench -- [--events 200000] [--join-memory 1000000] [--read-api-only]
 */
import { execFileSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { Kafka, logLevel } from 'kafkajs'
import { startApp } from '../../src/app.js'
import { loadRuntimeConfig } from '../../src/config/env.js'
import { parseFileConfig } from '../../src/config/file.js'
import { createLogger } from '../../src/observability/logger.js'
import { joinMemory, syntheticPrediction, type JoinMemoryResult } from './join-memory.js'
import { microBenchmarks } from './micro.js'
import { readApiBenchmark, writeReadApiResult, type ReadApiResult } from './read-api.js'
import { withDatabase } from '../../src/store/query.js'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const N = arg('events', 200_000)
const JOIN_MEMORY_N = arg('join-memory', 1_000_000)
const root = join(import.meta.dirname, '..', '..')

function infra(): { brokers: string; registry: string } {
  if (process.env['KAFKA_BROKERS'] && process.env['SCHEMA_REGISTRY_URL']) return { brokers: process.env['KAFKA_BROKERS'], registry: process.env['SCHEMA_REGISTRY_URL'] }
  const out = execFileSync('bash', [join(root, 'scripts/infra/up.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  const env = Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]))
  return { brokers: env['KAFKA_BROKERS']!, registry: env['SCHEMA_REGISTRY_URL']! }
}

let peakRss = 0
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50)

async function main() {
  if (process.argv.includes('--read-api-only')) {
    console.log(writeReadApiResult(root, await readApiBenchmark()))
    clearInterval(sampler)
    return
  }
  const { brokers, registry } = infra()
  const id = `bench${Date.now().toString(36)}`
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-'))
  const env = { KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registry, DRIFTWATCH_TOPIC_PREFIX: `${id}.`, DRIFTWATCH_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: id, DRIFTWATCH_PARTITIONS: '6', DRIFTWATCH_LOG_LEVEL: 'error', DRIFTWATCH_PSEUDONYMIZATION_KEY: 'driftwatch-bench-pseudonymization-key' }
  const file = parseFileConfig('models:\n  - id: bench\n    window: 1h\n    positiveClass: "yes"\n    protected: [group]\n', 'bench')

  // 1. Produce.
  const producerApp = await startApp(loadRuntimeConfig({ ...env, KAFKA_GROUP_ID: `${id}-unused` }), createLogger('error'), { consume: false, evaluate: false, file })
  const t0 = Date.now() - 2 * 86_400_000
  let t = Date.now()
  for (let i = 0; i < N; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, N - i) }, (_, j) => syntheticPrediction(i + j, t0))
    await producerApp.publisher.publishPredictions(batch)
    await producerApp.publisher.publishGroundTruth(batch.filter((_, j) => (i + j) % 2 === 0).map((p) => ({ prediction_id: p.prediction_id, label: { class_label: 'yes', value: null }, label_time: Date.now() - 1000, source: 'bench' })))
  }
  const produceS = (Date.now() - t) / 1000
  await producerApp.stop()
  const total = N + Math.ceil(N / 2)

  // 2a. Raw kafkajs consume.
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING })
  const raw = kafka.consumer({ groupId: `${id}-raw` })
  await raw.connect()
  await raw.subscribe({ topics: [`${id}.predictions`, `${id}.ground-truth`], fromBeginning: true })
  let seen = 0
  t = Date.now()
  const rawDone = new Promise<void>((resolve) => {
    void raw.run({ eachBatchAutoResolve: true, eachBatch: async ({ batch }) => {
      seen += batch.messages.length
      if (seen >= total) resolve()
    } })
  })
  await rawDone
  const rawS = (Date.now() - t) / 1000
  await raw.disconnect()

  // 2b. driftwatch end to end.
  const config = loadRuntimeConfig({ ...env, KAFKA_GROUP_ID: `${id}-dw` })
  const cpu0 = process.cpuUsage()
  t = Date.now()
  const app = await startApp(config, createLogger('error'), { evaluate: false, file })
  const admin = kafka.admin()
  await admin.connect()
  for (;;) {
    const offsets = await admin.fetchOffsets({ groupId: `${id}-dw`, topics: [`${id}.predictions`, `${id}.ground-truth`] })
    if (offsets.flatMap((x) => x.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) >= total) break
    await new Promise((r) => setTimeout(r, 100))
  }
  const ingestS = (Date.now() - t) / 1000
  const evaluation = await app.evaluator.evaluateNow()
  const e2eS = (Date.now() - t) / 1000
  const cpu = process.cpuUsage(cpu0)
  const tables = ['predictions', 'ground_truth', 'window_marks', 'partial_aggregates', 'window_summary', 'drift', 'performance', 'fairness', 'quality']
  const rows = Object.fromEntries(
    await Promise.all(tables.map(async (tb) => [tb, Number((await (await app.store.client.query({ query: withDatabase(`SELECT count() AS c FROM {db}.${tb}`, app.store.database), format: 'JSONEachRow' })).json<{ c: string }>())[0]!.c)] as const)),
  )
  await admin.disconnect()
  await app.stop()
  rmSync(dataDir, { recursive: true, force: true })
  const e2eRss = peakRss

  const micro = microBenchmarks()
  const memory: JoinMemoryResult | null = JOIN_MEMORY_N > 0 ? await joinMemory(JOIN_MEMORY_N, 200_000) : null
  clearInterval(sampler)
  const readApi = await readApiBenchmark()
  writeReadApiResult(root, readApi)
  report({ produceS, rawS, ingestS, e2eS, total, cpuUs: cpu.user + cpu.system, rows, windows: evaluation.evaluated, e2eRss, micro, memory, readApi })
}

function report(r: { produceS: number; rawS: number; ingestS: number; e2eS: number; total: number; cpuUs: number; rows: Record<string, number>; windows: number; e2eRss: number; micro: ReturnType<typeof microBenchmarks>; memory: JoinMemoryResult | null; readApi: ReadApiResult }) {
  const rate = (s: number) => Math.round(r.total / s)
  const cores = cpus().length
  const lines = [
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cores} cores (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version},`,
    'Apache Kafka 3.9.1 (single KRaft node on 127.0.0.1), Apicurio Registry 3.0.9, chDB (ClickHouse 26.7) in-process.',
    `Both runs read the same ${r.total.toLocaleString('en')} records (${N.toLocaleString('en')} predictions with 20 features, labels for half) from 6 partitions, in the same process.`,
    '',
    '| | seconds | events/s | events/s per core |',
    '|---|---|---|---|',
    `| produce (Avro through the registry, acks=all) | ${r.produceS.toFixed(1)} | ${rate(r.produceS)} | ${Math.round(rate(r.produceS) / cores)} |`,
    `| (a) kafkajs consume only (ceiling) | ${r.rawS.toFixed(1)} | ${rate(r.rawS)} | ${Math.round(rate(r.rawS) / cores)} |`,
    `| (b) driftwatch, consumed + stored + committed | ${r.ingestS.toFixed(1)} | ${rate(r.ingestS)} | ${Math.round(rate(r.ingestS) / cores)} |`,
    `| (b) driftwatch, including evaluation of ${r.windows} windows | ${r.e2eS.toFixed(1)} | ${rate(r.e2eS)} | ${Math.round(rate(r.e2eS) / cores)} |`,
    '',
    `- (b)/(a) ratio: ${(r.rawS / r.e2eS).toFixed(2)} end to end, ${(r.rawS / r.ingestS).toFixed(2)} for ingest alone.`,
    `- CPU time per event (user + system, this process including chDB): ${(r.cpuUs / r.total).toFixed(1)} µs.`,
    `- Peak RSS during the run: ${Math.round(r.e2eRss / 2 ** 20)} MiB.`,
    `- ClickHouse rows written: ${Object.entries(r.rows).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ')}.`,
    '',
    '## Hot statistics',
    '',
    '| | ns per value |',
    '|---|---|',
    ...r.micro.map((m) => `| ${m.name} | ${m.nsPerValue.toFixed(1)} |`),
    '',
    '## Join memory',
    '',
    r.memory
      ? `${r.memory.predictions.toLocaleString('en')} unlabeled predictions inside the join horizon, embedded mode, join index bounded at ${r.memory.indexSize.toLocaleString('en')} entries (${r.memory.indexEntries.toLocaleString('en')} held): peak RSS ${r.memory.peakRssMb} MiB (process total, chDB included), ${r.memory.seconds.toFixed(0)} s.`
      : 'not measured in this run (--join-memory 0).',
    '',
    '## Read API latency',
    '',
    `One model with ${r.readApi.windows.toLocaleString('en')} windows of ${r.readApi.features} features on embedded chDB, real HTTP on loopback, ${r.readApi.requests} requests after 3 warm-up ones (load average ${r.readApi.loadAverage} at the end; bench/read-api.json). Target: p95 of the series route under ${r.readApi.targetP95Ms} ms: ${r.readApi.met ? 'met' : '**missed**'}.`,
    '',
    '| route | p50 ms | p95 ms | max ms | CPU ms per request |',
    '|---|---|---|---|---|',
    ...Object.entries(r.readApi.routes).map(([route, x]) => `| ${route} | ${x.p50Ms} | ${x.p95Ms} | ${x.maxMs} | ${x.cpuMsPerRequest} |`),
    '',
  ]
  mkdirSync(join(root, 'bench'), { recursive: true })
  writeFileSync(join(root, 'bench', 'RESULTS.md'), lines.join('\n'))
  console.log(lines.join('\n'))
}

await main()
