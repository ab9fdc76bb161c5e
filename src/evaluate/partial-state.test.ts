import { describe, expect, it } from 'vitest'
import { add, dict, emptyPartial, mergeAll, mergePartials, type Partial } from './partial-state.js'

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

describe('feature names that are Object.prototype names (stored verbatim)', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']

  it('counts them as plain keys, as buildPartials adds category counts, without touching Object.prototype', () => {
    const p = emptyPartial()
    for (const name of names) {
      add((p.categorical[name] ??= dict()), 'salaried', 3) // the line buildPartials runs per category row
      add(p.missing, name, 2)
      p.numeric[name] ??= [1, 2]
    }
    expect(({} as Record<string, unknown>)['salaried']).toBeUndefined()
    expect(Object.keys(p.categorical)).toEqual(names)
    expect(Object.keys(p.missing)).toEqual(names)
    expect(p.categorical['__proto__']).toEqual({ salaried: 3 })
    expect(p.numeric['constructor']).toEqual([1, 2])
  })

  it('merges them, also from partials read back from JSON (own __proto__ keys)', () => {
    const p = emptyPartial()
    for (const name of names) {
      add((p.categorical[name] ??= dict()), 'a', 1)
      add(p.missing, name, 1)
    }
    const stored = JSON.parse(JSON.stringify(p)) as Partial
    expect(Object.keys(stored.missing)).toEqual(names)
    const merged = mergeAll(new Map([[0, stored], [1, p]]), ctx)
    expect(Object.keys(merged.missing)).toEqual(names)
    expect(Object.values(merged.missing)).toEqual([2, 2, 2, 2])
    expect(merged.categorical['__proto__']).toEqual({ a: 2 })
    expect(merged.categorical['toString']).toEqual({ a: 2 })
    expect(({} as Record<string, unknown>)['a']).toBeUndefined()
  })
})
