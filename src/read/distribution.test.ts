import { describe, expect, it } from 'vitest'
import { distributionOf, distributionWithNote, emptyCounts, mergeCounts } from './distribution.js'

describe('mergeCounts', () => {
  it('sums partitions: bins elementwise, categories and labels by name', () => {
    const merged = mergeCounts([
      { numeric: { x: [1, 2, 3] }, categorical: { c: { a: 1 } }, labelCounts: { '1': 2 } },
      { numeric: { x: [0, 5, 1] }, categorical: { c: { a: 2, b: 1 } }, labelCounts: { '0': 1 } },
      {},
    ])
    expect(merged).toEqual({ numeric: { x: [1, 7, 4] }, categorical: { c: { a: 3, b: 1 } }, labelCounts: { '1': 2, '0': 1 } })
  })
})

describe('distributionOf', () => {
  const reference = {
    partial: { numeric: { x: [5, 5, 5], __score__: [3, 3] }, categorical: { c: { a: 4, b: 6 }, __class__: { yes: 2 } }, labelCounts: { '1': 3, '0': 7 } },
    edges: new Map([['x', [1, 2]], ['__score__', [0.5]]]),
  }
  const current = { numeric: { x: [1, 2, 9], __score__: [1, 5] }, categorical: { c: { b: 2, z: 1 }, __class__: { no: 1 } }, labelCounts: { '1': 1 } }
  /** The drift rows' n_reference and n_current: the sums of the counts the evaluator stored. */
  const n = { x: { reference: 15, current: 12 }, c: { reference: 10, current: 3 }, score: { reference: 6, current: 6 }, class: { reference: 2, current: 1 }, label: { reference: 10, current: 1 } }

  it('numerical features: the reference edges and both bin counts', () => {
    expect(distributionOf('feature', 'x', reference, current, n.x)).toEqual({ kind: 'histogram', edges: [1, 2], reference: [5, 5, 5], current: [1, 2, 9] })
  })
  it('categorical features: the union of categories, 0 where one side has none', () => {
    expect(distributionOf('feature', 'c', reference, current, n.c)).toEqual({ kind: 'categories', categories: ['a', 'b', 'z'], reference: [4, 6, 0], current: [0, 2, 1] })
  })
  it('prediction score and class, and labels, map to their reserved keys', () => {
    expect(distributionOf('prediction', 'score', reference, current, n.score)).toEqual({ kind: 'histogram', edges: [0.5], reference: [3, 3], current: [1, 5] })
    expect(distributionOf('prediction', 'class', reference, current, n.class)).toEqual({ kind: 'categories', categories: ['no', 'yes'], reference: [0, 2], current: [1, 0] })
    expect(distributionOf('label', 'label', reference, current, n.label)).toEqual({ kind: 'categories', categories: ['0', '1'], reference: [7, 3], current: [0, 1] })
  })
  it('null when the counts do not fit the edges, for calibration, or when nothing is stored', () => {
    expect(distributionOf('feature', 'x', { ...reference, edges: new Map([['x', [1, 2, 3]]]) }, current, n.x)).toBeNull()
    expect(distributionOf('calibration', 'score', reference, current, n.score)).toBeNull()
    expect(distributionOf('feature', 'nope', reference, emptyCounts(), { reference: 0, current: 0 })).toBeNull()
  })
  it('a feature only the current window has is shown against zeros', () => {
    expect(distributionOf('feature', 'x', { partial: emptyCounts(), edges: reference.edges }, current, { reference: 0, current: 12 })).toEqual({ kind: 'histogram', edges: [1, 2], reference: [0, 0, 0], current: [1, 2, 9] })
  })
  it('null, not zeros, when the partials of an evaluated window have expired (retention.raw < retention.metrics)', () => {
    for (const [target, column, sizes] of [['feature', 'x', n.x], ['feature', 'c', n.c], ['prediction', 'score', n.score], ['label', 'label', n.label]] as const) {
      expect(distributionOf(target, column, reference, emptyCounts(), sizes)).toBeNull()
    }
  })
  it('null when only some partitions of the window are left, or the reference predictions have expired', () => {
    expect(distributionOf('feature', 'x', reference, mergeCounts([{ numeric: { x: [1, 2, 0] } }]), n.x)).toBeNull()
    expect(distributionOf('feature', 'c', { partial: emptyCounts(), edges: new Map() }, current, n.c)).toBeNull()
    expect(distributionOf('label', 'label', { partial: emptyCounts(), edges: new Map() }, current, n.label)).toBeNull()
  })

  it('says why a distribution is null, one line: bins that no longer fit, counts that expired on either side; nothing for calibration', () => {
    const note = (...a: Parameters<typeof distributionWithNote>) => distributionWithNote(...a).note
    expect(note('feature', 'x', { ...reference, edges: new Map([['x', [1, 2, 3]]]) }, current, n.x)).toMatch(/^the reference's bins as configured now do not fit this window's stored counts/)
    expect(note('feature', 'x', reference, mergeCounts([{ numeric: { x: [1, 2, 0] } }]), n.x)).toBe("window counts unavailable: this window's stored counts add up to 3, not its 12 rows (its partial aggregates expired after retention.raw)")
    expect(note('label', 'label', { partial: emptyCounts(), edges: new Map() }, current, n.label)).toMatch(/^reference counts unavailable: the reference's stored rows add up to 0, not the 10 this window was compared with/)
    expect(note('feature', 'nope', reference, emptyCounts(), { reference: 5, current: 5 })).toMatch(/^no stored counts of this column on either side/)
    expect(note('calibration', 'score', reference, current, n.score)).toBeNull()
    expect(distributionWithNote('feature', 'x', reference, current, n.x)).toEqual({ distribution: distributionOf('feature', 'x', reference, current, n.x), note: null })
  })
})
