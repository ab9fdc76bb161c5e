import { describe, expect, it } from 'vitest'
import { type FeatureValue, readCategory, readNumber } from '../metrics/profile/index.js'
import { categoryValues, distinctCountSorted, finiteSortedValues } from './column-values.js'

// Plain oracles for the one-pass readers (the report itself reads value counts, counted-column.ts).
/** readNumber's values: numbers, ±Infinity included; missing (null, undefined, NaN) and text left out. */
function numberValues(xs: readonly FeatureValue[]): number[] {
  const out: number[] = []
  for (const v of xs) if (typeof v === 'number' && !Number.isNaN(v)) out.push(v)
  return out
}

/** Number of distinct values in a ∪ b (finite numbers), by sorting. */
function distinctCount(a: readonly number[], b: readonly number[]): number {
  const all = new Float64Array(a.length + b.length)
  all.set(a)
  all.set(b, a.length)
  all.sort()
  let n = 0
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) n++
  return n
}

/** The values sorted ascending (numerically, -0 before +0). */
const sortedValues = (xs: readonly number[]): number[] => Array.from(Float64Array.from(xs).sort())

const mixed: FeatureValue[] = [1.5, null, undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, 'text', '', true, false, 3, Number.NEGATIVE_INFINITY]

describe('column values for the drift statistics', () => {
  it('numberValues keeps exactly readNumber’s values', () => {
    const expected = mixed.flatMap((v) => {
      const r = readNumber(v)
      return r.kind === 'value' ? [r.value] : []
    })
    expect(numberValues(mixed)).toEqual(expected)
    expect(numberValues(mixed)).toEqual([1.5, Number.POSITIVE_INFINITY, -0, 3, Number.NEGATIVE_INFINITY])
  })

  it('finiteSortedValues: readNumber’s finite values sorted (-0 before +0), whether the input comes sorted or not', () => {
    const oracle = (xs: FeatureValue[]) => sortedValues(numberValues(xs).filter(Number.isFinite))
    const key = (xs: number[]) => xs.map((x) => (Object.is(x, -0) ? '-0' : x))
    expect(key(Array.from(finiteSortedValues(mixed)))).toEqual(key(oracle(mixed)))
    expect(key(Array.from(finiteSortedValues(mixed)))).toEqual(['-0', 1.5, 3])
    const sorted: FeatureValue[] = [-2, -0, 0, 0, 1, 'x', null]
    expect(key(Array.from(finiteSortedValues(sorted)))).toEqual([-2, '-0', 0, 0, 1])
    expect(key(Array.from(finiteSortedValues([0, -0, 2, 1])))).toEqual(['-0', 0, 1, 2])
  })

  it('categoryValues keeps exactly readCategory’s values', () => {
    const expected = mixed.flatMap((v) => {
      const r = readCategory(v)
      return r.kind === 'value' ? [r.value] : []
    })
    expect(categoryValues(mixed)).toEqual(expected)
    expect(categoryValues(mixed)).toEqual(['1.5', '0', 'text', '', 'true', 'false', '3'])
  })

  it('distinctCount equals the size of a Set of both samples', () => {
    const a = Array.from({ length: 500 }, (_, i) => (i * 7919) % 101 / 4)
    const b = Array.from({ length: 300 }, (_, i) => (i * 104729) % 157 / 4)
    expect(distinctCount(a, b)).toBe(new Set([...a, ...b]).size)
    expect(distinctCount([], [])).toBe(0)
    expect(distinctCount([2, 2], [2])).toBe(1)
    expect(distinctCountSorted(sortedValues(a), sortedValues(b))).toBe(new Set([...a, ...b]).size)
    expect(distinctCountSorted([], [-0, 0, 1])).toBe(2)
    expect(sortedValues([3, -0, 1, 0])).toEqual([-0, 0, 1, 3])
  })
})
