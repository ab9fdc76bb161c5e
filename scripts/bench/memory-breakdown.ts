/**
 * Where a run's peak RSS goes, for issue-style memory work: runs one of the bench's two memory
 * workloads in this process and, at the peak, splits the resident set into
 *
 * - file-backed pages (`/proc/self/smaps_rollup` Rss - Anonymous): mostly chDB's library text and
 *   read-only data, plus node's own binary;
 * - the JavaScript heap (`v8.getHeapStatistics`, committed and used);
 * - Buffers and ArrayBuffers (`process.memoryUsage().arrayBuffers`: kafkajs' fetches, the
 *   batches' lines);
 * - the rest of the anonymous memory: chDB's heap (glibc malloc arenas: parts being written and
 *   merged, caches, thread stacks) and node's own native allocations; chDB's own tracker
 *   (`system.metrics` MemoryTracking, MergesMutationsMemoryTracking, the caches) is sampled next
 *   to it.
 *
 *   tsx scripts/bench/memory-breakdown.ts join [N=1000000] [indexSize=200000]
 *   tsx scripts/bench/memory-breakdown.ts throughput [N=200000]   (needs KAFKA_BROKERS, SCHEMA_REGISTRY_URL)
 *
 * Prints one JSON line last. Sampling chDB's metrics costs a query per second: use the bench
 * (run.ts) for figures, this script for where they come from.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8'
import { Kafka, logLevel } from 'kafkajs'
import { startApp, type App } from '../../src/app.js'
import { loadRuntimeConfig } from '../../src/config/env.js'
import { parseFileConfig } from '../../src/config/file.js'
import { createLogger } from '../../src/observability/logger.js'
import { queryRows } from '../../src/store/query.js'
import { waitForCommits } from './commits.js'
import { benchConfig, benchEnv, syntheticPrediction } from './join-memory.js'

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10

interface Sample {
  readonly atS: number
  readonly rss: number
  readonly anonymous: number
  readonly fileBacked: number
  readonly heapCommitted: number
  readonly heapUsed: number
  readonly arrayBuffers: number
  readonly external: number
}

function rollup(): { rss: number; anonymous: number } {
  const text = readFileSync('/proc/self/smaps_rollup', 'utf8')
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024
  return { rss: kb('Rss'), anonymous: kb('Anonymous') }
}

function sample(t0: number): Sample {
  const { rss, anonymous } = rollup()
  const heap = getHeapStatistics()
  const m = process.memoryUsage()
  return { atS: (Date.now() - t0) / 1000, rss, anonymous, fileBacked: rss - anonymous, heapCommitted: heap.total_physical_size, heapUsed: heap.used_heap_size, arrayBuffers: m.arrayBuffers, external: m.external }
}

const ENGINE_METRICS = ['MemoryTracking', 'MergesMutationsMemoryTracking', 'MarkCacheBytes', 'UncompressedCacheBytes', 'PrimaryIndexCacheBytes', 'IndexMarkCacheBytes', 'QueryCacheBytes', 'MMapCacheCells', 'PartsActive', 'Merge', 'Query', 'GlobalThread', 'GlobalThreadActive']

async function engineMetrics(app: App): Promise<Record<string, number>> {
  const rows = await queryRows<{ metric: string; value: string }>(app.store, 'SELECT metric, toString(value) AS value FROM system.metrics WHERE metric IN {names:Array(String)}', { names: ENGINE_METRICS }, 'memory metrics')
  return Object.fromEntries(rows.map((r) => [r.metric, Number(r.value)]))
}

/** Samples every 100 ms; keeps the peak sample and the engine's metrics read closest before it. */
class PeakTracker {
  private readonly t0 = Date.now()
  peak: Sample = sample(this.t0)
  engineAtPeak: Record<string, number> = {}
  engineMax: Record<string, number> = {}
  private engineLast: Record<string, number> = {}
  private app: App | null = null
  private readonly timers: NodeJS.Timeout[] = []

  start(): void {
    this.timers.push(setInterval(() => this.take(), 100))
    this.timers.push(setInterval(() => void this.readEngine(), 1000))
  }

  attach(app: App): void {
    this.app = app
  }

  private take(): void {
    const s = sample(this.t0)
    if (s.rss > this.peak.rss) {
      this.peak = s
      this.engineAtPeak = this.engineLast
    }
  }

  private async readEngine(): Promise<void> {
    if (!this.app) return
    try {
      this.engineLast = await engineMetrics(this.app)
      for (const [k, v] of Object.entries(this.engineLast)) this.engineMax[k] = Math.max(this.engineMax[k] ?? 0, v)
    } catch {
      // the store is closing
    }
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t)
  }

  report() {
    const p = this.peak
    const otherAnon = p.anonymous - p.heapCommitted - p.arrayBuffers
    return {
      peakAtS: p.atS,
      peakRssMib: mib(p.rss),
      fileBackedMib: mib(p.fileBacked),
      anonymousMib: mib(p.anonymous),
      jsHeapCommittedMib: mib(p.heapCommitted),
      jsHeapUsedMib: mib(p.heapUsed),
      arrayBuffersMib: mib(p.arrayBuffers),
      externalMib: mib(p.external),
      otherAnonymousMib: mib(otherAnon),
      engineAtPeak: Object.fromEntries(Object.entries(this.engineAtPeak).map(([k, v]) => [k, k.endsWith('Tracking') || k.endsWith('Bytes') ? mib(v) : v])),
      engineMax: Object.fromEntries(Object.entries(this.engineMax).map(([k, v]) => [k, k.endsWith('Tracking') || k.endsWith('Bytes') ? mib(v) : v])),
      heapSpacesAtEnd: Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, mib(s.space_used_size)])),
    }
  }
}

/** chDB may still be finishing a merge in the directory after stop(): remove it at exit, best effort. */
const scratch: string[] = []
const removeLater = (dir: string) => scratch.push(dir)
process.on('exit', () => {
  for (const dir of scratch) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 })
    } catch {
      process.stderr.write(`left ${dir} behind\n`)
    }
  }
})

async function joinWorkload(n: number, indexSize: number, tracker: PeakTracker) {
  const dir = mkdtempSync(join(tmpdir(), 'driftwatch-memory-'))
  const config = loadRuntimeConfig({ DRIFTWATCH_DATA_DIR: dir, CLICKHOUSE_DATABASE: 'bench', DRIFTWATCH_LOG_LEVEL: 'error' })
  const file = parseFileConfig(`join: { indexSize: ${indexSize} }\nmodels:\n  - id: bench\n    window: 1d\n`, 'bench')
  const app = await startApp(config, createLogger('error'), { file, evaluate: false })
  tracker.attach(app)
  const t0 = Date.now() - 10 * 86_400_000
  try {
    for (let i = 0; i < n; i += 5000) {
      await app.publisher.publishPredictions(Array.from({ length: Math.min(5000, n - i) }, (_, j) => syntheticPrediction(i + j, t0)))
    }
    const heapBeforeGc = getHeapStatistics().used_heap_size
    // With --expose-gc: what the heap holds once garbage is gone (the live set), and optionally a snapshot.
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    const live = gc ? { heapLiveAtEndMib: mib(getHeapStatistics().used_heap_size) } : {}
    if (process.env['DW_HEAP_SNAPSHOT']) writeHeapSnapshot(process.env['DW_HEAP_SNAPSHOT'])
    return { predictions: n, indexSize, indexEntries: app.joiner.index.size, heapUsedAtEndMib: mib(heapBeforeGc), ...live }
  } finally {
    await app.stop()
    removeLater(dir)
  }
}

async function throughputWorkload(n: number, tracker: PeakTracker) {
  const brokers = process.env['KAFKA_BROKERS']!
  const id = `mem${Date.now().toString(36)}`
  const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx')
  execFileSync(tsx, [join(import.meta.dirname, 'produce.ts'), id, String(n)], { stdio: ['ignore', 'ignore', 'inherit'] })
  const total = n + Math.ceil(n / 2)
  const topics = [`${id}.predictions`, `${id}.ground-truth`]
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-memory-'))
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const started = Date.now()
  const app = await startApp(loadRuntimeConfig({ ...benchEnv(id, dataDir), KAFKA_GROUP_ID: `${id}-dw` }), createLogger('error'), { evaluate: false, file: benchConfig() })
  tracker.attach(app)
  try {
    await waitForCommits(admin, `${id}-dw`, topics, total)
    return { records: total, seconds: (Date.now() - started) / 1000, indexEntries: app.joiner.index.size }
  } finally {
    await admin.disconnect()
    await app.stop()
    removeLater(dataDir)
  }
}

const workload = process.argv[2] ?? 'join'
const tracker = new PeakTracker()
tracker.start()
const run = workload === 'throughput' ? await throughputWorkload(Number(process.argv[3] ?? 200_000), tracker) : await joinWorkload(Number(process.argv[3] ?? 1_000_000), Number(process.argv[4] ?? 200_000), tracker)
tracker.stop()
console.log(JSON.stringify({ workload, ...run, ...tracker.report() }))
