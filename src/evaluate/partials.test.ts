import { describe, expect, it } from 'vitest'
import { regressionMetrics } from '../metrics/performance/index.js'
import { computeWindowMetrics } from './compute.js'
import { emptyPartial, mergeAll, type LabelingContext } from './partial-state.js'
import { partialsFromRows, predictedPositive, type PartialRows } from './partials.js'
import type { JoinedRow, ScoreRow } from './queries.js'
import { regressionSums, type RegressionRow } from './regression-partials.js'

const ctx: LabelingContext = { positiveClass: '1', protectedAttributes: ['group'], minGroupSize: 30 }
const none: PartialRows = { volume: [], bins: [], cats: [], scores: [], joined: [], regressions: [], ranges: [], outliers: [] }
const joined = (r: Omit<Partial<JoinedRow>, 'c'> & { c: number }): JoinedRow =>
  ({ p: 0, variant: 'v', attr: '', grp: '', pred: null, label: null, labeled: 1, s: null, delay_s: 0, ...r, c: String(r.c) })
const windowOf = (rows: Partial<PartialRows>, c: LabelingContext = ctx) => {
  const cur = mergeAll(partialsFromRows({ ...none, ...rows }, new Map(), c), c)
  return computeWindowMetrics({ partial: emptyPartial(), samples: new Map() }, { partial: cur, samples: new Map() }, c)
}
const values = (m: ReturnType<typeof windowOf>, kind: string) =>
  Object.fromEntries(m.performance.filter((r) => r.kind === kind && r.variant === 'all').map((r) => [r.metric, r.value]))

describe('predictedPositive: one rule for realized metrics, CBPE and fairness', () => {
  it('the class label when sent, else score >= 0.5, else none', () => {
    expect(predictedPositive('1', 0.4, '1')).toBe(1)
    expect(predictedPositive('0', 0.9, '1')).toBe(0)
    expect(predictedPositive(null, 0.5, '1')).toBe(1)
    expect(predictedPositive(null, 0.499, '1')).toBe(0)
    expect(predictedPositive(null, null, '1')).toBeNull()
  })
})

describe('CBPE reads the predicted class the realized metrics read', () => {
  // 1000 predictions, score 0.4, class_label "1" (the model's threshold is 0.3); 400 labels are 1.
  const volume = [{ p: 0, variant: 'v', k: null, c: '1000' }]
  const cats = [{ p: 0, k: '__class__', v: '1', c: '1000' }]
  const scores: ScoreRow[] = [{ p: 0, variant: 'v', pred: '1', s: 0.4, c: '1000' }]
  const pairs = [joined({ pred: '1', label: '1', s: 0.4, c: 400 }), joined({ pred: '1', label: '0', s: 0.4, c: 600 })]

  it('estimated precision 0.4, recall 1, F1 0.571, accuracy 0.4, as NannyML (y_pred) and the realized metrics', () => {
    const m = windowOf({ volume, cats, scores, joined: pairs })
    const realized = values(m, 'realized')
    const estimated = values(m, 'estimated')
    for (const metrics of [realized, estimated]) {
      expect(metrics['precision']).toBeCloseTo(0.4, 12)
      expect(metrics['recall']).toBe(1)
      expect(metrics['f1']).toBeCloseTo(0.4 / 0.7, 12)
      expect(metrics['accuracy']).toBeCloseTo(0.4, 12)
    }
  })

  it('score-only predictions keep the 0.5 threshold; the positive class decides a class label', () => {
    const scoreOnly = values(windowOf({ volume, scores: [{ ...scores[0]!, pred: null }] }), 'estimated')
    expect(scoreOnly['precision']).toBeNaN()
    expect(scoreOnly['accuracy']).toBeCloseTo(0.6, 12)
    const yes = { ...ctx, positiveClass: 'yes' }
    const named = values(windowOf({ volume, cats: [{ p: 0, k: '__class__', v: 'yes', c: '1000' }], scores: [{ ...scores[0]!, pred: 'yes' }] }, yes), 'estimated')
    expect(named['recall']).toBe(1)
  })
})

describe('stream fairness: selection over every prediction, confusion over labeled pairs', () => {
  // Group A 1000 predictions, 500 selected; B 1000, 300 selected; labels only on selected rows.
  const rows = (p: number, share: number): JoinedRow[] => [
    ...(['A', 'B'] as const).flatMap((grp) => {
      const selected = (grp === 'A' ? 500 : 300) * share
      const rejected = 1000 * share - selected
      return [
        joined({ p, attr: 'group', grp, pred: '1', label: '1', c: selected }),
        joined({ p, attr: 'group', grp, pred: '0', labeled: 0, c: rejected }),
      ]
    }),
    joined({ p, pred: '1', label: '1', c: 800 * share }),
  ]

  it('selection rate 0.5 and 0.3, disparate impact 0.6 (labeled-only: 1.0 and 1.0)', () => {
    const m = windowOf({ joined: rows(0, 1) })
    const f = (metric: string, group = '') => m.fairness.find((r) => r.metric === metric && r.group_value === group)!
    expect([f('selection_rate', 'A').value, f('selection_rate', 'B').value]).toEqual([0.5, 0.3])
    expect(f('selection_rate', 'A').n).toBe(1000)
    expect(f('disparate_impact_ratio').value).toBeCloseTo(0.6, 15)
    expect(f('disparate_impact_ratio')).toMatchObject({ status: 'ok', n: 2000 })
    // Its 95 % upper bound (Katz, one pair): exp(ln 0.6 + 1.6449·sqrt(1/300 − 1/1000 + 1/500 − 1/1000)) = 0.6572.
    expect(f('disparate_impact_ratio_upper').value).toBeCloseTo(Math.exp(Math.log(0.6) + 1.6448536269514722 * Math.sqrt(1 / 300 - 1 / 1000 + 1 / 500 - 1 / 1000)), 13)
    expect(f('disparate_impact_ratio_upper')).toMatchObject({ status: 'ok', n: 2000 })
    expect(f('true_positive_rate', 'B')).toMatchObject({ value: 1, n: 300 })
    expect(m.summary.labeled).toBe(800)
  })

  it('partitions merge exactly', () => {
    const one = windowOf({ joined: rows(0, 1) })
    const split = windowOf({ joined: [...rows(0, 0.5), ...rows(1, 0.5)] })
    expect(split.fairness).toEqual(one.fairness)
  })
})

describe("numerical columns' few values from the partition rows", () => {
  it('counted per partition, merged into the scope: at most 5 values exact, more null; uncounted rows leave them undefined', () => {
    const few = [
      { p: 0, k: 'flag', d: '2', vc: [[0, '3'], [1, '1']] as [number, string][] },
      { p: 1, k: 'flag', d: '1', vc: [[1, '2']] as [number, string][] },
      { p: 0, k: 'tri', d: '3', vc: [[0, '1'], [1, '1'], [2, '1']] as [number, string][] },
      { p: 1, k: 'tri', d: '3', vc: [[3, '1'], [4, '1'], [5, '1']] as [number, string][] },
      { p: 1, k: 'wide', d: '7', vc: [] as [number, string][] },
      { p: 1, k: '__score__', d: '1', vc: [[0.25, '2']] as [number, string][] },
    ]
    const volume = [{ p: 0, variant: 'v', k: null, c: '4' }, { p: 1, variant: 'v', k: null, c: '3' }]
    const merged = mergeAll(partialsFromRows({ ...none, volume, few }, new Map(), ctx), ctx)
    expect(merged.fewValues).toEqual({ flag: { 0: 3, 1: 3 }, tri: null, wide: null, __score__: { '0.25': 2 } })
    expect(mergeAll(partialsFromRows({ ...none, volume }, new Map(), ctx), ctx).fewValues).toBeUndefined()
  })
})

describe('regression partials merged across partitions', () => {
  const row = (p: number, pairs: { yTrue: number; yPred: number }[]): RegressionRow => ({ p, variant: 'v', delay_s: 0, ...regressionSums(pairs) })

  it('constant y whose parts have means an ulp apart: R² 0 as one pass, not −1.08e32', () => {
    const a = [0.1, 0.1, 0.1].map((yTrue, i) => ({ yTrue, yPred: [0.2, 0, 0.1][i]! }))
    const b = [0.1, 0.1].map((yTrue, i) => ({ yTrue, yPred: [0.15, 0.05][i]! }))
    const m = windowOf({ regressions: [row(0, a), row(1, b)] }, { ...ctx, task: 'regression' })
    const r2 = m.performance.find((r) => r.metric === 'r2' && r.variant === 'all')!.value
    expect(r2).toBe(regressionMetrics([0.1, 0.1, 0.1, 0.1, 0.1], [0.2, 0, 0.1, 0.15, 0.05]).r2.score)
    expect(r2).toBe(0)
  })
})

describe('a row without a variant', () => {
  // The oracle: the same rows under a variant count once under '' (every variant).
  const binary = (variant: string): Partial<PartialRows> => ({
    joined: [joined({ variant, pred: '1', label: '1', s: 0.8, c: 3 }), joined({ variant, pred: '0', label: '1', s: 0.2, c: 1 })],
    scores: [{ p: 0, variant, pred: '1', s: 0.8, c: '3' }],
  })
  const regressionRows = (variant: string): Partial<PartialRows> => ({
    regressions: [{ p: 0, variant, delay_s: 0, ...regressionSums([{ yTrue: 1, yPred: 2 }, { yTrue: 3, yPred: 3 }]) }],
  })
  const part = (rows: Partial<PartialRows>, c: LabelingContext = ctx) => partialsFromRows({ ...none, ...rows }, new Map(), c).get(0)!

  it('counts once, under every variant, in the confusion, ranking and score states', () => {
    const without = part(binary(''))
    const withVariant = part(binary('v'))
    expect(Object.keys(without.confusion)).toEqual([''])
    for (const state of ['confusion', 'ranking', 'cbpe'] as const) expect(without[state][''], state).toEqual(withVariant[state][''])
  })

  it('counts once, under every variant, in the regression state', () => {
    const regression = { ...ctx, task: 'regression' as const }
    const without = part(regressionRows(''), regression)
    expect(Object.keys(without.regression ?? {})).toEqual([''])
    expect(without.regression?.['']).toEqual(part(regressionRows('v'), regression).regression?.[''])
  })
})

describe('a label without a class (a value only) on a classification model', () => {
  // 10 predictions: 6 labeled with a class (4 right), 4 labeled with a value only.
  const volume = [{ p: 0, variant: 'v', k: null, c: '10' }]
  const classes = (pred: (right: boolean) => string, label: (right: boolean) => string) => [
    joined({ pred: pred(true), label: label(true), s: 0.8, c: 4, delay_s: 40 }),
    joined({ pred: pred(false), label: label(false), s: 0.8, c: 2, delay_s: 20 }),
  ]
  const valueOnly = joined({ pred: '1', label: null, s: 0.8, c: 4, delay_s: 400 })

  it('binary: counts as labeled and is excluded from the metrics, whose n is the 6 pairs with a class', () => {
    const pairs = classes(() => '1', (right) => (right ? '1' : '0'))
    const m = windowOf({ volume, joined: [...pairs, valueOnly] })
    expect(m.summary).toEqual({ predictions: 10, labeled: 10, label_coverage: 1, mean_label_delay_s: 46 })
    const accuracy = m.performance.find((r) => r.kind === 'realized' && r.variant === 'all' && r.metric === 'accuracy')!
    expect(accuracy).toMatchObject({ value: 4 / 6, n: 6, label_coverage: 0.6 })
    // The figures are those of the pairs with a class alone.
    expect(values(m, 'realized')).toEqual(values(windowOf({ volume, joined: pairs }), 'realized'))
    const cm = mergeAll(partialsFromRows({ ...none, volume, joined: [...pairs, valueOnly] }, new Map(), ctx), ctx).confusion['']!
    expect(cm.excluded).toBe(4)
  })

  it('binary, every label a value: labeled, with no realized figure (n 0)', () => {
    const m = windowOf({ volume, joined: [{ ...valueOnly, c: '10' }] })
    expect(m.summary).toMatchObject({ labeled: 10, label_coverage: 1 })
    const realized = m.performance.filter((r) => r.kind === 'realized' && r.variant === 'all')
    expect(realized.map((r) => r.n)).toEqual([0, 0, 0, 0])
    for (const r of realized) expect(r.value).toBeNaN()
  })

  it('multiclass: counts as labeled and is excluded from the metrics', () => {
    const multiclass = { ...ctx, task: 'multiclass' as const }
    const pairs = classes(() => 'a', (right) => (right ? 'a' : 'b'))
    const m = windowOf({ volume, joined: [...pairs, { ...valueOnly, pred: 'a' }] }, multiclass)
    expect(m.summary).toEqual({ predictions: 10, labeled: 10, label_coverage: 1, mean_label_delay_s: 46 })
    expect(m.performance.find((r) => r.variant === 'all' && r.metric === 'accuracy')).toMatchObject({ value: 4 / 6, n: 6, label_coverage: 0.6 })
    expect(values(m, 'realized')).toEqual(values(windowOf({ volume, joined: pairs }, multiclass), 'realized'))
  })
})

describe('binary accuracy with a third class among the labels', () => {
  // Labels and predicted classes of 10 pairs on two partitions: "1"/"1" ×3, "0"/"0" ×4,
  // "2"/"0" ×2, "0"/"1" ×1. sklearn.metrics.accuracy_score(["1"]*3 + ["0"]*4 + ["2"]*2 + ["0"],
  // ["1"]*3 + ["0"]*4 + ["0"]*2 + ["1"]) = 0.7 (scikit-learn 1.9.1); folding "2" into "0" gave 0.9.
  const rows: JoinedRow[] = [
    joined({ pred: '1', label: '1', c: 3 }),
    joined({ pred: '0', label: '0', c: 4 }),
    joined({ pred: '0', label: '2', c: 1 }),
    joined({ p: 1, pred: '0', label: '2', c: 1 }),
    joined({ p: 1, pred: '1', label: '0', c: 1 }),
  ]
  const volume = [{ p: 0, variant: 'v', k: null, c: '8' }, { p: 1, variant: 'v', k: null, c: '2' }]

  it('a "0" predicted for a label "2" is no correct prediction: accuracy 0.7 as sklearn, precision and recall one-vs-rest', () => {
    const m = windowOf({ volume, joined: rows })
    for (const variant of ['all', 'v']) {
      const realized = Object.fromEntries(m.performance.filter((r) => r.kind === 'realized' && r.variant === variant).map((r) => [r.metric, r]))
      expect(realized['accuracy']).toMatchObject({ value: 0.7, n: 10 })
      expect(realized['precision']!.value).toBe(0.75)
      expect(realized['recall']!.value).toBe(1)
    }
  })

  it('the count survives the stored JSON and the merge of the partitions', () => {
    const parts = partialsFromRows({ ...none, volume, joined: rows }, new Map(), ctx)
    const stored = new Map([...parts].map(([p, part]) => [p, JSON.parse(JSON.stringify(part)) as typeof part]))
    expect(stored.get(0)!.confusion['']!.foldedMatches).toBe(1)
    const cur = mergeAll(stored, ctx)
    expect(cur.confusion['']!.foldedMatches).toBe(2)
    const m = computeWindowMetrics({ partial: emptyPartial(), samples: new Map() }, { partial: cur, samples: new Map() }, ctx)
    expect(values(m, 'realized')['accuracy']).toBe(0.7)
  })

  it('a prediction sent without a class, scored negative, keeps the one-vs-rest reading against a label "2"', () => {
    const scoreOnly = [joined({ pred: '1', label: '1', c: 2 }), joined({ pred: null, s: 0.2, label: '2', c: 2 })]
    expect(values(windowOf({ volume: [{ p: 0, variant: 'v', k: null, c: '4' }], joined: scoreOnly }), 'realized')['accuracy']).toBe(1)
  })
})

describe("stream fairness: a group's accuracy is the exact match of predicted class and label", () => {
  // Label/prediction per group: a — "1"/"1" ×5, "0"/"0" ×7, "2"/"0" ×6, "0"/"1" ×2; b — "1"/"1" ×5,
  // "0"/"0" ×5, "2"/"0" ×4, "0"/"1" ×2, "1"/"0" ×4. fairlearn 0.15.0 / scikit-learn 1.9.1:
  // MetricFrame(metrics=accuracy_score, y_true=labels, y_pred=predictions, sensitive_features=groups).by_group
  // = {a: 0.6, b: 0.5}; reading "2" as "0" gave 0.9 and 0.7.
  const runs: [string, string, string, number][] = [
    ['a', '1', '1', 5], ['a', '0', '0', 7], ['a', '2', '0', 6], ['a', '0', '1', 2],
    ['b', '1', '1', 5], ['b', '0', '0', 5], ['b', '2', '0', 4], ['b', '0', '1', 2], ['b', '1', '0', 4],
  ]
  const rows = (p: number, share: number): JoinedRow[] => [
    ...runs.map(([grp, label, pred, c]) => joined({ p, attr: 'group', grp, pred, label, c: c * share })),
    ...runs.map(([, label, pred, c]) => joined({ p, pred, label, c: c * share })),
  ]
  const accuracyOf = (m: ReturnType<typeof windowOf>) =>
    Object.fromEntries(m.fairness.filter((r) => r.metric === 'accuracy').map((r) => [r.group_value, [r.value, r.n]]))

  it('a "0" predicted for a label "2" is no correct prediction of its group: 0.6 and 0.5, as fairlearn', () => {
    const m = windowOf({ joined: rows(0, 2) })
    expect(accuracyOf(m)).toEqual({ a: [0.6, 40], b: [0.5, 40] })
    expect(m.fairness.find((r) => r.metric === 'false_positive_rate' && r.group_value === 'a')!.value).toBeCloseTo(4 / 30, 15)
  })

  it('the count survives the stored JSON and the merge of the partitions; a score-only negative keeps the one-vs-rest reading', () => {
    const parts = partialsFromRows({ ...none, joined: [...rows(0, 1), ...rows(1, 1)] }, new Map(), ctx)
    const stored = new Map([...parts].map(([p, part]) => [p, JSON.parse(JSON.stringify(part)) as typeof part]))
    const cur = mergeAll(stored, ctx)
    const m = computeWindowMetrics({ partial: emptyPartial(), samples: new Map() }, { partial: cur, samples: new Map() }, ctx)
    expect(accuracyOf(m)).toEqual({ a: [0.6, 40], b: [0.5, 40] })
    const scoreOnly = windowOf({ joined: [joined({ attr: 'group', grp: 'c', pred: null, s: 0.2, label: '2', c: 3 }), joined({ attr: 'group', grp: 'c', pred: '1', label: '1', c: 1 })] })
    expect(accuracyOf(scoreOnly)['c']).toEqual([1, 4])
  })
})

describe('binary classes sent as booleans beside numbers: True is 1, as scikit-learn reads them', () => {
  // A bool label column beside an int prediction column, as pandas writes them: (True, 1) ×63,
  // (True, 0) ×19, (False, 1) ×25, (False, 0) ×93. scikit-learn 1.9.1 on those columns:
  // accuracy_score 0.78, precision_score 63/88, recall_score 63/82; fairlearn's MetricFrame by
  // group (a: 30, 10, 10, 50; b: the rest) gives accuracy a 0.8, b 0.76.
  const runs: [string, string, number, number][] = [['True', '1', 30, 33], ['True', '0', 10, 9], ['False', '1', 10, 15], ['False', '0', 50, 43]]
  const rows: JoinedRow[] = runs.flatMap(([label, pred, a, b]) => [
    joined({ pred, label, c: a + b }),
    joined({ attr: 'group', grp: 'a', pred, label, c: a }),
    joined({ attr: 'group', grp: 'b', pred, label, c: b }),
  ])
  const volume = [{ p: 0, variant: 'v', k: null, c: '200' }]

  for (const positiveClass of ['1', 'True', 'true', '1.0']) {
    it(`positive class "${positiveClass}": accuracy 0.78, precision 63/88, recall 63/82, group accuracy 0.8 and 0.76`, () => {
      const c = { ...ctx, positiveClass }
      const m = windowOf({ volume, joined: rows }, c)
      const realized = values(m, 'realized')
      expect(realized['accuracy']).toBe(0.78)
      expect(realized['precision']).toBeCloseTo(63 / 88, 15)
      expect(realized['recall']).toBeCloseTo(63 / 82, 15)
      const accuracy = Object.fromEntries(m.fairness.filter((r) => r.metric === 'accuracy').map((r) => [r.group_value, r.value]))
      expect(accuracy).toEqual({ a: 0.8, b: 0.76 })
      const cur = mergeAll(partialsFromRows({ ...none, volume, joined: rows }, new Map(), c), c)
      expect(cur.confusion['']!.foldedMatches ?? 0).toBe(0)
      // Stored class names keep the texts as sent.
      expect(cur.labelCounts).toEqual({ True: 82, False: 118 })
    })
  }
})
