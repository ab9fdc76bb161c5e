import { describe, expect, it } from 'vitest'
import { describeTime, LATEST_TIME_MS, parseTime } from './event-time.js'

describe('describeTime', () => {
  it('formats a representable time as ISO 8601', () => {
    expect(describeTime(Date.UTC(2026, 10, 1, 12))).toBe('2026-11-01T12:00:00.000Z')
    expect(describeTime(LATEST_TIME_MS)).toBe('2299-01-01T00:00:00.000Z')
  })

  // new Date(9e15).toISOString() throws RangeError: the message of the error must not throw itself.
  it.each([9e15, -9e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY])('never throws, for %s', (ms) => {
    expect(describeTime(ms)).toBe(String(ms))
  })
})

describe('parseTime', () => {
  it.each([
    [9e15, 9e15],
    ['9000000000000000', 9e15],
    ['2026-11-01T12:00:00Z', Date.UTC(2026, 10, 1, 12)],
    ['2026-11-01', Date.UTC(2026, 10, 1)],
  ])('reads %j', (v, ms) => expect(parseTime(v)).toBe(ms))

  it.each(['2026-11-01T12:00:00', '2026-11-01 12:00', null, true, {}])('refuses %j (a zone-less date-time reads in the local zone)', (v) => {
    expect(parseTime(v)).toHaveProperty('problem')
  })
})
