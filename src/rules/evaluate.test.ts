import { describe, expect, it } from 'vitest'
import { compare, matches, selected, verdict } from './condition.js'
import { evaluateRule, type MetricPoint } from './evaluate.js'
import { parseRuleFile } from './parse.js'

const DAY = 86_400_000
const rule = (yaml: string) => parseRuleFile(`rules:\n  - name: r\n${yaml}`, 'r.yaml').rules[0]!
const psi = (consecutive = 1, minSamples = 0) =>
  rule(`    metric: drift\n    statistic: psi\n    condition: { op: '>=', threshold: 0.2, consecutive: ${consecutive}, minSamples: ${minSamples} }\n`)
const point = (subject: string, day: number, value: number | null, n: number | null = 1000, model = 'm'): MetricPoint => ({
  modelId: model, modelVersion: 'v1', subject, labels: { model, version: 'v1', feature: subject },
  windowStartMs: day * DAY, windowEndMs: (day + 1) * DAY, value, n,
})

describe('conditions', () => {
  it('compares, and never breaches on a missing or NaN value', () => {
    expect([compare('>', 2, 1), compare('>=', 1, 1), compare('<', 1, 1), compare('<=', 1, 1), compare('==', 1, 1), compare('!=', 1, 1)]).toEqual([true, true, false, true, true, false])
    expect(compare('<', null, 1)).toBe(false)
    expect(compare('!=', Number.NaN, 1)).toBe(false)
    expect(compare('>', Number.POSITIVE_INFINITY, 1)).toBe(true)
  })

  it('gives no verdict below minSamples', () => {
    const c = { op: '>' as const, threshold: 0, consecutive: 1, minSamples: 10 }
    expect([verdict(c, 1, 9), verdict(c, 1, 10), verdict(c, -1, 10), verdict(c, 1, null)]).toEqual(['unknown', 'breach', 'clear', 'unknown'])
  })

  it('matches selectors with globs, and a selector on a missing dimension selects nothing', () => {
    expect(matches(['loan-*'], 'loan-approval')).toBe(true)
    expect(matches(['loan-*'], 'xloan-approval')).toBe(false)
    expect(matches(['a.b'], 'axb')).toBe(false)
    expect(matches(undefined, 'anything')).toBe(true)
    expect(selected({ model: ['m'] }, { model: 'm', version: 'v1' })).toBe(true)
    expect(selected({ feature: ['income'] }, { model: 'm', version: 'v1' })).toBe(false)
  })
})

describe('evaluateRule', () => {
  it('breaches when the newest N windows all breach', () => {
    const points = [point('income', 1, 0.1), point('income', 2, 0.3), point('income', 3, 0.25), point('age', 2, 0.5), point('age', 3, 0.1)]
    const v = evaluateRule(psi(2), points)
    expect(v.map((x) => [x.subject, x.state, x.latest.windowStartMs / DAY])).toEqual([
      ['age', 'clear', 3],
      ['income', 'breaching', 3],
    ])
  })

  it('is not breaching with fewer windows than asked, nor when an older window in the run is clear', () => {
    expect(evaluateRule(psi(3), [point('x', 1, 0.3), point('x', 2, 0.3)])[0]!.state).toBe('unknown')
    expect(evaluateRule(psi(3), [point('x', 1, 0.1), point('x', 2, 0.3), point('x', 3, 0.3)])[0]!.state).toBe('unknown')
  })

  it('skips windows without a verdict (too few samples, no value)', () => {
    const v = evaluateRule(psi(2, 100), [point('x', 1, 0.3), point('x', 2, 0.3), point('x', 3, 0.01, 5), point('x', 4, null)])
    expect(v[0]).toMatchObject({ state: 'breaching', latest: { windowStartMs: 2 * DAY } })
    expect(evaluateRule(psi(1, 100), [point('x', 1, 0.3, 5)])[0]!.state).toBe('unknown')
  })

  it('applies the rule selectors and keeps series of different models apart', () => {
    const r = rule(`    metric: drift\n    statistic: psi\n    select: { model: [a], feature: inc* }\n    condition: { op: '>=', threshold: 0.2 }\n`)
    const v = evaluateRule(r, [point('income', 1, 0.3, 1000, 'a'), point('income', 1, 0.3, 1000, 'b'), point('age', 1, 0.3, 1000, 'a')])
    expect(v.map((x) => [x.modelId, x.subject])).toEqual([['a', 'income']])
  })

  it('returns nothing for no points', () => {
    expect(evaluateRule(psi(), [])).toEqual([])
  })
})
