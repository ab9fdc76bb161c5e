import { describe, expect, it } from 'vitest'
import { isDriftwatchError } from '../errors.js'
import { decodeCursor, encodeCursor, page, parseTime } from './params.js'

const codeOf = (f: () => unknown) => {
  try {
    f()
    return null
  } catch (e) {
    return isDriftwatchError(e) ? e.code : String(e)
  }
}

describe('parseTime', () => {
  it('reads epoch ms and ISO 8601', () => {
    expect(parseTime('1795341600000', 'from')).toBe(1795341600000)
    expect(parseTime('2026-11-21T10:00:00Z', 'from')).toBe(Date.UTC(2026, 10, 21, 10))
    expect(parseTime('2026-11-21T11:00:00+01:00', 'from')).toBe(Date.UTC(2026, 10, 21, 10))
    expect(parseTime('2026-11-21', 'from')).toBe(Date.UTC(2026, 10, 21))
  })
  it('refuses anything else with DW_VALIDATION_FAILED', () => {
    for (const bad of ['', 'yesterday', '1e12', '2026-13-45T00:00:00Z', 'NaN']) expect(codeOf(() => parseTime(bad, 'from')), bad).toBe('DW_VALIDATION_FAILED')
  })
})

describe('cursors', () => {
  it('round-trip the sort key', () => {
    expect(decodeCursor(encodeCursor([1795341600000, 'v1']), ['number', 'string'] as const)).toEqual([1795341600000, 'v1'])
  })
  it('refuse tampered or foreign cursors', () => {
    for (const bad of ['x', encodeCursor(['v1', 1]), encodeCursor([1]), Buffer.from('{"a":1}').toString('base64url')]) {
      expect(codeOf(() => decodeCursor(bad, ['number', 'string'] as const)), bad).toBe('DW_VALIDATION_FAILED')
    }
  })
  it('page gives a cursor only when more rows exist', () => {
    const rows = [1, 2, 3].map((n) => ({ n }))
    expect(page(rows, 3, (r) => [r.n]).next_cursor).toBeNull()
    const first = page(rows, 2, (r) => [r.n])
    expect(first.items).toEqual([{ n: 1 }, { n: 2 }])
    expect(decodeCursor(first.next_cursor!, ['number'] as const)).toEqual([2])
  })
})
