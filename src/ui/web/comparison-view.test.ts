import { describe, expect, it } from 'vitest'
import { type ComparisonWindow, differenceChart, openFrom } from './comparison-view.js'

const row = { metric: 'roc_auc', method: 'delong', champion_version: 'v1', challenger_version: 'v2', champion_value: 0.8, challenger_value: 0.82, difference: 0.02, ci_low: -0.01, ci_high: 0.05, p_value: 0.2, n_champion: 100, n_challenger: 100 }
const day = (d: number): ComparisonWindow => ({ window_start: `2026-01-${d}T00:00:00.000Z`, window_end: `2026-01-${d + 1}T00:00:00.000Z`, comparisons: [row] })

describe('challenger − champion chart: open windows are marked, as on the other charts', () => {
  it('windows from the first open one on are "(open)"', () => {
    const open = openFrom([{ window_start: '2026-01-12T00:00:00.000Z', closed: false }, { window_start: '2026-01-11T00:00:00.000Z', closed: true }])
    expect(open).toBe('2026-01-12T00:00:00.000Z')
    expect(differenceChart([day(10), day(11), day(12)], 'roc_auc', open).labels).toEqual(['2026-01-10 UTC', '2026-01-11 UTC', '2026-01-12 UTC (open)'])
    expect(openFrom([{ window_start: '2026-01-12T00:00:00.000Z', closed: true }])).toBeNull()
    expect(differenceChart([day(10)], 'roc_auc', null).labels).toEqual(['2026-01-10 UTC'])
  })
})
