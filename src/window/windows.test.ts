import { describe, expect, it } from 'vitest'
import { formatDuration, parseDurationMs } from './duration.js'
import { isClosed, watermark, windowStart } from './windows.js'

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
    ['250ms', 250],
    [1000, 1000],
  ])('%s -> %d ms', (input, ms) => expect(parseDurationMs(input)).toBe(ms))

  it.each(['', '1 hour', '-1h', 'h', '1y', Number.NaN, -5])('rejects %s', (input) => expect(parseDurationMs(input as string)).toBeNull())

  it('formats back to the largest whole unit', () => {
    expect([86_400_000, 3_600_000, 5_400_000, 1500].map(formatDuration)).toEqual(['1d', '1h', '90m', '1500ms'])
  })
})

describe('tumbling windows', () => {
  const day = 86_400_000
  it('aligns to the epoch (UTC days)', () => {
    expect(windowStart(Date.UTC(2026, 10, 1, 23, 59, 59, 999), day)).toBe(Date.UTC(2026, 10, 1))
    expect(windowStart(Date.UTC(2026, 10, 2), day)).toBe(Date.UTC(2026, 10, 2))
  })

  it('closes a window once the watermark passes its end', () => {
    const spec = { sizeMs: day, allowedLatenessMs: 3_600_000 }
    const start = Date.UTC(2026, 10, 1)
    expect(isClosed(start, spec, watermark(start + day + 3_599_999, spec))).toBe(false)
    expect(isClosed(start, spec, watermark(start + day + 3_600_000, spec))).toBe(true)
  })
})
