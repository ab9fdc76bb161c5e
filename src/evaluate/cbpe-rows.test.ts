import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/nannyml_cbpe.json' with { type: 'json' }
import { cbpeAccumulator } from '../metrics/performance/index.js'
import { computeWindowMetrics } from './compute.js'
import { emptyPartial } from './partial-state.js'

describe("the window's estimated performance is CBPE calibrated on the reference (NannyML)", () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ref = emptyPartial()
    const { counts, positives } = c.input.reference
    ref.ranking[''] = { nBins: 1000, positives: [...positives], negatives: counts.map((n, k) => n - positives[k]!), excluded: 0 }
    const cur = emptyPartial()
    const acc = cbpeAccumulator()
    let state = acc.create()
    c.input.analysis.counts.forEach((n, k) => {
      for (let i = 0; i < n; i++) state = acc.update(state, { score: k / 1000 })
    })
    cur.cbpe[''] = state
    cur.predictions = state.n
    const ctx = { positiveClass: '1', protectedAttributes: [], minGroupSize: 30 }
    const m = computeWindowMetrics({ partial: ref, samples: new Map() }, { partial: cur, samples: new Map() }, ctx)
    const estimated = Object.fromEntries(m.performance.filter((r) => r.kind === 'estimated' && r.variant === 'all').map((r) => [r.metric, r.value]))
    for (const metric of ['accuracy', 'precision', 'recall', 'f1', 'roc_auc'] as const) {
      expect(Math.abs(estimated[metric]! - c.expected.cbpe[metric]), metric).toBeLessThan(1e-9)
    }
  })
})
