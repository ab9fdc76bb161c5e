/**
 * Drift of one column between the reference and a window, with every applicable statistic and
 * the auto-selected method's verdict at its default threshold (Evidently's rule, see
 * src/metrics/drift/select-method.ts). Pure.
 *
 * Numerical columns: PSI, Jensen-Shannon, Hellinger and KL over the reference decile bins (exact
 * counts of the whole window); KS and normed Wasserstein over deterministic subsamples of at most
 * evaluation.maxSampleSize values per side (the lowest cityHash64 of prediction_id), exact when
 * the window is smaller. A numerical column with at most 5 distinct values is treated as
 * categorical, as Evidently does, with counts taken from the samples.
 */
import {
  categoricalJensenShannon, categoricalPsi, chiSquare, hellinger, jensenShannon, kl, ks, linf, psi,
  selectDriftMethod, wasserstein, zTest, type ColumnKind,
} from '../metrics/drift/index.js'
import type { StatResult } from '../metrics/types.js'

export interface DriftRow {
  /** 'calibration': ./concept-rows.ts; 'concept': streaming detectors, ./detectors.ts. */
  target: 'feature' | 'prediction' | 'label' | 'calibration' | 'concept'
  column: string
  /** 'binary' for the detectors' 0/1 error stream. */
  column_kind: ColumnKind | 'binary'
  method: string
  score: number
  p_value: number | null
  threshold: number
  drift_detected: number
  statistics: Record<string, number>
  n_reference: number
  n_current: number
  unseen_categories: string[]
  /** The result the dataset drift share uses. */
  primary: StatResult
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

function verdict(primary: StatResult, threshold: number, kind: 'p-value' | 'score'): number {
  if (kind === 'p-value') return primary.pValue !== undefined && primary.pValue < threshold ? 1 : 0
  return primary.score >= threshold ? 1 : 0
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

export function categoricalDrift(target: DriftRow['target'], column: string, reference: Record<string, number>, current: Record<string, number>): DriftRow {
  const nRef = sum(Object.values(reference))
  const nCur = sum(Object.values(current))
  const categories = new Set([...Object.keys(reference), ...Object.keys(current)])
  const choice = selectDriftMethod('categorical', nRef, categories.size)
  const results: Record<string, StatResult> = {
    chi2: chiSquare(reference, current),
    psi: categoricalPsi(reference, current),
    jensenshannon: categoricalJensenShannon(reference, current),
    linf: linf(reference, current),
  }
  if (categories.size <= 2) results['z'] = zTest(reference, current)
  const primary = results[choice.method] ?? results['jensenshannon']!
  return {
    target, column, column_kind: 'categorical', method: primary.method, score: primary.score,
    p_value: primary.pValue ?? null, threshold: choice.threshold, drift_detected: verdict(primary, choice.threshold, choice.thresholdKind),
    statistics: statistics(results), n_reference: nRef, n_current: nCur,
    unseen_categories: Object.keys(current).filter((c) => !(c in reference)).sort(),
    primary,
  }
}

export function numericalDrift(
  target: DriftRow['target'], column: string,
  reference: { counts: readonly number[]; sample: readonly number[] },
  current: { counts: readonly number[]; sample: readonly number[] },
): DriftRow {
  const nUnique = new Set([...reference.sample, ...current.sample]).size
  const nRef = sum(reference.counts)
  const choice = selectDriftMethod('numerical', nRef, nUnique)
  if (choice.treatedAs === 'categorical') {
    return { ...categoricalDrift(target, column, countValues(reference.sample), countValues(current.sample)), n_reference: nRef, n_current: sum(current.counts) }
  }
  const results: Record<string, StatResult> = {
    ks: ks(reference.sample, current.sample),
    wasserstein: wasserstein(reference.sample, current.sample),
    psi: psi(reference.counts, current.counts),
    jensenshannon: jensenShannon(reference.counts, current.counts),
    hellinger: hellinger(reference.counts, current.counts),
    kl: kl(reference.counts, current.counts),
  }
  const primary = results[choice.method]!
  return {
    target, column, column_kind: 'numerical', method: primary.method, score: primary.score,
    p_value: primary.pValue ?? null, threshold: choice.threshold, drift_detected: verdict(primary, choice.threshold, choice.thresholdKind),
    statistics: statistics(results), n_reference: nRef, n_current: sum(current.counts), unseen_categories: [],
    primary,
  }
}
