/**
 * Share of drifted features in a dataset, like Evidently's DatasetDriftMetric, with a
 * multiple-testing correction that Evidently lacks.
 *
 *   share = drifted features / evaluated features
 *
 * Per feature, against the threshold it is given (usually ./select-method.ts's default):
 * - a test (result has a p-value): drifted when its Benjamini–Hochberg adjusted p-value is
 *   below the threshold. The adjustment runs over all test features of the call together
 *   (./benjamini-hochberg.ts), so that with 50 features at α = 0.05 about 2.5 of them are not
 *   flagged by chance alone: the share of false alarms among flagged tests stays <= α.
 *   `correction: 'none'` compares raw p-values (Evidently's behaviour).
 * - a distance (no p-value): drifted when score >= threshold (Evidently's rule).
 * Features whose score or p-value is NaN (an empty window) are not evaluated: they are left
 * out of the share and counted in `params.undefinedFeatures`. So are features whose `status`
 * is not 'ok' (too few rows, a configured method that does not apply, or a deciding figure that
 * could not be computed: ./decide.ts), counted in `params.insufficientFeatures` /
 * `params.notApplicableFeatures` / `params.notComputableFeatures`; they take no part in the
 * correction either. No evaluated feature → NaN.
 * A p-value outside [0, 1] (±Infinity included) or a non-finite threshold is a bug upstream:
 * RangeError.
 *
 * The thresholds come from the caller; whether the share itself means "dataset drift"
 * (Evidently: share >= 0.5) is for the alert rules to say.
 */
import type { StatResult } from '../types.js'
import { benjaminiHochberg } from './benjamini-hochberg.js'
import { type DriftStatus, NOT_COMPUTABLE } from './decide.js'

export interface FeatureDriftInput {
  readonly feature: string
  readonly result: StatResult
  readonly threshold: number
  /** Default 'ok'. */
  readonly status?: DriftStatus
}

export interface FeatureDrift {
  readonly feature: string
  readonly method: string
  readonly score: number
  readonly pValue?: number
  /** The p-value compared with the threshold (adjusted unless correction is 'none'). */
  readonly adjustedPValue?: number
  /** null when the feature could not be evaluated (NaN score or p-value, or status not 'ok'). */
  readonly driftDetected: boolean | null
  readonly status: DriftStatus
}

export interface DatasetDrift {
  readonly result: StatResult
  readonly features: readonly FeatureDrift[]
}

export type Correction = 'benjamini-hochberg' | 'none'

export function datasetDriftShare(
  inputs: readonly FeatureDriftInput[],
  { correction = 'benjamini-hochberg' }: { readonly correction?: Correction } = {},
): DatasetDrift {
  for (const f of inputs) {
    if (!Number.isFinite(f.threshold)) {
      throw new RangeError(`threshold of ${f.feature} must be finite, got ${f.threshold}`)
    }
    const p = f.result.pValue
    if (p !== undefined && !Number.isNaN(p) && !(p >= 0 && p <= 1)) {
      throw new RangeError(`p-value of ${f.feature} must be in [0, 1], got ${p}`)
    }
  }
  const isTest = (r: StatResult) => r.pValue !== undefined
  const evaluable = (f: FeatureDriftInput) =>
    (f.status ?? 'ok') === 'ok' && (isTest(f.result) ? !Number.isNaN(f.result.pValue) : !Number.isNaN(f.result.score))
  const testIndexes = inputs.flatMap((f, i) => (isTest(f.result) && evaluable(f) ? [i] : []))
  const raw = testIndexes.map((i) => inputs[i]?.result.pValue as number)
  const adjustedList = correction === 'none' ? raw : benjaminiHochberg(raw)
  const adjusted = new Map(testIndexes.map((index, k) => [index, adjustedList[k] as number]))

  const features = inputs.map((f, i): FeatureDrift => {
    const { method, score, pValue } = f.result
    const status = f.status ?? 'ok'
    if (!evaluable(f)) return { feature: f.feature, method, score, pValue, driftDetected: null, status }
    const q = adjusted.get(i)
    if (q === undefined) return { feature: f.feature, method, score, driftDetected: score >= f.threshold, status }
    return { feature: f.feature, method, score, pValue, adjustedPValue: q, driftDetected: q < f.threshold, status }
  })
  const evaluated = features.filter((f) => f.driftDetected !== null).length
  const drifted = features.filter((f) => f.driftDetected === true).length
  return {
    result: {
      method: 'dataset_drift_share',
      score: evaluated === 0 ? Number.NaN : drifted / evaluated,
      params: {
        features: inputs.length,
        evaluatedFeatures: evaluated,
        driftedFeatures: drifted,
        undefinedFeatures: inputs.length - evaluated,
        insufficientFeatures: inputs.filter((f) => f.status === 'insufficient').length,
        notApplicableFeatures: inputs.filter((f) => f.status === 'method_not_applicable').length,
        notComputableFeatures: inputs.filter((f) => f.status === NOT_COMPUTABLE).length,
        testFeatures: testIndexes.length,
        correction,
      },
    },
    features,
  }
}
