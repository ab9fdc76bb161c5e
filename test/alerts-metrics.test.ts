/**
 * Every metric a rule can watch, read from real ClickHouse tables (chDB): the query behind each
 * metric kind returns the newest windows as points with the right values, performance relative
 * to the reference follows the model's reference setting, and the Grafana-managed alert rules
 * in alerts/grafana run against the same schema.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadPoints } from '../src/alerts/metric-points.js'
import { parseFileConfig } from '../src/config/file.js'
import { parseRuleFile } from '../src/rules/parse.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { migrate } from '../src/store/migrate.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { insertDrift } from './support/alerts.js'
import { renderQuery } from './support/grafana-macros.js'
import { testConfig } from './support/config.js'
import { withDatabase } from '../src/store/query.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const today = Math.floor(Date.now() / DAY)
const day = (d: number) => clickhouseDateTime64((today - 10 + d) * DAY)
const window = (d: number) => ({ model_id: 'm', model_version: 'v1', window_start: day(d), window_end: day(d + 1), eval_version: Date.now() })
const rule = (yaml: string) => parseRuleFile(`rules:\n  - name: r\n${yaml}    condition: { op: '>', threshold: 0 }\n`, 'r.yaml').rules[0]!

describe('metric queries', () => {
  const config = testConfig({ kafka: false })
  let store: Store
  const insert = (table: string, values: object[]) => store.client.insert({ table: withDatabase(`{db}.${table}`, store.database), format: 'JSONEachRow', values })
  const fileWith = (reference: string) => parseFileConfig(`models:\n  - id: m\n    window: 1d\n    reference: ${reference}\n`, 'x.yaml')
  const points = async (yaml: string, reference = '{ previousWindows: 2 }') =>
    (await loadPoints(store, rule(yaml), fileWith(reference), Date.now())).map((p) => ({ subject: p.subject, day: p.windowStartMs / DAY - (today - 10), value: p.value, n: p.n, ...(p.details ? { details: p.details } : {}) }))

  /** When the dead letters and predictions of the dlq_rate tests were stored (processing time). */
  const storedMs = Date.now()

  beforeAll(async () => {
    store = openStore(config.clickhouse)
    await migrate(store)
    const f1 = [0.8, 0.8, 0.8, 0.7, 0.6]
    await insert('performance', f1.map((value, d) => ({ ...window(d), variant: 'all', metric: 'f1', kind: 'realized', value, n: 300, label_coverage: 0.5 })))
    await insert('fairness', [0, 1].map((d) => ({ ...window(d), attribute: 'group', group_value: '', metric: 'disparate_impact_ratio', value: 0.9 - d * 0.2, n: 500, status: 'ok' })))
    await insert('quality', [{ ...window(4), feature: 'income', metric: 'missing_rate', value: 0.3, n: 1000 }])
    await insert('window_summary', [3, 4].map((d) => ({ ...window(d), predictions: 1000, labeled: 200 * d, label_coverage: d / 5, mean_label_delay_s: 1, closed: 1, reference: 'x' })))
    await insert('dataset_drift', [{ ...window(4), drift_share: 0.6, n_features: 5, n_drifted: 3, drifted_features: ['a', 'b', 'c'] }])
    await insert('detector_state', [{ model_id: 'm', model_version: 'v1', detector: 'adwin', state: '{}', drift_detected: 1, detections: [clickhouseDateTime64((today - 6) * DAY + 3_600_000)], eval_version: 1 }])
    await insertDrift(store, { day: today - 6, psi: { income: 0.35 } })
    const now = clickhouseDateTime64(storedMs)
    await insert('dead_letters', Array.from({ length: 5 }, (_, i) => ({ source_topic: 'p', source_partition: 0, source_offset: i, error_code: 'DW_DECODE_NOT_AVRO', error_message: 'x', raw_key_base64: '', raw_value_base64: '', raw_value_bytes: 1, dead_lettered_at: now })))
    await insert('predictions', Array.from({ length: 95 }, (_, i) => ({ prediction_id: `p${i}`, model_id: 'm', model_version: 'v1', event_time: now, source_topic: 'p', source_partition: 0, source_offset: 10 + i, ingested_at: now })))
  })
  afterAll(async () => {
    await store?.close()
  })

  it('reads performance as stored, and relative to the previous windows or a fixed reference', async () => {
    expect((await points('    metric: performance\n    statistic: f1\n')).map((p) => p.value)).toEqual([0.6, 0.7, 0.8, 0.8, 0.8].slice(0, 4))
    const rolling = await points('    metric: performance\n    statistic: f1\n    relativeTo: reference\n')
    expect(rolling[0]).toMatchObject({ day: 4, n: 300 })
    expect(rolling[0]!.value).toBeCloseTo((0.6 - 0.75) / 0.75, 12)
    expect(rolling[1]!.value).toBeCloseTo((0.7 - 0.8) / 0.8, 12)
    const fixed = await points('    metric: performance\n    statistic: f1\n    relativeTo: reference\n', `{ from: "${new Date((today - 10) * DAY).toISOString()}", to: "${new Date((today - 8) * DAY).toISOString()}" }`)
    expect(fixed[0]!.value).toBeCloseTo(-0.25, 12)
    const baseline = await points('    metric: performance\n    statistic: f1\n    relativeTo: reference\n', '{ baseline: latest }')
    expect(baseline.every((p) => p.value === null)).toBe(true)
  })

  it('reads fairness, quality, label coverage, dataset drift, drift statistics and detector detections', async () => {
    expect(await points('    metric: fairness\n    statistic: disparate_impact_ratio\n')).toEqual([
      { subject: 'group', day: 1, value: 0.7, n: 500 },
      { subject: 'group', day: 0, value: 0.9, n: 500 },
    ])
    expect(await points('    metric: quality\n    statistic: missing_rate\n')).toEqual([{ subject: 'income', day: 4, value: 0.3, n: 1000 }])
    expect(await points('    metric: label_coverage\n')).toEqual([{ subject: '', day: 4, value: 0.8, n: 1000 }, { subject: '', day: 3, value: 0.6, n: 1000 }])
    expect(await points('    metric: dataset_drift\n')).toEqual([{ subject: '', day: 4, value: 0.6, n: 5, details: ['a', 'b', 'c'] }])
    expect(await points('    metric: drift\n    statistic: psi\n')).toEqual([{ subject: 'income', day: 4, value: 0.35, n: 1000 }])
    expect(await points('    metric: drift\n    statistic: ks\n')).toEqual([{ subject: 'income', day: 4, value: 0.175, n: 1000 }])
    expect(await points('    metric: drift\n    statistic: hellinger\n')).toEqual([{ subject: 'income', day: 4, value: null, n: 1000 }])
    expect(await points('    metric: detector\n')).toEqual([{ subject: 'adwin', day: 4, value: 1, n: 1000 }, { subject: 'adwin', day: 3, value: 0, n: 1000 }])
  })

  it('a drift row without enough data, or a parity figure with one sufficient group, is no value (not "fair", not "no drift")', async () => {
    const row = (column: string, status: string, extra: object) => ({
      ...window(6), target: 'feature', column, column_kind: 'numerical', method: 'ks', score: 0.4, p_value: 0.01, threshold: 0.05,
      statistics: { ks: 0.4 }, n_reference: 1000, n_current: 20, unseen_categories: [], status, ...extra,
    })
    await insert('drift', [
      row('tiny', 'insufficient', { p_value_adjusted: null, drift_detected: null }),
      row('corrected', 'ok', { p_value_adjusted: 0.08, drift_detected: 0 }),
    ])
    await insert('fairness', [{ ...window(6), attribute: 'region', group_value: '', metric: 'disparate_impact_ratio', value: null, n: 300, status: 'insufficient' }])
    const at6 = (ps: Awaited<ReturnType<typeof points>>) => ps.filter((p) => p.day === 6).map((p) => [p.subject, p.value])
    expect(at6(await points('    metric: drift\n    statistic: drift_detected\n'))).toEqual([['corrected', 0], ['tiny', null]])
    expect(at6(await points('    metric: drift\n    statistic: ks\n'))).toEqual([['corrected', 0.4], ['tiny', null]])
    // p_value is the one that decides (adjusted); p_value_raw the one before the correction.
    expect(at6(await points('    metric: drift\n    statistic: p_value\n'))).toEqual([['corrected', 0.08], ['tiny', null]])
    expect(at6(await points('    metric: drift\n    statistic: p_value_raw\n'))).toEqual([['corrected', 0.01], ['tiny', null]])
    expect(at6(await points('    metric: fairness\n    statistic: disparate_impact_ratio\n'))).toEqual([['region', null]])
  })

  it('computes the dead-letter rate per topic over the period its records were stored in', async () => {
    // Periods are aligned to the hour: the one holding the records, whether or not the clock has
    // since moved into the next hour (an empty current period has no point).
    const period = Math.floor(storedMs / HOUR) * HOUR
    const ps = await loadPoints(store, rule('    metric: dlq_rate\n    period: 1h\n'), fileWith('{ previousWindows: 2 }'), Date.now())
    expect(ps).toEqual([expect.objectContaining({ subject: 'p', value: 0.05, n: 100, windowStartMs: period, windowEndMs: period + HOUR })])
  })

  it('runs the Grafana-managed alert rules against the same tables, over their own time ranges', async () => {
    type GrafanaRule = { uid: string; data: { datasourceUid: string; relativeTimeRange: { from: number; to: number }; model: { rawSql?: string } }[] }
    const doc = parse(readFileSync('alerts/grafana/driftwatch-rules.yaml', 'utf8')) as { groups: { rules: GrafanaRule[] }[] }
    // When Grafana evaluates each rule: just after the newest test window its metric reads.
    const evaluatedAt: Record<string, number> = {
      'dw-feature-drift-psi': (today - 5) * DAY,
      'dw-disparate-impact': (today - 8) * DAY,
      'dw-concept-drift-detector': (today - 5) * DAY,
      // A second later: the macros cut the range to whole seconds, as the plugin does.
      'dw-f1-drop': Date.now() + 1000,
      'dw-dlq-rate': Date.now() + 1000,
    }
    const run = async (r: GrafanaRule, nowMs: number) => {
      const target = r.data.find((d) => d.datasourceUid === 'driftwatch-clickhouse')!
      const sql = renderQuery(target.model.rawSql!, { fromMs: nowMs - target.relativeTimeRange.from * 1000, toMs: nowMs - target.relativeTimeRange.to * 1000, intervalMs: 60_000, variables: {} })
      // Grafana's datasource sets the default database; here the tables are qualified instead.
      const qualified = withDatabase(sql.replace(/\bFROM (\w+)/g, 'FROM {db}.$1'), store.database)
      return (await store.client.query({ query: qualified, format: 'JSONEachRow' })).json()
    }
    const results: Record<string, unknown[]> = {}
    for (const r of doc.groups[0]!.rules) {
      expect(r, r.uid).toMatchObject({ dashboardUid: expect.stringMatching(/^driftwatch-/), panelId: expect.any(Number) })
      results[r.uid] = await run(r, evaluatedAt[r.uid]!)
    }
    // The time range matters: evaluated now, the week-old drift is outside the PSI rule's two days.
    expect(await run(doc.groups[0]!.rules.find((r) => r.uid === 'dw-feature-drift-psi')!, Date.now())).toEqual([])
    expect(results['dw-feature-drift-psi']).toEqual([{ model_id: 'm', model_version: 'v1', column: 'income', psi: 0.35 }])
    expect(results['dw-disparate-impact']).toEqual([{ model_id: 'm', model_version: 'v1', attribute: 'group', disparate_impact_ratio: 0.7 }])
    expect(results['dw-dlq-rate']).toEqual([{ topic: 'p', dlq_rate: 0.05 }])
    expect(results['dw-concept-drift-detector']).toHaveLength(1)
    expect(results['dw-f1-drop']).toEqual([])
  })
})
