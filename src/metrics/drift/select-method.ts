/**
 * Default drift method per column, following Evidently's `_get_default_stattest`
 * (evidently/legacy/calculations/stattests/registry.py), with its default thresholds, except
 * that the switch to distances looks at both samples, not the reference alone:
 *
 *   n_unique = distinct non-missing values over reference ∪ current
 *   reference rows <= 1000 or current rows <= 1000:
 *     numerical, n_unique > 5     → ks            p-value < 0.05
 *     numerical, 2 < n_unique <= 5 → chi2          p-value < 0.05
 *     categorical, n_unique > 2   → chi2          p-value < 0.05
 *     n_unique <= 2 (either kind) → z             p-value < 0.05
 *   reference rows > 1000 and current rows > 1000:
 *     numerical, n_unique > 5     → wasserstein   (normed) score >= 0.1
 *     n_unique = 2, a rare category → z           p-value < 0.05   (see below)
 *     otherwise                    → jensenshannon score >= 0.1
 *
 * Why both sizes: a distance has no p-value, so its threshold does not account for sampling
 * noise, and that noise is set by the smaller sample. Between a large reference and a window
 * of 200 rows drawn from the same distribution, the normed Wasserstein distance is ≈ 0.1 by
 * chance alone (0.11–0.12 was measured, a false alarm on every such window), while a test's
 * p-value accounts for the sizes. Evidently, which looks at the reference only, would pick
 * the distance there.
 *
 * So a numerical column with at most 5 distinct values is treated as categorical
 * (`treatedAs`). The other difference from Evidently: its `chisquare` is a goodness-of-fit
 * test, ours is the homogeneity test (./chi-square.ts).
 *
 * A rare category: with exactly two categories, the smaller one's share is below 1 % on
 * either side (min(count) · 100 < rows, compared on integers so that exactly 1 % is not
 * rare). Then the z-test decides whatever the sizes. Why: between two shares p → q of a
 * two-valued column, the Jensen–Shannon distance stays small however large the relative
 * shift, and cannot reach 0.1 while the minority stays rare. Its maximum with both shares in
 * [0, 1 %] is at 0 → 1 %: 0.0590 (natural log as ./jensen-shannon.ts,
 * scipy.spatial.distance.jensenshannon([1, 0], [0.99, 0.01])); from 0.01 % the share must
 * rise to ≈ 2.9 % (290-fold) to reach 0.1, and 0.01 % → 0.1 % (tenfold) reads 0.0146. A
 * base-rate shift of a rare class (the label or predicted class of a fraud or failure
 * model) is what label drift is there to explain, and the z-test sees it: 20 of 200,010 →
 * 100 of 100,010 gives p = 3.2e-31 (statsmodels proportions_ztest; the same as scipy
 * chi2_contingency without correction). The rule needs the counts (`categories`); a caller
 * without them gets the table above without this row. It reads the column's values only, so
 * it applies to every two-valued column: features as well as prediction and label.

 * This picks a method and reports its default threshold; whether a window has enough rows for
 * any verdict, and the verdict itself, are ./decide.ts's.
 */
import type { CategoryCounts } from './categories.js'
import { minOf } from '../../arrays.js'

export type ColumnKind = 'numerical' | 'categorical'
export type DriftMethod = 'ks' | 'chi2' | 'z' | 'wasserstein' | 'jensenshannon'

export interface DriftMethodChoice {
  readonly method: DriftMethod
  /** Default threshold: a p-value below it, or a score at or above it, means drift. */
  readonly threshold: number
  readonly thresholdKind: 'p-value' | 'score'
  /** How the column's values are compared: numerical columns with few values are categorical. */
  readonly treatedAs: ColumnKind
}

/** Evidently's boundary between a small and a large sample (applied here to both sides). */
export const SMALL_REFERENCE_MAX_ROWS = 1000
/** A numerical column with at most this many distinct values is treated as categorical. */
export const CATEGORICAL_MAX_UNIQUE = 5

/**
 * Two categories where the smaller one's share is below this percentage on either side: the
 * z-test decides, whatever the sizes (see above).
 */
export const RARE_CATEGORY_MAX_PERCENT = 1

export const P_VALUE_THRESHOLD = 0.05
export const DISTANCE_THRESHOLD = 0.1

/** Rows of each side (finite, non-missing values of the column). */
export interface SampleSizes {
  readonly reference: number
  readonly current: number
}

/** The counts of each category on each side (the rare-category rule reads them). */
export interface CategorySides {
  readonly reference: CategoryCounts
  readonly current: CategoryCounts
}

export function selectDriftMethod(kind: ColumnKind, sizes: SampleSizes, nUnique: number, categories?: CategorySides): DriftMethodChoice {
  for (const [side, n] of Object.entries(sizes)) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${side} size must be an integer >= 0, got ${n}`)
  }
  if (!Number.isInteger(nUnique) || nUnique < 0) throw new RangeError(`nUnique must be an integer >= 0, got ${nUnique}`)
  const treatedAs: ColumnKind = kind === 'numerical' && nUnique > CATEGORICAL_MAX_UNIQUE ? 'numerical' : 'categorical'
  if (Math.min(sizes.reference, sizes.current) <= SMALL_REFERENCE_MAX_ROWS) {
    if (treatedAs === 'numerical') return test('ks', treatedAs)
    return test(nUnique > 2 ? 'chi2' : 'z', treatedAs)
  }
  if (treatedAs === 'numerical') return distance('wasserstein', treatedAs)
  if (nUnique === 2 && categories !== undefined && hasRareCategory(categories)) return test('z', treatedAs)
  return distance('jensenshannon', treatedAs)
}

/** Whether, on either side with rows, the smaller of the two categories is below 1 % of them. */
function hasRareCategory(categories: CategorySides): boolean {
  return [categories.reference, categories.current].some((side) => {
    const counts = [...(side instanceof Map ? side.values() : Object.values(side))] as number[]
    const rows = counts.reduce((a, b) => a + b, 0)
    // A category absent from this side counts 0: the other side named it.
    const smallest = counts.length < 2 ? 0 : minOf(counts)
    return rows > 0 && smallest * 100 < RARE_CATEGORY_MAX_PERCENT * rows
  })
}

function test(method: DriftMethod, treatedAs: ColumnKind): DriftMethodChoice {
  return { method, threshold: P_VALUE_THRESHOLD, thresholdKind: 'p-value', treatedAs }
}

function distance(method: DriftMethod, treatedAs: ColumnKind): DriftMethodChoice {
  return { method, threshold: DISTANCE_THRESHOLD, thresholdKind: 'score', treatedAs }
}
