/**
 * Difference of two independent proportions (accuracy, precision, recall, FPR, selection rate
 * of two models on separate traffic, or of a window and the reference) with Newcombe's
 * hybrid score interval and the pooled two-proportion z-test.
 *
 *   p_i = k_i / n_i,  d = p_1 − p_2
 *   Wilson interval of each p_i, z = z_{1−α/2}:
 *     centre = (p + z²/2n) / (1 + z²/n),  half = z·sqrt(p(1−p)/n + z²/4n²) / (1 + z²/n),
 *     [l_i, u_i] = centre ∓ half, clipped to [0, 1]
 *   Newcombe (1998, method 10):
 *     ciLow  = d − sqrt((p_1 − l_1)² + (u_2 − p_2)²)
 *     ciHigh = d + sqrt((u_1 − p_1)² + (p_2 − l_2)²)
 *   pooled z-test: P = (k_1 + k_2)/(n_1 + n_2),  z = d / sqrt(P(1−P)(1/n_1 + 1/n_2))
 * Reference: statsmodels 0.15 `confint_proportions_2indep(method='newcomb', compare='diff')`,
 * `proportion_confint(method='wilson')` and `proportions_ztest` (scripts/reference/comparison.py).
 * Differences from statsmodels: an empty sample (n = 0) gives NaN instead of a division
 * warning; when both samples are all successes or all failures (P ∈ {0, 1}) the test gives
 * z = 0, p = 1 (statsmodels: NaN), as ../drift/z-test.ts does.
 *
 * Independent samples only: for two models scoring the same events (shadow mode) the outcomes
 * are paired and a paired interval (Newcombe's method 10 for paired data, or McNemar) applies.
 */
import { criticalValue, DEFAULT_CONFIDENCE, type DifferenceOptions, type DifferenceResult, twoSidedP } from './difference.js'

export interface Proportion {
  readonly successes: number
  readonly trials: number
}

export function wilsonInterval({ successes, trials }: Proportion, confidence = DEFAULT_CONFIDENCE): [number, number] {
  checkProportion({ successes, trials })
  if (trials === 0) return [Number.NaN, Number.NaN]
  const z = criticalValue(confidence)
  const p = successes / trials
  const z2 = z * z
  const denominator = 1 + z2 / trials
  const centre = (p + z2 / (2 * trials)) / denominator
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator
  return [Math.min(Math.max(centre - half, 0), 1), Math.min(Math.max(centre + half, 0), 1)]
}

export function proportionDifference(x: Proportion, y: Proportion, { confidence = DEFAULT_CONFIDENCE }: DifferenceOptions = {}): DifferenceResult {
  checkProportion(x)
  checkProportion(y)
  const p1 = x.trials === 0 ? Number.NaN : x.successes / x.trials
  const p2 = y.trials === 0 ? Number.NaN : y.successes / y.trials
  const d = p1 - p2
  const [l1, u1] = wilsonInterval(x, confidence)
  const [l2, u2] = wilsonInterval(y, confidence)
  const pooled = (x.successes + y.successes) / (x.trials + y.trials)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / x.trials + 1 / y.trials))
  const pValue = Number.isNaN(d) ? Number.NaN : se === 0 ? 1 : twoSidedP(d / se)
  return {
    method: 'newcombe',
    score: d,
    pValue,
    estimates: [p1, p2],
    sizes: [x.trials, y.trials],
    ciLow: d - Math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
    ciHigh: d + Math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    confidence,
    params: { interval: 'newcombe_hybrid_score', test: 'pooled_z', confidence },
  }
}

function checkProportion({ successes, trials }: Proportion): void {
  if (!Number.isInteger(trials) || trials < 0 || !Number.isInteger(successes) || successes < 0 || successes > trials) {
    throw new RangeError(`a proportion needs integers 0 <= successes <= trials, got ${successes}/${trials}`)
  }
}
