/**
 * `driftwatch baseline` and `reference: { baseline: latest }` end to end, on real Kafka +
 * ClickHouse: a training CSV is profiled and stored in reference_profiles; the evaluator then
 * compares windows with it: drift rows (with KS from the profile's sample), quality rows
 * against its ranges and tails, degradation against its labels; the newest profile wins.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { runBaseline } from '../src/cli/baseline.js'
import { parseFileConfig } from '../src/config/file.js'
import { createRng } from '../src/demo/random.js'
import { loadProfile } from '../src/evaluate/profiles.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const day0 = Math.floor(Date.now() / DAY) * DAY - 20 * DAY
const YAML = 'models:\n  - id: b\n    window: 1d\n    allowedLateness: 1h\n    positiveClass: approve\n    reference: { baseline: latest }\n'

interface Sample { income: number; city: string; score: number; label: string }

function samples(n: number, seed: number, drift: boolean): Sample[] {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => {
    const income = Math.round(Math.exp(rng.normal(10.9, 0.45)) * (drift ? 1.6 : 1))
    const city = rng.pick(['a', 'b', 'c', 'new'], drift ? [40, 30, 20, 10] : [50, 30, 20, 0])
    const score = Math.round(Math.min(1, Math.max(0, 0.5 + (Math.log(income) - 10.9) + rng.normal(0, 0.2))) * 1000) / 1000
    return { income, city, score, label: rng.next() < score ? 'approve' : 'decline' }
  })
}

function events(d: number, rows: Sample[]): { predictions: PredictionEvent[]; labels: GroundTruthEvent[] } {
  const predictions = rows.map((r, i) =>
    prediction({
      prediction_id: `b-${d}-${i}`, model_id: 'b', event_time: day0 + d * DAY + i * 1000, segments: {}, features: { income: r.income, city: r.city },
      prediction: { class_label: r.score >= 0.5 ? 'approve' : 'decline', score: r.score, probabilities: null, value: null },
    }),
  )
  const labels = rows.map((r, i) => ({ prediction_id: `b-${d}-${i}`, label: { class_label: r.label, value: null }, label_time: day0 + d * DAY + i * 1000 + 5000, source: 'test' }))
  return { predictions, labels }
}

describe('baseline profiles as the reference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-baseline-'))
  const yaml = join(dir, 'driftwatch.yaml')
  writeFileSync(yaml, YAML)
  const config = testConfig({ env: { DRIFTWATCH_CONFIG: yaml } })
  const out: string[] = []
  let app: App
  let version = 0

  beforeAll(async () => {
    const train = samples(3000, 1, false)
    const csv = ['income,city,prediction,score,label', ...train.map((r) => `${r.income},${r.city},${r.score >= 0.5 ? 'approve' : 'decline'},${r.score},${r.label}`)]
    writeFileSync(join(dir, 'train.csv'), `${csv.join('\n')}\n`)
    expect(await runBaseline(config, { model: 'b', file: join(dir, 'train.csv') }, { out: (l) => out.push(l) })).toBe(0)
    version = Number(/profile (\d+)/.exec(out[0] ?? '')?.[1])
    app = await startApp(config, createLogger(config.logLevel), { file: parseFileConfig(YAML, 'test.yaml'), evaluate: false })
    const [stable, drifted] = [events(0, samples(1000, 2, false)), events(1, samples(1000, 3, true))]
    await app.publisher.publishPredictions([...stable.predictions, ...drifted.predictions])
    await app.publisher.publishGroundTruth([...stable.labels, ...drifted.labels])
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === 2000, { what: 'labels stored' })
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === 2000, { what: 'predictions stored' })
    await app.evaluator.evaluateNow()
  })
  afterAll(async () => {
    await app?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('stores the profile of the file, newest version first', async () => {
    expect(out).toEqual([`stored baseline profile ${version} for model 'b': 3000 rows, 2 features (1 numerical, 1 categorical), labels, scores`])
    const stored = await loadProfile(app.store, 'b', 'latest')
    expect(stored).toMatchObject({ profileVersion: version, profile: { rows: 3000, targets: { positiveClass: 'approve' } } })
    expect(await loadProfile(app.store, 'b', version + 1)).toBeNull()
    expect(await loadProfile(app.store, 'other', 'latest')).toBeNull()
  })

  it('windows are compared with the stored profile: drift rows, KS included', async () => {
    const rows = await queryRows<{ d: string; column: string; method: string; drift_detected: number; statistics: Record<string, number>; n_reference: string; reference: string }>(
      app.store,
      `SELECT toString(intDiv(toUnixTimestamp64Milli(d.window_start) - {day0:Int64}, 86400000)) AS d, column, method, drift_detected, statistics, n_reference, s.reference AS reference
       FROM (SELECT * FROM {db}.drift FINAL WHERE model_id = 'b' AND target = 'feature') AS d
       INNER JOIN (SELECT window_start, reference FROM {db}.window_summary FINAL WHERE model_id = 'b') AS s USING window_start
       ORDER BY d, column`,
      { day0 },
    )
    expect(rows.map((r) => `${r.d}:${r.column}:${r.drift_detected}`)).toEqual(['0:city:0', '0:income:0', '1:city:1', '1:income:1'])
    expect(rows.every((r) => r.reference === `baseline profile ${version}` && r.n_reference === '3000')).toBe(true)
    // 3,000 profile rows but 1,000-row windows: the KS test decides (distances need both sides > 1000).
    expect(rows.find((r) => r.column === 'income')).toMatchObject({ method: 'ks', statistics: { ks: expect.any(Number), wasserstein: expect.any(Number), psi: expect.any(Number) } })
  })

  it('quality against the profile range, degradation and calibration against its labels', async () => {
    const oor = await queryRows<{ value: number }>(app.store, `SELECT value FROM {db}.quality FINAL WHERE model_id = 'b' AND feature = 'income' AND metric = 'out_of_range_rate' ORDER BY window_start`)
    expect(oor).toHaveLength(2)
    expect(oor[1]!.value).toBeGreaterThan(oor[0]!.value)
    expect(await count(app.store, `SELECT count() AS c FROM {db}.quality FINAL WHERE model_id = 'b' AND feature = '' AND metric = 'outlier_rate'`)).toBe(2)
    expect(await count(app.store, `SELECT count() AS c FROM {db}.performance FINAL WHERE model_id = 'b' AND kind = 'degradation' AND metric = 'accuracy' AND isNotNull(ci_low)`)).toBe(2)
    expect(await count(app.store, `SELECT count() AS c FROM {db}.drift FINAL WHERE model_id = 'b' AND target = 'calibration'`)).toBe(2)
  })

  it('a newer baseline wins', async () => {
    writeFileSync(join(dir, 'train2.jsonl'), samples(500, 9, true).map((r) => JSON.stringify({ income: r.income, city: r.city })).join('\n'))
    out.length = 0
    expect(await runBaseline(config, { model: 'b', file: join(dir, 'train2.jsonl') }, { out: (l) => out.push(l) })).toBe(0)
    const latest = await loadProfile(app.store, 'b', 'latest')
    expect(latest!.profileVersion).toBeGreaterThan(version)
    expect(latest!.profile.rows).toBe(500)
    expect((await loadProfile(app.store, 'b', version))!.profile.rows).toBe(3000)
  })

  it('runs the check of start: a driftwatch.yaml that gives the model another window is refused in one line, exit 2, and stores no profile', async () => {
    const before = (await loadProfile(app.store, 'b', 'latest'))!.profileVersion
    const err: string[] = []
    out.length = 0
    const hourly = parseFileConfig(YAML.replace('window: 1d', 'window: 1h'), yaml)
    expect(await runBaseline(config, { model: 'b', file: join(dir, 'train.csv') }, { out: (l) => out.push(l), err: (l) => err.push(l), file: hourly })).toBe(2)
    expect(err).toEqual([
      `driftwatch: DW_CONFIG_INVALID: the configuration does not match what database ${config.clickhouse.database} stores: ` +
        `${yaml}: models.0.window: 1h for model "b", but its stored windows are 1d, and windows of two sizes cannot share a model id: ` +
        "set window: 1d again, or send the model's events under a new model id to monitor them in 1h windows",
    ])
    expect(out).toEqual([])
    expect((await loadProfile(app.store, 'b', 'latest'))!.profileVersion).toBe(before)
  })
})

