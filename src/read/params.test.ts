import { describe, expect, it } from 'vitest'
import { isDriftwatchError } from '../errors.js'
import { deadLetterRange } from './dead-letters.js'
import { decodeCursor, encodeCursor, isoTime, LATEST_BOUND_MS, page, parseBound, parseTime, timeRange } from './params.js'

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
  it('refuses a date-time without a zone, which would be read in the server time zone, as ingest does', () => {
    expect(codeOf(() => parseTime('2026-12-01T03:00:00', 'to'))).toBe('DW_VALIDATION_FAILED')
    expect(() => parseTime('2026-12-01T03:00', 'since')).toThrow(/^since: .*with a zone/)
    expect(parseTime('2026-12-01T03:00:00-05:00', 'to')).toBe(Date.UTC(2026, 11, 1, 8))
  })
  it('refuses a day the month does not have instead of rolling it over', () => {
    for (const bad of ['2026-02-31', '2026-02-29', '2026-04-31T00:00:00Z']) expect(codeOf(() => parseTime(bad, 'from')), bad).toBe('DW_VALIDATION_FAILED')
    expect(parseTime('2028-02-29', 'from')).toBe(Date.UTC(2028, 1, 29))
  })
  it('refuses a compact date (20261201) rather than reading it as milliseconds of 1970', () => {
    expect(() => parseTime('20261201', 'from')).toThrow(/^from: "20261201" is ambiguous: write the date as 2026-12-01/)
    expect(parseTime('20261301', 'from')).toBe(20261301)
    expect(parseTime('0', 'since')).toBe(0)
  })
  it('refuses a time before 1970-01-01 (a negative epoch), naming the parameter; 0 is the start', () => {
    for (const bad of ['-1', '-86400000', '1969-12-31', '1969-12-31T23:59:59.999Z']) expect(() => parseTime(bad, 'from'), bad).toThrow(/^from: .* is before 1970-01-01T00:00:00.000Z/)
    expect(codeOf(() => parseTime('-1', 'since'))).toBe('DW_VALIDATION_FAILED')
    expect(parseTime('1970-01-01', 'from')).toBe(0)
    expect(parseTime('1999-12-31', 'from')).toBe(Date.UTC(1999, 11, 31))
  })
  it('refuses times past what a Date holds, so answers never fail to format them', () => {
    expect(codeOf(() => parseTime('9000000000000000', 'from'))).toBe('DW_VALIDATION_FAILED')
  })
})

describe('parseBound: a range bound far ahead means "until now", as the API documents (regression: to=9000000000000000 was 400)', () => {
  it('reads a bound after 9999-12-31T23:59:59.999Z as that time, past what a Date holds included', () => {
    expect(isoTime(LATEST_BOUND_MS)).toBe('9999-12-31T23:59:59.999Z')
    for (const far of ['9000000000000000', '9999999999999999', '8640000000000001', '1000000000000000']) expect(parseBound(far, 'to'), far).toBe(LATEST_BOUND_MS)
    expect(parseBound('9999-12-31', 'to')).toBe(Date.UTC(9999, 11, 31))
    expect(parseBound('1795341600000', 'to')).toBe(1795341600000)
    expect(timeRange('0', '9000000000000000')).toEqual({ from: 0, to: LATEST_BOUND_MS })
    expect(timeRange('9000000000000000', '9000000000000000')).toEqual({ from: LATEST_BOUND_MS, to: LATEST_BOUND_MS })
    expect(deadLetterRange({ now: () => 1795341600000 }, '0', '9000000000000000')).toEqual({ from: 0, to: LATEST_BOUND_MS })
  })
  it('still refuses what parseTime refuses: no time, a negative epoch, 17 digits', () => {
    for (const bad of ['yesterday', '-9000000000000000', '90000000000000000', '20261201']) expect(codeOf(() => parseBound(bad, 'to')), bad).toBe('DW_VALIDATION_FAILED')
  })
})

describe('timeRange', () => {
  it('takes either bound alone, or from up to and including to', () => {
    expect(timeRange(undefined, undefined)).toEqual({ from: undefined, to: undefined })
    expect(timeRange('2026-12-01', undefined)).toEqual({ from: Date.UTC(2026, 11, 1), to: undefined })
    expect(timeRange('2026-12-01', '2026-12-01T00:00:00Z')).toEqual({ from: Date.UTC(2026, 11, 1), to: Date.UTC(2026, 11, 1) })
  })
  it('refuses from after to, naming from', () => {
    expect(() => timeRange('2026-12-02', '1795392000000')).toThrow('from: 2026-12-02T00:00:00.000Z is after to (2026-11-23T00:00:00.000Z)')
    expect(codeOf(() => timeRange('2026-12-02', '2026-12-01'))).toBe('DW_VALIDATION_FAILED')
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
