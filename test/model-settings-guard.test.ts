/**
 * The store records the per-model settings that shape its rows (window size, pii features:
 * schemas/clickhouse/0019_model_settings.sql), and a start through startApp whose driftwatch.yaml
 * contradicts them is refused before it consumes, evaluates or writes (src/store/model-settings.ts).
 * Regression: a window changed from 1d to 1h, a model taken out of the file (the defaults: 1h, no
 * pii), or an embedded backfill run where the service's driftwatch.yaml is not, started and marked
 * hourly windows beside the daily ones, which took over their state; a pii feature taken out of the
 * list was stored in clear beside its pseudonyms; one added to it drifted with no word. chDB.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp } from '../src/app.js'
import { runBackfillLabels } from '../src/cli/backfill.js'
import { runErase } from '../src/cli/erase.js'
import { runRecompute } from '../src/cli/recompute.js'
import type { RuntimeConfig } from '../src/config/env.js'
import { DEFAULT_FILE_CONFIG, parseFileConfig } from '../src/config/file.js'
import { createLogger } from '../src/observability/logger.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const day0 = Math.floor(Date.now() / DAY) * DAY - 4 * DAY
const N = 96
const DAILY = 'models:\n  - id: loan\n    window: 1d\n    positiveClass: approve\n    pii: [zip_code]\n'

describe('a driftwatch.yaml that contradicts the settings the store recorded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dw-model-settings-'))
  const config: RuntimeConfig = { ...testConfig({ kafka: false }), configFile: 'prod/driftwatch.yaml' }
  const quiet = createLogger('error')
  const start = (yaml: string, logger = quiet) => startApp(config, logger, { file: parseFileConfig(yaml, 'prod/driftwatch.yaml'), evaluate: false, alerts: false })
  async function withStore<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const store = openStore(config.clickhouse)
    try {
      return await work(store)
    } finally {
      await store.close()
    }
  }
  const marksOf = (windowMs: number) => withStore((s) => count(s, 'SELECT count() AS c FROM {db}.window_marks WHERE window_ms = {w:UInt64}', { w: windowMs }))
  const recorded = () => withStore((s) => queryRows<{ model_id: string; window_ms: string; pii: string[] }>(s, 'SELECT model_id, window_ms, pii FROM {db}.model_settings FINAL ORDER BY model_id'))

  beforeAll(async () => {
    const app = await start(DAILY)
    try {
      const events = Array.from({ length: N }, (_, i) =>
        prediction({ prediction_id: `p-${i}`, model_id: 'loan', event_time: day0 + i * HOUR + 60_000, features: { zip_code: `1000${i % 7}`, income: 1000 + i }, subject_id: null }),
      )
      await app.publisher.publishPredictions(events)
      await app.publisher.publishGroundTruth(events.map((e) => ({ prediction_id: e.prediction_id, source: 'test', label_time: e.event_time + 60_000, label: { class_label: 'approve', value: null } })))
      await waitFor(() => count(app.store, 'SELECT count() AS c FROM {db}.ground_truth FINAL'), (c) => c === N, { what: 'labels stored' })
      await app.evaluator.evaluateNow()
      expect(await count(app.store, 'SELECT count() AS c FROM {db}.window_state FINAL WHERE window_ms = {w:UInt64}', { w: DAY })).toBe(4)
    } finally {
      await app.stop()
    }
  }, 120_000)

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropTestResources(config)
  })

  it('the first start records the window and the pii features', async () => {
    expect(await recorded()).toEqual([{ model_id: 'loan', window_ms: String(DAY), pii: ['zip_code'] }])
  })

  it('a window changed from 1d to 1h is refused, naming models.0.window, both sizes and the way out, and marks no hourly window', async () => {
    await expect(start(DAILY.replace('window: 1d', 'window: 1h'))).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID',
      message: expect.stringContaining(
        'prod/driftwatch.yaml: models.0.window: 1h for model "loan", but its stored windows are 1d, and windows of two sizes cannot share a model id: ' +
          "set window: 1d again, or send the model's events under a new model id to monitor them in 1h windows",
      ),
    })
    expect(await marksOf(HOUR)).toBe(0)
    expect(await recorded()).toEqual([{ model_id: 'loan', window_ms: String(DAY), pii: ['zip_code'] }])
  })

  it('a pii feature taken out of the list is refused: its values would be stored in clear beside its pseudonyms', async () => {
    await expect(start(DAILY.replace('pii: [zip_code]', 'pii: []'))).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID',
      message: expect.stringContaining('prod/driftwatch.yaml: models.0.pii: model "loan" no longer lists "zip_code", whose stored values are pseudonyms, and its new values would be stored in clear beside them'),
    })
  })

  it('a model taken out of driftwatch.yaml is refused: the defaults would give it hourly windows and no pii', async () => {
    await expect(start('models:\n  - id: other\n')).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID',
      message: expect.stringContaining('prod/driftwatch.yaml: models: model "loan" is not listed, so the defaults apply (window 1h, no pii), but its stored windows are 1d and its stored values of "zip_code" are pseudonyms'),
    })
    expect(await marksOf(HOUR)).toBe(0)
  })

  it('an embedded backfill of labels run where no driftwatch.yaml is found is refused before it marks a window of the default size', async () => {
    const file = join(dir, 'labels.csv')
    writeFileSync(file, `prediction_id,label,label_time\np-1,deny,${day0 + 2 * HOUR}\n`)
    const lines: string[] = []
    const say = (l: string) => void lines.push(l)
    const run = runBackfillLabels(config, { file }, { out: say, err: say, progress: () => ({ increment() {}, stop() {} }), file: DEFAULT_FILE_CONFIG })
    await expect(run).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID',
      message: expect.stringContaining('prod/driftwatch.yaml: not found, so the defaults apply (window 1h, no pii) to model "loan", but its stored windows are 1d'),
    })
    expect(await marksOf(HOUR)).toBe(0)
  })

  it('recompute and erase with a window changed to 1h are refused before they mark a window (one check, as at start)', async () => {
    const file = parseFileConfig(DAILY.replace('window: 1d', 'window: 1h'), 'prod/driftwatch.yaml')
    const say = () => {}
    const from = new Date(day0).toISOString()
    const to = new Date(day0 + 4 * DAY).toISOString()
    await expect(runRecompute(config, { model: 'loan', from, to }, { out: say, err: say, file, logger: quiet })).rejects.toMatchObject({
      code: 'DW_CONFIG_INVALID', message: expect.stringContaining('models.0.window: 1h for model "loan", but its stored windows are 1d'),
    })
    await expect(runErase(config, { subject: 's-1' }, { subjectKey: (s) => s, out: say, err: say, file })).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID' })
    expect(await marksOf(HOUR)).toBe(0)
  })

  it('a database whose settings were never recorded takes the window from window_state: another size is refused, its own recorded', async () => {
    await withStore((s) => s.client.command({ query: `TRUNCATE TABLE ${s.database}.model_settings` }))
    await expect(start(DAILY.replace('window: 1d', 'window: 1h'))).rejects.toMatchObject({ code: 'DW_CONFIG_INVALID', message: expect.stringContaining('models.0.window: 1h for model "loan", but its stored windows are 1d') })
    expect(await recorded()).toEqual([])
    await (await start(DAILY)).stop()
    expect(await recorded()).toEqual([{ model_id: 'loan', window_ms: String(DAY), pii: ['zip_code'] }])
  })

  it('a pii list that grew starts, warning in one line that names the feature, and records the new list', async () => {
    const lines: string[] = []
    const logger = pino({ level: 'warn' }, new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }))
    await (await start(DAILY.replace('pii: [zip_code]', 'pii: [zip_code, income]'), logger)).stop()
    const warnings = lines.map((l) => JSON.parse(l) as { level: number; msg: string; model?: string }).filter((l) => l.level === 40 && l.model === 'loan')
    expect(warnings.map((w) => w.msg)).toEqual([
      'prod/driftwatch.yaml: models.0.pii: "income" of model "loan" is new in pii: its values stored until now stay in clear, and drift of "income" against a reference of raw values is not meaningful until the reference is rebuilt from pseudonymized values (a new baseline, or a period after this change)',
    ])
    expect(await recorded()).toEqual([{ model_id: 'loan', window_ms: String(DAY), pii: ['income', 'zip_code'] }])
  })
})
