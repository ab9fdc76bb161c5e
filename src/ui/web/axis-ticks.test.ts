import { describe, expect, it } from 'vitest'
import { type AxisOptions, axisPlans, intervalsFor, niceStep, planAxis } from './axis-ticks.js'

const labels = (values: readonly number[], options?: AxisOptions) => planAxis(values, options).ticks.map((t) => t.label)
const read = (label: string) => Number(label.replaceAll(',', ''))

/** What every axis must be: ticks ascending within its bounds, labels distinct and reading their tick, every value on the axis. */
function expectReadable(values: readonly number[], options?: AxisOptions): void {
  const plan = planAxis(values, options)
  const shown = plan.ticks.map((t) => t.label).join(' | ')
  expect(plan.min, shown).toBeLessThan(plan.max)
  expect(Number.isFinite(plan.min) && Number.isFinite(plan.max), shown).toBe(true)
  expect(plan.ticks.length, shown).toBeGreaterThanOrEqual(2)
  expect(plan.ticks.length, shown).toBeLessThanOrEqual(12)
  expect(new Set(plan.ticks.map((t) => t.label)).size, shown).toBe(plan.ticks.length)
  const step = plan.ticks.length > 1 ? plan.ticks[1]!.value - plan.ticks[0]!.value : 1
  plan.ticks.forEach((t, i) => {
    if (i > 0) expect(t.value, shown).toBeGreaterThan(plan.ticks[i - 1]!.value)
    expect(t.value, shown).toBeGreaterThanOrEqual(plan.min)
    expect(t.value, shown).toBeLessThanOrEqual(plan.max)
    expect(Math.abs(read(t.label) - t.value), `${t.label} reads ${t.value}`).toBeLessThanOrEqual(Math.abs(step) * 1e-6)
  })
  for (const v of values) {
    if (!Number.isFinite(v)) continue
    if (options?.min === undefined) expect(v, shown).toBeGreaterThanOrEqual(plan.min)
    if (options?.max === undefined) expect(v, shown).toBeLessThanOrEqual(plan.max)
  }
}

describe('axis ticks read apart at any magnitude', () => {
  it('an RMSE near 1e300: every tick its own label (regression: several ticks read "2E300")', () => {
    expect(labels([1.5e300, 2e300, 2.5e300])).toEqual(['1.4e+300', '1.6e+300', '1.8e+300', '2.0e+300', '2.2e+300', '2.4e+300', '2.6e+300'])
    expect(labels([1.0e300, 1.3e300, 2.2e300])).toEqual(['1.00e+300', '1.25e+300', '1.50e+300', '1.75e+300', '2.00e+300', '2.25e+300'])
    expectReadable([1.51e300, 1.52e300, 1.515e300, 1.55e300])
    expectReadable([1e300, 1.0000001e300])
  })

  it('very large, up to the largest double, without overflowing to Infinity', () => {
    expectReadable([1e15, 3e15])
    expectReadable([1.7e308, Number.MAX_VALUE])
    expectReadable([Number.MAX_VALUE])
    expectReadable([-Number.MAX_VALUE, Number.MAX_VALUE])
  })

  it('very small, subnormals included', () => {
    expect(labels([1e-5, 2.3e-5])).toEqual(['1.0e-5', '1.5e-5', '2.0e-5', '2.5e-5'])
    expectReadable([1e-300, 3e-300, 2.5e-300, 1.2e-300])
    expectReadable([5e-324, 1e-323])
    expectReadable([Number.MIN_VALUE])
    expectReadable([4.2e-7])
  })

  it('negative, and across 0 (no "-0")', () => {
    expect(labels([-5.3, -1.2, -3])).toEqual(['-6', '-5', '-4', '-3', '-2', '-1'])
    expectReadable([-3.2e5, -1.1e5, -2.7e5, -0.4e5])
    expectReadable([-1e300, 2e300])
    expect(labels([-0.4, 0.3])).toContain('0')
    expect(labels([-0.4, 0.3])).not.toContain('-0')
  })

  it('a flat series and a single point get a range around their value', () => {
    expect(labels([7, 7, 7])).toEqual(['6.6', '6.8', '7.0', '7.2', '7.4'])
    expect(labels([0])).toEqual(['-1.0', '-0.5', '0', '0.5', '1.0'])
    for (const v of [1e300, -1e300, 1e-300, 0.8, -2, 123456789]) {
      expectReadable([v, v, v])
      expectReadable([v])
    }
  })

  it('fixed bounds stay as given, labelled at both ends when a nice step fits them', () => {
    expect(planAxis([0.3, 0.5], { min: 0, max: 1.2 })).toMatchObject({ min: 0, max: 1.2 })
    expect(labels([0.3, 0.5], { min: 0, max: 1.2 })).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0', '1.2'])
    expect(labels([36, 86], { min: 0, max: 100 })).toEqual(['0', '20', '40', '60', '80', '100'])
    expect(labels([], { min: 0, max: 1 })).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0'])
    // Only a lower bound (share axes): the top fits the data.
    expect(planAxis([0.25, 0.7], { min: 0 })).toMatchObject({ min: 0, max: 0.8 })
    expectReadable([0.5], { min: 0 })
    expectReadable([0, 0], { min: 0 })
  })

  it('bars hold 0; thousands are grouped below a million, an exponent above', () => {
    expect(planAxis([1593, 1601], { includeZero: true })).toMatchObject({ min: 0, max: 2000 })
    expect(labels([1593, 1601], { includeZero: true })).toEqual(['0', '500', '1,000', '1,500', '2,000'])
    expect(labels([123456, 987654])).toEqual(['0', '200,000', '400,000', '600,000', '800,000', '1,000,000'])
    expect(labels([1.2e6, 3.4e6])).toEqual(['1.0e+6', '1.5e+6', '2.0e+6', '2.5e+6', '3.0e+6', '3.5e+6'])
  })

  it('no values: 0 to 1; values that are not finite are left out', () => {
    expect(planAxis([])).toMatchObject({ min: 0, max: 1 })
    expectReadable([Number.NaN, Number.POSITIVE_INFINITY, 0.4, 0.9])
    expect(planAxis([Number.NEGATIVE_INFINITY, 0.4, 0.9])).toMatchObject({ min: 0.4, max: 0.9 })
  })

  it('steps are 1, 2, 2.5 or 5 times a power of 10', () => {
    expect(niceStep(0, 1, 5)).toBe(0.2)
    expect(niceStep(0, 1.2, 5)).toBe(0.25)
    expect(niceStep(0, 100, 5)).toBe(20)
    expect(niceStep(-Number.MAX_VALUE, Number.MAX_VALUE, 5)).toBe(1e308)
    for (const [lo, hi] of [[0, 7], [1e300, 2.9e300], [-3e-9, 4e-9]] as const) {
      const step = niceStep(lo, hi, 5)
      const m = step / 10 ** Math.floor(Math.log10(step))
      expect([1, 2, 2.5, 5].some((n) => Math.abs(m - n) < 1e-9), `${step}`).toBe(true)
    }
  })
})

describe('a chart spec\'s axes', () => {
  it('the left axis holds its series and the reference line, the right one its own series; a bar chart holds 0', () => {
    const plans = axisPlans({
      kind: 'line', title: 't', labels: ['a', 'b'], refLine: { value: 0.8, label: '4/5' }, rightMin: 0, rightMax: 100,
      series: [{ name: 'ratio', values: [0.5, null] }, { name: 'interval', values: [[0.4, 0.62]] }, { name: 'coverage (%)', values: [36, 86], axis: 'right' }],
    })
    expect(plans.y).toMatchObject({ min: 0.4, max: 0.8 })
    expect(plans.y2).toMatchObject({ min: 0, max: 100 })
    expect(axisPlans({ kind: 'bar', title: 't', labels: ['a'], series: [{ name: 'n', values: [1e300] }] }).y.min).toBe(0)
    expect(axisPlans({ kind: 'line', title: 't', labels: ['a'], series: [{ name: 'n', values: [1e300] }] }).y2).toBeUndefined()
  })
})

describe('ticks for the height an axis has', () => {
  it('fewer intervals on a short axis (2 at least, 5 at most), both fixed ends still labelled', () => {
    expect([40, 100, 130, 300, 1000].map(intervalsFor)).toEqual([2, 3, 4, 5, 5])
    expect(labels([0.3], { min: 0, max: 1, intervals: intervalsFor(100) })).toEqual(['0', '0.5', '1.0'])
    // No nice step lands on 1.2 in 3 or 4 intervals: the top is left unlabelled rather than crowded.
    expect(labels([0.3], { min: 0, max: 1.2, intervals: intervalsFor(100) })).toEqual(['0', '0.5', '1.0'])
    // Two intervals from 0 to 2,002 would round out to 4,000, half the axis empty: three, to 3,000.
    expect(planAxis([1800, 2002], { includeZero: true, intervals: 2 })).toMatchObject({ min: 0, max: 3000 })
    expect(labels([1800, 2002], { includeZero: true, intervals: 2 })).toEqual(['0', '1,000', '2,000', '3,000'])
    for (const n of [2, 3, 4]) {
      expectReadable([1.0e300, 1.3e300, 2.2e300], { intervals: n })
      expectReadable([1e-300, 3e-300], { intervals: n })
      expectReadable([7, 7], { intervals: n })
    }
  })
})
