/**
 * Which fairness group a prediction is in (src/evaluate/queries.ts joinedQuery): a protected
 * attribute sent as the empty string (`segments: { gender: '' }`) puts the prediction in no
 * group of that attribute, as leaving the attribute out does and as `driftwatch report` counts
 * an empty cell (`no_group`). '' is the group_value of the parity rows, so a group '' would share
 * their key (the UI showed its rates as "(all groups)" and the charts dropped it).
 *
 * Embedded pipeline: the stored fairness rows of a window holding groups F and M, predictions
 * with gender '' and predictions without gender equal the pure fairness report over F and M
 * alone, and the batch report's figures on the same rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type App } from '../src/app.js'
import { runReport } from '../src/cli/report.js'
import { parseFileConfig } from '../src/config/file.js'
import type { GroundTruthEvent, PredictionEvent } from '../src/ingest/schemas.js'
import { fairnessReport } from '../src/metrics/fairness/index.js'
import { createLogger } from '../src/observability/logger.js'
import { dropTestResources, testConfig } from './support/config.js'
import { prediction } from './support/events.js'
import { count, queryRows } from './support/query.js'
import { waitFor } from './support/wait.js'

const HOUR = 3_600_000
const h0 = Math.floor(Date.now() / HOUR) * HOUR - 5 * 24 * HOUR
const PER_GROUP = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'positive_predictive_value', 'accuracy', 'expected_calibration_error']
const PARITY = ['demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equal_opportunity_difference', 'disparate_impact_ratio', 'disparate_impact_ratio_upper']

interface Row {
  readonly gender: string | undefined
  readonly predicted: 0 | 1
  readonly label: 0 | 1 | null
}

/**
 * One window: F (60: 30 selected, 5 unlabeled), M (60: 18 selected), 50 with gender '' (all
 * selected, mostly positive: as a group they would widen every parity gap) and 20 without gender.
 */
function rows(): Row[] {
  const out: Row[] = []
  for (let i = 0; i < 60; i++) out.push({ gender: 'F', predicted: i < 30 ? 1 : 0, label: i >= 55 ? null : i % 3 === 0 ? 0 : 1 })
  for (let i = 0; i < 60; i++) out.push({ gender: 'M', predicted: i < 18 ? 1 : 0, label: i % 2 === 0 ? 1 : 0 })
  for (let i = 0; i < 50; i++) out.push({ gender: '', predicted: 1, label: i % 4 === 0 ? 0 : 1 })
  for (let i = 0; i < 20; i++) out.push({ gender: undefined, predicted: 0, label: 0 })
  return out
}

function traffic(data: readonly Row[]) {
  const predictions: PredictionEvent[] = []
  const labels: GroundTruthEvent[] = []
  data.forEach((r, i) => {
    const id = `fg-${i}`
    const t = h0 + 1000 * (i + 1)
    predictions.push(prediction({
      prediction_id: id, model_id: 'fg', model_version: 'v1', event_time: t, features: { x: i % 7 },
      segments: r.gender === undefined ? { region: 'north' } : { gender: r.gender, region: 'north' },
      prediction: { class_label: String(r.predicted), score: r.predicted ? 0.7 : 0.2, probabilities: null, value: null },
    }))
    if (r.label !== null) labels.push({ prediction_id: id, source: 'test', label_time: t + 60_000, label: { class_label: String(r.label), value: null } })
  })
  return { predictions, labels }
}

/** `driftwatch report` (in-memory path) on the same rows: an empty gender cell for '' and for none. */
async function batchReport(data: readonly Row[]): Promise<Record<string, unknown>> {
  const csv = ['x,gender,label,prediction', ...data.map((r, i) => `${i % 7},${r.gender ?? ''},${r.label ?? ''},${r.predicted}`)].join('\n') + '\n'
  let out = ''
  const code = await runReport({ reference: 'ref.csv', current: 'cur.csv', protected: 'gender' }, {
    exists: () => true,
    readFile: () => csv,
    writeFile: () => {},
    stdout: (t) => {
      out += t
    },
    stderr: () => {},
  })
  expect(code).toBe(0)
  return (JSON.parse(out) as { fairness: Record<string, Record<string, unknown>> }).fairness['gender']!
}

describe('fairness groups: an empty attribute value is in no group', () => {
  const config = testConfig({ kafka: false })
  const file = parseFileConfig(`models:\n  - id: fg\n    window: 1h\n    allowedLateness: 0s\n    protected: [gender]\n`, 'test.yaml')
  const data = rows()
  const { predictions, labels } = traffic(data)
  let app: App
  let stored: { group_value: string; metric: string; value: number | null; n: string; status: string }[]

  beforeAll(async () => {
    app = await startApp(config, createLogger(config.logLevel), { file, evaluate: false, alerts: false })
    await app.publisher.publishPredictions(predictions)
    await app.publisher.publishGroundTruth(labels)
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.predictions FINAL WHERE model_id = 'fg'`), (c) => c === predictions.length, { what: 'predictions stored' })
    await waitFor(() => count(app.store, `SELECT count() AS c FROM {db}.ground_truth FINAL WHERE prediction_id LIKE 'fg-%'`), (c) => c === labels.length, { what: 'labels stored' })
    await app.evaluator.evaluateNow()
    stored = await queryRows(app.store, `SELECT group_value, metric, value, n, status FROM {db}.fairness FINAL WHERE model_id = 'fg' AND attribute = 'gender' ORDER BY group_value, metric`)
  })
  afterAll(async () => {
    await app?.stop()
    await dropTestResources(config)
  })

  it("has no group '': the rows with group_value '' are the parity rows alone", () => {
    expect(stored.filter((r) => r.group_value === '').map((r) => r.metric).sort()).toEqual([...PARITY].sort())
    expect(stored.filter((r) => PER_GROUP.includes(r.metric)).map((r) => r.group_value)).not.toContain('')
    expect([...new Set(stored.map((r) => r.group_value))]).toEqual(['', 'F', 'M'])
  })

  it('gives the figures of the same window without those predictions', () => {
    const kept = data.filter((r) => r.gender === 'F' || r.gender === 'M')
    const expected = fairnessReport({ groups: kept.map((r) => r.gender!), yTrue: kept.map((r) => r.label), yPred: kept.map((r) => r.predicted) }, { minGroupSize: 30 })
    const get = (g: string, metric: string) => stored.find((r) => r.group_value === g && r.metric === metric)!
    for (const g of expected.groups) {
      const group = String(g.group)
      expect(get(group, 'selection_rate'), group).toMatchObject({ value: g.selectionRate, n: String(g.predictions) })
      expect(get(group, 'true_positive_rate'), group).toMatchObject({ value: g.truePositiveRate, n: String(g.count) })
      expect(get(group, 'false_positive_rate'), group).toMatchObject({ value: g.falsePositiveRate, n: String(g.count) })
      expect(get(group, 'accuracy'), group).toMatchObject({ value: g.accuracy, n: String(g.count) })
    }
    const p = expected.parity
    const want = {
      demographic_parity_difference: p.demographicParityDifference, demographic_parity_ratio: p.demographicParityRatio,
      equalized_odds_difference: p.equalizedOddsDifference, equal_opportunity_difference: p.equalOpportunityDifference,
      disparate_impact_ratio: p.disparateImpactRatio, disparate_impact_ratio_upper: p.disparateImpactRatioUpper,
    }
    for (const [metric, r] of Object.entries(want)) {
      expect(get('', metric), metric).toMatchObject({ value: r.score, n: String(r.n), status: 'ok' })
    }
    // Counted: F's 60 predictions (55 labeled) and M's 60; none of the 70 others.
    expect(get('', 'disparate_impact_ratio').n).toBe('120')
    expect(get('', 'equal_opportunity_difference').n).toBe('115')
  })

  it('stores the upper confidence bound of the disparate impact ratio: 30 of 60 vs 18 of 60 is below 4/5 (0.6), within sampling noise', () => {
    const get = (metric: string) => stored.find((r) => r.group_value === '' && r.metric === metric)!
    // Katz, one pair, 95 %: exp(ln 0.6 + 1.6449·sqrt(1/18 − 1/60 + 1/30 − 1/60)) = 0.8839
    expect(get('disparate_impact_ratio').value).toBeCloseTo(0.6, 12)
    expect(get('disparate_impact_ratio_upper').value).toBeCloseTo(Math.exp(Math.log(0.6) + 1.6448536269514722 * Math.sqrt(1 / 18 - 1 / 60 + 1 / 30 - 1 / 60)), 12)
    expect(get('disparate_impact_ratio_upper')).toMatchObject({ n: '120', status: 'ok' })
    expect(get('disparate_impact_ratio_upper').value).toBeGreaterThanOrEqual(0.8)
  })

  it("equals driftwatch report's figures on the same rows, where an empty cell is no_group", async () => {
    const report = await batchReport(data)
    expect(report['left_out']).toMatchObject({ no_group: 70 })
    expect(Object.keys(report['groups'] as object).sort()).toEqual(['F', 'M'])
    for (const metric of PARITY) expect(stored.find((r) => r.group_value === '' && r.metric === metric)!.value, metric).toBe(report[metric])
    const groups = report['groups'] as Record<string, Record<string, number>>
    for (const g of ['F', 'M']) {
      for (const metric of ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'accuracy']) {
        expect(stored.find((r) => r.group_value === g && r.metric === metric)!.value, `${g}.${metric}`).toBe(groups[g]![metric])
      }
    }
  })
})
