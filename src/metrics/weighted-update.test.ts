/**
 * The accumulator contract of ./types.ts, property-style over random inputs, for every
 * accumulator: update(s, x, n) equals n calls of update(s, x) (exactly for counts, within 1e-9
 * relative for sums), weight 0 changes nothing, update returns the state it was given (the one
 * mutation rule), and a negative or non-finite weight is a RangeError.
 */
import { describe, expect, it } from 'vitest'
import { categoryAccumulator } from './drift/category-accumulator.js'
import { histogramAccumulator } from './drift/histogram-accumulator.js'
import { fairnessAccumulator } from './fairness/fairness-report.js'
import { calibrationAccumulator } from './performance/calibration.js'
import { cbpeAccumulator } from './performance/cbpe.js'
import { confusionAccumulator } from './performance/confusion-matrix.js'
import { ovrScoreHistogramAccumulator } from './performance/ovr-score-histogram.js'
import { probabilisticAccumulator } from './performance/probabilistic.js'
import { regressionAccumulator } from './performance/regression.js'
import { scoreHistogramAccumulator } from './performance/score-histogram.js'
import { seededRandom } from '../../test/support/unit/metric-checks.js'
import { buildProfile, type Row } from './profile/index.js'
import { outlierAccumulator } from './quality/outlier-accumulator.js'
import { qualityAccumulator } from './quality/quality-accumulator.js'
import type { Accumulator } from './types.js'

type Rnd = () => number
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
/** Mostly valid values, sometimes the invalid ones each accumulator must exclude. */
const probability = (rnd: Rnd) => pick(rnd, [rnd(), rnd(), rnd(), Math.round(rnd() * 10) / 10, 0, 1, 1.5, Number.NaN])
const binary = (rnd: Rnd) => pick(rnd, [0, 1, 0, 1, 2])
const real = (rnd: Rnd) => pick(rnd, [rnd() * 100 - 50, rnd() * 1e6, -rnd(), 0, Number.NaN, Number.POSITIVE_INFINITY])

/** Deep comparison of two states: numbers within 1e-9 (relative above 1), NaN equal to NaN, Maps by entries. */
function expectClose(actual: unknown, expected: unknown, path = 'state'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number')
    const a = actual as number
    if (Number.isNaN(expected)) return void expect(Number.isNaN(a), `${path}: ${a} vs NaN`).toBe(true)
    if (!Number.isFinite(expected)) return void expect(a, path).toBe(expected)
    expect(Math.abs(a - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${path}: ${a} vs ${expected}`).toBe(true)
    return
  }
  if (expected instanceof Map) {
    expect(actual, path).toBeInstanceOf(Map)
    const a = actual as Map<unknown, unknown>
    expect([...a.keys()].sort(), path).toEqual([...expected.keys()].sort())
    for (const [k, v] of expected) expectClose(a.get(k), v, `${path}.${String(k)}`)
    return
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object', path).toBe(true)
    const a = actual as Record<string, unknown>
    const e = expected as Record<string, unknown>
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(e).sort())
    for (const k of Object.keys(e)) expectClose(a[k], e[k], `${path}.${k}`)
    return
  }
  expect(actual, path).toEqual(expected)
}

function expectWeightedEqualsRepeated<S, X, R>(name: string, acc: Accumulator<S, X, R>, gen: (rnd: Rnd) => X, seed: number): void {
  const rnd = seededRandom(seed)
  for (let trial = 0; trial < 100; trial++) {
    const steps = Array.from({ length: 1 + Math.floor(rnd() * 25) }, () => ({ x: gen(rnd), weight: Math.floor(rnd() * 7) }))
    const weighted = acc.create()
    const repeated = acc.create()
    for (const { x, weight } of steps) {
      expect(acc.update(weighted, x, weight)).toBe(weighted)
      for (let i = 0; i < weight; i++) expect(acc.update(repeated, x)).toBe(repeated)
    }
    expectClose(weighted, repeated, `${name} trial ${trial}`)
    // Results follow from states; comparing some keeps the slower ones (CBPE) quick.
    if (trial < 20) expectClose(acc.result(weighted), acc.result(repeated), `${name} trial ${trial} result`)
  }
  const state = acc.create()
  const x = gen(rnd)
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => acc.update(state, x, bad), `${name} weight ${bad}`).toThrow(RangeError)
  expectClose(acc.update(acc.create(), x, 0), acc.create(), `${name} weight 0`)
}

const reference: Row[] = Array.from({ length: 200 }, (_, i) => ({ age: 20 + (i % 50), city: `c${i % 7}`, score: (i % 10) / 10 }))
const profile = buildProfile(reference, { kinds: { age: 'numerical', city: 'categorical', score: 'numerical' } })
const row = (rnd: Rnd): Row => ({
  age: pick(rnd, [rnd() * 80, 25, 19, 120, null, 'forty']),
  city: pick(rnd, ['c1', 'c2', 'c6', 'new', 'other', null, 7]),
  ...(rnd() < 0.8 ? { score: rnd() } : {}),
})

describe('weighted update equals repeated update', () => {
  it('confusionAccumulator', () => {
    const label = (rnd: Rnd) => pick(rnd, ['a', 'b', 'c', 1, 0, '', Number.NaN])
    expectWeightedEqualsRepeated('confusion', confusionAccumulator(), (rnd) => ({ yTrue: label(rnd), yPred: label(rnd) }), 1)
  })
  it('regressionAccumulator', () => {
    expectWeightedEqualsRepeated('regression', regressionAccumulator(), (rnd) => ({ yTrue: real(rnd), yPred: real(rnd) }), 2)
  })
  it('cbpeAccumulator', () => {
    expectWeightedEqualsRepeated('cbpe', cbpeAccumulator({ nBins: 50 }), (rnd) => (rnd() < 0.5 ? { score: probability(rnd) } : { score: probability(rnd), yPred: binary(rnd) }), 3)
  })
  it('calibrationAccumulator', () => {
    expectWeightedEqualsRepeated('calibration', calibrationAccumulator({ nBins: 10 }), (rnd) => ({ probability: probability(rnd), outcome: binary(rnd) }), 4)
  })
  it('scoreHistogramAccumulator', () => {
    expectWeightedEqualsRepeated('score histogram', scoreHistogramAccumulator({ nBins: 20 }), (rnd) => ({ yTrue: binary(rnd), score: probability(rnd) }), 5)
  })
  it('ovrScoreHistogramAccumulator', () => {
    const classes = ['a', 'b', 'c']
    expectWeightedEqualsRepeated('ovr', ovrScoreHistogramAccumulator({ classes, nBins: 20 }), (rnd) => ({ yTrue: pick(rnd, [...classes, 'z']), scores: classes.map(() => probability(rnd)) }), 6)
  })
  it('probabilisticAccumulator', () => {
    expectWeightedEqualsRepeated('probabilistic', probabilisticAccumulator({ nBins: 10 }), (rnd) => ({ yTrue: binary(rnd), probability: probability(rnd) }), 7)
  })
  it('histogramAccumulator', () => {
    expectWeightedEqualsRepeated('histogram', histogramAccumulator([-1, 0, 0.5, 10]), real, 8)
  })
  it('categoryAccumulator', () => {
    expectWeightedEqualsRepeated('category', categoryAccumulator, (rnd) => pick(rnd, ['x', 'y', 'z', '', null, undefined]), 9)
  })
  it('fairnessAccumulator', () => {
    const gen = (rnd: Rnd) => {
      const x = { group: pick(rnd, ['A', 'B', 'C', '']), yTrue: binary(rnd), yPred: binary(rnd) }
      return rnd() < 0.5 ? x : { ...x, score: probability(rnd) }
    }
    expectWeightedEqualsRepeated('fairness', fairnessAccumulator({ minGroupSize: 1 }), gen, 10)
  })
  it('qualityAccumulator', () => {
    expectWeightedEqualsRepeated('quality', qualityAccumulator(profile), row, 11)
  })
  it('outlierAccumulator', () => {
    expectWeightedEqualsRepeated('outlier', outlierAccumulator(profile), row, 12)
  })
})
