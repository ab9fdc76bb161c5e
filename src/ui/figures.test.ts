import { describe, expect, it } from 'vitest'
import { compact, duration, figure, percent, referenceText, utcTime, versus, windowLabel, windowStartLabel } from './figures.js'

describe('versus: a value next to its threshold', () => {
  it('gets more decimals until the two differ when they differ (the reviewer’s 0.7996 under 0.8)', () => {
    expect(versus(0.7996, 0.8, 2)).toEqual({ value: '0.7996', threshold: '0.8000' })
    expect(versus(0.79996, 0.8, 3)).toEqual({ value: '0.79996', threshold: '0.80000' })
    expect(versus(0.04999, 0.05, 4)).toEqual({ value: '0.04999', threshold: '0.05000' })
    // Told apart as numbers: never 1.00e-4 next to 0.0001.
    for (const [v, t, d] of [[0.0000999996, 0.0001, 4], [0.0000999999, 0.0001, 2]] as const) {
      const shown = versus(v, t, d)
      expect(Number(shown.value), JSON.stringify(shown)).not.toBe(Number(shown.threshold))
      expect(Number(shown.value)).toBeLessThan(Number(shown.threshold))
    }
    expect(versus(-0.5, -0.49999)).toEqual({ value: '-0.50000', threshold: '-0.49999' })
    // Two doubles one ulp apart still print differently.
    const below = 0.8 - Number.EPSILON / 2
    const shown = versus(below, 0.8)
    expect(shown.value).not.toBe(shown.threshold)
    expect(Number(shown.value)).toBeLessThan(Number(shown.threshold))
  })

  it('keeps the given decimals when they already differ, or when the numbers are equal', () => {
    expect(versus(0.2134, 0.2)).toEqual({ value: '0.2134', threshold: '0.2000' })
    expect(versus(0.8, 0.8, 2)).toEqual({ value: '0.80', threshold: '0.80' })
    expect(versus(0.9, 0.8, 2)).toEqual({ value: '0.90', threshold: '0.80' })
  })

  it('tiny p-values in exponent form, still told apart; a missing side is "-"', () => {
    expect(versus(1e-5, 0.05)).toEqual({ value: '1.00e-5', threshold: '0.0500' })
    expect(versus(1.00001e-5, 1e-5)).toEqual({ value: '1.00001e-5', threshold: '1.00000e-5' })
    expect(versus(null, 0.05)).toEqual({ value: '-', threshold: '0.0500' })
    expect(versus(Number.NaN, 0.05)).toEqual({ value: '-', threshold: '0.0500' })
    expect(versus(0.3, null)).toEqual({ value: '0.3000', threshold: '-' })
  })
})

describe('figure and compact', () => {
  it('figure: fixed decimals, an exponent when tiny, "-" for no figure', () => {
    expect(figure(0.25, 2)).toBe('0.25')
    expect(figure(1.45e-11, 4)).toBe('1.45e-11')
    expect(figure(0)).toBe('0.000')
    expect([figure(null), figure(undefined), figure(Number.NaN)]).toEqual(['-', '-', '-'])
    // ±∞ is a value (an overflowed rmse), as a number or as the read API sends it.
    expect([figure(Number.POSITIVE_INFINITY), figure(Number.NEGATIVE_INFINITY), figure('Infinity'), figure('-Infinity')]).toEqual(['∞', '−∞', '∞', '−∞'])
    expect(versus('Infinity', 100, 3)).toEqual({ value: '∞', threshold: '100.000' })
  })

  it('compact: short, but never rounder than the value (0.79996 is not 0.8)', () => {
    expect(compact(0.79996)).toBe('0.79996')
    expect(compact(0.2000049)).toBe('0.200005')
    expect(compact(0.8)).toBe('0.8')
    expect(compact(0.45123456)).toBe('0.4512')
    expect(compact(12)).toBe('12')
    expect(compact(0.1 + 0.2)).toBe('0.3') // float noise is not a difference
    expect(compact(1.45e-11)).toBe('1.45e-11')
    expect([compact(null), compact(Number.NaN), compact(Number.POSITIVE_INFINITY), compact(Number.NEGATIVE_INFINITY)]).toEqual(['n/a', 'n/a', '∞', '−∞'])
  })
})

describe('units', () => {
  it('coverage is a percent', () => {
    expect(percent(0.25)).toBe('25.0%')
    expect(percent(1)).toBe('100.0%')
    expect(percent(null)).toBe('-')
  })

  it('durations in the largest whole unit', () => {
    expect(duration(15 * 60_000)).toBe('15 min')
    expect(duration(3_600_000)).toBe('1 h')
    expect(duration(86_400_000)).toBe('1 d')
    expect(duration(36 * 3_600_000)).toBe('36 h')
    expect(duration(90_000)).toBe('90 s')
    expect(duration(1500)).toBe('1500 ms')
  })

  it('times say UTC; a daily window is one UTC day, not two dates', () => {
    expect(utcTime('2026-01-10T14:30:00.000Z')).toBe('2026-01-10 14:30 UTC')
    expect(windowStartLabel('2026-01-10T00:00:00.000Z')).toBe('2026-01-10 UTC')
    expect(windowStartLabel('2026-01-10T14:00:00.000Z')).toBe('2026-01-10 14:00 UTC')
    expect(windowLabel('2026-01-10T00:00:00.000Z', '2026-01-11T00:00:00.000Z')).toBe('2026-01-10 (UTC day)')
    expect(windowLabel('2026-01-10T00:00:00.000Z', '2026-01-17T00:00:00.000Z')).toBe('2026-01-10 – 2026-01-16 (7 UTC days)')
    expect(windowLabel('2026-01-10T14:00:00.000Z', '2026-01-10T14:15:00.000Z')).toBe('2026-01-10 14:00–14:15 UTC')
    expect(windowLabel('2026-01-10T23:00:00.000Z', '2026-01-11T00:00:00.000Z')).toBe('2026-01-10 23:00 – 2026-01-11 00:00 UTC')
  })

  it('windows shorter than a minute get seconds, so that two of them never read the same', () => {
    // 5 s windows: two neighbours within one minute.
    expect(windowLabel('2026-01-10T23:37:05.000Z', '2026-01-10T23:37:10.000Z')).toBe('2026-01-10 23:37:05–23:37:10 UTC')
    expect(windowLabel('2026-01-10T23:37:10.000Z', '2026-01-10T23:37:15.000Z')).toBe('2026-01-10 23:37:10–23:37:15 UTC')
    // A window on whole minutes ending off one (90 s), and one across midnight.
    expect(windowLabel('2026-01-10T23:37:00.000Z', '2026-01-10T23:38:30.000Z')).toBe('2026-01-10 23:37:00–23:38:30 UTC')
    expect(windowLabel('2026-01-10T23:59:55.000Z', '2026-01-11T00:00:00.000Z')).toBe('2026-01-10 23:59:55 – 2026-01-11 00:00:00 UTC')
    // Starts: seconds when the start is off a whole minute, or the window length is.
    expect(windowStartLabel('2026-01-10T23:37:05.000Z')).toBe('2026-01-10 23:37:05 UTC')
    expect(windowStartLabel('2026-01-10T23:37:00.000Z', 5000)).toBe('2026-01-10 23:37:00 UTC')
    expect(windowStartLabel('2026-01-10T00:00:00.000Z', 5000)).toBe('2026-01-10 00:00:00 UTC')
    expect(windowStartLabel('2026-01-10T00:00:00.000Z', 86_400_000)).toBe('2026-01-10 UTC')
    expect(windowStartLabel('2026-01-10T14:00:00.000Z', 900_000)).toBe('2026-01-10 14:00 UTC')
    expect(utcTime('2026-01-10T14:30:05.000Z', true)).toBe('2026-01-10 14:30:05 UTC')
  })
})

describe('a reference period as the UI prints it', () => {
  it('in UTC labels, whole days with the last day included, not raw ISO with an end that reads as included', () => {
    expect(referenceText('2026-11-01T00:00:00.000Z..2026-11-05T00:00:00.000Z')).toBe('2026-11-01 – 2026-11-04 (4 UTC days)')
    expect(referenceText('all versions 2026-11-01T00:00:00.000Z..2026-11-02T00:00:00.000Z')).toBe('all versions 2026-11-01 (UTC day)')
    expect(referenceText('version v1 2026-01-09T00:00:00.000Z..2026-01-10T00:00:00.000Z')).toBe('version v1 2026-01-09 (UTC day)')
  })
  it('anything else names both times and says the end is excluded', () => {
    expect(referenceText('2026-11-01T06:00:00.000Z..2026-11-05T06:00:00.000Z')).toBe('2026-11-01 06:00 – 2026-11-05 06:00 UTC, end excluded')
    expect(referenceText('version v2 2026-01-10T14:00:00.000Z..2026-01-10T16:00:00.000Z')).toBe('version v2 2026-01-10 14:00–16:00 UTC, end excluded')
  })
  it('descriptions without a period are kept', () => {
    expect(referenceText('previous 2 window(s) of the same version')).toBe('previous 2 window(s) of the same version')
    expect(referenceText('baseline profile 3')).toBe('baseline profile 3')
  })
})
