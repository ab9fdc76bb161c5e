import { describe, expect, it } from 'vitest'
import type { Row } from '../metrics/profile/index.js'
import { buildReport, type ReportInput } from './build-report.js'
import { resolveColumns } from './columns.js'
import { DEFAULT_REPORT_CONFIG } from './config.js'
import { formatText } from './format-text.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'

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
    expect(Object.keys(report.performance['degradation'] as object)).toEqual(['accuracy', 'precision', 'recall', 'falsePositiveRate', 'selectionRate', 'f1', 'rocAuc'])
    expect(Object.keys((report.fairness['gender'] as { groups: object }).groups)).toEqual(['f', 'm'])
    expect((report.quality['features'] as Record<string, { new_categories?: object }>)['employment']?.new_categories).toEqual({ gig: 10 })
    expect(report.notes).toEqual([])
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
