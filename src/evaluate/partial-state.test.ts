import { describe, expect, it } from 'vitest'
import { emptyPartial, mergeAll, mergePartials, type Partial } from './partial-state.js'

const ctx = { positiveClass: '1', protectedAttributes: [], minGroupSize: 30 }
const part = (k: number): Partial => ({
  ...emptyPartial(),
  predictions: k,
  missing: { x: k },
  rangeChecked: { income: 10 * k },
  outOfRange: { income: k },
  outliers: { '4/0': 10 * k, '4/1': k },
})

describe('partial state', () => {
  it('merging the new quality counts is associative and has the empty partial as identity', () => {
    const [a, b, c] = [part(1), part(2), part(3)]
    expect(mergePartials(mergePartials(a, b, ctx), c, ctx)).toEqual(mergePartials(a, mergePartials(b, c, ctx), ctx))
    expect(mergePartials(emptyPartial(), a, ctx)).toEqual(a)
    expect(mergeAll(new Map([[2, c], [0, a], [1, b]]), ctx)).toMatchObject({ predictions: 6, rangeChecked: { income: 60 }, outOfRange: { income: 6 }, outliers: { '4/0': 60, '4/1': 6 } })
  })

  it('reads partials stored before the quality counts existed', () => {
    const { rangeChecked: _r, outOfRange: _o, outliers: _x, ...old } = part(1)
    expect(mergePartials(old as Partial, part(2), ctx)).toMatchObject({ rangeChecked: { income: 20 }, outliers: { '4/0': 20 } })
  })
})
