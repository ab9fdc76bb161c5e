import { describe, expect, it } from 'vitest'
import { addNewCategory, emptyNewCategories, mergeNewCategories, type NewCategories } from './new-categories.js'

function of(values: string[], limit: number): NewCategories {
  const s = emptyNewCategories()
  for (const v of values) addNewCategory(s, v, limit)
  return s
}

describe('bounded new categories', () => {
  it('keeps the smallest categories with exact counts and says when it dropped some', () => {
    expect(of(['d', 'b', 'a', 'c', 'a', 'd'], 3)).toEqual({ categories: { a: 2, b: 1, c: 1 }, truncated: true })
    expect(of(['b', 'a'], 3)).toEqual({ categories: { a: 1, b: 1 }, truncated: false })
  })

  it('merging parts equals the whole, in any grouping, even when parts were truncated', () => {
    const values = 'qwertyuiopasdfghjklzxcvbnmqazwsx'.split('')
    const whole = of(values, 5)
    const parts = [values.slice(0, 9), values.slice(9, 20), values.slice(20)].map((p) => of(p, 5))
    const [a, b, c] = parts as [NewCategories, NewCategories, NewCategories]
    expect(mergeNewCategories(mergeNewCategories(a, b, 5), c, 5)).toEqual(whole)
    expect(mergeNewCategories(a, mergeNewCategories(b, c, 5), 5)).toEqual(whole)
    expect(mergeNewCategories(emptyNewCategories(), a, 5)).toEqual(a)
  })

  it('truncation noticed only at the merge is still reported', () => {
    expect(mergeNewCategories(of(['a', 'b'], 3), of(['c', 'd'], 3), 3).truncated).toBe(true)
  })
})
