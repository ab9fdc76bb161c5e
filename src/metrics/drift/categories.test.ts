import { describe, expect, it } from 'vitest'
import { alignCategories } from './categories.js'

describe('alignCategories', () => {
  it('lays counts over the union, reference categories first', () => {
    expect(alignCategories({ b: 2, a: 1 }, new Map([['c', 5], ['a', 3]]))).toEqual({
      categories: ['b', 'a', 'c'],
      reference: [2, 1, 0],
      current: [0, 3, 5],
      unseenCategories: 1,
      unseenCount: 5,
    })
  })

  it('counts a reference category with count 0 as unseen, and ignores empty current ones', () => {
    const r = alignCategories({ a: 0, b: 1 }, { a: 2, b: 1, c: 0 })
    expect(r).toMatchObject({ unseenCategories: 1, unseenCount: 2 })
  })

  it('handles empty inputs', () => {
    expect(alignCategories({}, {})).toEqual({
      categories: [],
      reference: [],
      current: [],
      unseenCategories: 0,
      unseenCount: 0,
    })
  })
})
