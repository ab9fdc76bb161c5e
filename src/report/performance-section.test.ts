import { describe, expect, it } from 'vitest'
import type { Row } from '../metrics/profile/index.js'
import { readTargets, resolveTask } from '../metrics/profile/index.js'
import { ks } from '../metrics/drift/index.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'
import { resolveColumns } from './columns.js'
import { DEFAULT_REPORT_CONFIG } from './config.js'
import { csvCells } from './csv-report.js'
import { currentOnlyReport } from './current-only.js'
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

describe('performance section: binary accuracy with a class the reference lacks', () => {
  // Reference: labels 0/1, 36 of 40 predicted right. Current: "1"/"1" ×10, "0"/"0" ×10,
  // "2"/"0" ×12, "0"/"1" ×4, "1"/"0" ×4; "2" reads as not the positive class "1".
  // scikit-learn 1.9.1: accuracy_score(label, prediction) 0.9 and 0.5 (folding "2" into "0" gave 0.8);
  // precision_score / recall_score(labels=['1'], average=None) 10/14 each. statsmodels 0.15.0:
  // confint_proportions_2indep(20, 40, 36, 40, method='newcomb', compare='diff') = (-0.5598625461249059, -0.20266707330428063).
  const side = (labels: string[], predictions: string[]): Row[] =>
    labels.map((label, i) => ({ x: i, label, prediction: predictions[i]!, score: predictions[i] === '1' ? 0.7 : 0.3 }))
  const reference = side(
    Array.from({ length: 40 }, (_, i) => String(i % 2)),
    Array.from({ length: 40 }, (_, i) => String(i < 4 ? 1 - (i % 2) : i % 2)),
  )
  const current = side(
    [...Array<string>(10).fill('1'), ...Array<string>(10).fill('0'), ...Array<string>(12).fill('2'), ...Array<string>(4).fill('0'), ...Array<string>(4).fill('1')],
    [...Array<string>(10).fill('1'), ...Array<string>(10).fill('0'), ...Array<string>(12).fill('0'), ...Array<string>(4).fill('1'), ...Array<string>(4).fill('0')],
  )

  it('a "0" predicted for a label "2" is no correct prediction: accuracy 0.5 as sklearn, in the metrics and the degradation', () => {
    const p = section(reference, current)
    expect(p['task']).toBe('binary')
    const cur = p['current'] as Record<string, number>
    expect(cur).toMatchObject({ rows: 40, accuracy: 0.5 })
    expect(cur['precision']).toBeCloseTo(10 / 14, 12)
    expect(cur['recall']).toBeCloseTo(10 / 14, 12)
    expect((p['reference'] as Record<string, number>)['accuracy']).toBe(0.9)
    const d = (p['degradation'] as Record<string, Record<string, number>>)['accuracy']!
    expect(d).toMatchObject({ method: 'newcombe', reference: 0.9, current: 0.5 })
    expect(d['difference']).toBeCloseTo(-0.4, 12)
    expect(d['ci_low']).toBeCloseTo(-0.5598625461249059, 9)
    expect(d['ci_high']).toBeCloseTo(-0.20266707330428063, 9)
  })

  it('a current-only report with the task set binary: accuracy 0.5 too', async () => {
    const records = current.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])))
    const r = await currentOnlyReport(csvCells({ columns: ['x', 'label', 'prediction', 'score'], records }), { ...DEFAULT_REPORT_CONFIG, task: 'binary', positiveClass: '1' })
    expect(r.performance['current']).toMatchObject({ rows: 40, accuracy: 0.5 })
  })

  it('without a prediction column the class comes from the score, and a negative one keeps the one-vs-rest reading', () => {
    const noClass = (rows: Row[]) => rows.map(({ prediction: _, ...r }) => r)
    const roles = resolveColumns(['x', 'label', 'score'], ['x', 'label', 'score'], DEFAULT_REPORT_CONFIG)
    const [ref, cur] = [tableFromRows(noClass(reference)), tableFromRows(noClass(current))]
    const spec = resolveTask([tableTargets(ref, roles.targets), tableTargets(cur, roles.targets)], DEFAULT_REPORT_CONFIG)
    const p = performanceSection({
      reference: { table: ref, targets: readTargets(tableTargets(ref, roles.targets), spec) },
      current: { table: cur, targets: readTargets(tableTargets(cur, roles.targets), spec) },
      roles,
      confidence: 0.95,
    }, [])
    // (10 + 10 + 12) / 40: a score under 0.5 names no class to compare with "2".
    expect(p['prediction_source']).toBe('score>=0.5')
    expect(p['current']).toMatchObject({ accuracy: 0.8 })
  })
})
