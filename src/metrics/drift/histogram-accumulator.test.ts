import { describe, expect, it } from 'vitest'
import { histogramAccumulator } from './histogram-accumulator.js'
import { binCounts } from './reference-bins.js'

const edges = [0, 1, 2]
const acc = histogramAccumulator(edges)
const fold = (values: number[]) => values.reduce((s, x) => acc.update(s, x), acc.create())

const a = fold([-1, 0, 0.5, Number.NaN])
const b = fold([1, 1.5, 2, 7])
const c = fold([Infinity, 2, 0])

describe('histogramAccumulator', () => {
  it('counts like binCounts', () => {
    const values = [-3, 0, 0.5, 1, 2, 2.5, Number.NaN, -Infinity]
    expect(acc.result(fold(values))).toEqual(binCounts(edges, values))
    expect(acc.result(fold(values))).toEqual({ counts: [1, 2, 1, 2], nonFinite: 2 })
  })

  it('merge is associative', () => {
    expect(acc.merge(acc.merge(a, b), c)).toEqual(acc.merge(a, acc.merge(b, c)))
  })

  it('merge with create() is the identity', () => {
    expect(acc.merge(acc.create(), a)).toEqual(a)
    expect(acc.merge(a, acc.create())).toEqual(a)
  })

  it('merging the parts equals the whole', () => {
    const whole = fold([-1, 0, 0.5, Number.NaN, 1, 1.5, 2, 7, Infinity, 2, 0])
    expect(acc.merge(acc.merge(a, b), c)).toEqual(whole)
    // Hand count: (-inf,0) 1, [0,1) 3, [1,2) 2, [2,inf) 3; NaN and Infinity 2.
    expect(whole).toEqual({ counts: [1, 3, 2, 3], nonFinite: 2 })
  })

  it('update adds to the state it is given; merge mutates neither state', () => {
    const [x, y] = [fold([-1, 0.5]), fold([2])]
    acc.merge(x, y)
    expect([x, y]).toEqual([fold([-1, 0.5]), fold([2])])
    expect(acc.update(x, 0.5)).toBe(x)
    expect(x).toEqual(fold([-1, 0.5, 0.5]))
  })

  it('an empty state has zero counts, and empty edges make one bin', () => {
    expect(acc.create()).toEqual({ counts: [0, 0, 0, 0], nonFinite: 0 })
    const one = histogramAccumulator([])
    expect(one.update(one.create(), 42)).toEqual({ counts: [1], nonFinite: 0 })
  })

  it('refuses states built over a different number of bins', () => {
    expect(() => acc.merge(a, histogramAccumulator([0]).create())).toThrow(RangeError)
    expect(() => histogramAccumulator([1, 0])).toThrow(RangeError)
  })
})
