import { describe, expect, it } from 'vitest'
import { gapText, lastWindows, timeline } from './timeline.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const w = (iso: string) => ({ window_start: iso })

describe('a run of windows without traffic names its windows, first and last included', () => {
  it('daily windows: the empty days, not the next window’s day that had traffic', () => {
    // Windows on Nov 14 and Nov 19: Nov 15 to 18 had no traffic; Nov 19 did.
    const [gap] = timeline([w('2026-11-14T00:00:00.000Z'), w('2026-11-19T00:00:00.000Z')], DAY).gaps
    expect(gapText(gap!, DAY)).toBe('No traffic in 4 windows: 2026-11-15 – 2026-11-18 (4 UTC days; none evaluated)')
    expect(gapText({ from: '2026-11-15T00:00:00.000Z', to: '2026-11-16T00:00:00.000Z' }, DAY)).toBe('No traffic in 1 window: 2026-11-15 (UTC day; not evaluated)')
  })
  it('weekly windows: the days of the empty weeks', () => {
    expect(gapText({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-16T00:00:00.000Z' }, 7 * DAY)).toBe('No traffic in 2 windows: 2026-11-02 – 2026-11-15 (14 UTC days; none evaluated)')
  })
  it('hourly and shorter windows: the first and the last empty window, each with its end', () => {
    const [gap] = timeline([w('2026-01-10T13:00:00.000Z'), w('2026-01-10T18:00:00.000Z')], HOUR).gaps
    expect(gapText(gap!, HOUR)).toBe('No traffic in 4 windows: 2026-01-10 14:00–15:00 UTC to 2026-01-10 17:00–18:00 UTC (none evaluated)')
    expect(gapText({ from: '2026-01-10T14:00:00.000Z', to: '2026-01-10T15:00:00.000Z' }, HOUR)).toBe('No traffic in 1 window: 2026-01-10 14:00–15:00 UTC (not evaluated)')
    expect(gapText({ from: '2026-01-10T23:37:10.000Z', to: '2026-01-10T23:37:20.000Z' }, 5000)).toBe('No traffic in 2 windows: 2026-01-10 23:37:10–23:37:15 UTC to 2026-01-10 23:37:15–23:37:20 UTC (none evaluated)')
  })
  it('windows of whole days not starting at midnight are named by their times', () => {
    expect(gapText({ from: '2026-11-15T06:00:00.000Z', to: '2026-11-17T06:00:00.000Z' }, DAY)).toBe('No traffic in 2 windows: 2026-11-15 06:00 – 2026-11-16 06:00 UTC to 2026-11-16 06:00 – 2026-11-17 06:00 UTC (none evaluated)')
  })
})

describe('the windows of the last positions of the time axis', () => {
  const hourly = (hours: readonly number[]) => hours.map((h) => w(new Date(Date.UTC(2026, 0, 1, h)).toISOString()))
  it('the last n window sizes, a window without traffic taking its position', () => {
    const windows = hourly([0, 1, 2, 3, 7, 8, 9])
    expect(lastWindows(windows, HOUR, 3)).toEqual(hourly([7, 8, 9]))
    // Hours 4 to 6 had no traffic: the last 6 positions are hours 4 to 9.
    expect(lastWindows(windows, HOUR, 6)).toEqual(hourly([7, 8, 9]))
    expect(lastWindows(windows, HOUR, 7)).toEqual(hourly([3, 7, 8, 9]))
    expect(lastWindows(windows, HOUR, 100)).toEqual(windows)
  })
  it('without a window size, the windows of the last n starts; none of none', () => {
    expect(lastWindows(hourly([0, 1, 2, 3, 7, 8, 9]), undefined, 3)).toEqual(hourly([7, 8, 9]))
    expect(lastWindows(hourly([0, 5]), undefined, 1)).toEqual(hourly([5]))
    expect(lastWindows([], HOUR, 3)).toEqual([])
  })
})
