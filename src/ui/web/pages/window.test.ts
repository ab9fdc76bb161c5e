import { describe, expect, it } from 'vitest'
import { binCounts } from '../../../metrics/drift/reference-bins.js'
import type { DriftDetail, FairnessDetail } from '../api-types.js'
import { apiNote, binaryOnlyNote, datasetDriftText, detectorCells, distributionChart, emptySection, fairnessChart, missingDistributions, otherStatistics, performanceValue, verdict, why } from './window.js'
import { taskText } from './model.js'

/** A drift row as the read API sends it (src/read/schemas.ts, DriftDetailSchema). */
const row = (extra: Partial<DriftDetail> = {}): DriftDetail => ({
  target: 'feature', column: 'income', column_kind: 'numerical', method: 'ks', score: 0.61, p_value: 1.45e-11, p_value_adjusted: null,
  threshold: 0.05, drift_detected: false, status: 'ok', n_reference: 5000, n_current: 12, unseen_categories: [], distribution: null,
  statistics: { ks: 0.61, ks_p_value: 1.45e-11 }, ...extra,
})

describe('window page: the verdict of a drift row is what its status and figures say', () => {
  it("a row with too little data ('insufficient', drift_detected false) is no verdict with its reason, never ok", () => {
    const d = row({ status: 'insufficient' })
    expect(verdict(d)).toEqual({ text: 'no verdict: insufficient data', level: 'none' })
    expect(why(d)).toBe('too few rows on a side for a verdict (reference 5000, current 12); p-value 1.45e-11 not compared with 0.0500')
  })

  it("a configured method that does not apply ('method_not_applicable') is no verdict, with its reason", () => {
    const d = row({ status: 'method_not_applicable', column_kind: 'categorical', method: 'chi2', score: 3.2, p_value: 0.2, n_current: 400 })
    expect(verdict(d)).toEqual({ text: 'no verdict: method not applicable', level: 'none' })
    expect(why(d)).toBe('the configured method does not apply to this categorical column; p-value 0.2000 not compared with 0.0500')
  })

  it('a status the page does not know is no verdict, named as sent', () => {
    const d = row({ status: 'stale_reference', method: 'psi', p_value: null, score: 0.4, threshold: 0.1 })
    expect(verdict(d)).toEqual({ text: 'no verdict: stale_reference', level: 'none' })
    expect(why(d)).toBe('status stale_reference; psi 0.4000 not compared with threshold 0.1000')
  })

  it('a verdict reads its comparison from the figures: the adjusted p-value when stored, else the raw one, else the score', () => {
    // Benjamini–Hochberg: significant before the correction, not after.
    const corrected = row({ p_value: 0.01, p_value_adjusted: 0.1, n_current: 400 })
    expect(verdict(corrected)).toEqual({ text: 'ok', level: 'ok' })
    expect(why(corrected)).toBe('adjusted p-value 0.1000 ≥ 0.0500')
    const drifted = row({ p_value: 1e-6, p_value_adjusted: 1e-5, drift_detected: true, n_current: 400 })
    expect(verdict(drifted)).toEqual({ text: 'drift', level: 'bad' })
    expect(why(drifted)).toBe('adjusted p-value 1.00e-5 < 0.0500')
    const prediction = row({ target: 'prediction', column: 'score', p_value: 0.3, n_current: 400 })
    expect(why(prediction)).toBe('p-value 0.3000 ≥ 0.0500')
    const distance = row({ method: 'wasserstein', score: 0.12, p_value: null, threshold: 0.1, drift_detected: true, n_current: 4000 })
    expect(verdict(distance)).toEqual({ text: 'drift', level: 'bad' })
    expect(why(distance)).toBe('wasserstein 0.1200 ≥ threshold 0.1000')
    const close = row({ method: 'wasserstein', score: 0.02, p_value: null, threshold: 0.1, n_current: 4000 })
    expect(verdict(close)).toEqual({ text: 'ok', level: 'ok' })
    expect(why(close)).toBe('wasserstein 0.0200 < threshold 0.1000')
  })

  it('a row whose figures do not show "no drift" is not ok even with drift_detected false (no figure to compare)', () => {
    const d = row({ method: 'chi2', score: null, p_value: null, n_current: 400 })
    expect(verdict(d)).toEqual({ text: 'no verdict', level: 'none' })
    expect(why(d)).toBe('no chi2 score or p-value to compare with 0.0500')
  })

  it('dataset drift: features without a verdict are counted apart, and a window without any says so', () => {
    expect(datasetDriftText(null)).toBe('No dataset drift row.')
    expect(datasetDriftText({ drift_share: 0.25, n_features: 4, n_drifted: 1, drifted_features: ['a'], n_insufficient: 0, status: 'ok' }))
      .toBe('1 of 4 features drifted (share 0.25)')
    expect(datasetDriftText({ drift_share: 0.5, n_features: 4, n_drifted: 1, drifted_features: ['a'], n_insufficient: 2, status: 'ok' }))
      .toBe('1 of 4 features drifted (share 0.50 of those with a verdict); 2 without a verdict: insufficient data')
    expect(datasetDriftText({ drift_share: null, n_features: 3, n_drifted: 0, drifted_features: [], n_insufficient: 3, status: 'insufficient' }))
      .toBe('No verdict on any of the 3 features: insufficient data')
  })
})

describe('window page: distribution chart', () => {
  it('labels histogram bins left-closed, as the API counts them: values on an edge are in the bin that starts there', () => {
    // Every current value is 5, an inner edge; the evaluator's binning puts it in [5, 6).
    const edges = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    const reference = binCounts(edges, Array.from({ length: 100 }, (_, i) => Math.floor((i + 5) / 10))).counts
    const current = binCounts(edges, new Array<number>(100).fill(5)).counts
    const spec = distributionChart(row({ distribution: { kind: 'histogram', edges, reference: [...reference], current: [...current] } }))!
    expect(spec.labels).toEqual(['< 1', '[1, 2)', '[2, 3)', '[3, 4)', '[4, 5)', '[5, 6)', '[6, 7)', '[7, 8)', '[8, 9)', '≥ 9'])
    expect(spec.labels[spec.series[1]!.values.indexOf(1)]).toBe('[5, 6)')
  })
})

describe('window page: the selection-rate chart', () => {
  const rate = (group: string, value: number, status = 'ok'): FairnessDetail => ({ attribute: 'gender', group, metric: 'selection_rate', value, n: status === 'ok' ? 500 : 3, status })

  it('draws only the groups the ratio compares, and the 4/5 line from their highest rate', () => {
    const spec = fairnessChart('gender', [rate('f', 0.5), rate('m', 0.45), rate('x', 1, 'insufficient'), { ...rate('', 0.9), metric: 'disparate_impact_ratio' }])!
    expect(spec.labels).toEqual(['f', 'm'])
    expect(spec.series[0]!.values).toEqual([0.5, 0.45])
    expect(spec.refLine!.value).toBeCloseTo(0.4, 12)
  })

  it('draws nothing when no group has enough rows', () => {
    expect(fairnessChart('gender', [rate('x', 1, 'insufficient')])).toBeNull()
  })
})

describe('window page: a figure next to its threshold differs from it when it does', () => {
  it('an adjusted p-value just under 0.05 is not printed "0.0500 < 0.0500"', () => {
    const d = row({ p_value: 0.01, p_value_adjusted: 0.049999, drift_detected: true, n_current: 400 })
    expect(why(d)).toBe('adjusted p-value 0.049999 < 0.050000')
    const distance = row({ method: 'wasserstein', score: 0.099996, p_value: null, threshold: 0.1, n_current: 4000 })
    expect(why(distance)).toBe('wasserstein 0.099996 < threshold 0.100000')
  })
})

describe('window page: every statistic of a drift row is shown, not only the deciding one', () => {
  it('lists the others (an alert on PSI finds its PSI on the page), the deciding one and its p-value left to their columns', () => {
    const d = row({
      method: 'ks', score: 0.08, p_value: 0.3,
      statistics: { ks: 0.08, ks_p_value: 0.3, psi: 0.2134, wasserstein: 0.0412, jensen_shannon: 0.0731, hellinger: 0.1, kl: 0.09 },
    })
    expect(otherStatistics(d)).toBe('hellinger 0.1000, jensen_shannon 0.0731, kl 0.0900, psi 0.2134, wasserstein 0.0412')
    expect(otherStatistics(row({ statistics: { ks: 0.61, ks_p_value: 1.45e-11 } }))).toBe('-')
    // A categorical row: chi-square decides; PSI and its p-value-less siblings are still listed.
    expect(otherStatistics(row({ method: 'chi2', column_kind: 'categorical', statistics: { chi2: 12.5, chi2_p_value: 0.002, psi: 0.31, jensen_shannon: 0.05 } })))
      .toBe('jensen_shannon 0.0500, psi 0.3100')
  })
})

describe('window page: detectors show their parameters as parameters, never as a threshold of the score', () => {
  it("DDM's drift level and ADWIN's δ are labelled parameters, apart from the error-rate estimate", () => {
    // The pairing that read "0.3362 | 3.0000 | drift yes": an error rate is not compared with 3 standard deviations.
    const ddm = detectorCells({ detector: 'ddm', score: 0.3362, threshold: 3, drift_detected: true, detections: [] })
    expect(ddm).toEqual({ estimate: '0.3362 (running error rate since the last reset)', parameters: 'drift level 3 standard deviations' })
    const adwin = detectorCells({ detector: 'adwin', score: 0.21, threshold: 0.002, drift_detected: false, detections: [] })
    expect(adwin).toEqual({ estimate: '0.2100 (mean error of the adaptive window)', parameters: 'δ 0.002' })
    expect(detectorCells({ detector: 'page_hinkley', score: null, threshold: 50, drift_detected: false, detections: [] })).toEqual({ estimate: '-', parameters: 'parameter 50' })
  })
})

describe('window page: an empty section says why', () => {
  const base = { drift: [], performance: [], fairness: [], reference: '', summary: { predictions: 1, labeled: 0, label_coverage: 0, mean_label_delay_s: null } }
  it('no reference (no drift rows), no labels yet, no protected attributes', () => {
    expect(emptySection(base)).toEqual({
      drift: 'No drift figures: this window was not compared with a reference (reference: none yet).',
      performance: 'No performance figures yet: no labels have arrived for this window.',
      fairness: 'No fairness figures: the model names no protected attributes (protected in its configuration), or this window has no groups to compare.',
    })
    expect(emptySection({ ...base, summary: { ...base.summary, labeled: 3 } }).performance).toBe('No performance figures: too few labeled predictions in this window.')
    expect(emptySection({ ...base, drift: [row()], fairness: [{ attribute: 'group', group: 'A', metric: 'selection_rate', value: 0.5, n: 10, status: 'ok' }] })).toEqual({ performance: expect.any(String) })
    // Estimates (CBPE) before any label: the table, and a note on the missing realized figures.
    const estimate = { variant: 'all', metric: 'roc_auc', kind: 'estimated', value: 0.5, n: 0, label_coverage: 0, ci_low: null, ci_high: null }
    expect(emptySection({ ...base, drift: [row()], performance: [estimate], fairness: [{ attribute: 'group', group: 'A', metric: 'selection_rate', value: 0.5, n: 10, status: 'ok' }] }))
      .toEqual({ unlabeled: 'No realized figures yet: no labels have arrived for this window; the estimates (CBPE) need none.' })
  })
})

describe('window page: a binary model whose positive class is none of the window\'s classes', () => {
  it('says so, and what to set, instead of "too few rows"', () => {
    const calibration = row({ target: 'calibration', column: 'score', status: 'no_positive_class', drift_detected: false, n_reference: 900, n_current: 850 })
    expect(verdict(calibration)).toEqual({ text: 'no verdict: no positive class', level: 'none' })
    expect(why(calibration)).toMatch(/^the model's positive class is none of this window's or its reference's classes \(labels and predicted classes\): set positiveClass for the model in driftwatch.yaml/)
    const base = { drift: [row(), calibration], performance: [], reference: 'previous window', summary: { predictions: 900, labeled: 850, label_coverage: 0.94, mean_label_delay_s: null } }
    const fairness = [{ attribute: 'group', group: 'A', metric: 'selection_rate', value: null, n: 400, status: 'no_positive_class' }]
    // Fairness rows carry the status only when the window itself lacks the class.
    expect(emptySection({ ...base, fairness }).noPositiveClass).toBe("No binary figures: the model's positive class is none of this window's classes (labels and predicted classes): set positiveClass for the model in driftwatch.yaml.")
    // The calibration row alone, beside fairness figures: the reference lacks it, the window's own figures stand.
    expect(emptySection({ ...base, fairness: [{ ...fairness[0]!, value: 0.5, status: 'ok' }] }).noPositiveClass)
      .toBe("No figures compared with the reference's binary outcomes (calibration, degradation): the model's positive class is none of the reference's classes (labels and predicted classes): set positiveClass for the model in driftwatch.yaml.")
    // No fairness rows to tell the sides apart.
    expect(emptySection({ ...base, fairness: [] }).noPositiveClass).toMatch(/^Binary figures missing: the model's positive class is none of this window's or its reference's classes/)
    expect(emptySection({ ...base, drift: [row()], fairness: [{ ...fairness[0]!, value: 0.5, status: 'ok' }] }).noPositiveClass).toBeUndefined()
  })
})

describe('window page: a row with enough rows whose statistic could not be computed', () => {
  it('says not computable and why, not "status not_computable" nor "too few rows"', () => {
    const calibration = row({ target: 'calibration', column: 'score', method: 'calibration_chi2', status: 'not_computable', drift_detected: false, n_reference: 200, n_current: 200 })
    expect(verdict(calibration)).toEqual({ text: 'no verdict: not computable', level: 'none' })
    expect(why(calibration)).toMatch(/^no score bin has rows on both sides and both outcomes among them \(e\.g\. every label one class\)/)
    expect(why(row({ status: 'not_computable' }))).toMatch(/^the ks statistic could not be computed on these values/)
  })
})

describe("window page: the API's own reason for a figure without a verdict is shown as sent", () => {
  it('a drift row, the dataset line and a performance row with a reason or a note', () => {
    const d = row({ status: 'insufficient', reason: 'reference expired: its partial aggregates were dropped' })
    expect(why(d)).toBe('reference expired: its partial aggregates were dropped; p-value 1.45e-11 not compared with 0.0500')
    expect(verdict(d)).toEqual({ text: 'no verdict: insufficient data', level: 'none' })
    expect(why(row({ status: 'insufficient', note: '  ' }))).toMatch(/^too few rows on a side/)
    expect(datasetDriftText({ drift_share: null, n_features: 3, n_drifted: 0, drifted_features: [], n_insufficient: 3, status: 'insufficient', note: 'no reference window yet' }))
      .toBe('No verdict on the 3 features: no reference window yet')
    const perf = { variant: 'all', metric: 'roc_auc', kind: 'realized', value: null, n: 4, label_coverage: 0.1, ci_low: null, ci_high: null }
    expect(performanceValue({ ...perf, status: 'insufficient', reason: 'only one class among the labels' })).toBe('- (only one class among the labels)')
    expect(performanceValue(perf)).toBe('-')
    expect(apiNote({ reason: null, note: 'x' })).toBe('x')
  })
})

describe('window page: a missing reference vs current chart says why, one line per column', () => {
  const histogram = { kind: 'histogram' as const, edges: [1], reference: [1, 1], current: [1, 1] }
  it('the API’s note for each feature, prediction or label row without a distribution; none for calibration or a drawn chart', () => {
    const rows = [
      row({ column: 'income', distribution: null, distribution_note: "the reference's bins as configured now do not fit this window's stored counts" }),
      row({ column: 'age', distribution: histogram }),
      row({ target: 'label', column: 'label', distribution: null, distribution_note: 'window counts unavailable: its partial aggregates expired' }),
      row({ target: 'calibration', column: 'score', distribution: null, distribution_note: null }),
    ]
    expect(missingDistributions(rows)).toEqual([
      { column: 'feature:income', text: "No reference vs current chart of income (feature): the reference's bins as configured now do not fit this window's stored counts." },
      { column: 'label:label', text: 'No reference vs current chart of label (label): window counts unavailable: its partial aggregates expired.' },
    ])
  })
  it('a general reason when the server sends none', () => {
    expect(missingDistributions([row({ column: 'income', distribution: null })])[0]!.text).toMatch(/^No reference vs current chart of income \(feature\): not available: the reference as configured no longer fits/)
  })
})

describe('a model whose task is unknown (not configured, stored figures tell nothing)', () => {
  it('is not called binary, nor given a binary-only reason', () => {
    expect(taskText('unknown')).toMatch(/^task unknown/)
    expect(taskText('regression')).toBe('regression model')
    expect(binaryOnlyNote('unknown')).toBeNull()
    expect(binaryOnlyNote('regression')).toMatch(/binary models only, and this is a regression model/)
  })
})
