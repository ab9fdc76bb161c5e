import { describe, expect, it } from 'vitest'
import type { Row } from '../metrics/profile/index.js'
import { buildReport, type ReportInput } from './build-report.js'
import { resolveColumns } from './columns.js'
import { DEFAULT_REPORT_CONFIG } from './config.js'
import { formatHtml } from './format-html.js'
import { formatText } from './format-text.js'
import { DEGRADATION_METRICS, evaluateGates, parseGates } from './gates.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'
import { predictedPositive } from '../evaluate/partials.js'
import type { ReportJson } from './types.js'

// Deterministic inline data: 120 reference rows, 90 current rows with income shifted and a
// new employment category; two groups of 60 / 45 for fairness.
function rows(n: number, shift: number, extra: string | null): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const income = 30 + ((i * 37) % 50) + shift
    const score = Math.round(((income - 20) / 80) * 1000) / 1000
    return {
      income,
      employment: extra !== null && i % 9 === 0 ? extra : (['salaried', 'self-employed', 'unemployed'][i % 3] as string),
      gender: i % 2 === 0 ? 'f' : 'm',
      label: String((i * 7) % 10 < 5 ? 1 : 0),
      prediction: String(score >= 0.5 ? 1 : 0),
      score,
    }
  })
}

function input(reference: Row[], current: Row[], overrides: Partial<ReportInput['config']> = {}, protectedAttributes = ['gender']): ReportInput {
  const columns = Object.keys(reference[0] ?? {})
  const roles = resolveColumns(columns, Object.keys(current[0] ?? reference[0] ?? {}), DEFAULT_REPORT_CONFIG, protectedAttributes)
  return { reference: tableFromRows(reference), current: tableFromRows(current), roles, kinds: { income: 'numerical', employment: 'categorical', gender: 'categorical' }, config: { ...DEFAULT_REPORT_CONFIG, ...overrides } }
}

describe('buildReport on inline data', async () => {
  const report = await buildReport(input(rows(120, 0, null), rows(90, 15, 'gig')))

  it('features, dataset, performance, fairness, quality', () => {
    expect(Object.keys(report.features)).toEqual(['employment', 'gender', 'income'])
    expect(report.features['income']).toMatchObject({ kind: 'numerical', method: 'ks', drift_detected: true })
    expect(report.features['employment']?.unseen_categories?.categories).toEqual(['gig'])
    expect(report.dataset).toMatchObject({ number_of_features: 3, evaluated_features: 3, reference_rows: 120, current_rows: 90 })
    expect(report.performance).toMatchObject({ task: 'binary', positive_class: '1', prediction_source: 'column' })
    expect(Object.keys(report.performance['degradation'] as object)).toEqual(['accuracy', 'precision', 'recall', 'false_positive_rate', 'selection_rate', 'f1', 'roc_auc'])
    expect(Object.keys((report.fairness['gender'] as { groups: object }).groups)).toEqual(['f', 'm'])
    expect((report.quality['features'] as Record<string, { new_categories?: object }>)['employment']?.new_categories).toEqual({ gig: 10 })
    expect(report.notes).toEqual([])
  })

  it('performance.degradation is keyed in snake_case, so every gate name reads its figure (regression: falsePositiveRate, rocAuc)', () => {
    const degradation = report.performance['degradation'] as Record<string, { difference: number | null }>
    for (const metric of DEGRADATION_METRICS) {
      const [gate] = evaluateGates(parseGates(`performance.degradation.${metric}<-1`), report)
      expect([metric, gate!.value]).toEqual([metric, degradation[metric]!.difference])
      expect(gate!.value, metric).not.toBeNull()
      expect(gate!.interval, metric).toBeDefined()
    }
    // The text and HTML tables show roc_auc's difference and interval on its row.
    const auc = degradation['roc_auc'] as unknown as { difference: number; ci_low: number; ci_high: number }
    const shown = (x: number) => x.toFixed(4)
    expect(formatText(report).split('\n').find((l) => l.startsWith('roc_auc '))).toMatch(new RegExp(`${shown(auc.difference)}\\s+\\[${shown(auc.ci_low)}, ${shown(auc.ci_high)}\\]$`))
    expect(formatHtml(report, { script: '' })).toContain(`<td>${shown(auc.difference)}</td><td>[${shown(auc.ci_low)}, ${shown(auc.ci_high)}]</td><td>delong</td>`)
  })

  it('equals its JSON round trip (nulls, never NaN)', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
  })

  it('drift_detected follows the Benjamini–Hochberg adjusted p-value; none: the raw one', async () => {
    for (const f of Object.values(report.features)) {
      if (f.adjusted_p_value !== undefined && f.adjusted_p_value !== null) expect(f.drift_detected).toBe(f.adjusted_p_value < f.threshold)
      expect(f.adjusted_p_value ?? 1).toBeGreaterThanOrEqual(f.p_value ?? 0)
    }
    const raw = await buildReport(input(rows(120, 0, null), rows(90, 15, 'gig'), { correction: 'none' }))
    for (const f of Object.values(raw.features)) expect(f.adjusted_p_value).toBe(f.p_value)
  })

  it('no target columns: drift and quality only, no fairness, a note', async () => {
    const strip = (rs: Row[]) => rs.map(({ income, employment, gender }) => ({ income, employment, gender }))
    const r = await buildReport(input(strip(rows(50, 0, null)), strip(rows(40, 0, null))))
    expect(r.performance['degradation']).toEqual({})
    expect(r.performance).not.toHaveProperty('calibration_drift')
    expect(r.fairness).toEqual({})
    expect(r.notes.join(' ')).toMatch(/no "label" column/)
  })

  it('multiclass labels: accuracy degradation only, fairness skipped', async () => {
    const multi = (rs: Row[]) => rs.map((r, i) => ({ ...r, label: ['a', 'b', 'c'][i % 3], prediction: ['a', 'b', 'c'][(i * 2) % 3] }))
    const r = await buildReport(input(multi(rows(60, 0, null)), multi(rows(60, 0, null))))
    expect(r.performance['task']).toBe('multiclass')
    expect(Object.keys(r.performance['degradation'] as object)).toEqual(['accuracy'])
    expect(r.fairness).toEqual({})
  })

  it('an empty current window: nulls and undefined verdicts, no crash', async () => {
    const r = await buildReport(input(rows(50, 0, null), []))
    expect(r.dataset['drift_share']).toBeNull()
    expect(Object.values(r.features).every((f) => f.drift_detected === null)).toBe(true)
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
    expect(formatText(r)).toContain('0 current rows')
  })

  it('a numerical feature with few values (treated as categorical): psi over its values decides, as in the stream', async () => {
    // 95×0, 4×1, 1×2 against 100×2: chi² 196 (p = 2.7e-43); decile-bin psi was 0, no drift.
    const ref = Array.from({ length: 100 }, (_, i) => ({ ...rows(100, 0, null)[i]!, level: i < 95 ? 0 : i < 99 ? 1 : 2 }))
    const cur = rows(100, 0, null).map((r) => ({ ...r, level: 2 }))
    const base = input(ref, cur, { thresholds: { level: { method: 'psi', threshold: 0.2 } } })
    const r = await buildReport({ ...base, kinds: { ...base.kinds, level: 'numerical' } })
    const level = r.features['level']!
    expect(level).toMatchObject({ kind: 'numerical', treated_as: 'categorical', method: 'psi', status: 'ok', drift_detected: true })
    expect(level.psi).toBeCloseTo(13.498, 3)
    expect(level.drift_score).toBe(level.psi)
    expect(level.chi2?.p_value).toBeLessThan(1e-40)
    expect(level).not.toHaveProperty('hellinger')
    expect(level).not.toHaveProperty('kl')
  })

  it('every feature carries its status; an insufficient one has no verdict and no adjusted p-value', async () => {
    const r = await buildReport(input(rows(120, 0, null), rows(20, 15, 'gig')))
    for (const f of Object.values(r.features)) expect(f).toMatchObject({ status: 'insufficient', drift_detected: null, adjusted_p_value: null })
    expect(report.features['income']?.status).toBe('ok')
  })

  it('a threshold for a column that is not a feature is a configuration error', async () => {
    await expect(buildReport(input(rows(10, 0, null), rows(10, 0, null), { thresholds: { label: 0.1 } }))).rejects.toThrow(/not features: label/)
  })
})

// The stream's reading of a prediction and its label (docs/evaluation.md, "Conventions shared by
// every table"), the oracle of the tests below: the predicted class is the class_label, or
// without one the score's cut (src/evaluate/partials.ts predictedPositive); an event
// whose score is not a probability is dead-lettered (src/ingest/validate.ts) and counts nowhere.
function streamAccuracy(rs: readonly Row[], positiveClass = '1'): number {
  let n = 0
  let correct = 0
  for (const r of rs) {
    const score = r['score']
    if (typeof score === 'number' && (score < 0 || score > 1)) continue
    const label = r['label']
    const pred = r['prediction']
    const q = predictedPositive(typeof pred === 'string' ? pred : null, typeof score === 'number' ? score : null, positiveClass)
    if (label === null || label === undefined || q === null) continue
    n++
    if ((label === positiveClass ? 1 : 0) === q) correct++
  }
  return correct / n
}

describe('the report reads labels, predictions and scores as the stream does', () => {
  const reference = rows(120, 0, null)
  const current = rows(90, 15, null)
  const current_ = (r: ReportJson) => r.performance['current'] as Record<string, unknown>

  it('a row with a score but no predicted class is predicted from its score (regression: left out of accuracy and fairness)', async () => {
    // rows() predicts score >= 0.5, so the rows without a class must read as if it were there.
    const classless = current.map((r, i) => (i % 9 === 0 ? { ...r, prediction: null } : r))
    const full = await buildReport(input(reference, current))
    const r = await buildReport(input(reference, classless))
    expect(current_(r)).toEqual(current_(full))
    expect(current_(r)['rows_left_out']).toMatchObject({ no_label: 0, no_prediction: 0 })
    expect(current_(r)['accuracy']).toBe(streamAccuracy(classless))
    expect(r.fairness).toEqual(full.fairness)
    expect(r.notes).toContain('current: 10 of 90 rows have no predicted class: each is predicted from its score (positive when >= 0.5), as the stream predicts an event without a class_label')
  })

  it('score drift leaves out scores outside [0, 1], counted and noted (regression: in the KS)', async () => {
    const wide = current.map((r, i) => (i < 5 ? { ...r, score: 1.7 } : i === 5 ? { ...r, score: -0.3 } : r))
    const r = await buildReport(input(reference, wide))
    const drift = r.performance['score_drift'] as Record<string, unknown>
    expect(drift['current_count']).toBe(84)
    expect(drift['current_left_out']).toEqual({ missing: 0, type_violation: 0, non_finite: 0, score_out_of_range: 6 })
    expect(r.notes).toContain('score drift over 84 of 90 current rows: 6 scores outside [0, 1] left out')
  })

  it('a row whose score the stream refuses is left out of accuracy and fairness too, with or without a prediction column (regression: 1.7 thresholded, counted)', async () => {
    const wide = current.map((r, i) => (i < 3 ? { ...r, score: 1.7 } : r))
    const withClass = await buildReport(input(reference, wide))
    const noClass = (rs: Row[]) => rs.map(({ prediction: _, ...r }) => r)
    const derived = await buildReport(input(noClass(reference), noClass(wide)))
    for (const r of [withClass, derived]) {
      expect(current_(r)).toMatchObject({ rows: 87, rows_left_out: { no_label: 0, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 3, no_prediction: 0 } })
      expect(current_(r)['accuracy']).toBe(streamAccuracy(wide))
      expect(r.fairness['gender']).toMatchObject({ excluded: 3 })
      expect(r.notes).toContain(
        'current: 3 of 90 rows have a score the stream refuses (3 scores outside [0, 1]; it dead-letters such an event): left out of performance, fairness, prediction, label and score drift; feature drift and data quality still count them',
      )
    }
    expect(derived.performance['prediction_source']).toBe('score>=0.5')
  })
})

describe('a numeric categorical feature written 1 in one file and 1.0 in the other (regression: chi2 1199, every value a new category)', () => {
  // A 0/1 flag and a 1–5 rating, categorical (at most 5 values), also a protected attribute;
  // the current file writes them as pandas writes an integer column that holds a missing value.
  const numbers = (n: number, spell: (x: number) => string): Row[] =>
    Array.from({ length: n }, (_, i) => ({ flag: i === 7 ? null : spell(i % 2), rating: spell(1 + (i % 5)), code: ['a', '1'][i % 2] as string }))
  const build = (reference: Row[], current: Row[]) => {
    const roles = resolveColumns(['flag', 'rating', 'code'], ['flag', 'rating', 'code'], DEFAULT_REPORT_CONFIG, ['flag'])
    return buildReport({ reference: tableFromRows(reference), current: tableFromRows(current), roles, kinds: { flag: 'categorical', rating: 'categorical', code: 'categorical' }, config: DEFAULT_REPORT_CONFIG })
  }

  it('its categories are its numbers (1 and 1.0, 1e0, 01 one category named "1"): no drift, no new category, no outlier', async () => {
    const r = await build(numbers(200, String), numbers(200, (x) => `${x}.0`))
    for (const name of ['flag', 'rating']) {
      expect(r.features[name]).toMatchObject({ drift_detected: false, unseen_categories: { count: 0, observations: 0, categories: [] } })
      expect(r.features[name]?.p_value).toBeGreaterThan(0.99)
      expect((r.quality['features'] as Record<string, object>)[name]).toMatchObject({ new_category_count: 0, new_categories: {} })
    }
    expect(r.features['rating']?.distribution).toMatchObject({ categories: ['1', '2', '3', '4', '5'] })
    const outliers = r.quality['outliers'] as Record<string, { outlier_rate: number }>
    expect(outliers['current']?.outlier_rate).toBe(outliers['reference']?.outlier_rate)
    const spelled = await build(numbers(200, String), numbers(200, (x) => [`${x}e0`, `0${x}`, `${x}.00`][x % 3] as string))
    expect(spelled.features['rating']).toMatchObject({ drift_detected: false, unseen_categories: { count: 0 } })
  })

  it('a text column keeps its categories as written: "1" and "1.0" are two', async () => {
    const r = await build(numbers(200, String), numbers(200, String).map((row) => ({ ...row, code: row['code'] === '1' ? '1.0' : row['code'] })))
    expect(r.features['code']?.unseen_categories).toMatchObject({ count: 1, categories: ['1.0'] })
  })

  it('a column with text in the current file only is compared as written', async () => {
    const r = await build(numbers(200, String), numbers(200, (x) => `${x}.0`).map((row, i) => (i === 0 ? { ...row, rating: 'n/a' } : row)))
    expect(r.features['rating']?.unseen_categories?.categories).toEqual(['1.0', '2.0', '3.0', '4.0', '5.0', 'n/a'])
  })
})

describe('a continuous label and prediction (regression: read as a multiclass task with a class per value)', () => {
  // Floats with 2 decimals around 50: each value a "class" of its own.
  const floats = (n: number, shift: number): Row[] =>
    Array.from({ length: n }, (_, i) => ({
      x: (i * 37) % 100,
      gender: i % 2 === 0 ? 'f' : 'm',
      label: (40 + ((i * 37) % 200) / 10 + shift).toFixed(2),
      prediction: (40 + ((i * 53) % 200) / 10 + shift + 0.01).toFixed(2),
    }))
  const build = (reference: Row[], current: Row[], config: Partial<ReportInput['config']> = {}) => {
    const roles = resolveColumns(['x', 'gender', 'label', 'prediction'], ['x', 'gender', 'label', 'prediction'], DEFAULT_REPORT_CONFIG, ['gender'])
    return buildReport({ reference: tableFromRows(reference), current: tableFromRows(current), roles, kinds: { x: 'numerical', gender: 'categorical' }, config: { ...DEFAULT_REPORT_CONFIG, ...config } })
  }

  it('computes the regression metrics and no classification metric or fairness rate, and says so', async () => {
    const r = await build(floats(300, 0), floats(300, 5))
    expect(r.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'], reference: { rows: 300, status: 'ok' }, current: { rows: 300, status: 'ok' } })
    expect(Object.keys(r.performance['degradation'] as object)).toEqual(['mae', 'rmse', 'mape', 'r2'])
    expect(r.fairness).toEqual({})
    expect(r.notes).toContain(
      '"label" and "prediction" hold continuous values, not classes ("label" holds numbers that are not integers, such as 43.7; "prediction" holds numbers that are not integers, such as 40.01): the task is read as continuous; MAE, RMSE, MAPE and R² are computed, and no accuracy, precision, recall, F1, ROC AUC, calibration or fairness rates; the prediction drift compares "prediction" as numbers (set task: multiclass or task: binary in the model file to read them as classes)',
    )
    expect(formatText(r)).toContain('Performance (regression: "label" and "prediction" are continuous, not classes; rows 300 → 300)')
  })

  it('the model file\'s task: regression reads integer labels and predictions as numbers', async () => {
    const ints = (n: number): Row[] => floats(n, 0).map((row, i) => ({ ...row, label: String(i % 5), prediction: String((i * 7) % 5) }))
    expect((await build(ints(300), ints(300))).performance['task']).toBe('multiclass')
    const r = await build(ints(300), ints(300), { regression: true })
    expect(r.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'], current: { rows: 300 } })
  })

  it('compares the predictions as numbers (KS), not as one-off categories', async () => {
    const r = await build(floats(300, 0), floats(300, 5))
    expect(r.performance['prediction_drift']).toMatchObject({ kind: 'numerical', method: 'ks', status: 'ok', drift_detected: true, reference_count: 300, current_count: 300 })
    const same = await build(floats(300, 0), floats(300, 0))
    expect(same.performance['prediction_drift']).toMatchObject({ method: 'ks', drift_detected: false })
  })

  it('integer labels and predictions of the same values are classes however many; integer counts beside non-integer predictions are continuous', async () => {
    const ints = (n: number, k: number): Row[] => floats(n, 0).map((row, i) => ({ ...row, label: String(i % k), prediction: String((i * 7) % k) }))
    expect((await build(ints(300, 50), ints(300, 50))).performance['task']).toBe('multiclass')
    expect((await build(ints(300, 51), ints(300, 51))).performance['task']).toBe('multiclass')
    const counts = (n: number): Row[] => ints(n, 51).map((row, i) => ({ ...row, prediction: ((i * 7) % 51 + 0.25).toFixed(2) }))
    expect((await build(counts(300), counts(300))).performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'] })
  })

  it('a task set in the model file reads them as classes', async () => {
    const r = await build(floats(300, 0), floats(300, 0), { task: 'multiclass' })
    expect(r.performance['task']).toBe('multiclass')
  })
})

describe('a feature with no value on one side (regression: left out of the drift share silently)', () => {
  const values = (n: number, empty: boolean): Row[] => Array.from({ length: n }, (_, i) => ({ a: (i * 37) % 101, b: (i * 13) % 97, c: empty ? null : (i * 7) % 89 }))
  const build = (reference: Row[], current: Row[]) => {
    const roles = resolveColumns(['a', 'b', 'c'], ['a', 'b', 'c'], DEFAULT_REPORT_CONFIG)
    return buildReport({ reference: tableFromRows(reference), current: tableFromRows(current), roles, kinds: { a: 'numerical', b: 'numerical', c: 'numerical' }, config: DEFAULT_REPORT_CONFIG })
  }

  it('is named in a note with its side and the rows by reason, and counted in the headline', async () => {
    const r = await build(values(500, false), values(500, true))
    expect(r.dataset).toMatchObject({ evaluated_features: 2, number_of_features: 3 })
    expect(r.notes).toContain('feature "c" is left out of the dataset drift: the current file has no value of it (500 rows: 500 missing)')
    expect(formatText(r)).toContain('Dataset drift: 0 of 2 features drifted (1 of 3 not evaluated: no values; share 0.0000, correction benjamini-hochberg)')
  })

  it('fewer than 30 values on a side, or none on both, are named too', async () => {
    const few = values(500, false).map((row, i) => (i >= 20 ? { ...row, c: null } : row))
    const r = await build(values(500, false), few)
    expect(r.notes).toContain('feature "c" is left out of the dataset drift: the current file has 20 values of it, fewer than the 30 a verdict needs (500 rows: 480 missing)')
    expect(formatText(r)).toContain('(1 of 3 not evaluated: fewer than 30 values;')
    const none = await build(values(40, true), values(50, true).map((row, i) => (i < 3 ? { ...row, c: 'x' } : row)))
    expect(none.notes).toContain(
      'feature "c" is left out of the dataset drift: the reference file has no value of it (40 rows: 40 missing), and the current file has no value of it (50 rows: 47 missing, 3 type violations)',
    )
  })

  it('every feature evaluated: the headline as before', async () => {
    const r = await build(values(500, false), values(500, false))
    expect(formatText(r)).toContain('Dataset drift: 0 of 3 features drifted (share 0.0000, correction benjamini-hochberg)')
  })
})
