import { describe, expect, it } from 'vitest'
import { calibrationDrift, performanceDegradation } from '../metrics/concept/index.js'
import { MIN_ROWS_FOR_VERDICT } from '../metrics/drift/index.js'
import { createRng } from '../demo/random.js'
import { calibrationAccumulator, confusionAccumulator, scoreHistogramAccumulator } from '../metrics/performance/index.js'
import { performanceProfile, readTargets } from '../metrics/profile/index.js'
import { calibrationFromHistogram, calibrationRow, degradationRows } from './concept-rows.js'
import { emptyPartial, type Partial } from './partial-state.js'

/** n labeled predictions, scores on the 1/1000 grid; `bias` miscalibrates them. */
function sample(n: number, seed: number, bias = 0) {
  const rng = createRng(seed)
  const scores: number[] = []
  const labels: number[] = []
  for (let i = 0; i < n; i++) {
    const p = rng.next()
    scores.push(Math.round(Math.min(1, Math.max(0, p + bias)) * 1000) / 1000)
    labels.push(rng.next() < p ? 1 : 0)
  }
  return { scores, labels }
}

function partialOf({ scores, labels }: ReturnType<typeof sample>): Partial {
  const p = emptyPartial()
  const cm = confusionAccumulator()
  const h = scoreHistogramAccumulator()
  p.confusion[''] = cm.create()
  p.ranking[''] = h.create()
  scores.forEach((s, i) => {
    cm.update(p.confusion['']!, { yTrue: labels[i]!, yPred: s >= 0.5 ? 1 : 0 })
    h.update(p.ranking['']!, { yTrue: labels[i]!, score: s })
  })
  p.predictions = p.labeled = scores.length
  return p
}

const profileOf = ({ scores, labels }: ReturnType<typeof sample>) =>
  performanceProfile(readTargets({ label: labels, prediction: scores.map((s) => (s >= 0.5 ? 1 : 0)), score: scores }, { task: 'binary', positiveClass: '1' }))

describe('concept drift rows', () => {
  const ref = sample(3000, 1)
  const cur = sample(1500, 2, 0.3)

  it('calibration bins from a score histogram equal the calibration accumulator on on-grid scores', () => {
    const acc = calibrationAccumulator()
    const direct = acc.create()
    ref.scores.forEach((s, i) => acc.update(direct, { probability: s, outcome: ref.labels[i]! }))
    const derived = calibrationFromHistogram(partialOf(ref).ranking['']!)
    expect(derived.counts).toEqual(direct.counts)
    expect(derived.sumOutcome).toEqual(direct.sumOutcome)
    derived.sumProbability.forEach((x, b) => expect(x).toBeCloseTo(direct.sumProbability[b]!, 9))
  })

  it('degradation = src/metrics/concept on profiles of the same data, with intervals', () => {
    const rows = degradationRows(partialOf(ref), partialOf(cur))
    const expected = performanceDegradation({ performance: profileOf(ref) }, { performance: profileOf(cur) })
    expect(rows.map((r) => r.metric)).toEqual(['accuracy', 'precision', 'recall', 'false_positive_rate', 'selection_rate', 'f1', 'roc_auc'])
    const accuracy = rows.find((r) => r.metric === 'accuracy')!
    expect(accuracy).toMatchObject({ variant: 'all', kind: 'degradation', value: expected.accuracy!.score, ci_low: expected.accuracy!.ciLow, ci_high: expected.accuracy!.ciHigh, n: 1500 })
    const auc = rows.find((r) => r.metric === 'roc_auc')!
    expect(auc.value).toBeCloseTo(expected.rocAuc!.score, 12)
    expect(accuracy.ci_high!).toBeLessThan(0)
  })

  it('calibration drift: a drift row with the chi-square, ECE difference and default threshold', () => {
    const row = calibrationRow(partialOf(ref), partialOf(cur))!
    const d = calibrationDrift(calibrationFromHistogram(partialOf(ref).ranking['']!), calibrationFromHistogram(partialOf(cur).ranking['']!))
    expect(row).toMatchObject({ target: 'calibration', column: 'score', method: 'calibration_chi2', score: d.score, p_value: d.pValue, drift_detected: 1, n_reference: 3000, n_current: 1500 })
    expect(row.statistics['ece_difference']).toBe(d.eceDifference)
    expect(calibrationRow(partialOf(ref), partialOf(sample(1500, 3)))?.drift_detected).toBe(0)
  })

  it(`calibration drift with fewer than ${MIN_ROWS_FOR_VERDICT} labeled scores on a side: insufficient, no verdict`, () => {
    for (const [r, c] of [[sample(3, 4), cur], [ref, sample(3, 5, 0.3)], [ref, sample(MIN_ROWS_FOR_VERDICT - 1, 6, 0.3)]] as const) {
      const row = calibrationRow(partialOf(r), partialOf(c))!
      expect(row).toMatchObject({ status: 'insufficient', drift_detected: null, p_value_adjusted: null })
    }
    expect(calibrationRow(partialOf(ref), partialOf(sample(MIN_ROWS_FOR_VERDICT, 6, 0.3)))).toMatchObject({ status: 'ok', n_current: MIN_ROWS_FOR_VERDICT })
  })

  it('calibration drift of windows whose labels are all one class (200 rows a side): not_computable, never ok without a verdict', () => {
    const negatives = (seed: number) => ({ ...sample(200, seed), labels: new Array<number>(200).fill(0) })
    const row = calibrationRow(partialOf(negatives(7)), partialOf(negatives(8)))!
    expect(row).toMatchObject({ status: 'not_computable', drift_detected: null, p_value: null, p_value_adjusted: null, n_reference: 200, n_current: 200 })
    expect(row.score).toBeNaN()
    expect(row.statistics['dof']).toBe(0)
  })

  it('F1 degradation between two all-positive, all-right windows (200 rows): no interval rather than [0, 0]', () => {
    const allRight = { scores: new Array<number>(200).fill(0.9), labels: new Array<number>(200).fill(1) }
    const f1 = degradationRows(partialOf(allRight), partialOf(allRight)).find((r) => r.metric === 'f1')!
    expect(f1.value).toBe(0)
    expect(f1.ci_low).toBeNaN()
    expect(f1.ci_high).toBeNaN()
  })

  it('nothing without labels on either side', () => {
    expect(degradationRows(emptyPartial(), partialOf(cur))).toEqual([])
    expect(calibrationRow(partialOf(ref), emptyPartial())).toBeNull()
    const unscored = { ...partialOf(cur), ranking: { '': scoreHistogramAccumulator().create() } }
    expect(calibrationRow(partialOf(ref), unscored)).toBeNull()
  })
})

describe('degradation rows: accuracy counts exact matches', () => {
  // Reference: 36 of 40 right, classes 0/1 only. Window: "1"/"1" ×10, "0"/"0" ×10, "2"/"0" ×12,
  // "0"/"1" ×4, "1"/"0" ×4 (label/prediction), the 12 "2"/"0" pairs the state's foldedMatches.
  // scikit-learn 1.9.1 accuracy_score: 0.9 and 0.5. statsmodels 0.15.0:
  // confint_proportions_2indep(20, 40, 36, 40, method='newcomb', compare='diff') = (-0.5598625461249059, -0.20266707330428063).
  const partialWith = (counts: number[][], foldedMatches?: number): Partial => {
    const p = emptyPartial()
    p.confusion[''] = { labels: [0, 1], counts, excluded: 0, ...(foldedMatches === undefined ? {} : { foldedMatches }) }
    p.predictions = p.labeled = 40
    return p
  }
  const ref = partialWith([[18, 2], [2, 18]])

  it('a "0" predicted for a label "2" is no correct prediction: accuracy difference −0.4 with its Newcombe interval', () => {
    const rows = degradationRows(ref, partialWith([[22, 4], [4, 10]], 12))
    const accuracy = rows.find((r) => r.metric === 'accuracy')!
    expect(accuracy).toMatchObject({ kind: 'degradation', n: 40 })
    expect(accuracy.value).toBeCloseTo(-0.4, 12)
    expect(accuracy.ci_low).toBeCloseTo(-0.5598625461249059, 9)
    expect(accuracy.ci_high).toBeCloseTo(-0.20266707330428063, 9)
    // The rates stay one-vs-rest: FPR 4 / 26 − 2 / 20.
    expect(rows.find((r) => r.metric === 'false_positive_rate')!.value).toBeCloseTo(4 / 26 - 2 / 20, 12)
  })

  it('a state stored before foldedMatches existed reads as 0 folded', () => {
    const stored = JSON.parse(JSON.stringify(partialWith([[22, 4], [4, 10]]))) as Partial
    expect(degradationRows(ref, stored).find((r) => r.metric === 'accuracy')!.value).toBeCloseTo(0.8 - 0.9, 12)
  })
})
