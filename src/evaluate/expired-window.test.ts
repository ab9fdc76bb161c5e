import { describe, expect, it } from 'vitest'
import { expirableBeforeMs, keepsStoredEvaluation } from './expired-window.js'

const DAY = 86_400_000

describe('keepsStoredEvaluation', () => {
  it('keeps a stored evaluation that counted predictions when none are found any more in a window old enough to have expired', () => {
    expect(keepsStoredEvaluation({ storedPredictions: 40, foundPredictions: 0, expirable: true })).toBe(true)
  })

  it.each([
    ['predictions are still found', { storedPredictions: 40, foundPredictions: 3, expirable: true }],
    ['nothing was stored before', { storedPredictions: 0, foundPredictions: 0, expirable: true }],
    ['the stored evaluation counted none', { storedPredictions: 0, foundPredictions: 5, expirable: true }],
    ['the window is too recent for its predictions to have expired', { storedPredictions: 40, foundPredictions: 0, expirable: false }],
  ])('evaluates as usual when %s', (_what, counts) => {
    expect(keepsStoredEvaluation(counts)).toBe(false)
  })
})

describe('expirableBeforeMs', () => {
  it('is the start a window must precede for an event ingested at most maxFutureMs before its event time to have expired', () => {
    const now = Date.UTC(2026, 11, 1)
    const before = expirableBeforeMs(now, 90 * DAY, DAY)
    expect(before).toBe(now - 89 * DAY)
    // The latest-ingested event such a window can hold: event time at its start, ingested
    // maxFutureMs earlier; it expires at ingest + retention.raw, which is before now exactly when
    // the window starts before the bound.
    for (const start of [before - 1, before, before + 1]) expect(start - DAY + 90 * DAY < now).toBe(start < before)
  })
})
