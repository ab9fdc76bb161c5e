/**
 * Parity metrics across groups (fairlearn's "between_groups" method).
 *
 *   demographic parity difference = max_g SR_g − min_g SR_g      (SR = selection rate)
 *   demographic parity ratio      = min_g SR_g / max_g SR_g
 *   equalized odds difference     = max( max TPR − min TPR, max FPR − min FPR )   agg='worst_case'
 *   equal opportunity difference  = max_g TPR_g − min_g TPR_g
 *   disparate impact ratio        = min_g SR_g / max_g SR_g
 *   its upper confidence bound    = min over pairs of the Katz log upper bound of SR_low / SR_high,
 *                                   Bonferroni over the k(k − 1)/2 pairs (disparate-impact-bound.ts)
 * The four-fifths rule reads both: belowFourFifths is the ratio < 0.8 (the figure fairlearn
 * gives, which falls below 0.8 by sampling noise alone: half the time with 2 groups × 40
 * predictions and equal true rates); fourFifthsRuleViolated is the upper bound < 0.8, below 4/5
 * beyond sampling noise at `confidence` (default 0.95). Facts for the report, not alerts.
 * Reference: fairlearn 0.15.0 demographic_parity_difference / _ratio,
 * equalized_odds_difference (default agg='worst_case'), equal_opportunity_difference
 * (scripts/reference/fairness.py).
 *
 * Which rows: selection rate (demographic parity, disparate impact) is over every prediction of
 * a group, labeled or not; TPR and FPR (equalized odds, equal opportunity) over its labeled
 * pairs (group-metrics.ts). Each kind compares the groups large enough for it: selection
 * metrics the groups with selectionStatus 'ok' (predictions ≥ minGroupSize), label metrics
 * those with status 'ok' (labeled pairs ≥ minGroupSize); the others are counted in
 * params.groupsInsufficient.
 *
 * Undefined rates: a group without a positive label has no TPR, one without a negative label no
 * FPR (NaN, group-metrics.ts). Equal opportunity compares only the groups whose TPR is defined,
 * equalized odds only those whose TPR and FPR both are; the others are counted in
 * params.groupsRateUndefined. This departs from fairlearn, which counts such a rate as 0: a
 * window whose labels are all negative then had equal opportunity 0 ("perfectly fair"), and a
 * group without positives a TPR gap that could fire an alert, neither supported by the data.
 *
 * Each metric's params.status says how much was compared:
 * - 'ok': every group took part;
 * - 'partial': at least two groups took part, some were left out (too small, or the rate
 *   undefined in them); the figures are over the groups that took part;
 * - 'insufficient': fewer than two groups took part: every figure is NaN (stored as NULL).
 *   Unlike fairlearn, which gives difference 0 and ratio 1 for one group: with group B below
 *   minGroupSize that read as "perfectly fair" (1.0, 'ok'), a verdict the data cannot support.
 * `selectionStatus` is the selection metrics' status, `labeledStatus` the less complete of the
 * two label metrics' (equalized odds, which needs both rates, is never more complete than equal
 * opportunity), `status` the less complete of the two. n is the compared groups' predictions
 * (selection metrics) or labeled pairs (label metrics).
 * A ratio 0/0 (nobody selected anywhere) is NaN, and so is its bound; then both four-fifths
 * facts are null.
 */
import { metricResult, type MetricResult } from '../performance/metric-result.js'
import type { GroupMetrics } from './group-metrics.js'
import { maxOf, minOf } from '../../arrays.js'
import { DEFAULT_CONFIDENCE } from '../comparison/difference.js'
import { disparateImpactBound } from './disparate-impact-bound.js'

export const FOUR_FIFTHS = 0.8

export interface DisparateImpactResult extends MetricResult {
  /** The ratio < 0.8, as observed; null when the ratio is undefined. A fact, not an alert. */
  readonly belowFourFifths: boolean | null
  /** The ratio's upper confidence bound < 0.8: below 4/5 beyond sampling noise; null when undefined. */
  readonly fourFifthsRuleViolated: boolean | null
}

export type ParityStatus = 'ok' | 'partial' | 'insufficient'

export interface ParityMetrics {
  /** The less complete of selectionStatus and labeledStatus. */
  readonly status: ParityStatus
  /** Demographic parity and disparate impact: groups by their predictions. */
  readonly selectionStatus: ParityStatus
  /** Equalized odds and equal opportunity: groups by their labeled pairs. */
  readonly labeledStatus: ParityStatus
  readonly demographicParityDifference: MetricResult
  readonly demographicParityRatio: MetricResult
  readonly equalizedOddsDifference: MetricResult
  readonly equalOpportunityDifference: MetricResult
  readonly disparateImpactRatio: DisparateImpactResult
  /**
   * Upper confidence bound of the disparate impact ratio (disparate-impact-bound.ts); params hold
   * the confidence, the pairs m, z and the two groups of the pair that gives it.
   */
  readonly disparateImpactRatioUpper: MetricResult
}

interface Spread {
  readonly min: number
  readonly max: number
}

function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, max: Number.NaN }
  return { min: minOf(values), max: maxOf(values) }
}

const RANK: Record<ParityStatus, number> = { ok: 0, partial: 1, insufficient: 2 }
const lessComplete = (a: ParityStatus, b: ParityStatus): ParityStatus => (RANK[a] >= RANK[b] ? a : b)
const defined = (x: number): boolean => !Number.isNaN(x)

/**
 * @param groups per-group metrics (any status); `excluded` is the count of invalid
 *   observations to carry into the results; `confidence` that of the disparate impact ratio's
 *   upper bound.
 */
export function parityMetrics(groups: readonly GroupMetrics[], minGroupSize: number, excluded = 0, confidence = DEFAULT_CONFIDENCE): ParityMetrics {
  /** The groups large enough (`eligible`) whose rates the metric needs are defined take part. */
  const family = (eligible: readonly GroupMetrics[], hasRates: (g: GroupMetrics) => boolean, size: (g: GroupMetrics) => number, labeled: boolean) => {
    const compared = eligible.filter(hasRates)
    const status: ParityStatus = compared.length < 2 ? 'insufficient' : compared.length < groups.length ? 'partial' : 'ok'
    const params = {
      method: 'between_groups',
      minGroupSize,
      groupsCompared: compared.length,
      groupsInsufficient: groups.length - eligible.length,
      ...(labeled ? { groupsRateUndefined: eligible.length - compared.length } : {}),
    }
    const n = compared.reduce((s, g) => s + size(g), 0)
    const r = (method: string, score: number, extra = {}): MetricResult =>
      metricResult(method, status === 'insufficient' ? Number.NaN : score, { ...params, status, ...extra }, n, excluded)
    return { status, compared, r }
  }
  const bySize = groups.filter((g) => g.status === 'ok')
  const selection = family(groups.filter((g) => g.selectionStatus === 'ok'), () => true, (g) => g.predictions, false)
  const opportunity = family(bySize, (g) => defined(g.truePositiveRate), (g) => g.count, true)
  const odds = family(bySize, (g) => defined(g.truePositiveRate) && defined(g.falsePositiveRate), (g) => g.count, true)
  const sr = spread(selection.compared.map((g) => g.selectionRate))
  const ratio = sr.min / sr.max
  const undefinedRatio = Number.isNaN(ratio) || selection.status === 'insufficient'
  const belowFourFifths = undefinedRatio ? null : ratio < FOUR_FIFTHS
  const bound = disparateImpactBound(selection.compared, confidence)
  const upper = undefinedRatio ? Number.NaN : bound.upper
  const fourFifthsRuleViolated = undefinedRatio ? null : upper < FOUR_FIFTHS
  const pairGroup = (i: number) => (i < 0 || undefinedRatio ? null : String(selection.compared[i]!.group))
  const oddsTpr = spread(odds.compared.map((g) => g.truePositiveRate))
  const oddsFpr = spread(odds.compared.map((g) => g.falsePositiveRate))
  const opportunityTpr = spread(opportunity.compared.map((g) => g.truePositiveRate))
  const labeledStatus = lessComplete(opportunity.status, odds.status)
  return {
    status: lessComplete(selection.status, labeledStatus),
    selectionStatus: selection.status,
    labeledStatus,
    demographicParityDifference: selection.r('demographic_parity_difference', sr.max - sr.min),
    demographicParityRatio: selection.r('demographic_parity_ratio', ratio),
    equalizedOddsDifference: odds.r('equalized_odds_difference', Math.max(oddsTpr.max - oddsTpr.min, oddsFpr.max - oddsFpr.min), {
      agg: 'worst_case',
    }),
    equalOpportunityDifference: opportunity.r('equal_opportunity_difference', opportunityTpr.max - opportunityTpr.min),
    disparateImpactRatio: {
      ...selection.r('disparate_impact_ratio', ratio, { threshold: FOUR_FIFTHS, belowFourFifths, fourFifthsRuleViolated }),
      belowFourFifths,
      fourFifthsRuleViolated,
    },
    disparateImpactRatioUpper: selection.r('disparate_impact_ratio_upper', upper, {
      interval: 'katz_log',
      correction: 'bonferroni',
      confidence,
      pairs: bound.pairs,
      z: bound.z,
      lowGroup: pairGroup(bound.low),
      highGroup: pairGroup(bound.high),
    }),
  }
}
