/**
 * The JSON of `driftwatch report` (snake_case keys, as the wire format). Every number that is
 * undefined for the data (an empty column, one class for ROC AUC...) is null, so the object
 * equals its own JSON round trip. Keys that do not apply to a column kind are left out.
 */
import type { DriftStatus } from '../metrics/drift/index.js'
import type { ColumnKind } from '../metrics/profile/index.js'

export type Num = number | null

export interface TestJson {
  readonly statistic: Num
  readonly p_value: Num
}

/**
 * A numerical feature's reference-decile bins (src/metrics/drift/reference-bins.ts): interior
 * edges e_1 < … < e_k; bins (−∞, e_1), [e_1, e_2), …, [e_k, +∞); counts of finite values per
 * bin and side (length edges + 1). min/max: the finite range over both sides (null if none).
 */
export interface NumericDistributionJson {
  readonly type: 'bins'
  readonly edges: readonly number[]
  readonly min: Num
  readonly max: Num
  readonly reference: readonly number[]
  readonly current: readonly number[]
}

/** A categorical feature's counts per category (the most frequent 50; the rest in `other`). */
export interface CategoryDistributionJson {
  readonly type: 'categories'
  readonly categories: readonly string[]
  readonly reference: readonly number[]
  readonly current: readonly number[]
  readonly other: { readonly categories: number; readonly reference: number; readonly current: number }
}

export type DistributionJson = NumericDistributionJson | CategoryDistributionJson

export interface FeatureDriftJson {
  readonly kind: ColumnKind
  /** How the values were compared: numerical columns with at most 5 values are categorical. */
  readonly treated_as: ColumnKind
  readonly method: string
  readonly threshold: number
  readonly threshold_kind: 'p_value' | 'score'
  /** The method's statistic (tests) or distance. */
  readonly drift_score: Num
  readonly p_value?: Num
  /** The p-value compared with the threshold, after the multiple-testing correction. */
  readonly adjusted_p_value?: Num
  /** null when the column could not be evaluated: no value on one side, or status not 'ok'. */
  readonly drift_detected: boolean | null
  /**
   * Why there is a verdict or not (src/metrics/drift/decide.ts): 'ok', or 'insufficient' (fewer
   * than 30 values on a side: drift_detected and adjusted_p_value null, the statistics shown).
   */
  readonly status: DriftStatus
  /** The values each statistic read (finite numbers, or categories). */
  readonly reference_count: number
  readonly current_count: number
  /**
   * The rest of each side's rows, by reason (src/report/left-out.ts): `missing`,
   * `type_violation` and, for a numerical column, `non_finite`; count + left out = the rows.
   */
  readonly reference_left_out: Readonly<Record<string, number>>
  readonly current_left_out: Readonly<Record<string, number>>
  // numerical (ks, wasserstein; hellinger and kl only over bins, treated as numerical)
  readonly ks?: TestJson
  readonly wasserstein?: Num
  readonly wasserstein_distance?: Num
  readonly psi?: Num
  readonly jensen_shannon?: Num
  readonly hellinger?: Num
  readonly kl?: Num
  // categorical (and numerical treated as categorical)
  readonly chi2?: TestJson
  readonly z?: TestJson
  readonly linf?: Num
  readonly unseen_categories?: { readonly count: number; readonly observations: number; readonly categories: readonly string[] }
  /** What the binned statistics compared, for charts: bins (numerical) or category counts (categorical, and numerical treated as categorical). */
  readonly distribution?: DistributionJson
}

export interface DifferenceJson {
  readonly method: string
  readonly reference: Num
  readonly current: Num
  readonly difference: Num
  readonly ci_low: Num
  readonly ci_high: Num
  readonly p_value: Num
}

export type Section = Readonly<Record<string, unknown>>

export interface ReportJson {
  readonly features: Readonly<Record<string, FeatureDriftJson>>
  readonly dataset: Section
  readonly performance: Section
  readonly fairness: Readonly<Record<string, Section>>
  readonly quality: Section
  /** Sections or columns that were skipped, and rows a statistic left out (how many of how many, and why). */
  readonly notes: readonly string[]
}

export function num(x: number | null | undefined): Num {
  return x === null || x === undefined || !Number.isFinite(x) ? null : x
}
