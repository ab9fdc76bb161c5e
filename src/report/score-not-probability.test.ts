import { describe, expect, it } from 'vitest'
import type { FeatureValue, Row } from '../metrics/profile/index.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'
import { buildReport, type ReportInput } from './build-report.js'
import { resolveColumns } from './columns.js'
import { DEFAULT_REPORT_CONFIG } from './config.js'
import { csvCells } from './csv-report.js'
import { currentOnlyReport } from './current-only.js'
import { formatText, performanceStatusText } from './format-text.js'
import { evaluateGates, formatGate, parseGates } from './gates.js'
import { scoreNotProbability } from './left-out.js'
import { scoreNotProbabilityNote } from './stream-targets.js'
import { readClassColumns } from './task-notes.js'
import type { ReportJson } from './types.js'

/**
 * n rows of a model whose score column holds its logit, not a probability: score = k/10 − 4.95
 * with k = 37i mod 100 (−4.95 … 4.95), prediction 1 when the logit is > 0, labels alternating.
 * 10 rows in 100 have a logit in [0, 1] (k = 50 … 59), and all of them are predicted positive:
 * their recall is 1, the model's about 0.5.
 */
function logitRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const score = Math.round(((i * 37) % 100) * 100 - 4950) / 1000
    return { income: 30 + ((i * 37) % 50), gender: i % 2 === 0 ? 'f' : 'm', label: String(i % 2), prediction: String(score > 0 ? 1 : 0), score }
  })
}

/** The same model with probabilities in [0, 1]: p = k/100. */
function probabilityRows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const score = ((i * 37) % 100) / 100
    return { income: 30 + ((i * 37) % 50), gender: i % 2 === 0 ? 'f' : 'm', label: String(i % 2), prediction: String(score >= 0.5 ? 1 : 0), score }
  })
}

const edit = (base: Row[], edits: Record<number, Record<string, FeatureValue>>): Row[] => base.map((r, i) => ({ ...r, ...edits[i] }))

function input(reference: Row[], current: Row[]): ReportInput {
  const columns = Object.keys(reference[0] ?? {})
  const roles = resolveColumns(columns, columns, DEFAULT_REPORT_CONFIG, ['gender'])
  return { reference: tableFromRows(reference), current: tableFromRows(current), roles, kinds: { income: 'numerical', gender: 'categorical' }, config: DEFAULT_REPORT_CONFIG }
}

const side = (r: ReportJson, which: 'reference' | 'current') => (r.performance[which] ?? {}) as Record<string, unknown>

const METRICS = ['accuracy', 'precision', 'recall', 'f1', 'roc_auc', 'average_precision', 'log_loss', 'brier_score', 'ece']

const NOTE_END = 'Drop the score column (--exclude), name a probability column in the model file (columns: { score: ... }), or scale the scores to [0, 1]'

describe('a logit score column: no metric from the few rows whose logit falls in [0, 1] (regression: recall 1 over the rows left passed performance.recall<0.9)', async () => {
  const report = await buildReport(input(logitRows(400), logitRows(400)))

  it('each side\'s metrics are null with status score_not_a_probability; the counts stay', () => {
    for (const which of ['reference', 'current'] as const) {
      const s = side(report, which)
      for (const m of METRICS) expect(s[m], `${which} ${m}`).toBeNull()
      expect(s).toMatchObject({ rows: 40, status: 'score_not_a_probability', scored_rows: 40, scored_status: 'score_not_a_probability' })
      expect(s['rows_left_out']).toEqual({ no_label: 0, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 360, no_prediction: 0 })
    }
  })

  it('no degradation and no calibration drift: nothing to compare', () => {
    const degradation = report.performance['degradation'] as Record<string, Record<string, unknown>>
    expect(Object.keys(degradation).length).toBeGreaterThan(0)
    for (const [metric, d] of Object.entries(degradation)) {
      expect(d, metric).toMatchObject({ reference: null, current: null, difference: null, ci_low: null, ci_high: null, p_value: null })
      expect(typeof d['method']).toBe('string')
    }
    expect(report.performance).not.toHaveProperty('calibration_drift')
  })

  it('a note per side says the column is no probability and what to do, in place of "over 40 of 400 rows"', () => {
    expect(report.notes).toContain(
      `current: 360 of 400 scores are outside [0, 1]: the score column does not look like a probability (a logit or a percentage?), and the stream refuses such events, so no current performance metric, degradation or fairness rate is computed from the rows left (a gate on one cannot be checked). ${NOTE_END}`,
    )
    expect(report.notes).toContain(
      `reference: 360 of 400 scores are outside [0, 1]: the score column does not look like a probability (a logit or a percentage?), and the stream refuses such events, so no reference performance metric or degradation is computed from the rows left (a gate on one cannot be checked). ${NOTE_END}`,
    )
    expect(report.notes.filter((n) => /^(current|reference) (accuracy|ROC AUC)|^fairness by/.test(n))).toEqual([])
  })

  it('fairness: the groups\' counts, every rate and parity metric null, no group compared and none counted insufficient', () => {
    const f = report.fairness['gender'] as Record<string, unknown> & { groups: Record<string, Record<string, unknown>> }
    expect(Object.keys(f.groups)).toEqual(['f', 'm'])
    for (const g of Object.values(f.groups)) {
      expect(g).toMatchObject({ status: 'score_not_a_probability', selection_status: 'score_not_a_probability', selection_rate: null, true_positive_rate: null, false_positive_rate: null, positive_predictive_value: null, accuracy: null, ece: null })
    }
    expect(f).toMatchObject({
      demographic_parity_difference: null, demographic_parity_ratio: null, equalized_odds_difference: null, equal_opportunity_difference: null, disparate_impact_ratio: null,
      four_fifths_rule_violated: null, groups_compared: 0, groups_insufficient: 0, equalized_odds_groups_compared: 0, equal_opportunity_groups_compared: 0, excluded: 360,
    })
    const predictions = Object.values(f.groups).reduce((a, g) => a + (g['predictions'] as number), 0)
    expect(predictions + (f['excluded'] as number)).toBe(400)
  })

  it('a gate on a metric, a degradation or a fairness rate cannot be checked: it fails', () => {
    const gates = evaluateGates(parseGates('performance.recall<0.9, performance.roc_auc<0.5, performance.degradation.f1<-0.1, fairness.gender.disparate_impact_ratio<0.8'), report)
    expect(gates.map((g) => [g.value, g.failed])).toEqual([[null, true], [null, true], [null, true], [null, true]])
    const why = "FAILED (the current file's score column is not a probability (see the notes))"
    expect(gates.map(formatGate)).toEqual([
      `gate performance.recall < 0.9: no value -> ${why}`,
      `gate performance.roc_auc < 0.5: no value -> ${why}`,
      `gate performance.degradation.f1 < -0.1: no value -> ${why.replace('current', 'reference')}`,
      `gate fairness.gender.disparate_impact_ratio < 0.8: no value -> ${why}`,
    ])
  })

  it('the text and HTML tables say why each metric has no value', () => {
    expect(performanceStatusText(report.performance, 'recall')).toBe('in both files the score column is not a probability: not computed (see the notes)')
    const text = formatText(report)
    expect(text).toMatch(/^recall +- +- +- +\[-, -\] +in both files the score column is not a probability/m)
  })

  it('feature drift still reads every row', () => {
    expect(report.features['income']).toMatchObject({ reference_count: 400, current_count: 400 })
  })
})

describe('a percentage score column (0–100): the positive class comes from every row\'s classes (regression: the rows left held only "0", which became the positive class)', () => {
  // Label 0: p in [0, 0.39]; label 1: p in [0.6, 0.99]; the percentage is in [0, 1] only for p 0 and 0.01 (label 0).
  const percentRows = (n: number): Row[] =>
    Array.from({ length: n }, (_, i) => {
      const label = i % 2
      const p = (label === 1 ? 0.6 : 0) + (i % 40) / 100
      return { income: i % 50, gender: i % 3 === 0 ? 'f' : 'm', label: String(label), prediction: String(p >= 0.5 ? 1 : 0), score: Math.round(p * 10_000) / 100 }
    })

  it('positive class "1", and no metric', async () => {
    const report = await buildReport(input(percentRows(200), percentRows(200)))
    expect(report.performance['positive_class']).toBe('1')
    expect(side(report, 'current')['recall']).toBeNull()
    expect(side(report, 'current')['status']).toBe('score_not_a_probability')
  })

  it('readClassColumns: the classes of every row whose score is a number; a repeated header row (text score) still brings none', () => {
    const columns = { label: ['0', '1', '1', 'label', '0'], prediction: ['0', '1', '1', 'prediction', '0'], score: [1, 87.5, 64, 'score', 0.5] as FeatureValue[] }
    expect(readClassColumns(columns)).toEqual({ ...columns, label: ['0', '1', '1', null, '0'], prediction: ['0', '1', '1', null, '0'] })
  })
})

describe('the rule takes more than half of the rows with a score', () => {
  // 100 probability rows; `refused` of them get a score of 1.7; 20 have no score (not counted either way).
  const current = (refused: number) => {
    const edits: Record<number, Record<string, FeatureValue>> = {}
    for (let i = 0; i < 20; i++) edits[i] = { score: null }
    for (let i = 20; i < 20 + refused; i++) edits[i] = { score: 1.7 }
    return edit(probabilityRows(100), edits)
  }

  it('40 of 80 scores refused: the rows left are read, as before', async () => {
    const r = await buildReport(input(probabilityRows(100), current(40)))
    expect(side(r, 'current')).toMatchObject({ rows: 60, status: 'ok', scored_rows: 40, scored_status: 'ok' })
    expect(typeof side(r, 'current')['recall']).toBe('number')
    expect(typeof (r.fairness['gender'] as Record<string, unknown>)['disparate_impact_ratio']).toBe('number')
    expect(r.notes).toContain('current accuracy, precision, recall and F1 over 60 of 100 rows: 40 scores outside [0, 1] left out')
    expect(r.notes.filter((n) => n.includes('does not look like a probability'))).toEqual([])
  })

  it('41 of 80: no metric', async () => {
    const r = await buildReport(input(probabilityRows(100), current(41)))
    expect(side(r, 'current')).toMatchObject({ rows: 59, status: 'score_not_a_probability', recall: null })
    expect(side(r, 'reference')).toMatchObject({ rows: 100, status: 'ok' })
    expect(typeof side(r, 'reference')['recall']).toBe('number')
    expect(r.notes.filter((n) => n.includes('does not look like a probability'))).toEqual([expect.stringMatching(/^current: 41 of 80 scores are outside \[0, 1\]/)])
  })

  it('scoreNotProbability counts text and infinities, and leaves missing scores out', () => {
    expect(scoreNotProbability([0.5, 'high', Infinity, null, Number.NaN])).toEqual({ refused: { score_not_a_number: 1, score_not_finite: 1, score_out_of_range: 0 }, scored: 3 })
    expect(scoreNotProbability([0.5, 'high', null])).toBeUndefined()
    expect(scoreNotProbability(undefined)).toBeUndefined()
  })

  it('a note on text scores names the reasons, without the logit hint', () => {
    expect(scoreNotProbabilityNote('current', { refused: { score_not_a_number: 60, score_not_finite: 0, score_out_of_range: 0 }, scored: 100 })).toBe(
      `current: 60 of 100 scores are refused by the stream (60 scores not numbers): the score column does not look like a probability, and the stream refuses such events, so no current performance metric, degradation or fairness rate is computed from the rows left (a gate on one cannot be checked). ${NOTE_END}`,
    )
  })
})

describe('a current-only report (--fail-on without --reference) with a logit score column', () => {
  it('no metric, no fairness rate, and the note', async () => {
    const records = logitRows(400).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))
    const r = await currentOnlyReport(csvCells({ columns: ['income', 'gender', 'label', 'prediction', 'score'], records }), { ...DEFAULT_REPORT_CONFIG, protected: ['gender'] })
    expect(side(r, 'current')).toMatchObject({ rows: 40, status: 'score_not_a_probability', recall: null, roc_auc: null })
    expect((r.fairness['gender'] as Record<string, unknown>)['disparate_impact_ratio']).toBeNull()
    expect(r.notes.filter((n) => n.includes('does not look like a probability'))).toHaveLength(1)
    expect(evaluateGates(parseGates('performance.recall<0.9'), r)[0]).toMatchObject({ value: null, failed: true })
  })
})
