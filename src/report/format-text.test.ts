import { describe, expect, it } from 'vitest'
import { formatNumber, formatText, table } from './format-text.js'
import type { FeatureDriftJson, ReportJson } from './types.js'

const feature = (f: Partial<FeatureDriftJson>): FeatureDriftJson => ({
  kind: 'numerical', treated_as: 'numerical', method: 'ks', threshold: 0.05, threshold_kind: 'p_value', drift_score: 0.5,
  p_value: 0.001, adjusted_p_value: 0.002, drift_detected: true, status: 'ok', reference_count: 100, current_count: 100,
  reference_left_out: { missing: 0, type_violation: 0, non_finite: 0 }, current_left_out: { missing: 0, type_violation: 0, non_finite: 0 }, ...f,
})

const report = (correction: string, features: Record<string, FeatureDriftJson>, quality: Record<string, object> = {}): ReportJson => ({
  features,
  dataset: { drift_share: 1, drifted_features: 1, evaluated_features: 1, number_of_features: 2, correction, reference_rows: 100, current_rows: 100 },
  performance: { task: 'binary', positive_class: null, confidence: 0.95, reference: {}, current: {} },
  fairness: {},
  quality: { features: quality, outliers: { threshold: 0.25, reference: {}, current: {} } },
  notes: [],
})

const rowOf = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`${name} `))!.trim().split(/\s+/)

describe('text formatting', () => {
  it('formatNumber: 4 decimals, small p-values in exponent form, counts as they are, null as -', () => {
    expect(formatNumber(0.123456)).toBe('0.1235')
    expect(formatNumber(1)).toBe('1.0000')
    expect(formatNumber(3.2e-9, 'p')).toBe('3.20e-9')
    expect(formatNumber(0, 'p')).toBe('0.0000')
    expect(formatNumber(800, 'count')).toBe('800')
    expect(formatNumber(null)).toBe('-')
    expect(formatNumber(true)).toBe('yes')
  })

  it('performance: the sides\' statuses are not metric rows', () => {
    const r = report('none', {})
    const side = { rows: 100, scored_rows: 100, status: 'ok', scored_status: 'ok', accuracy: 0.9 }
    const text = formatText({ ...r, performance: { ...r.performance, reference: side, current: { ...side, accuracy: 0.8 } } })
    expect(rowOf(text, 'accuracy').slice(0, 3)).toEqual(['accuracy', '0.9000', '0.8000'])
    expect(text.split('\n').some((l) => /^(status|scored_status) /.test(l))).toBe(false)
  })

  it('calibration drift on fewer than 30 labeled scores (status insufficient): the line says there is no verdict', () => {
    const r = report('none', {})
    const calibration = (status: string) => ({
      method: 'chi2', status, statistic: 7.5, p_value: 0.02, dof: 2, ece_reference: 0.05, ece_current: 0.21, ece_difference: 0.16, bins: [],
    })
    const side = { rows: 12, status: 'insufficient', scored_rows: 12, scored_status: 'insufficient', accuracy: 0.75, ece: 0.21 }
    const line = (status: string) => formatText({ ...r, performance: { ...r.performance, reference: side, current: side, calibration_drift: calibration(status) } }).split('\n').find((l) => l.startsWith('Calibration drift'))
    expect(line('insufficient')).toBe('Calibration drift: chi2 7.5000 (dof 2), p 0.0200; ECE 0.0500 → 0.2100 (insufficient: fewer than 30 labeled scores on a side, no verdict)')
    expect(line('ok')).toBe('Calibration drift: chi2 7.5000 (dof 2), p 0.0200; ECE 0.0500 → 0.2100')
  })

  it('table: columns padded to the widest cell, numbers right-aligned', () => {
    expect(table(['name', 'value', 'note'], [['a', '1.5000', 'x'], ['longer', '-', 'yy']])).toEqual([
      'name     value  note',
      'a       1.5000  x',
      'longer       -  yy',
    ])
  })

  it('an insufficient feature: "-" under the adjusted p-value, never its raw p-value in that column', () => {
    const features = {
      few: feature({ p_value: 0.0012, adjusted_p_value: null, drift_detected: null, status: 'insufficient', current_count: 10 }),
      many: feature({}),
    }
    const text = formatText(report('benjamini-hochberg', features))
    expect(text).toMatch(/p-value \(BH-adjusted\)/)
    // feature, kind, method, score, p-value, threshold, drift
    expect(rowOf(text, 'few')).toEqual(['few', 'numerical', 'ks', '0.5000', '-', '0.0500', '-'])
    expect(rowOf(text, 'many')).toEqual(['many', 'numerical', 'ks', '0.5000', '0.0020', '0.0500', 'DRIFT'])
    // correction none: the compared p-value is the raw one, and an insufficient feature still has none.
    const raw = formatText(report('none', { few: features.few, many: feature({ adjusted_p_value: 0.001 }) }))
    expect(raw).toMatch(/p-value \(raw\)/)
    expect(rowOf(raw, 'few')[4]).toBe('-')
    expect(rowOf(raw, 'many')[4]).toBe('0.0010')
  })

  it('quality: a constant flag the data leaves undefined (no value) is "-", not "no"', () => {
    const text = formatText(report('none', {}, { empty: { constant: null, missing_rate: 1 }, flat: { constant: true }, varied: { constant: false } }))
    expect(rowOf(text, 'empty').at(-1)).toBe('-')
    expect(rowOf(text, 'flat').at(-1)).toBe('yes')
    expect(rowOf(text, 'varied').at(-1)).toBe('no')
  })
  it('fairness: selection is shown over every prediction of a group, the label metrics over its labeled rows', () => {
    const group = (predictions: number, count: number, selection: number) => ({
      predictions, count, selection_rate: selection, selection_status: 'ok', true_positive_rate: 0.9, false_positive_rate: 0.1, accuracy: 0.8, status: 'ok',
    })
    const r = { ...report('none', {}), fairness: { region: { groups: { a: group(1000, 500, 0.5), b: group(1000, 300, 0.3) }, disparate_impact_ratio: 0.6, four_fifths_rule_violated: true } } }
    const text = formatText(r as unknown as ReportJson)
    expect(text).toMatch(/group\s+predictions\s+selection\s+labeled\s+TPR/)
    expect(rowOf(text, 'a').slice(0, 4)).toEqual(['a', '1000', '0.5000', '500'])
    expect(rowOf(text, 'b').slice(0, 4)).toEqual(['b', '1000', '0.3000', '300'])
  })
})

describe('formatText of a current-only report (--fail-on without --reference)', () => {
  it('shows performance and fairness, and no drift or quality lines', async () => {
    const { currentOnlyReport, csvCells, DEFAULT_REPORT_CONFIG } = await import('./index.js')
    const records = Array.from({ length: 200 }, (_, i) => ({ x: String(i % 17), g: i % 2 ? 'a' : 'b', label: String(i % 2), prediction: String((i >> 2) % 2) }))
    const text = formatText(await currentOnlyReport(csvCells({ columns: ['x', 'g', 'label', 'prediction'], records }), DEFAULT_REPORT_CONFIG, ['g']))
    expect(text).not.toContain('undefined')
    expect(text.split('\n')[0]).toBe('driftwatch report: 200 current rows, no reference')
    expect(text).not.toContain('Dataset drift')
    expect(text).not.toContain('Data quality')
    expect(text).toMatch(/^accuracy +- +0\.\d{4}/m)
    expect(text).toContain('Fairness')
  })
})
