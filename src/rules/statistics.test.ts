import { describe, expect, it } from 'vitest'
import { computeWindowMetrics } from '../evaluate/compute.js'
import { categoricalDrift, numericalDrift } from '../evaluate/drift-rows.js'
import { DETECTORS, feedDetector } from '../evaluate/detectors.js'
import { emptyPartial, mergeAll, type LabelingContext } from '../evaluate/partial-state.js'
import { partialsFromRows, type PartialRows } from '../evaluate/partials.js'
import type { JoinedRow } from '../evaluate/queries.js'
import { qualityRows } from '../evaluate/quality-rows.js'
import { multiclassRows, regressionRows } from '../evaluate/task-rows.js'
import { confusionAccumulator, regressionAccumulator } from '../metrics/performance/index.js'
import {
  DETECTOR_NAMES, DRIFT_STATISTICS, FAIRNESS_PARITY, FAIRNESS_PER_GROUP, notOneOf, PERFORMANCE_STATISTICS, QUALITY_PER_EVENT, QUALITY_PER_FEATURE,
} from './statistics.js'

const names = (xs: Iterable<string>) => [...new Set(xs)].sort()
const ROW_VALUES = ['score', 'p_value', 'p_value_adjusted', 'p_value_raw', 'drift_detected']

/** A binary window with labels, scores and a protected attribute (every binary metric has a row). */
function binaryWindow() {
  const ctx: LabelingContext = { positiveClass: '1', protectedAttributes: ['group'], minGroupSize: 30 }
  const joined = (r: Omit<Partial<JoinedRow>, 'c'> & { c: number }): JoinedRow =>
    ({ p: 0, variant: 'v', attr: '', grp: '', pred: null, label: null, labeled: 1, s: null, delay_s: 0, ...r, c: String(r.c) })
  const rows: PartialRows = {
    volume: [{ p: 0, variant: 'v', k: '', c: '400' }],
    bins: [],
    cats: [{ p: 0, k: '__class__', v: '1', c: '200' }, { p: 0, k: '__class__', v: '0', c: '200' }],
    scores: [{ p: 0, variant: 'v', pred: '1', s: 0.8, c: '200' }, { p: 0, variant: 'v', pred: '0', s: 0.2, c: '200' }],
    joined: [
      joined({ pred: '1', label: '1', s: 0.8, c: 150 }), joined({ pred: '1', label: '0', s: 0.8, c: 50 }),
      joined({ pred: '0', label: '0', s: 0.2, c: 150 }), joined({ pred: '0', label: '1', s: 0.2, c: 50 }),
      ...['A', 'B'].flatMap((grp) => [
        joined({ attr: 'group', grp, pred: '1', label: '1', s: 0.8, c: 100 }),
        joined({ attr: 'group', grp, pred: '0', label: '0', s: 0.2, c: 100 }),
      ]),
    ],
    regressions: [], ranges: [], outliers: [],
  }
  const partial = mergeAll(partialsFromRows(rows, new Map(), ctx), ctx)
  return computeWindowMetrics({ partial, samples: new Map() }, { partial, samples: new Map() }, ctx)
}

describe('the statistics a rule may name are the metric names the evaluator stores', () => {
  it('performance, by kind and task', () => {
    const m = binaryWindow()
    const ofKind = (kind: string) => names(m.performance.filter((r) => r.kind === kind).map((r) => r.metric))
    const multiclass = emptyPartial()
    const cm = confusionAccumulator()
    multiclass.confusion[''] = [['a', 'a'], ['b', 'c'], ['c', 'c']].reduce((s, [yTrue, yPred]) => cm.update(s, { yTrue: yTrue!, yPred: yPred! }), cm.create())
    const regression = emptyPartial()
    const reg = regressionAccumulator()
    regression.regression = { '': [[1, 1.5], [2, 1.5], [3, 3.5]].reduce((s, [yTrue, yPred]) => reg.update(s, { yTrue: yTrue!, yPred: yPred! }), reg.create()) }
    const realized = [...ofKind('realized'), ...multiclassRows(multiclass).map((r) => r.metric), ...regressionRows(regression).map((r) => r.metric)]
    expect(names(realized)).toEqual(names(PERFORMANCE_STATISTICS.realized))
    expect(ofKind('estimated')).toEqual(names(PERFORMANCE_STATISTICS.estimated))
    expect(ofKind('degradation')).toEqual(names(PERFORMANCE_STATISTICS.degradation))
  })

  it('fairness: parity rows (group value "") and per-group rates', () => {
    const m = binaryWindow()
    expect(names(m.fairness.filter((r) => r.group_value === '').map((r) => r.metric))).toEqual(names(FAIRNESS_PARITY))
    expect(names(m.fairness.filter((r) => r.group_value !== '').map((r) => r.metric))).toEqual(names(FAIRNESS_PER_GROUP))
  })

  it('drift: every statistic of numerical and categorical columns, labels categorical only, detectors their own', () => {
    const sample = Array.from({ length: 50 }, (_, i) => i)
    const numerical = numericalDrift('feature', 'x', { counts: [10, 20, 20], sample }, { counts: [20, 20, 10], sample: sample.map((x) => x + 5) })
    const few = categoricalDrift('feature', 'c', { a: 10, b: 5 }, { a: 5, b: 10 })
    const many = categoricalDrift('feature', 'c', { a: 10, b: 5, c: 1 }, { a: 5, b: 10, c: 3 })
    const stats = (...rows: { statistics: Record<string, number> }[]) => rows.flatMap((r) => Object.keys(r.statistics))
    expect(names([...ROW_VALUES, ...stats(numerical, few, many)])).toEqual(names(DRIFT_STATISTICS.feature))
    expect(names(DRIFT_STATISTICS.prediction)).toEqual(names(DRIFT_STATISTICS.feature))
    expect(names([...ROW_VALUES, ...stats(few, many)])).toEqual(names(DRIFT_STATISTICS.label))
    const errors = [0, 1, 0, 1, 1].map((e, t) => ({ t, e: e as 0 | 1 }))
    const concept = DETECTORS.map((d) => feedDetector(d, null, errors, 10).row)
    expect(concept.every((r) => r.p_value === null)).toBe(true)
    expect(names(['score', 'drift_detected', ...stats(...concept)])).toEqual(names(DRIFT_STATISTICS.concept))
    expect(names(DETECTOR_NAMES)).toEqual(names(DETECTORS))
    const calibration = binaryWindow().drift.filter((r) => r.target === 'calibration')
    expect(calibration).toHaveLength(1)
    expect(names([...ROW_VALUES, ...stats(...calibration)])).toEqual(names(DRIFT_STATISTICS.calibration))
  })

  it('quality: per feature, and per event (feature "")', () => {
    const cur = emptyPartial()
    cur.predictions = 10
    cur.categorical['city'] = { a: 6, z: 4 }
    cur.rangeChecked['income'] = 10
    cur.outliers['1/0'] = 10
    const drift = categoricalDrift('feature', 'city', { a: 10 }, { a: 6, z: 4 })
    const rows = qualityRows(cur, ['city', 'income'], [drift], { ranges: { income: [0, 1] }, tails: { income: [0, 1] }, usual: {} })
    expect(names(rows.filter((r) => r.feature !== '').map((r) => r.metric))).toEqual(names(QUALITY_PER_FEATURE))
    expect(names(rows.filter((r) => r.feature === '').map((r) => r.metric))).toEqual(names(QUALITY_PER_EVENT))
  })
})

describe('notOneOf', () => {
  it('lists what is allowed and guesses a near name', () => {
    const list = ['psi', 'ks', 'missing_rate', 'f1']
    expect(notOneOf('pis', 'a drift statistic', list)).toBe('"pis" is not a drift statistic: one of psi, ks, missing_rate, f1 (did you mean "psi"?)')
    expect(notOneOf('F1', 'x', list)).toMatch(/did you mean "f1"/)
    expect(notOneOf('missing', 'x', list)).toMatch(/did you mean "missing_rate"/)
    expect(notOneOf('entropy', 'x', list)).not.toMatch(/did you mean/)
    expect(notOneOf(5, 'a drift statistic', list)).toBe('expected a drift statistic by name: one of psi, ks, missing_rate, f1')
  })
})
