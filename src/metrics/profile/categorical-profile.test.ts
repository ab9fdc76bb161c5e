import { describe, expect, it } from 'vitest'
import { categoricalProfile } from './categorical-profile.js'
import { inferKind } from './infer-kind.js'

describe('categoricalProfile', () => {
  it('counts categories as text, in code-unit order; missing and violations apart', () => {
    const p = categoricalProfile(['b', 'a', 2, '2', true, null, undefined, Number.NaN, Number.POSITIVE_INFINITY, ''])
    expect(p).toEqual({
      kind: 'categorical',
      count: 10,
      missing: 3,
      typeViolations: 1,
      nUnique: 5,
      categories: { '': 1, '2': 2, a: 1, b: 1, true: 1 },
    })
    expect(Object.keys(p.categories)).toEqual(['2', '', 'a', 'b', 'true']) // integer-like keys first in JS objects
  })

  it('a category named like an Object property is just a category', () => {
    const p = categoricalProfile(['__proto__', 'constructor', '__proto__'])
    expect(p.categories['__proto__']).toBe(2)
    expect(Object.hasOwn(p.categories, 'toString')).toBe(false)
    expect(JSON.parse(JSON.stringify(p))).toEqual(p)
  })
})

describe('inferKind (type, then Evidently’s ≤5 distinct values rule)', () => {
  it.each([
    ['many numbers', [1, 2, 3, 4, 5, 6], 'numerical'],
    ['five numbers', [1, 2, 3, 4, 5, 5, 1], 'categorical'],
    ['a string among numbers', [1, 2, 3, 4, 5, 6, 'x'], 'categorical'],
    ['missing values ignored', [1, 2, 3, 4, 5, 6, null, Number.NaN], 'numerical'],
    ['infinities are numbers but not distinct values', [1, 2, 3, 4, 5, Infinity, -Infinity], 'categorical'],
    ['empty', [], 'categorical'],
  ] as const)('%s', (_name, values, kind) => {
    expect(inferKind(values)).toBe(kind)
  })
})
