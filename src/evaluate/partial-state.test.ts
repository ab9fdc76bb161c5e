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

  it("reads binary confusion states stored before foldedMatches existed as 0, and sums the count across partitions", () => {
    const binary = (folded?: number): Partial => {
      const p = emptyPartial()
      p.confusion[''] = { labels: [0, 1], counts: [[5, 1], [0, 4]], excluded: 0, ...(folded === undefined ? {} : { foldedMatches: folded }) }
      return JSON.parse(JSON.stringify(p)) as Partial
    }
    const [old, a, b] = [binary(), binary(2), binary(3)]
    expect(mergePartials(old, a, ctx).confusion['']).toMatchObject({ counts: [[10, 2], [0, 8]], foldedMatches: 2 })
    expect(mergePartials(a, old, ctx).confusion['']!.foldedMatches).toBe(2)
    expect(mergeAll(new Map([[0, a], [1, old], [2, b]]), ctx).confusion['']!.foldedMatches).toBe(5)
    expect(mergePartials(mergePartials(a, b, ctx), old, ctx)).toEqual(mergePartials(a, mergePartials(b, old, ctx), ctx))
    expect(mergePartials(old, old, ctx).confusion['']).not.toHaveProperty('foldedMatches')
  })

  it('reads partials stored before the quality counts existed', () => {
    const { rangeChecked: _r, outOfRange: _o, outliers: _x, ...old } = part(1)
    expect(mergePartials(old as Partial, part(2), ctx)).toMatchObject({ rangeChecked: { income: 20 }, outliers: { '4/0': 20 } })
  })
})

describe("numerical columns' few values", () => {
  const few = (fewValues: Partial['fewValues']): Partial => ({ ...emptyPartial(), fewValues })
  const counted = (p: Partial) => p.fewValues

  it('merge sums the counts while the column has at most 5 values together; more, on either side or together, is null', () => {
    const a = few({ flag: { 0: 4, 1: 1 }, tri: { 0: 1, 1: 1, 2: 1 }, wide: null })
    const b = few({ flag: { 1: 2 }, tri: { 3: 1, 4: 1, 5: 1 }, wide: { 1: 1 }, only_b: { 7: 2 } })
    expect(counted(mergePartials(a, b, ctx))).toEqual({ flag: { 0: 4, 1: 3 }, tri: null, wide: null, only_b: { 7: 2 } })
  })

  it('merging is associative, and mergeAll over partitions equals counting the whole', () => {
    const parts = [few({ x: { 1: 1, 2: 1 } }), few({ x: { 3: 1, 4: 1 } }), few({ x: { 5: 1, 1: 2 } }), few({ x: { 6: 1 } })]
    const [a, b, c] = parts as [Partial, Partial, Partial]
    expect(counted(mergePartials(mergePartials(a, b, ctx), c, ctx))).toEqual(counted(mergePartials(a, mergePartials(b, c, ctx), ctx)))
    expect(counted(mergeAll(new Map([[0, a], [1, b], [2, c]]), ctx))).toEqual({ x: { 1: 3, 2: 1, 3: 1, 4: 1, 5: 1 } })
    expect(counted(mergeAll(new Map(parts.map((p, i) => [i, p])), ctx))).toEqual({ x: null })
    expect(counted(mergeAll(new Map(), ctx))).toEqual({})
  })

  it('a partial that did not count them (stored before, or built by hand) leaves the merge uncounted', () => {
    expect(mergePartials(emptyPartial(), few({ x: { 1: 1 } }), ctx).fewValues).toBeUndefined()
    expect(mergeAll(new Map([[0, few({ x: { 1: 1 } })], [1, emptyPartial()]]), ctx).fewValues).toBeUndefined()
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
