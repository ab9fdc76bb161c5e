import { describe, expect, it } from 'vitest'
import { computeWindowMetrics } from './compute.js'
import { emptyPartial, mergeAll, type LabelingContext } from './partial-state.js'
import { partialsFromRows, type PartialRows } from './partials.js'
import type { JoinedRow } from './queries.js'

const ctx: LabelingContext = { positiveClass: '1', protectedAttributes: ['group'], minGroupSize: 30 }
const joined = (r: Omit<Partial<JoinedRow>, 'c'> & { c: number }): JoinedRow =>
  ({ p: 0, variant: 'v', attr: '', grp: '', pred: null, label: null, labeled: 1, s: null, delay_s: 0, ...r, c: String(r.c) })

/** A window (and a reference like it) whose labels and predicted classes are `yes` and `no`. */
function window(yes: string, no: string, c: LabelingContext = ctx) {
  const partial = partialOf(yes, no, c)
  return computeWindowMetrics({ partial, samples: new Map() }, { partial, samples: new Map() }, c)
}

/** The partial of window() alone. */
function partialOf(yes: string, no: string, c: LabelingContext) {
  const rows: PartialRows = {
    volume: [{ p: 0, variant: 'v', k: null, c: '400' }],
    bins: [],
    cats: [{ p: 0, k: '__class__', v: yes, c: '200' }, { p: 0, k: '__class__', v: no, c: '200' }],
    scores: [{ p: 0, variant: 'v', pred: yes, s: 0.8, c: '200' }, { p: 0, variant: 'v', pred: no, s: 0.2, c: '200' }],
    joined: [
      joined({ pred: yes, label: yes, s: 0.8, c: 150 }), joined({ pred: yes, label: no, s: 0.8, c: 50 }),
      joined({ pred: no, label: no, s: 0.2, c: 150 }), joined({ pred: no, label: yes, s: 0.2, c: 50 }),
      ...['A', 'B'].flatMap((grp) => [
        joined({ attr: 'group', grp, pred: yes, label: yes, s: 0.8, c: 100 }),
        joined({ attr: 'group', grp, pred: no, label: no, s: 0.2, c: 100 }),
      ]),
    ],
    regressions: [], ranges: [], outliers: [],
  }
  return mergeAll(partialsFromRows(rows, new Map(), c), c)
}

describe('label and predicted-class drift compare classes as the task does', () => {
  const drifts = (reference: [string, string], current: [string, string], c: LabelingContext) => {
    const m = computeWindowMetrics({ partial: partialOf(...reference, c), samples: new Map() }, { partial: partialOf(...current, c), samples: new Map() }, c)
    return ['label', 'prediction'].map((target) => m.drift.find((r) => r.target === target)!)
  }
  it('a binary model whose labels turn from 1/0 to 1.0/0.0 or true/false has neither label nor class drift, and no unseen class', () => {
    for (const current of [['1.0', '0.0'], ['true', 'false']] as [string, string][]) {
      for (const row of drifts(['1', '0'], current, ctx)) {
        expect(row, `${row.target} ${current}`).toMatchObject({ drift_detected: 0, score: 0, unseen_categories: [] })
      }
    }
  })
  it('a multiclass model merges 1 and 1.0 but keeps true apart from 1, as its metrics do', () => {
    const multi: LabelingContext = { ...ctx, task: 'multiclass' }
    for (const row of drifts(['1', '2'], ['1.0', '2.00'], multi)) expect(row, row.target).toMatchObject({ drift_detected: 0, unseen_categories: [] })
    for (const row of drifts(['1', '0'], ['true', 'false'], multi)) expect(row, row.target).toMatchObject({ drift_detected: 1, unseen_categories: ['false', 'true'] })
  })
})

describe('the positive class never occurs in the window', () => {
  it('labels "yes"/"no" with the default positive class "1": no binary figure, status no_positive_class, not accuracy 1.0', () => {
    const m = window('yes', 'no')
    const binary = m.performance.filter((r) => ['realized', 'estimated', 'degradation'].includes(r.kind))
    expect(binary.length).toBeGreaterThan(0)
    for (const r of binary) {
      expect(r.value, `${r.kind} ${r.metric}`).toBeNaN()
      expect([r.ci_low, r.ci_high]).toEqual([null, null])
    }
    expect(m.fairness.length).toBeGreaterThan(0)
    for (const r of m.fairness) expect(r, r.metric).toMatchObject({ value: null, status: 'no_positive_class' })
    expect(m.drift.find((r) => r.target === 'calibration')).toMatchObject({ status: 'no_positive_class', drift_detected: null })
    // Label drift reads classes as they are: still judged.
    expect(m.drift.find((r) => r.target === 'label')).toMatchObject({ status: 'ok' })
  })

  it('the same window with positiveClass "yes" is judged; so are "1"/"0" data, and "true"/"false", which are 1 and 0', () => {
    for (const m of [window('yes', 'no', { ...ctx, positiveClass: 'yes' }), window('1', '0'), window('true', 'false'), window('True', 'False', { ...ctx, positiveClass: '1.0' })]) {
      const realized = m.performance.find((r) => r.kind === 'realized' && r.metric === 'accuracy' && r.variant === 'all')!
      expect(realized.value).toBe(0.75)
      expect(m.fairness.find((r) => r.metric === 'disparate_impact_ratio')).toMatchObject({ value: 1, status: 'ok' })
    }
  })

  it('a window whose labels are all negative but whose model predicted positives is judged', () => {
    const c = ctx
    const rows: PartialRows = {
      volume: [{ p: 0, variant: 'v', k: null, c: '100' }], bins: [], cats: [], regressions: [], ranges: [], outliers: [],
      scores: [{ p: 0, variant: 'v', pred: null, s: 0.7, c: '10' }, { p: 0, variant: 'v', pred: null, s: 0.1, c: '90' }],
      joined: [joined({ label: '0', s: 0.7, c: 10 }), joined({ label: '0', s: 0.1, c: 90 })],
    }
    const partial = mergeAll(partialsFromRows(rows, new Map(), c), c)
    const m = computeWindowMetrics({ partial: emptyPartial(), samples: new Map() }, { partial, samples: new Map() }, c)
    expect(m.performance.find((r) => r.kind === 'realized' && r.metric === 'accuracy' && r.variant === 'all')!.value).toBe(0.9)
  })
  it('a rare-event window with only negative labels and no positive prediction is judged, not insufficient', () => {
    const c = ctx
    const rows: PartialRows = {
      volume: [{ p: 0, variant: 'v', k: null, c: '100' }], bins: [], regressions: [], ranges: [], outliers: [],
      cats: [{ p: 0, k: '__class__', v: '0', c: '100' }],
      scores: [{ p: 0, variant: 'v', pred: '0', s: 0.1, c: '100' }],
      joined: [joined({ pred: '0', label: '0', s: 0.1, c: 100 })],
    }
    const partial = mergeAll(partialsFromRows(rows, new Map(), c), c)
    const m = computeWindowMetrics({ partial, samples: new Map() }, { partial, samples: new Map() }, c)
    expect(m.performance.find((r) => r.kind === 'realized' && r.metric === 'accuracy' && r.variant === 'all')!.value).toBe(1)
    expect(m.performance.find((r) => r.kind === 'estimated' && r.metric === 'accuracy' && r.variant === 'all')!.value).not.toBeNaN()
    // Precision, recall, F1 and PR AUC are 0/0 here: undefined, stored nan, as the estimates are; never a 0 an alert reads as a collapse.
    for (const metric of ['precision', 'recall', 'f1', 'pr_auc']) {
      expect(m.performance.find((r) => r.kind === 'realized' && r.metric === metric && r.variant === 'all')!.value, metric).toBeNaN()
    }
    expect(m.performance.find((r) => r.kind === 'estimated' && r.metric === 'precision' && r.variant === 'all')!.value).toBeNaN()
  })
})
