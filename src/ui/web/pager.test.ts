import { describe, expect, it } from 'vitest'
import { pageParam, pageSpan, pageStatus } from './pager.js'

describe('a table in pages', () => {
  it('page n holds rows [(n − 1) × size, n × size), the last one what is left', () => {
    expect(pageSpan(1001, 50, 1)).toEqual({ page: 1, pages: 21, from: 0, to: 50 })
    expect(pageSpan(1001, 50, 2)).toEqual({ page: 2, pages: 21, from: 50, to: 100 })
    expect(pageSpan(1001, 50, 21)).toEqual({ page: 21, pages: 21, from: 1000, to: 1001 })
    expect(pageSpan(1000, 50, 20)).toEqual({ page: 20, pages: 20, from: 950, to: 1000 })
  })

  it('a page out of range is the nearest one; no rows is one empty page', () => {
    expect(pageSpan(1001, 50, 99).page).toBe(21)
    expect(pageSpan(1001, 50, 0).page).toBe(1)
    expect(pageSpan(1001, 50, 2.5).page).toBe(1)
    expect(pageSpan(0, 50, 3)).toEqual({ page: 1, pages: 1, from: 0, to: 0 })
  })

  it('reads the page from the address: a positive integer, anything else page 1', () => {
    expect([pageParam('3'), pageParam(null), pageParam(''), pageParam('-2'), pageParam('2x'), pageParam('1e3')]).toEqual([3, 1, 1, 1, 1, 1])
  })

  it('says which rows are shown, of how many, on which page', () => {
    expect(pageStatus(pageSpan(1001, 50, 1), 1001, 'windows')).toBe('1–50 of 1,001 windows (page 1 of 21)')
    expect(pageStatus(pageSpan(1001, 50, 21), 1001, 'windows')).toBe('1,001–1,001 of 1,001 windows (page 21 of 21)')
  })
})
