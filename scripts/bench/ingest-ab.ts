/**
 * The ingest of two checkouts compared on the same records: the bench's predictions and labels
 * are produced once, then each checkout ingests them in a process of its own (./ingest-once.ts),
 * in turn, A B B A A B …, so that a slow spell of the machine falls on both alike. Medians per
 * checkout; each run is printed as it ends. A checkout is a directory with this repository's
 * files and a node_modules (a `git worktree` with node_modules linked will do).
 *
 *   KAFKA_BROKERS=… SCHEMA_REGISTRY_URL=… tsx scripts/bench/ingest-ab.ts DIR_A DIR_B [PAIRS=6] [PREDICTIONS=200000]
 *
 * To compare environments rather than code, give one checkout twice and set INGEST_AB_ENV_A or
 * INGEST_AB_ENV_B to space-separated NAME=VALUE pairs added to that side's environment
 * (INGEST_AB_ENV_B='JE_MALLOC_CONF=dirty_decay_ms:0').
 */
import { execFileSync } from 'node:child_process'
import { join, resolve } from 'node:path'

const [dirA, dirB, pairsArg, predictionsArg] = process.argv.slice(2)
if (!dirA || !dirB) throw new Error('usage: ingest-ab.ts DIR_A DIR_B [PAIRS] [PREDICTIONS]')
// Absolute: ingest-once.ts imports each checkout's modules from it.
const [a, b] = [resolve(dirA), resolve(dirB)]
const pairs = Number(pairsArg ?? 6)
const root = join(import.meta.dirname, '..', '..')
const prefix = `ab${Date.now().toString(36)}`
const lastLine = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, unknown>
const produced = lastLine(
  execFileSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts/bench/produce.ts'), prefix, predictionsArg ?? '200000'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
) as { predictions: number; labels: number }
const records = produced.predictions + produced.labels

interface Run {
  readonly cpu_us_per_event: number
  readonly cpu_us_per_event_after_startup: number
  readonly peak_rss_mib: number
  readonly cpu_ms_by_thread_after_startup: Record<string, number>
}
const runs: Record<'A' | 'B', Run[]> = { A: [], B: [] }
const extraEnv = (spec: string | undefined) => Object.fromEntries((spec ?? '').split(/\s+/).filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]))
const envs = { A: { ...process.env, ...extraEnv(process.env['INGEST_AB_ENV_A']) }, B: { ...process.env, ...extraEnv(process.env['INGEST_AB_ENV_B']) } }
for (let i = 0; i < pairs; i++) {
  for (const [name, dir] of i % 2 === 0 ? ([['A', a], ['B', b]] as const) : ([['B', b], ['A', a]] as const)) {
    const run = lastLine(execFileSync('node', ['--import', 'tsx', join(root, 'scripts/bench/ingest-once.ts'), dir, prefix, String(records)], { cwd: dir, env: envs[name], encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })) as unknown as Run
    runs[name].push(run)
    console.log(name, JSON.stringify(run))
  }
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
for (const [name, dir] of [['A', a], ['B', b]] as const) {
  const rs = runs[name]
  const thread = (t: string) => median(rs.map((r) => r.cpu_ms_by_thread_after_startup[t] ?? 0))
  console.log(
    `${name} (${dir}${process.env[`INGEST_AB_ENV_${name}`] ? `, ${process.env[`INGEST_AB_ENV_${name}`]}` : ''}): median CPU per event ${median(rs.map((r) => r.cpu_us_per_event))} µs, after start-up ${median(rs.map((r) => r.cpu_us_per_event_after_startup))} µs;`,
    `JavaScript thread ${thread('node (JavaScript)')} ms, node threads ${thread('node')} ms; peak RSS ${median(rs.map((r) => r.peak_rss_mib))} MiB`,
  )
}
