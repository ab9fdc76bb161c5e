/**
 * Column kind when none is given: by value type, then Evidently's few-values rule.
 *
 *   every non-missing value is a number and there are more than CATEGORICAL_MAX_UNIQUE (5)
 *   distinct finite values → numerical; otherwise → categorical
 *
 * So a 0/1 flag or a 1–5 rating stored as numbers is categorical, as Evidently treats
 * numerical columns with at most 5 values (../drift/select-method.ts); when both of its files
 * hold numbers only, the batch report names its categories by number, so 1 and 1.0 are one
 * category (src/report/numeric-categories.ts). A column with no value at all is categorical
 * (there is nothing to bin). A kind given in the configuration always wins over this guess.
 *
 * The caller passes one column (the batch report: the reference file's). Evidently counts the
 * distinct values over both files (pd.concat([reference, current]).nunique(),
 * legacy/calculations/stattests/registry.py), so a column with at most 5 values in the
 * reference and more in the current is numerical there and categorical here.
 * Counting stops at the sixth distinct value (only "more than five" matters), so a column of a
 * million distinct doubles costs a type check per value, not a Set of a million entries.
 */
import { CATEGORICAL_MAX_UNIQUE } from '../drift/index.js'
import { type ColumnKind, type FeatureValue, isMissing } from './values.js'

export function inferKind(column: readonly FeatureValue[]): ColumnKind {
  const distinct = new Set<number>()
  for (const v of column) {
    if (isMissing(v)) continue
    if (typeof v !== 'number') return 'categorical'
    if (distinct.size <= CATEGORICAL_MAX_UNIQUE && Number.isFinite(v)) distinct.add(v)
  }
  return distinct.size > CATEGORICAL_MAX_UNIQUE ? 'numerical' : 'categorical'
}
