/**
 * Every metric a rule can watch, read from real ClickHouse tables (chDB): the query behind each
 * metric kind returns the newest windows as points with the right values, performance relative
 * to the reference follows the model's reference setting, and the Grafana-managed alert rules
 * in alerts/grafana run against the same schema and judge what driftwatch's default rules judge.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { BUNDLED_RULES_DIR, loadRules } from '../src/alerts/load-rules.js'
import { loadPoints } from '../src/alerts/metric-points.js'
import { describeScope } from '../src/evaluate/reference.js'
import { evaluateRule } from '../src/rules/evaluate.js'
import { parseFileConfig } from '../src/config/file.js'
import { parseRuleFile } from '../src/rules/parse.js'
import { openStore, type Store } from '../src/store/clickhouse.js'
import { migrate } from '../src/store/migrate.js'
import { clickhouseDateTime64 } from '../src/store/rows.js'
import { insertDrift } from './support/alerts.js'
import { renderQuery } from './support/grafana-macros.js'
import { allPanels, loadDashboards } from './support/grafana-dashboards.js'
import { dropTestResources, testConfig } from './support/config.js'
import { withDatabase } from '../src/store/query.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const today = Math.floor(Date.now() / DAY)
const day = (d: number) => clickhouseDateTime64((today - 10 + d) * DAY)
const window = (d: number) => ({ model_id: 'm', model_version: 'v1', window_start: day(d), window_end: day(d + 1), eval_version: Date.now() })
type GrafanaRule = {
  uid: string
  title: string
  dashboardUid: string
  panelId: number
  data: { datasourceUid: string; relativeTimeRange: { from: number; to: number }; model: { rawSql?: string; conditions?: { evaluator: { type: string; params: number[] } }[] } }[]
}
const grafanaRules = () => (parse(readFileSync('alerts/grafana/driftwatch-rules.yaml', 'utf8')) as { groups: { rules: GrafanaRule[] }[] }).groups[0]!.rules

/** A Grafana rule's query as Grafana would run it at `nowMs` (macros expanded as the plugin does). */
async function runGrafana(store: Store, r: GrafanaRule, nowMs: number): Promise<Record<string, unknown>[]> {
  const target = r.data.find((d) => d.datasourceUid === 'driftwatch-clickhouse')!
  const sql = renderQuery(target.model.rawSql!, { fromMs: nowMs - target.relativeTimeRange.from * 1000, toMs: nowMs - target.relativeTimeRange.to * 1000, intervalMs: 60_000, variables: {} })
  // Grafana's datasource sets the default database; here the tables are qualified instead.
  const qualified = withDatabase(sql.replace(/\bFROM (\w+)/g, 'FROM {db}.$1').replace(/\bJOIN (\w+)/g, 'JOIN {db}.$1'), store.database)
  return (await store.client.query({ query: qualified, format: 'JSONEachRow' })).json()
}

/** Whether Grafana's threshold expression fires on a value. */
function grafanaFires(r: GrafanaRule, value: number): boolean {
  const { type, params } = r.data.find((d) => d.datasourceUid === '__expr__')!.model.conditions![0]!.evaluator
  const t = params[0]!
  return type === 'gt' ? value > t : type === 'gte' ? value >= t : type === 'lt' ? value < t : type === 'lte' ? value <= t : Number.NaN as never
}

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
    // The ratio's upper confidence bound, which the default rule reads.
    await insert('fairness', [0, 1].map((d) => ({ ...window(d), attribute: 'group', group_value: '', metric: 'disparate_impact_ratio_upper', value: 0.95 - d * 0.2, n: 500, status: 'ok' })))
    await insert('quality', [{ ...window(4), feature: 'income', metric: 'missing_rate', value: 0.3, n: 1000 }])
    await insert('window_summary', [3, 4].map((d) => ({ ...window(d), predictions: 1000, labeled: 200 * d, label_coverage: d / 5, mean_label_delay_s: 1, closed: 1, reference: 'x' })))
    await insert('dataset_drift', [{ ...window(4), drift_share: 0.6, n_features: 5, n_drifted: 3, drifted_features: ['a', 'b', 'c'] }])
    await insert('detector_state', [{ model_id: 'm', model_version: 'v1', detector: 'adwin', state: '{}', drift_detected: 1, detections: [clickhouseDateTime64((today - 6) * DAY + 3_600_000)], eval_version: 1 }])
    await insertDrift(store, { day: today - 6, psi: { income: 0.35 } })
    const now = clickhouseDateTime64(storedMs)
    await insert('dead_letters', Array.from({ length: 5 }, (_, i) => ({ source_topic: 'p', source_partition: 0, source_offset: i, error_code: 'DW_DECODE_NOT_AVRO', error_message: 'x', raw_key_base64: '', raw_value_base64: '', raw_value_bytes: 1, dead_lettered_at: now })))
    await insert('predictions', Array.from({ length: 95 }, (_, i) => ({ prediction_id: `p${i}`, model_id: 'm', model_version: 'v1', event_time: now, source_topic: 'p', source_partition: 0, source_offset: 10 + i, ingested_at: now })))
    // Orphan-label notices of labels stored a month ago (join.orphanAfter): stored records, not
    // rejected ones, so not dead letters of the rate.
    await insert('dead_letters', Array.from({ length: 3 }, (_, i) => ({ source_topic: 'p', source_partition: 0, source_offset: 200 + i, error_code: 'DW_ORPHAN_LABEL', error_message: 'x', raw_key_base64: '', raw_value_base64: '', raw_value_bytes: 1, dead_lettered_at: now })))
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
    expect(await points('    metric: fairness\n    statistic: disparate_impact_ratio_upper\n')).toEqual([
      { subject: 'group', day: 1, value: 0.75, n: 500 },
      { subject: 'group', day: 0, value: 0.95, n: 500 },
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

  it('computes the dead-letter rate per topic over the period its records were stored in, orphan-label notices left out', async () => {
    // Periods are aligned to the hour: the one holding the records, whether or not the clock has
    // since moved into the next hour (an empty current period has no point).
    const period = Math.floor(storedMs / HOUR) * HOUR
    const ps = await loadPoints(store, rule('    metric: dlq_rate\n    period: 1h\n'), fileWith('{ previousWindows: 2 }'), Date.now())
    expect(ps).toEqual([expect.objectContaining({ subject: 'p', value: 0.05, n: 100, windowStartMs: period, windowEndMs: period + HOUR })])
  })

  it('runs the Grafana-managed alert rules against the same tables', async () => {
    // When Grafana evaluates each rule: now, or just after the newest test window its metric reads.
    const evaluatedAt: Record<string, number> = {
      'dw-feature-drift-psi': Date.now(),
      'dw-disparate-impact': (today - 8) * DAY,
      'dw-concept-drift-detector': (today - 5) * DAY,
      // A second later: the macros cut the range to whole seconds, as the plugin does.
      'dw-f1-drop': Date.now() + 1000,
      'dw-dlq-rate': Date.now() + 1000,
    }
    const results: Record<string, unknown[]> = {}
    for (const r of grafanaRules()) {
      results[r.uid] = await runGrafana(store, r, evaluatedAt[r.uid]!)
    }
    // The newest window of each series, however old: the week-old drift is still the newest.
    expect(results['dw-feature-drift-psi']).toEqual([{ model_id: 'm', model_version: 'v1', column: 'income', psi: 0.35 }])
    expect(results['dw-disparate-impact']).toEqual([{ model_id: 'm', model_version: 'v1', attribute: 'group', disparate_impact_ratio_upper: 0.75 }])
    expect(results['dw-dlq-rate']).toEqual([{ topic: 'p', dlq_rate: 0.05 }])
    expect(results['dw-concept-drift-detector']).toEqual([{ model_id: 'm', model_version: 'v1', detector: 'adwin', detections_in_window: 1 }])
    // The windows' summaries name no reference period it can read ('x'): no value.
    expect(results['dw-f1-drop']).toEqual([])
  })
})

/**
 * The panel each Grafana-managed rule links to: its title, and what its query must read to show
 * the rule's metric. Panel ids are assigned in reading order, row headers included, so a row
 * added above a panel moves it; the rules file names the id, this names the panel.
 */
const RULE_PANELS: Record<string, { title: string; shows: RegExp }> = {
  'dw-feature-drift-psi': { title: 'Drift detected: feature × window', shows: /\bFROM drift\b[\s\S]*target = 'feature'/ },
  'dw-disparate-impact': { title: 'Parity ratios (four-fifths rule at 0.8)', shows: /\bFROM fairness\b[\s\S]*'disparate_impact_ratio_upper'/ },
  // The detectors' per-window verdicts are drift rows of target 'concept' (src/evaluate/detectors.ts).
  'dw-concept-drift-detector': { title: 'Prediction, label and concept drift', shows: /\bFROM drift\b[\s\S]*target != 'feature'/ },
  'dw-f1-drop': { title: 'Degradation: window − reference', shows: /\bFROM performance\b[\s\S]*kind = 'degradation'/ },
  'dw-dlq-rate': { title: 'Dead letters by code', shows: /\bFROM dead_letters\b/ },
}

describe('Grafana-managed rules link the panel that shows their metric', () => {
  const dashboards = new Map([...loadDashboards(join(import.meta.dirname, '..', 'dashboards', 'json')).values()].map((d) => [d.uid, d]))
  const rules = grafanaRules()
  const rulesText = readFileSync('alerts/grafana/driftwatch-rules.yaml', 'utf8')

  it('names the panel of every rule here', () => expect(rules.map((r) => r.uid).sort()).toEqual(Object.keys(RULE_PANELS).sort()))

  it.each(rules.map((r) => [r.uid, r] as const))('%s: its dashboardUid and panelId are a panel (not a row) whose query reads the rule\'s metric', (uid, r) => {
    const expected = RULE_PANELS[uid]!
    const d = dashboards.get(r.dashboardUid)
    expect(d, `no dashboard ${r.dashboardUid}`).toBeDefined()
    const panels = allPanels(d!).map(({ panel }) => panel)
    const panel = panels.find((p) => p.id === r.panelId)
    const wanted = panels.find((p) => p.title === expected.title)
    const hint = `${uid}: panelId ${r.panelId} of ${r.dashboardUid} is ${panel ? `the ${panel.type} "${panel.title}"` : 'no panel'}; "${expected.title}" is panel ${wanted?.id}`
    expect(panel?.type, hint).not.toBe('row')
    expect(panel?.title, hint).toBe(expected.title)
    const sql = (panel!.targets ?? []).map((t) => t.rawSql).join('\n')
    expect(sql, `${uid}: panel "${panel!.title}"`).toMatch(expected.shows)
    // The title written beside the id in the rules file is the panel's.
    const block = rulesText.split(/^\s+- uid: /m).find((b) => b.startsWith(`${uid}\n`))!
    expect(/^\s+panelId: (\d+ # .+)$/m.exec(block)?.[1], `the comment beside ${uid}'s panelId`).toBe(`${r.panelId} # ${expected.title}`)
  })
})

describe('Grafana-managed rules judge what driftwatch\'s default rules judge', () => {
  const config = testConfig({ kafka: false })
  let store: Store
  const insert = (table: string, values: object[]) => store.client.insert({ table: withDatabase(`{db}.${table}`, store.database), format: 'JSONEachRow', values })
  const nowMs = Date.now()
  const at = (d: number) => (today + d) * DAY
  const win = (model: string, version: string, startMs: number, lenMs = DAY) => ({
    model_id: model, model_version: version, window_start: clickhouseDateTime64(startMs), window_end: clickhouseDateTime64(startMs + lenMs), eval_version: nowMs,
  })
  const file = parseFileConfig(
    'models:\n' +
      `  - { id: daily, window: 1d, reference: { from: "${new Date(at(-20)).toISOString()}", to: "${new Date(at(-18)).toISOString()}" } }\n` +
      `  - { id: single, window: 1d, reference: { from: "${new Date(at(-20)).toISOString()}", to: "${new Date(at(-18)).toISOString()}" } }\n` +
      '  - { id: rolling, window: 1d, reference: { previousWindows: 2 } }\n' +
      '  - { id: weekly, window: 7d }\n',
    'x.yaml',
  )
  /** A realized F1 window, and its summary naming the reference period as the evaluator writes it. */
  const f1 = async (model: string, version: string, d: number, value: number, n = 300) => {
    const m = file.models.find((x) => x.id === model)!
    const ref = m.reference
    const scope = 'from' in ref ? { modelId: model, modelVersion: null, fromMs: ref.from, toMs: ref.to } : { modelId: model, modelVersion: version, fromMs: at(d) - ('previousWindows' in ref ? ref.previousWindows : 0) * DAY, toMs: at(d) }
    await insert('performance', [{ ...win(model, version, at(d)), variant: 'all', metric: 'f1', kind: 'realized', value, n, label_coverage: 0.5 }])
    await insert('window_summary', [{ ...win(model, version, at(d)), predictions: 1000, labeled: n, label_coverage: 0.5, mean_label_delay_s: 1, closed: 1, reference: describeScope(scope) }])
  }

  beforeAll(async () => {
    store = openStore(config.clickhouse)
    await migrate(store)
    // daily: reference windows at 0.9, then 0.7 for two windows with enough labels; the newest has too few (no verdict).
    for (const d of [-20, -19]) await f1('daily', 'v1', d, 0.9)
    await f1('daily', 'v1', -3, 0.7)
    await f1('daily', 'v1', -2, 0.7)
    await f1('daily', 'v1', -1, 0.5, 100)
    // single: only the newest window dropped (consecutive 2 is not met).
    for (const d of [-20, -19]) await f1('single', 'v1', d, 0.9)
    await f1('single', 'v1', -2, 0.9)
    await f1('single', 'v1', -1, 0.7)
    // rolling: the two windows before, of the same version (v1's low F1 must not count for v2).
    await f1('rolling', 'v1', -3, 0.1)
    for (const [d, v] of [[-5, 0.9], [-4, 0.9], [-3, 0.6], [-2, 0.5]] as const) await f1('rolling', 'v2', d, v)
    // weekly: a 7-day window that started 5 days ago, drifted, unfair, with a detection inside it;
    // another detector fired only in the window before.
    const week = win('weekly', 'v1', at(-5), 7 * DAY)
    const before = win('weekly', 'v1', at(-12), 7 * DAY)
    await insertDriftRow({ ...week, column: 'income', psi: 0.5, n: 5000 })
    // The ratio 0.6 and its upper bound 0.7: the rule judges the bound.
    await insert('fairness', [
      { ...week, attribute: 'group', group_value: '', metric: 'disparate_impact_ratio', value: 0.6, n: 500, status: 'ok' },
      { ...week, attribute: 'group', group_value: '', metric: 'disparate_impact_ratio_upper', value: 0.7, n: 500, status: 'ok' },
    ])
    await insert('window_summary', [before, week].map((w) => ({ ...w, predictions: 5000, labeled: 0, label_coverage: 0, mean_label_delay_s: 0, closed: 0, reference: 'x' })))
    await insert('detector_state', [
      { model_id: 'weekly', model_version: 'v1', detector: 'adwin', state: '{}', drift_detected: 1, detections: [clickhouseDateTime64(at(-3))], eval_version: 1 },
      { model_id: 'weekly', model_version: 'v1', detector: 'ddm', state: '{}', drift_detected: 1, detections: [clickhouseDateTime64(at(-10))], eval_version: 1 },
    ])
    // thin: the newest window has too few predictions, or no verdict: the one before decides.
    await insertDriftRow({ ...win('thin', 'v1', at(-3)), column: 'income', psi: 0.3, n: 1000 })
    await insertDriftRow({ ...win('thin', 'v1', at(-2)), column: 'income', psi: 0.01, n: 1000, status: 'insufficient' })
    await insertDriftRow({ ...win('thin', 'v1', at(-1)), column: 'income', psi: 0.01, n: 50 })
    // Windows that start after now (events stamped ahead), each one that would decide its series
    // if it counted: no drift, fair, no detection inside, an F1 back at the reference's.
    await insertDriftRow({ ...win('thin', 'v1', at(1)), column: 'income', psi: 0.01, n: 1000 })
    await insertDriftRow({ ...win('weekly', 'v1', at(2), 7 * DAY), column: 'income', psi: 0.01, n: 5000 })
    await insert('fairness', ['disparate_impact_ratio', 'disparate_impact_ratio_upper'].map((metric) => ({ ...win('weekly', 'v1', at(2), 7 * DAY), attribute: 'group', group_value: '', metric, value: 0.95, n: 500, status: 'ok' })))
    await insert('window_summary', [{ ...win('weekly', 'v1', at(2), 7 * DAY), predictions: 5000, labeled: 0, label_coverage: 0, mean_label_delay_s: 0, closed: 0, reference: 'x' }])
    await f1('daily', 'v1', 1, 0.9)
  })
  afterAll(async () => {
    await store?.close()
    await dropTestResources(config)
  })
  /** Dead letters and stored predictions of topic q at a processing time. */
  const records = (atMs: number, dead: number, stored: number, from: number) =>
    Promise.all([
      insert('dead_letters', Array.from({ length: dead }, (_, i) => ({ source_topic: 'q', source_partition: 0, source_offset: from + i, error_code: 'DW_DECODE_NOT_AVRO', error_message: 'x', raw_key_base64: '', raw_value_base64: '', raw_value_bytes: 1, dead_lettered_at: clickhouseDateTime64(atMs) }))),
      insert('predictions', Array.from({ length: stored }, (_, i) => ({ prediction_id: `q${from + i}`, model_id: 'm', model_version: 'v1', event_time: clickhouseDateTime64(atMs), source_topic: 'q', source_partition: 0, source_offset: from + dead + i, ingested_at: clickhouseDateTime64(atMs) }))),
    ])
  const insertDriftRow = (r: ReturnType<typeof win> & { column: string; psi: number; n: number; status?: string }) =>
    insert('drift', [{
      model_id: r.model_id, model_version: r.model_version, window_start: r.window_start, window_end: r.window_end, eval_version: r.eval_version,
      target: 'feature', column: r.column, column_kind: 'numerical', method: 'psi', score: r.psi, p_value: null, threshold: 0.1, drift_detected: 1,
      statistics: { psi: r.psi }, n_reference: 1000, n_current: r.n, unseen_categories: [], status: r.status ?? 'ok',
    }])

  /** driftwatch's breaching series of a bundled rule, with the newest judged value. */
  const driftwatch = async (name: string) => {
    const r = loadRules(BUNDLED_RULES_DIR).rules.find((x) => x.name === name)!
    return evaluateRule(r, await loadPoints(store, r, file, nowMs)).filter((v) => v.state === 'breaching').map((v) => ({ series: `${v.modelId}/${v.subject}`, value: v.latest.value }))
  }
  /** Grafana's firing series of a rule: the rows whose value passes the threshold expression. */
  const grafana = async (uid: string, subject: string | null) => {
    const r = grafanaRules().find((x) => x.uid === uid)!
    const rows = await runGrafana(store, r, nowMs)
    const valueOf = (row: Record<string, unknown>) => Number(Object.values(row).at(-1))
    return {
      rows: rows.map((row) => ({ series: `${String(row['model_id'] ?? '')}/${subject ? String(row[subject]) : ''}`, value: valueOf(row) })),
      firing: rows.filter((row) => grafanaFires(r, valueOf(row))).map((row) => ({ series: `${String(row['model_id'] ?? '')}/${subject ? String(row[subject]) : ''}`, value: valueOf(row) })),
    }
  }
  const sorted = <T extends { series: string }>(xs: T[]) => [...xs].sort((a, b) => a.series.localeCompare(b.series))

  it('feature-drift-psi and disparate-impact: each series\' newest window with a verdict, whatever its length or age', async () => {
    expect(sorted(await driftwatch('feature-drift-psi'))).toEqual([{ series: 'thin/income', value: 0.3 }, { series: 'weekly/income', value: 0.5 }])
    expect(sorted((await grafana('dw-feature-drift-psi', 'column')).firing)).toEqual(sorted(await driftwatch('feature-drift-psi')))
    expect(await driftwatch('disparate-impact')).toEqual([{ series: 'weekly/group', value: 0.7 }])
    expect((await grafana('dw-disparate-impact', 'attribute')).firing).toEqual(await driftwatch('disparate-impact'))
  })

  it('concept-drift-detector: detections inside the newest window, not a fixed day', async () => {
    expect(await driftwatch('concept-drift-detector')).toEqual([{ series: 'weekly/adwin', value: 1 }])
    const g = await grafana('dw-concept-drift-detector', 'detector')
    expect(sorted(g.rows)).toEqual([{ series: 'weekly/adwin', value: 1 }, { series: 'weekly/ddm', value: 0 }])
    expect(g.firing).toEqual(await driftwatch('concept-drift-detector'))
  })

  it('dlq-rate: clock hours, the newest with at least 100 records', async () => {
    // Two hours ago: 3 of 100 records dead-lettered; in the hour under way only 11 records so far.
    const hour = Math.floor(nowMs / HOUR) * HOUR
    await records(hour - 2 * HOUR + 60_000, 3, 97, 0)
    await records(Math.min(nowMs, hour + 60_000) - 1000, 1, 10, 1000)
    expect(await driftwatch('dlq-rate')).toEqual([{ series: '/q', value: 0.03 }])
    const g = await grafana('dw-dlq-rate', 'topic')
    expect(g.firing).toEqual(await driftwatch('dlq-rate'))
  })

  it('f1-drop: against the reference period each window was evaluated with, for 2 consecutive windows with enough labels', async () => {
    // daily: fixed reference (0.9), its two newest windows with >= 200 labels at 0.7. rolling v2:
    // each window against its two previous v2 windows (v1's 0.1 in that period must not count):
    // (0.5 - 0.75) / 0.75 and (0.6 - 0.9) / 0.9.
    const expected = [{ series: 'daily/', value: expect.closeTo(-0.2 / 0.9, 12) }, { series: 'rolling/', value: expect.closeTo(-1 / 3, 12) }]
    expect(sorted(await driftwatch('f1-drop'))).toEqual(expected)
    const g = await grafana('dw-f1-drop', null)
    expect(sorted(g.firing)).toEqual(expected)
    // single: only its newest window dropped, so the larger change of its two newest is 0 (not
    // firing); rolling v1 has one window, hence no value.
    expect(sorted(g.rows)).toEqual([...expected, { series: 'single/', value: expect.closeTo(0, 12) }])
  })
})
