/**
 * Parity metrics across groups (fairlearn's "between_groups" method).
 *
 *   demographic parity difference = max_g SR_g − min_g SR_g      (SR = selection rate)
 *   demographic parity ratio      = min_g SR_g / max_g SR_g
 *   equalized odds difference     = max( max TPR − min TPR, max FPR − min FPR )   agg='worst_case'
 *   equal opportunity difference  = max_g TPR_g − min_g TPR_g
 *   disparate impact ratio        = min_g SR_g / max_g SR_g, with the four-fifths rule
 *                                   (ratio < 0.8) reported as a fact, never as an alert
 * Reference: fairlearn 0.15.0 demographic_parity_difference / _ratio,
 * equalized_odds_difference (default agg='worst_case'), equal_opportunity_difference
 * (scripts/reference/fairness.py).
 *
 * Only groups with status 'ok' (count ≥ minGroupSize, group-metrics.ts) take part; the
 * others are counted in params.groupsInsufficient, and `status` says how much was compared:
 * - 'ok': every group took part;
 * - 'partial': at least two groups took part, some were too small (the figures are over the
 *   groups that took part);
 * - 'insufficient': fewer than two groups took part: every figure is NaN (stored as NULL).
 *   Unlike fairlearn, which gives difference 0 and ratio 1 for one group: with group B below
 *   minGroupSize that read as "perfectly fair" (1.0, 'ok'), a verdict the data cannot support.
 * A ratio 0/0 (nobody selected anywhere) is NaN, and then the four-fifths fact is null.
 */
import { metricResult, type MetricResult } from '../performance/metric-result.js'
import type { GroupMetrics } from './group-metrics.js'
import { maxOf, minOf } from '../../arrays.js'

export const FOUR_FIFTHS = 0.8

export interface DisparateImpactResult extends MetricResult {
  /** ratio < 0.8; null when the ratio is undefined. A fact, not an alert. */
  readonly fourFifthsRuleViolated: boolean | null
}

export type ParityStatus = 'ok' | 'partial' | 'insufficient'

export interface ParityMetrics {
  readonly status: ParityStatus
  readonly demographicParityDifference: MetricResult
  readonly demographicParityRatio: MetricResult
  readonly equalizedOddsDifference: MetricResult
  readonly equalOpportunityDifference: MetricResult
  readonly disparateImpactRatio: DisparateImpactResult
}

interface Spread {
  readonly min: number
  readonly max: number
}

function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, max: Number.NaN }
  return { min: minOf(values), max: maxOf(values) }
}

/**
 * @param groups per-group metrics (any status); `excluded` is the count of invalid
 *   observations to carry into the results.
 */
export function parityMetrics(groups: readonly GroupMetrics[], minGroupSize: number, excluded = 0): ParityMetrics {
  const compared = groups.filter((g) => g.status === 'ok')
  const status: ParityStatus = compared.length < 2 ? 'insufficient' : compared.length < groups.length ? 'partial' : 'ok'
  const n = compared.reduce((s, g) => s + g.count, 0)
  const params = {
    method: 'between_groups',
    minGroupSize,
    groupsCompared: compared.length,
    groupsInsufficient: groups.length - compared.length,
  }
  const r = (method: string, score: number, extra = {}): MetricResult =>
    metricResult(method, status === 'insufficient' ? Number.NaN : score, { ...params, status, ...extra }, n, excluded)
  const sr = spread(compared.map((g) => g.selectionRate))
  const tpr = spread(compared.map((g) => g.truePositiveRate))
  const fpr = spread(compared.map((g) => g.falsePositiveRate))
  const ratio = sr.min / sr.max
  const fourFifthsRuleViolated = Number.isNaN(ratio) || status === 'insufficient' ? null : ratio < FOUR_FIFTHS
  return {
    status,
    demographicParityDifference: r('demographic_parity_difference', sr.max - sr.min),
    demographicParityRatio: r('demographic_parity_ratio', ratio),
    equalizedOddsDifference: r('equalized_odds_difference', Math.max(tpr.max - tpr.min, fpr.max - fpr.min), {
      agg: 'worst_case',
    }),
    equalOpportunityDifference: r('equal_opportunity_difference', tpr.max - tpr.min),
    disparateImpactRatio: {
      ...r('disparate_impact_ratio', ratio, { threshold: FOUR_FIFTHS, fourFifthsRuleViolated }),
      fourFifthsRuleViolated,
    },
  }
}
