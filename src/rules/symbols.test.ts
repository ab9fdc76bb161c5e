import { describe, expect, it } from 'vitest'
import { conditionText, formatValue } from './symbols.js'
import type { Rule } from './schema.js'

describe('formatValue: a value never looks rounder than it is (alerts list prints value and threshold apart)', () => {
  it('a firing "< 0.8" value of 0.79996 is not printed as the threshold 0.8', () => {
    expect([formatValue(0.79996), formatValue(0.8)]).toEqual(['0.79996', '0.8'])
    expect(formatValue(0.2000049)).not.toBe(formatValue(0.2))
  })

  it('short figures stay short', () => {
    expect([formatValue(0.4512345), formatValue(0.2), formatValue(3), formatValue(1.45e-11)]).toEqual(['0.4512', '0.2', '3', '1.45e-11'])
    expect([formatValue(null), formatValue(Number.NaN), formatValue(Number.POSITIVE_INFINITY)]).toEqual(['n/a', 'n/a', '∞'])
  })

  it('the condition prints its threshold as configured', () => {
    const rule = { metric: 'fairness', statistic: 'disparate_impact_ratio', condition: { op: '<', threshold: 0.8, consecutive: 1 } } as unknown as Rule
    expect(conditionText(rule)).toBe('disparate impact ratio < 0.8')
  })
})
