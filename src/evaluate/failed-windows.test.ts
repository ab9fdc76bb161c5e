import { describe, expect, it } from 'vitest'
import { MARK_OVERLAP_MS } from './due.js'
import { FailedWindows, MAX_RETRY_DELAY_MS, needsNewMark, retryDelayMs, windowKey } from './failed-windows.js'

describe('windows set aside after a failure', () => {
  it('backs off from the evaluation interval, doubling, up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000])
    expect(retryDelayMs(7, 10_000)).toBe(MAX_RETRY_DELAY_MS)
    expect(retryDelayMs(10_000, 10_000)).toBe(MAX_RETRY_DELAY_MS) // no overflow to Infinity or NaN
    expect(retryDelayMs(1, 30 * 60_000)).toBe(MAX_RETRY_DELAY_MS) // an interval above the cap
  })

  it('waits until the retry time, counts attempts in a row, and forgets a window that succeeds', () => {
    const f = new FailedWindows(10_000)
    const a = windowKey({ modelId: 'm', modelVersion: 'v1', startMs: 0 })
    const b = windowKey({ modelId: 'm', modelVersion: 'v1', startMs: 3_600_000 })
    expect(f.waiting(a, 0)).toBe(false) // never failed: evaluated as usual
    expect(f.failed(a, 1_000)).toEqual({ attempts: 1, retryAtMs: 11_000 })
    expect(f.waiting(a, 10_999)).toBe(true)
    expect(f.waiting(a, 11_000)).toBe(false)
    expect(f.waiting(b, 5_000)).toBe(false) // one window's failure holds no other back
    expect(f.failed(a, 11_000)).toEqual({ attempts: 2, retryAtMs: 31_000 })
    f.succeeded(a)
    expect(f.size).toBe(0)
    expect(f.failed(a, 40_000)).toEqual({ attempts: 1, retryAtMs: 50_000 })
  })

  it('marks a waiting window again before the cursor leaves its newest mark out of the next pass', () => {
    const cursor = 1_000_000_000
    expect(needsNewMark(cursor - 1000, cursor)).toBe(false)
    expect(needsNewMark(cursor - MARK_OVERLAP_MS / 2 + 1, cursor)).toBe(false)
    expect(needsNewMark(cursor - MARK_OVERLAP_MS / 2, cursor)).toBe(true)
    expect(needsNewMark(cursor - MARK_OVERLAP_MS, cursor)).toBe(true) // the next pass would read marks newer than this only
  })
})

describe('a window a resource limit stops', () => {
  it('is over its limit from the second time in a row, until it succeeds', () => {
    const f = new FailedWindows(60_000)
    expect(f.overLimit('w')).toBe(false)
    expect(f.overLimit('other')).toBe(false)
    expect(f.overLimit('w')).toBe(true)
    expect(f.overLimit('w')).toBe(true)
    f.succeeded('w')
    expect(f.overLimit('w')).toBe(false)
  })
})
