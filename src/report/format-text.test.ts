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

describe('formatText: what the performance and fairness lines rest on', () => {
  const base = report('none', {})
  const drift = (status: string, detected: boolean | null) => ({ method: 'z', drift_score: 4.33, p_value: 1.49e-5, drift_detected: detected, status, reference_count: 29, current_count: 29 })
  const lineOf = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start))

  it('prediction and score drift without a verdict (status insufficient) say why the verdict is "-"', () => {
    const text = formatText({ ...base, performance: { ...base.performance, prediction_drift: drift('insufficient', null), score_drift: { ...drift('ok', true), method: 'ks', drift_score: 0.1437, p_value: 1.82e-8 } } })
    expect(lineOf(text, 'Prediction drift')).toBe('Prediction drift: z 4.3300, p 1.49e-5 → - (insufficient: fewer than 30 values on a side, no verdict)')
    expect(lineOf(text, 'Score drift')).toBe('Score drift: ks 0.1437, p 1.82e-8 → DRIFT')
  })

  it('metrics of a side with fewer than 30 labeled rows (status insufficient) are marked in the table', () => {
    const reference = { rows: 300, status: 'ok', scored_rows: 300, scored_status: 'ok', f1: 0.72, roc_auc: 0.95 }
    const current = { rows: 29, status: 'insufficient', scored_rows: 300, scored_status: 'ok', f1: 0.6316, roc_auc: 0.94 }
    const text = formatText({ ...base, performance: { ...base.performance, reference, current } })
    expect(lineOf(text, 'metric ')).toMatch(/ status$/)
    expect(lineOf(text, 'f1 ')!.replace(/\s+/g, ' ')).toBe('f1 0.7200 0.6316 - - insufficient: fewer than 30 labeled predictions in the current file, no verdict')
    expect(lineOf(text, 'roc_auc ')!.replace(/\s+/g, ' ')).toBe('roc_auc 0.9500 0.9400 - - ok')
    // Both sides short of labeled scores.
    const few = { ...current, scored_rows: 12, scored_status: 'insufficient' }
    const both = formatText({ ...base, performance: { ...base.performance, reference: { ...reference, scored_rows: 12, scored_status: 'insufficient' }, current: few } })
    expect(lineOf(both, 'roc_auc ')).toMatch(/ insufficient: fewer than 30 labeled scores in both files, no verdict$/)
    // Rows enough on both sides: the table as it was, no status column.
    const ok = formatText({ ...base, performance: { ...base.performance, reference, current: { ...current, rows: 300, status: 'ok' } } })
    expect(lineOf(ok, 'metric ')).toMatch(/95% interval$/)
  })

  it('the fairness line says how many groups were compared: a 1-row group is left out of demographic parity', async () => {
    const { reportFromCsv, DEFAULT_REPORT_CONFIG } = await import('./index.js')
    const rows = (groups: readonly [string, number][]) => {
      const records = groups.flatMap(([g, n]) => Array.from({ length: n }, (_, i) => ({ x: String(i % 50), g, label: String(i % 2), prediction: String((i >> 1) % 2) })))
      return { columns: ['x', 'g', 'label', 'prediction'], records }
    }
    const r = await reportFromCsv(rows([['m', 150], ['f', 150]]), rows([['solo', 1], ['big', 264], ['mid', 35]]), DEFAULT_REPORT_CONFIG, ['g'])
    const line = lineOf(formatText(r), 'demographic parity difference')!
    expect(line).toMatch(/^demographic parity difference \d\.\d{4}, ratio /)
    expect(line).toMatch(/; 2 of 3 groups compared \(groups under 30 predictions left out\)$/)
  })

  it('label metrics that compared fewer groups than selection give their own counts', () => {
    const group = (predictions: number, count: number, status: string) => ({ predictions, count, status, selection_status: predictions >= 30 ? 'ok' : 'insufficient', selection_rate: 0.5 })
    const fairness = {
      groups: { a: group(400, 300, 'ok'), b: group(300, 200, 'ok'), c: group(100, 20, 'insufficient') },
      demographic_parity_difference: 0.1, groups_compared: 3, groups_insufficient: 0, min_group_size: 30,
      equalized_odds_groups_compared: 1, equal_opportunity_groups_compared: 2,
    }
    const text = formatText({ ...base, fairness: { region: fairness } })
    expect(lineOf(text, 'demographic parity difference')).toMatch(
      /; 3 of 3 groups compared for demographic parity and disparate impact, 1 of 3 for equalized odds, 2 of 3 for equal opportunity \(groups under 30 labeled rows, or without a positive or a negative label, left out\)$/,
    )
    const same = formatText({ ...base, fairness: { region: { ...fairness, equalized_odds_groups_compared: 2 } } })
    expect(lineOf(same, 'demographic parity difference')).toMatch(/; 3 of 3 groups compared for demographic parity and disparate impact, 2 of 3 for equalized odds and equal opportunity \(/)
    const all = formatText({ ...base, fairness: { region: { ...fairness, equalized_odds_groups_compared: 3, equal_opportunity_groups_compared: 3 } } })
    expect(lineOf(all, 'demographic parity difference')).toMatch(/; 3 of 3 groups compared$/)
  })

  it('groups left out for another status than size are named by it, not as too small', () => {
    const group = { predictions: 400, count: 300, status: 'score_not_a_probability', selection_status: 'score_not_a_probability', selection_rate: null }
    const fairness = { groups: { a: group, b: group }, groups_compared: 0, min_group_size: 30, equalized_odds_groups_compared: 0, equal_opportunity_groups_compared: 0 }
    const text = formatText({ ...base, fairness: { region: fairness } })
    expect(lineOf(text, 'demographic parity difference')).toMatch(/; 0 of 2 groups compared \(groups with status score_not_a_probability left out\)$/)
  })
})

describe('text report: names from the files are shown, never obeyed by the terminal it is printed on', () => {
  // C0 but newline, DEL, C1, and the bidi embeddings, overrides and isolates.
  const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
  const link = 'f\u001b[31mRED\u001b[0m\u001b]8;;http://evil.example/\u0007click\u001b]8;;\u0007'

  it('feature, category, group, attribute, class and column names and the notes print escape sequences as \\u escapes, in aligned columns', () => {
    const quality = { missing_rate: 0, type_violation_rate: 0, out_of_range_rate: 0, new_category_rate: 0.5, new_categories: { 'x\u009b2J': 3, 'y\u202e': 1 }, constant: false }
    const group = { predictions: 40, selection_rate: 0.5, count: 40, true_positive_rate: 0.5, false_positive_rate: 0.5, accuracy: 0.5, status: 'ok' }
    const base = report('none', { [link]: feature({}), 'cat\u001b[2J': feature({}), plain: feature({}) }, { [link]: quality })
    const text = formatText({
      ...base,
      performance: { ...base.performance, positive_class: 'yes\u0007', reference: { accuracy: 0.9 }, current: { accuracy: 0.8 } },
      fairness: { 'region\u001b[8m': { groups: { 'north\u001b[2J': group, 'south\tx': group } } },
      notes: ['column "cat\u001b[2J" is read as text\r\u001b[Ahidden'],
    })
    expect(text).not.toMatch(TERMINAL_CONTROL)
    const lines = text.split('\n')
    const drift = lines.slice(lines.findIndex((l) => l.startsWith('feature ')))
    const score = drift[0]!.indexOf('score')
    expect(drift.slice(1, 4).map((l) => l.slice(0, drift[0]!.indexOf('kind')).trimEnd())).toEqual([
      'f\\u001b[31mRED\\u001b[0m\\u001b]8;;http://evil.example/\\u0007click\\u001b]8;;\\u0007', 'cat\\u001b[2J', 'plain',
    ])
    expect(drift.slice(1, 4).map((l) => l.slice(score - 6, score + 5).trim())).toEqual(['0.5000', '0.5000', '0.5000'])
    expect(text).toContain('positive class "yes\\u0007"')
    expect(text).toContain('Fairness: region\\u001b[8m')
    expect(lines.some((l) => l.startsWith('north\\u001b[2J '))).toBe(true)
    expect(lines.some((l) => l.startsWith('south\\u0009x '))).toBe(true)
    expect(text).toContain('0.5000 x\\u009b2J,y\\u202e')
    expect(text).toContain('  - column "cat\\u001b[2J" is read as text\\u000d\\u001b[Ahidden')
  })
})
