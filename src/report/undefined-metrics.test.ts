import { describe, expect, it } from 'vitest'
import { DEFAULT_REPORT_CONFIG } from './index.js'
import { reportFromCsv } from './csv-report.js'
import { evaluateGates, formatGate, parseGates } from './gates.js'

// n rows: label, prediction and score; `positives`: whether the label is ever 1.
function table(n: number, positives: boolean) {
  const records = Array.from({ length: n }, (_, i) => {
    const score = ((i * 37) % 100) / 100
    return { x: String(i % 13), g: i % 2 === 0 ? 'a' : 'b', label: positives ? String(i % 2) : '0', prediction: i % 2 === 1 || score < 0.5 ? '0' : '1', score: String(score) }
  })
  return { columns: ['x', 'g', 'label', 'prediction', 'score'], records }
}

describe('metrics the data leaves undefined are null, not 0', () => {
  it('no positive label in the current file: recall and average precision are null, precision stays defined', async () => {
    const report = await reportFromCsv(table(200, true), table(200, false), { ...DEFAULT_REPORT_CONFIG, protected: ['g'] })
    const current = report.performance['current'] as Record<string, unknown>
    expect(current['recall']).toBeNull()
    expect(current['average_precision']).toBeNull()
    // Predicted positives exist: precision is defined (0 of them right).
    expect(current['precision']).toBe(0)
    const degradation = report.performance['degradation'] as Record<string, { current: unknown }>
    expect(degradation['recall']?.current).toBeNull()
  })

  it('a gate on an undefined metric cannot be checked', async () => {
    const report = await reportFromCsv(table(200, true), table(200, false), DEFAULT_REPORT_CONFIG)
    const [gate] = evaluateGates(parseGates('performance.recall<0.5'), report)
    expect(gate?.value).toBeNull()
    expect(formatGate(gate!)).toContain('no value')
  })

  it('a fairness group with no predicted positive has PPV null', async () => {
    // Group "b" (odd rows) is never predicted positive.
    const report = await reportFromCsv(table(200, true), table(200, true), { ...DEFAULT_REPORT_CONFIG, protected: ['g'] })
    const groups = (report.fairness['g'] as { groups: Record<string, Record<string, unknown>> }).groups
    expect(groups['b']?.['positive_predictive_value']).toBeNull()
    expect(groups['a']?.['positive_predictive_value']).not.toBeNull()
  })
})

describe('performance with a handful of labeled rows', () => {
  // The first `labeled` rows keep their label; the others have none.
  const fewLabels = (n: number, labeled: number) => {
    const t = table(n, true)
    return { ...t, records: t.records.map((r, i) => (i < labeled ? r : { ...r, label: '' })) }
  }

  it('has status insufficient, and a gate on its metrics cannot be checked', async () => {
    const report = await reportFromCsv(table(200, true), fewLabels(200, 5), DEFAULT_REPORT_CONFIG)
    const current = report.performance['current'] as Record<string, unknown>
    expect(current).toMatchObject({ rows: 5, status: 'insufficient', scored_rows: 5, scored_status: 'insufficient' })
    expect((report.performance['calibration_drift'] as Record<string, unknown>)['status']).toBe('insufficient')
    const results = evaluateGates(parseGates('performance.f1<0.01, performance.roc_auc<0.01, performance.degradation.accuracy<-0.9, performance.rows<30'), report)
    expect(results.map((r) => r.value === null)).toEqual([true, true, true, false])
    expect(formatGate(results[0]!)).toContain('the current file has 5 labeled rows with a prediction, fewer than 30')
    expect(results[3]).toMatchObject({ value: 5, failed: true })
  })

  it('with 30 labeled rows the metrics have status ok and gates read them', async () => {
    const report = await reportFromCsv(table(200, true), fewLabels(200, 30), DEFAULT_REPORT_CONFIG)
    expect(report.performance['current']).toMatchObject({ rows: 30, status: 'ok' })
    expect(evaluateGates(parseGates('performance.accuracy<0.01'), report)[0]?.value).not.toBeNull()
  })
})
