/**
 * `driftwatch recompute` on real Kafka and ClickHouse: after the pipeline evaluated three daily
 * windows, recomputing two of them marks exactly those (reason 'recompute') and evaluates them
 * again under newer metric versions; the third keeps its version.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import type { RecomputeFlags } from '../src/cli/recompute.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { loadFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { testConfig, dropTestResources } from './support/config.js'
import { prediction } from './support/events.js'
import { recomputeBeside } from './support/recompute.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const DAY = 86_400_000
const d0 = Math.floor(Date.now() / DAY) * DAY - 6 * DAY
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe('driftwatch recompute', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-recompute-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, 'models:\n  - id: loan-approval\n    window: 1d\n    positiveClass: approve\n    reference: { previousWindows: 1 }\n')
  const config: RuntimeConfig = { ...testConfig({ partitions: 2 }), configFile }
  let app: App

  const versions = async () =>
    new Map(
      (await queryRows<{ ws: string; v: string }>(app.store, 'SELECT toUnixTimestamp64Milli(window_start) AS ws, toString(max(eval_version)) AS v FROM {db}.window_summary GROUP BY window_start')).map(
        (r) => [Number(r.ws), BigInt(r.v)] as const,
      ),
    )
  const recompute = (flags: RecomputeFlags) => recomputeBeside(app, config, flags)

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: loadFileConfig(configFile), evaluate: false })
    const events = [0, 1, 2].flatMap((day) => Array.from({ length: 40 }, (_, i) => prediction({ prediction_id: `r-${day}-${i}`, event_time: d0 + day * DAY + i * 60_000 })))
    await app.publisher.publishPredictions(events)
    await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.predictions FINAL'), (c) => c === events.length, { what: 'the predictions stored' })
    await waitFor(async () => (await app.evaluator.evaluateNow(), (await versions()).size), (n) => n === 3, { what: 'three windows evaluated' })
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it('marks the windows in [from, to) and evaluates them under new metric versions', async () => {
    const before = await versions()
    const { code, out, err, progressed } = await recompute({ model: 'loan-approval', from: iso(d0 + DAY), to: iso(d0 + 3 * DAY) })
    expect(err).toEqual([])
    expect(code).toBe(0)
    expect(out).toEqual([
      `model loan-approval: 2 window(s) of 1d with predictions in [${iso(d0 + DAY)}, ${iso(d0 + 3 * DAY)}) marked for re-evaluation`,
      'model loan-approval: 2 window(s) evaluated, each under a new metric version',
    ])
    expect(progressed).toEqual([1, 1, -2])
    const marks = await queryRows<{ ws: string }>(app.store, "SELECT toUnixTimestamp64Milli(window_start) AS ws FROM {db}.window_marks WHERE reason = 'recompute' ORDER BY ws")
    expect(marks.map((m) => Number(m.ws))).toEqual([d0 + DAY, d0 + 2 * DAY])
    const after = await versions()
    expect(after.get(d0)).toBe(before.get(d0))
    expect(after.get(d0 + DAY)! > before.get(d0 + DAY)!).toBe(true)
    expect(after.get(d0 + 2 * DAY)! > before.get(d0 + 2 * DAY)!).toBe(true)
    // Every metric table got the new version, not only the summary.
    const newest = after.get(d0 + DAY)!.toString()
    expect(await count(app.store, `SELECT count() AS c FROM {db}.dataset_drift WHERE eval_version = ${newest}`)).toBe(1)
  })

  it('compares the champion and challenger of a recomputed window again, over the rows as they are now', async () => {
    const day = d0 + 2 * DAY
    const challenger = Array.from({ length: 30 }, (_, i) =>
      prediction({ prediction_id: `c-${i}`, model_version: 'v2', event_time: day + i * 60_000, deployment: { environment: 'production', variant: 'challenger' } }),
    )
    await app.publisher.publishPredictions(challenger)
    const ids = [...challenger.map((p) => p.prediction_id), ...Array.from({ length: 40 }, (_, i) => `r-2-${i}`)]
    await app.publisher.publishGroundTruth(ids.map((id, i) => ({ prediction_id: id, label_time: day + DAY - 1000, label: { class_label: i % 3 === 0 ? 'reject' : 'approve', value: null }, source: 'test' })))
    const compared = async () =>
      (await queryRows<{ v: string; n: string }>(app.store, 'SELECT toString(max(eval_version)) AS v, toString(argMax(n_challenger, eval_version)) AS n FROM {db}.comparison WHERE window_start = fromUnixTimestamp64Milli({t:Int64})', { t: day }))[0]!
    await waitFor(async () => (await app.evaluator.evaluateNow(), Number((await compared()).n)), (n) => n === 30, { what: 'the comparison of the window' })
    const before = BigInt((await compared()).v)
    const { code } = await recompute({ model: 'loan-approval', from: iso(day), to: iso(day + DAY) })
    expect(code).toBe(0)
    expect(BigInt((await compared()).v) > before).toBe(true)
  })

  it('a range without predictions marks and evaluates nothing', async () => {
    const { code, out } = await recompute({ model: 'loan-approval', from: iso(d0 - 30 * DAY), to: iso(d0 - 20 * DAY) })
    expect(code).toBe(0)
    expect(out[0]).toMatch(/: 0 window\(s\) of 1d/)
    expect(out[1]).toMatch(/: 0 window\(s\) evaluated/)
  })

  it('invalid dates are a usage error (exit 2), before touching ClickHouse', async () => {
    const { code, err } = await recompute({ model: 'loan-approval', from: '2026-11-08', to: 'last week' })
    expect(code).toBe(2)
    expect(err[0]).toMatch(/--to: "last week" is not a date/)
  })

  it('an unlisted model gets a note and the default window', async () => {
    const { code, err, out } = await recompute({ model: 'other-model', from: iso(d0), to: iso(d0 + DAY) })
    expect(code).toBe(0)
    expect(err).toEqual(['note: model other-model is not listed in the configuration file; using the defaults (window 1h)'])
    expect(out[0]).toMatch(/other-model: 0 window\(s\) of 1h/)
  })
})
