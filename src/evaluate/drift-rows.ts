/**
 * Drift of one column between the reference and a window, with every applicable statistic, the
 * deciding method and threshold (the model's `thresholds.<column>` or the default by both
 * sample sizes) and its status (src/metrics/drift/decide.ts, shared with `driftwatch report`):
 * 'not_computable' when the rule allows a verdict but the deciding figure came out NaN, so that
 * a row without a verdict never says 'ok'.
 * The verdict of a feature row is set by ./compute.ts over all features of the window at once
 * (Benjamini–Hochberg); here each row gets the verdict of its statistic alone, which is final
 * for prediction and label rows (a family of one). Pure.
 *
 * Numerical columns: PSI, Jensen-Shannon, Hellinger and KL over the reference decile bins (exact
 * counts of the whole window); KS and normed Wasserstein over deterministic subsamples of at most
 * evaluation.maxSampleSize values per side (the lowest cityHash64 of prediction_id), exact when
 * the window is smaller. A numerical column with at most 5 distinct values (over both sides
 * together) is treated as categorical, as Evidently does: its distinct values are counted
 * exactly over the whole reference and window, in ClickHouse or in the baseline profile
 * (`values`: ./partial-state.ts fewValues), and compared as categories named String(x). Only
 * where a side's values were not counted (`values` undefined) do its samples stand in.
 */
import {
  CATEGORICAL_MAX_UNIQUE, categoricalJensenShannon, categoricalPsi, chiSquare, driftRule, type DriftRule, type DriftStatus, hellinger, jensenShannon, kl, ks, linf, psi,
  selectDriftMethod, singleVerdict, type ThresholdSetting, verdictStatus, wasserstein, zTest, type ColumnKind,
} from '../metrics/drift/index.js'
import type { StatResult } from '../metrics/types.js'
import type { NO_POSITIVE_CLASS } from './row-status.js'

export interface DriftRow {
  /** 'calibration': ./concept-rows.ts; 'concept': streaming detectors, ./detectors.ts. */
  target: 'feature' | 'prediction' | 'label' | 'calibration' | 'concept'
  column: string
  /** 'binary' for the detectors' 0/1 error stream. */
  column_kind: ColumnKind | 'binary'
  method: string
  score: number
  /** Raw p-value of the deciding test; null for a distance. */
  p_value: number | null
  /** The p-value compared with the threshold (BH-adjusted for features, see ./compute.ts). */
  p_value_adjusted: number | null
  threshold: number
  /** null: no verdict (status not 'ok', or an empty side). */
  drift_detected: number | null
  /** A verdict's status (../metrics/drift/decide.ts), or NO_POSITIVE_CLASS for a binary row (./row-status.ts). */
  status: DriftStatus | typeof NO_POSITIVE_CLASS
  statistics: Record<string, number>
  n_reference: number
  n_current: number
  unseen_categories: string[]
  /** The result the dataset drift share uses. */
  primary: StatResult
  /** Its method, threshold and status (feature, prediction and label rows). */
  rule?: DriftRule
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

const asFlag = (v: boolean | null) => (v === null ? null : v ? 1 : 0)

function decided(primary: StatResult, rule: DriftRule) {
  const p = primary.pValue !== undefined && Number.isFinite(primary.pValue) ? primary.pValue : null
  return {
    method: primary.method, score: primary.score, p_value: p, p_value_adjusted: p, threshold: rule.threshold,
    drift_detected: asFlag(singleVerdict(primary, rule)), status: verdictStatus(primary, rule), primary, rule,
  }
}

function statistics(results: Record<string, StatResult>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, r] of Object.entries(results)) {
    if (Number.isFinite(r.score)) out[name] = r.score
    if (r.pValue !== undefined && Number.isFinite(r.pValue)) out[`${name}_p_value`] = r.pValue
  }
  return out
}

const countValues = (xs: readonly number[]) => {
  const out: Record<string, number> = {}
  for (const x of xs) out[String(x)] = (out[String(x)] ?? 0) + 1
  return out
}

export function categoricalDrift(
  target: DriftRow['target'], column: string, reference: Record<string, number>, current: Record<string, number>, setting?: ThresholdSetting,
  sizes?: { reference: number; current: number },
): DriftRow {
  const nRef = sizes?.reference ?? sum(Object.values(reference))
  const nCur = sizes?.current ?? sum(Object.values(current))
  const categories = new Set([...Object.keys(reference), ...Object.keys(current)])
  const results: Record<string, StatResult> = {
    chi2: chiSquare(reference, current),
    psi: categoricalPsi(reference, current),
    jensenshannon: categoricalJensenShannon(reference, current),
    linf: linf(reference, current),
  }
  if (categories.size <= 2) results['z'] = zTest(reference, current)
  const choice = selectDriftMethod('categorical', { reference: nRef, current: nCur }, categories.size, { reference, current })
  const rule = driftRule({ choice, sizes: { reference: nRef, current: nCur }, setting }, Object.keys(results))
  // A configured method that does not apply: the default one is shown, without a verdict.
  const primary = results[rule.method] ?? results[choice.method]!
  return {
    target, column, column_kind: 'categorical', ...decided(primary, rule),
    statistics: statistics(results), n_reference: nRef, n_current: nCur,
    unseen_categories: Object.keys(current).filter((c) => !(c in reference)).sort(),
  }
}

/**
 * One side of a numerical column: bin counts over the reference edges, the deterministic sample,
 * and `values`, the exact count of each distinct value when there are at most 5 (null: more;
 * undefined: not counted).
 */
export interface NumericalSide {
  readonly counts: readonly number[]
  readonly sample: readonly number[]
  readonly values?: Readonly<Record<string, number>> | null
}

export function numericalDrift(
  target: DriftRow['target'], column: string, reference: NumericalSide, current: NumericalSide, setting?: ThresholdSetting,
): DriftRow {
  const counted = reference.values !== undefined && current.values !== undefined
  const few = counted && reference.values !== null && current.values !== null ? { reference: reference.values!, current: current.values! } : null
  const nUnique = !counted
    ? new Set([...reference.sample, ...current.sample]).size
    : few
      ? new Set([...Object.keys(few.reference), ...Object.keys(few.current)]).size
      : CATEGORICAL_MAX_UNIQUE + 1
  const nRef = sum(reference.counts)
  const nCur = sum(current.counts)
  const sizes = { reference: nRef, current: nCur }
  const choice = selectDriftMethod('numerical', sizes, nUnique)
  if (choice.treatedAs === 'categorical') {
    // Few values: compared as categories of the exact value counts (of the samples where not counted).
    const [ref, cur] = few ? [few.reference, few.current] : [countValues(reference.sample), countValues(current.sample)]
    return categoricalDrift(target, column, ref, cur, setting, sizes)
  }
  const results: Record<string, StatResult> = {
    ks: ks(reference.sample, current.sample),
    wasserstein: wasserstein(reference.sample, current.sample),
    psi: psi(reference.counts, current.counts),
    jensenshannon: jensenShannon(reference.counts, current.counts),
    hellinger: hellinger(reference.counts, current.counts),
    kl: kl(reference.counts, current.counts),
  }
  const rule = driftRule({ choice, sizes, setting }, Object.keys(results))
  const primary = results[rule.method] ?? results[choice.method]!
  return {
    target, column, column_kind: 'numerical', ...decided(primary, rule),
    statistics: statistics(results), n_reference: nRef, n_current: nCur, unseen_categories: [],
  }
}
