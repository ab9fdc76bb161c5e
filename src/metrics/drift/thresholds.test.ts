import { describe, expect, it } from 'vitest'
import { DriftThresholdsSchema, thresholdRangeProblem } from './thresholds.js'

const problems = (value: unknown) => {
  const r = DriftThresholdsSchema.safeParse({ f: value })
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('drift thresholds are range-checked per method', () => {
  it('refuses a negative or zero distance threshold, which would flag drift in every window', () => {
    expect(problems({ method: 'psi', threshold: -1 })).toEqual([expect.stringMatching(/^f\.threshold: a threshold must be above 0 .* got -1$/)])
    expect(problems({ method: 'wasserstein', threshold: 0 })).toHaveLength(1)
    expect(problems({ method: 'kl', threshold: 3 })).toEqual([])
  })

  it('refuses a p-value threshold outside (0, 1]', () => {
    expect(problems({ method: 'ks', threshold: 1.5 })).toEqual(['f.threshold: ks is a test: its threshold is a p-value in (0, 1] (drift when the p-value is below it), got 1.5'])
    expect(problems({ method: 'chi2', threshold: 0 })).toHaveLength(1)
    expect(problems({ method: 'z', threshold: 1 })).toEqual([])
  })

  it('refuses a threshold above a bounded distance\'s largest value, which never flags drift', () => {
    expect(problems({ method: 'hellinger', threshold: 2 })).toEqual(['f.threshold: hellinger is at most 1: a threshold of 2 never flags drift'])
    expect(problems({ method: 'linf', threshold: 1.01 })).toHaveLength(1)
    expect(problems({ method: 'jensenshannon', threshold: 0.9 })).toEqual(['f.threshold: jensenshannon is at most 0.8326: a threshold of 0.9 never flags drift'])
    expect(problems({ method: 'jensenshannon', threshold: Math.sqrt(Math.LN2) })).toEqual([])
  })

  it('keeps a bare threshold, the default method\'s (a test or a distance), in (0, 1]', () => {
    expect(problems(-0.2)).toEqual([expect.stringMatching(/^f: a threshold without a method .* must be in \(0, 1\], got -0\.2$/)])
    expect(problems(5)).toEqual([expect.stringMatching(/got 5; for a larger distance threshold name the method: \{ method: psi, threshold: 5 \}$/)])
    expect(problems(0.2)).toEqual([])
    expect(problems(1)).toEqual([])
    expect(thresholdRangeProblem('default', 0)).toMatch(/must be in \(0, 1\]/)
  })
})

describe('a bad threshold says what is accepted, not "Invalid input"', () => {
  it('an unknown method lists the method names', () => {
    expect(problems({ method: 'nope', threshold: 0.25 })).toEqual([
      'f: method: "nope" is not a drift method: use one of ks, chi2, z (p-value tests) or wasserstein, psi, jensenshannon, hellinger, kl, linf (distances) (expected { method: <name>, threshold: <number> })',
    ])
  })

  it('a value of neither shape lists both shapes', () => {
    for (const bad of ['x', null, [1], true]) {
      expect(problems(bad)).toEqual([expect.stringMatching(/^f: expected a number \(the default method's threshold, e\.g\. income: 0\.2\) or \{ method, threshold \} .* got /)])
    }
    expect(problems({ method: 'psi' })).toEqual([expect.stringMatching(/^f: threshold: .*expected number.*\(expected \{ method: <name>, threshold: <number> \}\)$/)])
    expect(problems({ method: 'psi', threshold: 0.2, extra: 1 })).toEqual([expect.stringMatching(/Unrecognized key: "extra"/)])
  })
})
