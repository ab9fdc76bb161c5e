/**
 * Read API latency on embedded chDB: a model with 1,000 windows of 50 features (the metric rows
 * the evaluator writes for such a model, inserted in bulk), served by the real HTTP server on
 * loopback. Measures the series route (all 1,000 windows in one page) and, for context, the
 * model list and one window in full. Target: p95 of the series route under 200 ms.
 *
 *   npx tsx scripts/bench/read-api.ts [--requests 40]     (also part of `npm run bench`)
 *
 * Writes bench/read-api.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadApiTokens } from '../../src/config/api-tokens.js'
import { parseFileConfig } from '../../src/config/file.js'
import { ingestLimits } from '../../src/http/limits.js'
import { createHttpServer } from '../../src/http/server.js'
import { createLogger } from '../../src/observability/logger.js'
import { createReadQueries } from '../../src/read/index.js'
import { openStore, type Store } from '../../src/store/clickhouse.js'
import { migrate } from '../../src/store/migrate.js'
import { clickhouseDateTime64 } from '../../src/store/rows.js'
import { withDatabase } from '../../src/store/query.js'

const WINDOWS = 1000
const FEATURES = 50
const HOUR = 3_600_000
const TOKEN = 'bench-read-token-0123456789'

export interface ReadApiResult {
  readonly windows: number
  readonly features: number
  readonly requests: number
  readonly rows: Record<string, number>
  readonly routes: Record<string, { p50Ms: number; p95Ms: number; maxMs: number; cpuMsPerRequest: number }>
  /** Load average when the measurement ended: above the core count, wall times are inflated. */
  readonly loadAverage: number
  readonly targetP95Ms: number
  readonly met: boolean
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!

async function insert(store: Store, table: string, rows: object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 50_000) {
    await store.client.insert({ table: withDatabase(`{db}.${table}`, store.database), values: rows.slice(i, i + 50_000), format: 'JSONEachRow' })
  }
}

/** The rows one evaluation of each window writes, for a binary model with 50 features and one protected attribute. */
export async function seed(store: Store, model: string, t0: number): Promise<Record<string, number>> {
  let s = 7
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647)
  const tables: Record<string, object[]> = { window_summary: [], dataset_drift: [], drift: [], performance: [], fairness: [], quality: [] }
  for (let w = 0; w < WINDOWS; w++) {
    const start = t0 + w * HOUR
    const key = { model_id: model, model_version: 'v1', window_start: clickhouseDateTime64(start), window_end: clickhouseDateTime64(start + HOUR), eval_version: start + HOUR + 60_000 }
    const drifted: string[] = []
    for (let f = 0; f < FEATURES; f++) {
      const score = rnd() * 0.3
      const column = `f${String(f).padStart(2, '0')}`
      if (score >= 0.2) drifted.push(column)
      tables['drift']!.push({
        ...key, target: 'feature', column, column_kind: f % 5 === 0 ? 'categorical' : 'numerical', method: f % 5 === 0 ? 'chisquare' : 'wasserstein', score,
        p_value: f % 5 === 0 ? rnd() : null, threshold: 0.1, drift_detected: score >= 0.2 ? 1 : 0,
        statistics: { psi: score, jensenshannon: score / 2, ks: score / 3, ks_p_value: rnd() }, n_reference: 2000, n_current: 2000, unseen_categories: [],
      })
    }
    tables['window_summary']!.push({ ...key, predictions: 2000, labeled: 1500, label_coverage: 0.75, mean_label_delay_s: 3600, closed: 1, reference: 'version v1 previous window' })
    tables['dataset_drift']!.push({ ...key, drift_share: drifted.length / FEATURES, n_features: FEATURES, n_drifted: drifted.length, drifted_features: drifted })
    for (const variant of ['all', 'champion', 'challenger']) {
      for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'pr_auc']) {
        tables['performance']!.push({ ...key, variant, metric, kind: 'realized', value: 0.7 + rnd() * 0.2, n: 1500, label_coverage: 0.75, ci_low: null, ci_high: null })
        if (metric !== 'pr_auc') tables['performance']!.push({ ...key, variant, metric, kind: 'estimated', value: 0.7 + rnd() * 0.2, n: 2000, label_coverage: 0.75, ci_low: null, ci_high: null })
      }
    }
    for (const group of ['A', 'B', '']) {
      for (const metric of group === '' ? ['demographic_parity_ratio', 'disparate_impact_ratio', 'equalized_odds_difference'] : ['selection_rate', 'true_positive_rate', 'accuracy']) {
        tables['fairness']!.push({ ...key, attribute: 'group', group_value: group, metric, value: 0.6 + rnd() * 0.4, n: 1000, status: 'ok' })
      }
    }
    for (let f = 0; f < FEATURES; f++) {
      for (const metric of ['missing_rate', 'out_of_range_rate', 'new_category_rate']) tables['quality']!.push({ ...key, feature: `f${String(f).padStart(2, '0')}`, metric, value: rnd() < 0.05 ? rnd() * 0.01 : 0, n: 2000 })
    }
  }
  for (const [table, rows] of Object.entries(tables)) await insert(store, table, rows)
  return Object.fromEntries(Object.entries(tables).map(([t, rows]) => [t, rows.length]))
}

export async function readApiBenchmark(requests = 40): Promise<ReadApiResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'driftwatch-bench-read-'))
  const store = openStore({ url: null, user: 'default', password: '', database: `benchread${Date.now().toString(36)}`, dataDir })
  const model = 'bench'
  const file = parseFileConfig(`models:\n  - id: ${model}\n    window: 1h\n    protected: [group]\n`, 'bench')
  const server = createHttpServer({
    publisher: { publishPredictions: async () => undefined, publishGroundTruth: async () => undefined },
    limits: ingestLimits(file, 1000),
    security: { auth: 'tokens', tokens: loadApiTokens(`read:${TOKEN}`, undefined).tokens },
    bodyLimitBytes: 1024 * 1024,
    logger: createLogger('silent'),
    read: createReadQueries({ store, file, now: Date.now }),
  })
  try {
    await migrate(store)
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - (WINDOWS + 1) * HOUR
    const rows = await seed(store, model, t0)
    await server.listen({ host: '127.0.0.1', port: 0 })
    const address = server.server.address()
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    // Wall time is what a user waits; CPU time (this process, chDB's threads included) is what it
    // costs, and is far less disturbed by other processes on a busy machine.
    const time = async (path: string, n: number) => {
      const ms: number[] = []
      let cpuUs = 0
      for (let i = 0; i < n + 3; i++) {
        const t = performance.now()
        const cpu = process.cpuUsage()
        const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })
        const body = await response.text()
        if (!response.ok) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`)
        if (i < 3) continue // the first three warm up
        ms.push(performance.now() - t)
        const used = process.cpuUsage(cpu)
        cpuUs += used.user + used.system
      }
      ms.sort((a, b) => a - b)
      const round = (x: number) => Math.round(x * 10) / 10
      return { p50Ms: round(quantile(ms, 0.5)), p95Ms: round(quantile(ms, 0.95)), maxMs: round(ms.at(-1)!), cpuMsPerRequest: round(cpuUs / 1000 / n) }
    }
    const series = await time(`/v1/models/${model}/windows?limit=${WINDOWS}`, requests)
    const routes = {
      [`GET /v1/models/{model}/windows (${WINDOWS} windows, one page)`]: series,
      'GET /v1/models': await time('/v1/models', Math.ceil(requests / 2)),
      'GET /v1/models/{model}/windows/{start} (50 features)': await time(`/v1/models/${model}/windows/${t0 + 500 * HOUR}`, Math.ceil(requests / 2)),
    }
    return { windows: WINDOWS, features: FEATURES, requests, rows, routes, loadAverage: Math.round(loadavg()[0]! * 10) / 10, targetP95Ms: 200, met: series.p95Ms < 200 }
  } finally {
    await server.close()
    await store.client.command({ query: withDatabase('DROP DATABASE IF EXISTS {db}', store.database) }).catch(() => undefined)
    await store.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Writes bench/read-api.json: the figures, the machine and the date. */
export function writeReadApiResult(root: string, r: ReadApiResult): string {
  const out = { measuredAt: new Date().toISOString(), machine: { cores: cpus().length, cpu: cpus()[0]?.model.trim(), node: process.version }, ...r }
  mkdirSync(join(root, 'bench'), { recursive: true })
  writeFileSync(join(root, 'bench', 'read-api.json'), `${JSON.stringify(out, null, 2)}\n`)
  return JSON.stringify(out, null, 2)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--requests')
  const result = await readApiBenchmark(i > 0 ? Number(process.argv[i + 1]) : 40)
  console.log(writeReadApiResult(join(import.meta.dirname, '..', '..'), result))
}
