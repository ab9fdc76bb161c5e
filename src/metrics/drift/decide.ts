/**
 * How a feature's drift is decided, shared by the stream evaluator (src/evaluate/drift-rows.ts)
 * and `driftwatch report` (src/report/feature-drift.ts), so both decide alike:
 *
 * 1. Enough data? Fewer than MIN_ROWS_FOR_VERDICT finite values on either side → status
 *    'insufficient': the statistics are still computed and shown, but there is no verdict
 *    (drift_detected null) and the feature is left out of the drift share (counted apart).
 * 2. Which method and threshold: the per-feature setting of the model (`thresholds.<feature>`
 *    in driftwatch.yaml or the report's model file, ./thresholds.ts) or else the default
 *    (./select-method.ts, by both sample sizes). A configured method that does not apply to
 *    the column as treated (ks on categories, chi2 on a many-valued numerical column) gives
 *    status 'method_not_applicable' and no verdict.
 * 3. The verdict: ./dataset-drift.ts over all features of the window or file together: a test's
 *    Benjamini–Hochberg adjusted p-value (or raw with correction 'none') below the threshold, a
 *    distance at or above it. That one adjusted p-value is stored, reported and alerted on.
 * 4. A figure that cannot be computed: with enough rows and an applicable method, the deciding
 *    p-value (a test) or score (a distance) may still be NaN (a calibration test with no bin
 *    holding both outcomes, a statistic whose arithmetic failed). `verdictStatus` then says
 *    'not_computable': no verdict, as for the statuses above, and no value for an alert rule,
 *    but neither more rows nor a configuration will give one.
 * Pure.
 */
import type { StatResult } from '../types.js'
import type { DriftMethodChoice, SampleSizes } from './select-method.js'
import { TEST_METHODS, type ThresholdSetting } from './thresholds.js'

/**
 * Fewer finite values than this on either side: no verdict. Below ~30 a test has almost no
 * power (a KS test between two samples of 20 misses a one-standard-deviation shift about
 * 30 % of the time at α = 0.05) and the chi-square and z approximations are unreliable; a
 * distance is mostly noise. Documented in docs/evaluation.md.
 */
export const MIN_ROWS_FOR_VERDICT = 30

/** The status of a row with enough rows and an applicable method whose deciding figure is NaN. */
export const NOT_COMPUTABLE = 'not_computable'

/** Why a rule gives a verdict or not, before any figure is computed. */
export type RuleStatus = 'ok' | 'insufficient' | 'method_not_applicable'
export type DriftStatus = RuleStatus | typeof NOT_COMPUTABLE

export interface DriftRule extends DriftMethodChoice {
  readonly status: RuleStatus
  /** true when the method or threshold came from the model's thresholds setting. */
  readonly configured: boolean
}

export interface DriftRuleInput {
  /** The default method for the column (./select-method.ts, by both sample sizes). */
  readonly choice: DriftMethodChoice
  readonly sizes: SampleSizes
  readonly setting?: ThresholdSetting | undefined
}

/** The method, threshold and status of one column; `applicable` lists the methods computed for it. */
export function driftRule({ choice, sizes, setting }: DriftRuleInput, applicable: readonly string[]): DriftRule {
  const method = typeof setting === 'object' ? setting.method : choice.method
  const threshold = setting === undefined ? choice.threshold : typeof setting === 'number' ? setting : setting.threshold
  const thresholdKind = (TEST_METHODS as readonly string[]).includes(method) ? 'p-value' : 'score'
  const status: RuleStatus = !applicable.includes(method)
    ? 'method_not_applicable'
    : Math.min(sizes.reference, sizes.current) < MIN_ROWS_FOR_VERDICT
      ? 'insufficient'
      : 'ok'
  return { method: method as DriftMethodChoice['method'], threshold, thresholdKind, treatedAs: choice.treatedAs, status, configured: setting !== undefined }
}

/** A verdict of one statistic alone (no multiple-testing family), for rows outside the share. */
export function singleVerdict(result: StatResult, rule: Pick<DriftRule, 'threshold' | 'thresholdKind' | 'status'>): boolean | null {
  if (rule.status !== 'ok') return null
  if (rule.thresholdKind === 'p-value') {
    return result.pValue === undefined || Number.isNaN(result.pValue) ? null : result.pValue < rule.threshold
  }
  return Number.isNaN(result.score) ? null : result.score >= rule.threshold
}

/** The status of a row: the rule's, or NOT_COMPUTABLE when it is 'ok' and the deciding figure is NaN. */
export function verdictStatus(result: StatResult, rule: Pick<DriftRule, 'thresholdKind' | 'status'>): DriftStatus {
  if (rule.status !== 'ok') return rule.status
  const figure = rule.thresholdKind === 'p-value' ? result.pValue : result.score
  return figure === undefined || Number.isNaN(figure) ? NOT_COMPUTABLE : 'ok'
}
