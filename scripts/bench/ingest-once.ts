/**
 * One driftwatch ingest, in a process of its own, of bench topics already produced: the code of
 * the checkout `dir` (its src/ and scripts/bench/) reads them from the beginning under a new
 * consumer group into a new data directory, until every offset is committed. Prints one JSON
 * line: CPU per event of the whole process with start-up and after it, peak RSS, CPU by thread.
 * Run by ./ingest-ab.ts; any checkout with these files and a node_modules works as `dir`.
 *
 *   node --import tsx scripts/bench/ingest-once.ts DIR TOPIC_PREFIX RECORDS
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitForCommits } from './commits.js'

const [dir, prefix, recordsArg] = process.argv.slice(2)
if (!dir || !prefix || !recordsArg) throw new Error('usage: ingest-once.ts DIR TOPIC_PREFIX RECORDS')
const records = Number(recordsArg)
const { startApp } = (await import(join(dir, 'src/app.ts'))) as typeof import('../../src/app.js')
const { loadRuntimeConfig } = (await import(join(dir, 'src/config/env.ts'))) as typeof import('../../src/config/env.js')
const { createLogger } = (await import(join(dir, 'src/observability/logger.ts'))) as typeof import('../../src/observability/logger.js')
const { benchConfig, benchEnv } = (await import(join(dir, 'scripts/bench/join-memory.ts'))) as typeof import('./join-memory.js')
const { threadCpuDelta, threadCpuMs } = (await import(join(dir, 'scripts/bench/threads.ts'))) as typeof import('./threads.js')
const { Kafka, logLevel } = ((await import(join(dir, 'node_modules/kafkajs/index.js'))) as { default: typeof import('kafkajs') }).default

const group = `${prefix}-ab${Date.now().toString(36)}`
const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-ab-'))
const env = benchEnv(prefix, dataDir)
const config = loadRuntimeConfig({ ...env, KAFKA_GROUP_ID: group })
const admin = new Kafka({ brokers: env['KAFKA_BROKERS']!.split(','), logLevel: logLevel.NOTHING }).admin()
await admin.connect()
const topics = [`${prefix}.predictions`, `${prefix}.ground-truth`]
let peak = 0
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
const cpu = (from: NodeJS.CpuUsage, to: NodeJS.CpuUsage) => to.user + to.system - from.user - from.system
const c0 = process.cpuUsage()
const t0 = Date.now()
const app = await startApp(config, createLogger('error'), { evaluate: false, file: benchConfig() })
const c1 = process.cpuUsage()
const threads1 = threadCpuMs()
await waitForCommits(admin, group, topics, records)
const c2 = process.cpuUsage()
const seconds = (Date.now() - t0) / 1000
clearInterval(sampler)
console.log(
  JSON.stringify({
    cpu_us_per_event: +(cpu(c0, c2) / records).toFixed(1),
    cpu_us_per_event_after_startup: +(cpu(c1, c2) / records).toFixed(1),
    startup_cpu_ms: Math.round(cpu(c0, c1) / 1000),
    seconds,
    peak_rss_mib: Math.round(peak / 2 ** 20),
    cpu_ms_by_thread_after_startup: threadCpuDelta(threads1, threadCpuMs()),
  }),
)
await admin.disconnect()
await app.stop()
rmSync(dataDir, { recursive: true, force: true })
process.exit(0)
