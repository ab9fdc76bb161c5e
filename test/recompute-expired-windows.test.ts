/**
 * `driftwatch recompute` over windows whose raw rows expired (retention.raw) while their metrics
 * and detector checkpoints stayed (retention.metrics). Regression: the detector refeed from
 * --from fed every window with a stored checkpoint, expired ones as empty: their checkpoints and
 * concept rows were rewritten from nothing, they were marked 'detector', and then evaluated from
 * nothing, replacing their stored metrics by 0 predictions. Expiry is simulated by deleting the
 * windows' raw rows after their first evaluation.
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
import { deleteWhere } from '../src/store/delete-rows.js'
import { markWindows } from '../src/store/mark-windows.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { recomputeBeside } from './support/recompute.js'
import { queryRows } from './support/query.js'

const DAY = 86_400_000
const d0 = Math.floor(Date.now() / DAY) * DAY - 6 * DAY
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe('driftwatch recompute over windows whose raw rows expired', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-recompute-expired-'))
  const configFile = join(dir, 'driftwatch.yaml')
  writeFileSync(configFile, 'retention: { raw: 3d }\nmodels:\n  - id: loan-approval\n    window: 1d\n    allowedLateness: 0s\n    positiveClass: approve\n')
  const config: RuntimeConfig = { ...testConfig({ kafka: false }), configFile }
  let app: App

  const recompute = (flags: RecomputeFlags) => recomputeBeside(app, config, flags)
  const summaries = async () =>
    new Map(
      (await queryRows<{ ws: string; predictions: string; v: string }>(
        app.store,
        'SELECT toUnixTimestamp64Milli(window_start) AS ws, predictions, toString(eval_version) AS v FROM {db}.window_summary FINAL',
      )).map((r) => [Number(r.ws), { predictions: r.predictions, v: r.v }] as const),
    )
  const checkpoints = async () =>
    (await queryRows<{ ws: string; detector: string; digest: string; v: string }>(
      app.store,
      'SELECT toUnixTimestamp64Milli(window_start) AS ws, detector, digest, toString(eval_version) AS v FROM {db}.detector_checkpoints FINAL ORDER BY ws, detector',
    ))
  const expire = async (fromMs: number, toMs: number) => {
    const range = { from: fromMs, to: toMs }
    const inRange = 'event_time >= fromUnixTimestamp64Milli({from:Int64}) AND event_time < fromUnixTimestamp64Milli({to:Int64})'
    await deleteWhere(app.store, 'ground_truth', `prediction_id IN (SELECT prediction_id FROM {db:Identifier}.predictions WHERE ${inRange})`, { ...range, db: app.store.database })
    await deleteWhere(app.store, 'predictions', inRange, range)
  }

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file: loadFileConfig(configFile), evaluate: false, alerts: false })
    const events = [0, 1, 2].flatMap((day) => Array.from({ length: 40 }, (_, i) => prediction({ prediction_id: `r-${day}-${i}`, event_time: d0 + day * DAY + i * 60_000 })))
    await app.publisher.publishPredictions(events)
    // Labels with some errors, so the detectors of the closed windows (d0, d0 + 1d) are fed inputs.
    await app.publisher.publishGroundTruth(events.map((e, i) => ({ prediction_id: e.prediction_id, label: { class_label: i % 4 === 0 ? 'reject' : 'approve', value: null }, label_time: e.event_time + 1000, source: 'test' })))
    for (let pass = 0; pass < 10 && (await app.evaluator.evaluateNow()).evaluated > 0; pass++);
    expect([...(await summaries()).values()].map((s) => s.predictions)).toEqual(['40', '40', '40'])
    expect(new Set((await checkpoints()).map((c) => Number(c.ws)))).toEqual(new Set([d0, d0 + DAY]))
    // The first two days' raw rows expire.
    await expire(d0, d0 + 2 * DAY)
  })

  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps the detector checkpoints and metrics of windows whose predictions expired, and says why in one note', async () => {
    const [before, checkpointsBefore] = [await summaries(), await checkpoints()]
    const { code, out, err } = await recompute({ model: 'loan-approval', from: iso(d0), to: iso(d0 + 3 * DAY) })
    expect(code).toBe(0)
    expect(err).toEqual([
      `note: --from ${iso(d0)} reaches windows whose raw rows may have expired (retention.raw 3d); one with none left keeps its stored metrics and detector checkpoints instead of being recomputed from nothing`,
    ])
    expect(out[0]).toMatch(/: 1 window\(s\) of 1d with predictions in/)
    expect(out[1]).toBe('model loan-approval: 1 window(s) evaluated, each under a new metric version')
    expect(await checkpoints()).toEqual(checkpointsBefore)
    expect(await queryRows(app.store, "SELECT window_start FROM {db}.window_marks WHERE reason = 'detector'")).toEqual([])
    const after = await summaries()
    expect(after.get(d0)).toEqual(before.get(d0))
    expect(after.get(d0 + DAY)).toEqual(before.get(d0 + DAY))
    expect(BigInt(after.get(d0 + 2 * DAY)!.v)).toBeGreaterThan(BigInt(before.get(d0 + 2 * DAY)!.v))
  })

  it("recompute's evaluation keeps the stored metrics of a marked window whose predictions expired, and counts it", async () => {
    const before = await summaries()
    await markWindows(app.store, [{ modelId: 'loan-approval', modelVersion: 'v1', startMs: d0 + DAY, windowMs: DAY }], 'reference', `test:${Date.now()}`)
    const { code, out } = await recompute({ model: 'loan-approval', from: iso(d0 + 2 * DAY), to: iso(d0 + 3 * DAY) })
    expect(code).toBe(0)
    expect(out.slice(1)).toEqual([
      'model loan-approval: 1 window(s) evaluated, each under a new metric version',
      'model loan-approval: 1 window(s) kept as stored: none of their predictions is stored any more (expired after retention.raw, 3d)',
    ])
    expect((await summaries()).get(d0 + DAY)).toEqual(before.get(d0 + DAY))
  })
})
