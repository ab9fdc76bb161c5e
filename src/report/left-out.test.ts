import { describe, expect, it } from 'vitest'
import type { FeatureValue, Row } from '../metrics/profile/index.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'
import { buildReport, type ReportInput } from './build-report.js'
import { resolveColumns } from './columns.js'
import { DEFAULT_REPORT_CONFIG } from './config.js'
import { csvCells } from './csv-report.js'
import { currentOnlyReport } from './current-only.js'
import { formatHtml } from './format-html.js'
import { formatText } from './format-text.js'
import type { ReportJson } from './types.js'

// n clean rows: income spread out, two groups, labels alternating, scores in [0, 1].
function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const score = Math.round(((i * 37) % 100) / 100 * 1000) / 1000
    return { income: 30 + ((i * 37) % 50), gender: i % 2 === 0 ? 'f' : 'm', label: String(i % 2), prediction: String(score >= 0.5 ? 1 : 0), score }
  })
}

/** rows with row i's values replaced by `edits[i]`. */
const edit = (base: Row[], edits: Record<number, Record<string, FeatureValue>>): Row[] => base.map((r, i) => ({ ...r, ...edits[i] }))

function input(reference: Row[], current: Row[]): ReportInput {
  const columns = Object.keys(reference[0] ?? {})
  const roles = resolveColumns(columns, columns, DEFAULT_REPORT_CONFIG, ['gender'])
  return { reference: tableFromRows(reference), current: tableFromRows(current), roles, kinds: { income: 'numerical', gender: 'categorical' }, config: DEFAULT_REPORT_CONFIG }
}

const side = (r: ReportJson, which: 'reference' | 'current') => (r.performance[which] ?? {}) as Record<string, unknown>

// Rows 0–2 score 1.7, 3 +Infinity, 4–5 "abc", 6–9 no score, 10–14 no label: each row one reason.
const currentEdits: Record<number, Record<string, FeatureValue>> = {
  0: { score: 1.7 }, 1: { score: 1.7 }, 2: { score: -0.2 }, 3: { score: Infinity }, 4: { score: 'abc' }, 5: { score: 'abc' },
  6: { score: null }, 7: { score: null }, 8: { score: null }, 9: { score: null },
  10: { label: null }, 11: { label: null }, 12: { label: null }, 13: { label: null }, 14: { label: null },
}

describe('rows left out of a statistic are counted and noted (regression: AUC over fewer rows than the row count, silently)', async () => {
  const report = await buildReport(input(rows(100), edit(rows(100), currentEdits)))

  it('score metrics: scored_rows_left_out by reason, and a note with "over N of M rows"', () => {
    const cur = side(report, 'current')
    expect(cur['scored_rows']).toBe(85)
    expect(cur['scored_rows_left_out']).toEqual({ no_label: 5, no_score: 4, score_not_a_number: 2, score_not_finite: 1, score_out_of_range: 3 })
    expect(report.notes).toContain(
      'current ROC AUC, average precision, log loss, Brier score, ECE and calibration over 85 of 100 rows: 5 without a label, 4 without a score, 2 scores not numbers, 1 infinite score, 3 scores outside [0, 1] left out',
    )
  })

  it('classification metrics: rows_left_out and a note; a score the stream refuses leaves its row out (its event is dead-lettered)', () => {
    const cur = side(report, 'current')
    expect(cur['rows']).toBe(89)
    expect(cur['rows_left_out']).toEqual({ no_label: 5, score_not_a_number: 2, score_not_finite: 1, score_out_of_range: 3, no_prediction: 0 })
    expect(report.notes).toContain('current accuracy, precision, recall and F1 over 89 of 100 rows: 5 without a label, 2 scores not numbers, 1 infinite score, 3 scores outside [0, 1] left out')
    expect(report.notes).toContain(
      'current: 6 of 100 rows have a score the stream refuses (2 scores not numbers, 1 infinite score, 3 scores outside [0, 1]; it dead-letters such an event): left out of performance, fairness, prediction, label and score drift; feature drift and data quality still count them',
    )
  })

  it('a clean side carries zeros and gets no note', () => {
    expect(side(report, 'reference')['scored_rows_left_out']).toEqual({ no_label: 0, no_score: 0, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 0 })
    expect(side(report, 'reference')['rows_left_out']).toEqual({ no_label: 0, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 0, no_prediction: 0 })
    expect(report.notes.filter((n) => n.startsWith('reference'))).toEqual([])
  })

  it('the reference side is noted too (its scores feed the degradation and calibration drift)', async () => {
    const r = await buildReport(input(edit(rows(100), { 0: { score: 2 }, 1: { score: 1.5 } }), rows(100)))
    expect(side(r, 'reference')['scored_rows']).toBe(98)
    expect(r.notes).toContain('reference ROC AUC, average precision, log loss, Brier score, ECE and calibration over 98 of 100 rows: 2 scores outside [0, 1] left out')
  })

  it('score drift: the values its statistic left out, in the JSON and a note', () => {
    const drift = report.performance['score_drift'] as Record<string, unknown>
    expect(drift['current_count']).toBe(90)
    expect(drift['current_left_out']).toEqual({ missing: 4, type_violation: 2, non_finite: 1, score_out_of_range: 3 })
    expect(report.notes).toContain('score drift over 90 of 100 current rows: 4 missing, 2 type violations, 1 infinite value, 3 scores outside [0, 1] left out')
  })

  it('prediction drift: the rows whose score the stream refuses, by reason', () => {
    const drift = report.performance['prediction_drift'] as Record<string, unknown>
    expect(drift['current_count']).toBe(94)
    expect(drift['current_left_out']).toEqual({ missing: 0, type_violation: 0, score_not_a_number: 2, score_not_finite: 1, score_out_of_range: 3 })
    expect(report.notes).toContain('prediction drift over 94 of 100 current rows: 2 scores not numbers, 1 infinite score, 3 scores outside [0, 1] left out')
  })

  it('the text and the HTML show the notes', () => {
    const note = report.notes.find((n) => n.startsWith('current ROC AUC')) as string
    expect(formatText(report)).toContain(`  - ${note}`)
    expect(formatHtml(report, { script: '' })).toContain(`<li>${note}</li>`)
    // The counts are no metric rows of the performance table.
    expect(formatText(report)).not.toMatch(/^scored_rows_left_out|^rows_left_out/m)
    expect(formatHtml(report, { script: '' })).not.toContain('<td>rows_left_out</td>')
  })
})

describe('feature drift: values of the wrong type or infinite are counted and noted', () => {
  it('per side, with the missing ones in the count; missing values alone get no note', async () => {
    const current = edit(rows(90), { 0: { income: Infinity }, 1: { income: 'n/a' }, 2: { income: null }, 3: { gender: null } })
    const reference = edit(rows(100), { 5: { income: 'x' } })
    const r = await buildReport(input(reference, current))
    const income = r.features['income'] as unknown as Record<string, unknown>
    expect(income).toMatchObject({ reference_count: 99, current_count: 87 })
    expect(income['reference_left_out']).toEqual({ missing: 0, type_violation: 1, non_finite: 0 })
    expect(income['current_left_out']).toEqual({ missing: 1, type_violation: 1, non_finite: 1 })
    expect(r.notes).toContain('drift of "income" over 99 of 100 reference rows: 1 type violation left out')
    expect(r.notes).toContain('drift of "income" over 87 of 90 current rows: 1 missing, 1 type violation, 1 infinite value left out')
    expect(r.features['gender']).toMatchObject({ current_count: 89, current_left_out: { missing: 1, type_violation: 0 } })
    expect(r.notes.join('\n')).not.toContain('drift of "gender"')
  })
})

describe('outliers: rows with no feature to evaluate are out of the rate and the mean score', () => {
  it('unscored in the JSON, and a note', async () => {
    const r = await buildReport(input(rows(100), edit(rows(90), { 0: { income: null, gender: null }, 1: { income: 'x', gender: null } })))
    const outliers = r.quality['outliers'] as Record<string, Record<string, number>>
    expect(outliers['current']).toMatchObject({ scored: 88, unscored: 2 })
    expect(outliers['reference']).toMatchObject({ scored: 100, unscored: 0 })
    expect(r.notes).toContain('current outlier rate and mean score over 88 of 90 rows: 2 with no feature to score left out')
    expect(r.notes.join('\n')).not.toContain('reference outlier rate')
  })
})

describe('fairness: rows without a group, a score the stream refuses or a prediction, and scores left out of the group ECE', () => {
  it('left_out by reason (summing to excluded), ece_left_out, and notes', async () => {
    const current = edit(rows(100), {
      0: { gender: null }, 1: { gender: null }, 2: { prediction: null, score: null }, 3: { score: null }, 4: { score: 1.2 }, 5: { score: 1.3, label: null }, 6: { label: null },
    })
    const r = await buildReport(input(rows(100), current))
    const f = r.fairness['gender'] as Record<string, unknown>
    // Rows 4 and 5: their events are dead-lettered in the stream; row 2 has neither a class nor a score.
    expect(f).toMatchObject({ excluded: 5, unlabeled: 1, left_out: { no_group: 2, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 2, no_prediction: 1 } })
    // Of the 94 labeled rows kept: row 3 has no score.
    expect(f['ece_left_out']).toEqual({ no_score: 1, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 0 })
    expect(r.notes).toContain('fairness by "gender" over 95 of 100 rows: 2 without a group, 2 scores outside [0, 1], 1 without a prediction left out')
    expect(r.notes).toContain('fairness by "gender": group ECE over 93 of 94 labeled rows: 1 without a score left out')
    expect(side(r, 'current')['rows_left_out']).toEqual({ no_label: 2, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 1, no_prediction: 1 })
  })
})

describe('a current-only report (CSV cells) notes the same exclusions', () => {
  it('scores written as text, inf and out of range', async () => {
    const cells = rows(40).map((r, i) => ({
      gender: String(r['gender']),
      label: String(r['label']),
      prediction: String(r['prediction']),
      score: i === 0 ? 'high' : i === 1 ? 'inf' : i === 2 ? '1.5' : String(r['score']),
    }))
    const r = await currentOnlyReport(csvCells({ columns: ['gender', 'label', 'prediction', 'score'], records: cells }), { ...DEFAULT_REPORT_CONFIG, protected: ['gender'] })
    expect(side(r, 'current')['scored_rows_left_out']).toEqual({ no_label: 0, no_score: 0, score_not_a_number: 1, score_not_finite: 1, score_out_of_range: 1 })
    expect(r.notes).toContain('current ROC AUC, average precision, log loss, Brier score, ECE and calibration over 37 of 40 rows: 1 score not a number, 1 infinite score, 1 score outside [0, 1] left out')
    // The three rows' events would be dead-lettered: out of fairness, so none reaches the group ECE.
    expect(r.fairness['gender']).toMatchObject({ excluded: 3, left_out: { no_group: 0, score_not_a_number: 1, score_not_finite: 1, score_out_of_range: 1, no_prediction: 0 } })
    expect((r.fairness['gender'] as Record<string, unknown>)['ece_left_out']).toEqual({ no_score: 0, score_not_a_number: 0, score_not_finite: 0, score_out_of_range: 0 })
    expect(side(r, 'current')['rows_left_out']).toEqual({ no_label: 0, score_not_a_number: 1, score_not_finite: 1, score_out_of_range: 1, no_prediction: 0 })
  })
})

describe('thousands are grouped in the notes', () => {
  it('"9,812 of 10,000 rows"', async () => {
    const edits: Record<number, Record<string, FeatureValue>> = {}
    for (let i = 0; i < 188; i++) edits[i] = { score: 1.5 }
    const r = await buildReport(input(rows(200), edit(rows(10_000), edits)))
    expect(r.notes).toContain('current ROC AUC, average precision, log loss, Brier score, ECE and calibration over 9,812 of 10,000 rows: 188 scores outside [0, 1] left out')
  })
})
