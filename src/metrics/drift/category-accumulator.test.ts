import { describe, expect, it } from 'vitest'
import { type CategoryState, type CategoryValue, categoryAccumulator as acc } from './category-accumulator.js'

const fold = (values: CategoryValue[]) => values.reduce((s, x) => acc.update(s, x), acc.create())
/** Compare states independently of map insertion order. */
const plain = (s: CategoryState) => ({ counts: Object.fromEntries([...s.counts].sort()), missing: s.missing })

const a = fold(['x', 'y', null, 'x'])
const b = fold(['y', 'z', undefined])
const c = fold(['', 'x'])

describe('categoryAccumulator', () => {
  it('counts categories and missing values', () => {
    expect(plain(a)).toEqual({ counts: { x: 2, y: 1 }, missing: 1 })
    expect(plain(acc.result(c))).toEqual({ counts: { '': 1, x: 1 }, missing: 0 })
  })

  it('merge is associative', () => {
    expect(plain(acc.merge(acc.merge(a, b), c))).toEqual(plain(acc.merge(a, acc.merge(b, c))))
  })

  it('merge with create() is the identity', () => {
    expect(plain(acc.merge(acc.create(), a))).toEqual(plain(a))
    expect(plain(acc.merge(a, acc.create()))).toEqual(plain(a))
  })

  it('merging the parts equals the whole', () => {
    const whole = fold(['x', 'y', null, 'x', 'y', 'z', undefined, '', 'x'])
    expect(plain(acc.merge(acc.merge(a, b), c))).toEqual(plain(whole))
    expect(plain(whole)).toEqual({ counts: { '': 1, x: 3, y: 2, z: 1 }, missing: 2 })
  })

  it('update adds to the state it is given; merge mutates neither state', () => {
    const [x, y] = [fold(['x', null]), fold(['y'])]
    acc.merge(x, y)
    expect([plain(x), plain(y)]).toEqual([plain(fold(['x', null])), plain(fold(['y']))])
    expect(acc.update(x, 'new')).toBe(x)
    expect(plain(x)).toEqual(plain(fold(['x', null, 'new'])))
  })

  it('an empty state is empty', () => {
    expect(plain(acc.create())).toEqual({ counts: {}, missing: 0 })
  })
})
