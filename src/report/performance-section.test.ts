import { describe, expect, it } from 'vitest'
import type { Row } from '../metrics/profile/index.js'
import { readTargets, resolveTask } from '../metrics/profile/index.js'
import { ks } from '../metrics/drift/index.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'
import { resolveColumns } from './columns.js'
import { DEFAULT_REPORT_CONFIG } from './config.js'
import { performanceSection } from './performance-section.js'
import { tableTargets } from './table.js'
import type { FeatureDriftJson } from './types.js'

// n rows, scores spread over [shift, shift + 0.09], prediction from the score.
const rows = (n: number, shift: number): Row[] =>
  Array.from({ length: n }, (_, i) => {
    const score = Math.round((shift + (i % 10) / 100) * 1000) / 1000
    return { x: i, label: String(i % 2), prediction: String(score >= 0.5 ? 1 : 0), score }
  })

function section(reference: Row[], current: Row[], notes: string[] = []) {
  const roles = resolveColumns(['x', 'label', 'prediction', 'score'], ['x', 'label', 'prediction', 'score'], DEFAULT_REPORT_CONFIG)
  const ref = tableFromRows(reference)
  const cur = tableFromRows(current)
  const spec = resolveTask([tableTargets(ref, roles.targets), tableTargets(cur, roles.targets)], DEFAULT_REPORT_CONFIG)
  const input = {
    reference: { table: ref, targets: readTargets(tableTargets(ref, roles.targets), spec) },
    current: { table: cur, targets: readTargets(tableTargets(cur, roles.targets), spec) },
    roles,
    confidence: 0.95,
  }
  return performanceSection(input, notes)
}

describe('performance section: prediction and score drift', () => {
  it('fewer than 30 rows on a side: no verdict, status insufficient (as the feature rows and the stream)', () => {
    // 10 against 10 scores, fully apart: KS p = 1.08e-5, which gave drift_detected true.
    const p = section(rows(10, 0.1), rows(10, 0.8))
    const score = p['score_drift'] as FeatureDriftJson
    expect(score.p_value).toBeCloseTo(ks(rows(10, 0.1).map((r) => r['score'] as number), rows(10, 0.8).map((r) => r['score'] as number)).pValue!, 12)
    expect(score.p_value).toBeLessThan(1e-4)
    expect(score).toMatchObject({ method: 'ks', status: 'insufficient', drift_detected: null })
    const prediction = p['prediction_drift'] as FeatureDriftJson
    expect(prediction).toMatchObject({ status: 'insufficient', drift_detected: null })
  })

  it('30 rows on each side: a verdict', () => {
    const p = section(rows(30, 0.1), rows(30, 0.8))
    expect(p['score_drift']).toMatchObject({ status: 'ok', drift_detected: true })
    expect(p['prediction_drift']).toMatchObject({ status: 'ok', drift_detected: true })
    const same = section(rows(30, 0.1), rows(30, 0.1))
    expect(same['score_drift']).toMatchObject({ status: 'ok', drift_detected: false })
  })
})

describe('performance section: a score column the task cannot use', () => {
  it('says that a multiclass task leaves the score metrics out, and still reports the score drift', () => {
    const three = (n: number, shift: number) => rows(n, shift).map((r, i) => ({ ...r, label: String(i % 3), prediction: String((i + 1) % 3) }))
    const notes: string[] = []
    const p = section(three(60, 0.1), three(60, 0.5), notes)
    expect(p['task']).toBe('multiclass')
    expect(notes.filter((n) => n.startsWith('the "score" column is one score per row'))).toHaveLength(1)
    expect(p['score_drift']).toMatchObject({ status: 'ok', drift_detected: true })
    const binary: string[] = []
    section(rows(60, 0.1), rows(60, 0.5), binary)
    expect(binary.filter((n) => n.includes('one score per row'))).toEqual([])
  })
})
