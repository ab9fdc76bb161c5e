/**
 * A rule is judged on each series' newest `consecutive` windows that have a verdict, however many
 * newer windows have none (docs/alerts.md, "Conditions and windows"): for every metric kind, read
 * from real ClickHouse tables (chDB) the way the alert service reads them, then fired and
 * resolved by the lifecycle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { transitions } from '../src/alerts/lifecycle.js'
import { loadPoints } from '../src/alerts/metric-points.js'
import { parseFileConfig } from '../src/config/file.js'
import { verdict } from '../src/rules/condition.js'
import { evaluateRule, windowsNeeded } from '../src/rules/evaluate.js'
import { parseRuleFile } from '../src/rules/parse.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { migrate } from '../src/store/migrate.js'
import { withDatabase } from '../src/store/query.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { dropTestResources, testConfig } from './support/config.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const nowMs = Date.now()
const today = Math.floor(nowMs / DAY)
const dayMs = (d: number) => (today + d) * DAY
const window = (model: string, d: number, evalVersion = 1) => ({
  model_id: model, model_version: 'v1', window_start: clickhouseDateTime64(dayMs(d)), window_end: clickhouseDateTime64(dayMs(d + 1)), eval_version: evalVersion,
})
const file = parseFileConfig('models:\n  - id: m\n    window: 1d\n', 'x.yaml')
const rule = (yaml: string) => parseRuleFile(`rules:\n  - name: r\n${yaml}`, 'r.yaml').rules[0]!
/** The two windows that decide, then four newer ones without a verdict. */
const THIN = [-4, -3, -2, -1]

describe('a rule reads the newest windows that have a verdict, however many newer ones have none', () => {
  const config = testConfig({ kafka: false })
  let store: Store
  const insert = (table: string, values: object[]) => store.client.insert({ table: withDatabase(`{db}.${table}`, store.database), format: 'JSONEachRow', values })
  const drift = (column: string, d: number, psi: number, n: number, status = 'ok', evalVersion = 1) => ({
    ...window('m', d, evalVersion), target: 'feature', column, column_kind: 'numerical', method: 'psi', score: psi, p_value: null, p_value_adjusted: null,
    threshold: 0.1, drift_detected: status === 'ok' ? Number(psi >= 0.1) : null, statistics: status === 'ok' ? { psi } : {}, n_reference: 1000, n_current: n,
    unseen_categories: [], status,
  })
  const judge = async (yaml: string) => {
    const r = rule(yaml)
    const points = await loadPoints(store, r, file, nowMs)
    /** The windows read that have a verdict, newest first, of the series `of` picks. */
    const judged = (of: (p: (typeof points)[number]) => boolean) =>
      points.filter((p) => of(p) && verdict(r.condition, p.value, p.n) !== 'unknown').map((p) => p.windowStartMs)
    return { r, points, judged, verdicts: evaluateRule(r, points) }
  }
  const psiRule = "    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2, consecutive: 2, minSamples: 100 }\n"

  beforeAll(async () => {
    store = openStore(config.clickhouse)
    await migrate(store)
    await insert('drift', [
      // income: drifted in days -6 and -5 with 1000 rows, then four days of 10 rows each.
      drift('income', -6, 0.5, 1000), drift('income', -5, 0.5, 1000), ...THIN.map((d) => drift('income', d, 0.01, 10)),
      // age: drifted at -7, clear at -6, then thin windows that would breach.
      drift('age', -7, 0.5, 1000), drift('age', -6, 0.01, 1000), ...[-5, ...THIN].map((d) => drift('age', d, 0.5, 10)),
      // city: drifted at -6 and -5; the newer windows have too few rows for a verdict (status
      // insufficient, no value), and -4 had one in an evaluation that a newer one replaced.
      drift('city', -6, 0.5, 1000), drift('city', -5, 0.5, 1000), drift('city', -4, 0.5, 1000, 'ok', 1),
      ...THIN.map((d) => drift('city', d, 0.5, 1000, 'insufficient', 2)),
    ])
  })
  afterAll(async () => {
    await store?.close()
    await dropTestResources(config)
  })

  it('consecutive 2, minSamples 100: two drifted windows of 1000 rows followed by four of 10 rows fire', async () => {
    const { r, points, judged, verdicts } = await judge(`${psiRule}    select: { feature: income }\n`)
    expect(verdicts).toMatchObject([{ subject: 'income', state: 'breaching', latest: { windowStartMs: dayMs(-5), value: 0.5 } }])
    expect(transitions(r, verdicts, new Map(), nowMs)).toMatchObject([{ status: 'firing', subject: 'income', windowStartMs: dayMs(-5), value: 0.5 }])
    // The windows that decide are read, and the read is bounded: consecutive + 3 windows of the
    // series, those with a verdict first (selectors apply after the read).
    expect(judged((p) => p.subject === 'income')).toEqual([dayMs(-5), dayMs(-6)])
    expect(points.filter((p) => p.subject === 'income')).toHaveLength(windowsNeeded(r))
  })

  it('resolves by the same rule: the newest window with a verdict is clear, however many thin ones follow', async () => {
    const { r, verdicts } = await judge(`${psiRule}    select: { feature: age }\n`)
    expect(verdicts).toMatchObject([{ subject: 'age', state: 'clear', latest: { windowStartMs: dayMs(-6), value: 0.01 } }])
    const key = 'r|m|v1|age'
    const firing = new Map([[key, { alertKey: key, status: 'firing' as const, seq: 1, transitionId: `${key}#1`, changedAtMs: nowMs - DAY }]])
    expect(transitions(r, verdicts, firing, nowMs)).toMatchObject([{ status: 'resolved', seq: 2, windowStartMs: dayMs(-6) }])
  })

  it('a window whose newest evaluation has no verdict does not count with the verdict of an older evaluation', async () => {
    const { judged, verdicts } = await judge(`${psiRule}    select: { feature: city }\n`)
    expect(verdicts).toMatchObject([{ state: 'breaching', latest: { windowStartMs: dayMs(-5) } }])
    expect(judged((p) => p.subject === 'city')).toEqual([dayMs(-5), dayMs(-6)])
  })

  it('every metric kind: windows without a value, with NaN or with too few samples are passed over', async () => {
    const decided = [-6, -5]
    const perf = (d: number, value: number | string) => ({ ...window('perf', d), variant: 'all', metric: 'f1', kind: 'realized', value, n: 1000, label_coverage: 1 })
    const fair = (d: number, value: number | null, status: string) => ({ ...window('fair', d), attribute: 'group', group_value: '', metric: 'disparate_impact_ratio', value, n: 500, status })
    const summary = (model: string, d: number, coverage: number, predictions: number) =>
      ({ ...window(model, d), predictions, labeled: Math.round(coverage * predictions), label_coverage: coverage, mean_label_delay_s: 1, closed: 1, reference: 'x' })
    await insert('performance', [...decided.map((d) => perf(d, 0.5)), ...THIN.map((d) => perf(d, 'nan'))])
    await insert('fairness', [...decided.map((d) => fair(d, 0.5, 'ok')), ...THIN.map((d) => fair(d, null, 'insufficient'))])
    await insert('quality', [...decided, ...THIN].map((d) => ({ ...window('qual', d), feature: 'income', metric: 'missing_rate', value: 0.5, n: d >= -4 ? 10 : 1000 })))
    await insert('dataset_drift', [...decided, ...THIN].map((d) => ({ ...window('ds', d), drift_share: 0.6, n_features: d >= -4 ? 2 : 20, n_drifted: 1, drifted_features: ['a'] })))
    await insert('window_summary', [
      ...[...decided, ...THIN].map((d) => summary('cov', d, 0.1, d >= -4 ? 10 : 1000)),
      ...[...decided, ...THIN].map((d) => summary('det', d, 1, d >= -4 ? 10 : 1000)),
    ])
    // Calibration drift of the score: its own target, read only by a calibration rule.
    const calibration = (d: number, status: string) => ({
      ...window('cal', d), target: 'calibration', column: 'score', column_kind: 'numerical', method: 'chisquare', score: 40, p_value: 0.001, p_value_adjusted: 0.001,
      threshold: 0.05, drift_detected: status === 'ok' ? 1 : null, statistics: { chi2: 40, chi2_p_value: 0.001, dof: 9, ece_difference: 0.15 }, n_reference: 1000,
      n_current: status === 'ok' ? 1000 : 10, unseen_categories: [], status,
    })
    await insert('drift', [...decided.map((d) => calibration(d, 'ok')), ...THIN.map((d) => calibration(d, 'insufficient'))])
    await insert('detector_state', [{
      model_id: 'det', model_version: 'v1', detector: 'adwin', state: '{}', drift_detected: 1, eval_version: 1,
      detections: decided.map((d) => clickhouseDateTime64(dayMs(d) + HOUR)),
    }])
    const cases: [string, string][] = [
      ['perf', "    metric: performance\n    statistic: f1\n    condition: { op: '<', threshold: 0.6, consecutive: 2 }\n"],
      ['fair', "    metric: fairness\n    statistic: disparate_impact_ratio\n    condition: { op: '<', threshold: 0.8, consecutive: 2 }\n"],
      ['qual', "    metric: quality\n    statistic: missing_rate\n    condition: { op: '>', threshold: 0.2, consecutive: 2, minSamples: 100 }\n"],
      ['ds', "    metric: dataset_drift\n    condition: { op: '>', threshold: 0.5, consecutive: 2, minSamples: 10 }\n"],
      ['cov', "    metric: label_coverage\n    condition: { op: '<', threshold: 0.5, consecutive: 2, minSamples: 100 }\n"],
      ['det', "    metric: detector\n    condition: { op: '>=', threshold: 1, consecutive: 2, minSamples: 100 }\n"],
      ['cal', "    metric: drift\n    target: calibration\n    statistic: ece_difference\n    condition: { op: '>', threshold: 0.1, consecutive: 2 }\n"],
    ]
    for (const [model, yaml] of cases) {
      const { judged, verdicts } = await judge(`${yaml}    select: { model: ${model} }\n`)
      expect(verdicts.map((v) => [v.modelId, v.state, v.latest.windowStartMs]), model).toEqual([[model, 'breaching', dayMs(-5)]])
      expect(judged((p) => p.modelId === model), model).toEqual([dayMs(-5), dayMs(-6)])
    }
  })

  it('dlq_rate: hours with too few records are passed over, within the documented lookback', async () => {
    const hour = Math.floor(nowMs / HOUR)
    let offset = 0
    const records = (h: number, dead: number, stored: number) => {
      const at = clickhouseDateTime64((hour + h) * HOUR + 60_000)
      const from = offset
      offset += dead + stored
      return Promise.all([
        insert('dead_letters', Array.from({ length: dead }, (_, i) => ({
          source_topic: 'q', source_partition: 0, source_offset: from + i, error_code: 'DW_DECODE_NOT_AVRO', error_message: 'x', raw_key_base64: '', raw_value_base64: '',
          raw_value_bytes: 1, dead_lettered_at: at,
        }))),
        insert('predictions', Array.from({ length: stored }, (_, i) => ({
          prediction_id: `q${from + dead + i}`, model_id: 'm', model_version: 'v1', event_time: at, source_topic: 'q', source_partition: 0, source_offset: from + dead + i, ingested_at: at,
        }))),
      ])
    }
    // 10% dead-lettered in hours -8 and -7 (100 records each), then one record an hour.
    await records(-8, 10, 90)
    await records(-7, 10, 90)
    for (const h of [-6, -5, -4, -3, -2, -1]) await records(h, 0, 1)
    const { verdicts } = await judge("    metric: dlq_rate\n    period: 1h\n    condition: { op: '>', threshold: 0.01, consecutive: 2, minSamples: 100 }\n")
    expect(verdicts.map((v) => [v.subject, v.state, v.latest.windowStartMs, v.latest.value])).toEqual([['q', 'breaching', (hour - 7) * HOUR, 0.1]])
  })
})
