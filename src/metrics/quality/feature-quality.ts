/**
 * Data quality of one feature in a window, against its reference profile, as a mergeable
 * accumulator state. Values are read as in ../profile/values.ts.
 *
 *   missingRate        = missing / count                 (null, undefined, NaN)
 *   typeViolationRate  = typeViolations / count          (a string for a numerical feature...)
 *   outOfRangeRate     = outOfRange / rangeChecked        numerical: values (±Infinity
 *                        included) outside [reference min, reference max]; NaN when the
 *                        reference has no finite value or the window no number
 *   newCategoryRate    = newCategoryCount / categorised   categorical: values whose category
 *                        the reference never had (its reference frequency is 0)
 *   constant           = every non-missing, well-typed value is the same one; null with no
 *                        such value (a single value is constant)
 *   referenceConstant  = the reference had at most one distinct value (a constant feature
 *                        carries no signal; reported, not judged)
 * Rates of an empty window are NaN. `update` mutates and returns the state (as OpenTelemetry's
 * accumulation record); `merge` returns a new state. Constancy merges through the first value
 * seen and a `varies` flag: two constant parts with different values vary.
 */
import { checkWeight } from '../weight.js'
import type { FeatureProfile, FeatureValue } from '../profile/index.js'
import { readCategory, readNumber } from '../profile/index.js'
import { addNewCategory, emptyNewCategories, mergeNewCategories, NEW_CATEGORIES_KEPT, type NewCategories } from './new-categories.js'

export interface FeatureQualityState {
  count: number
  missing: number
  typeViolations: number
  nonFinite: number
  rangeChecked: number
  outOfRange: number
  newCategoryCount: number
  newCategories: NewCategories
  first: string | number | null
  varies: boolean
}

export interface FeatureQuality {
  readonly kind: FeatureProfile['kind']
  readonly count: number
  readonly missing: number
  readonly missingRate: number
  readonly typeViolations: number
  readonly typeViolationRate: number
  /** Numerical: ±Infinity values. */
  readonly nonFinite: number
  readonly outOfRange: number
  readonly outOfRangeRate: number
  readonly newCategoryCount: number
  readonly newCategoryRate: number
  /** The smallest new categories (code-unit order) with their counts; see ./new-categories.ts. */
  readonly newCategories: Readonly<Record<string, number>>
  readonly newCategoriesTruncated: boolean
  readonly constant: boolean | null
  readonly referenceConstant: boolean
}

export function emptyFeatureQuality(): FeatureQualityState {
  return {
    count: 0,
    missing: 0,
    typeViolations: 0,
    nonFinite: 0,
    rangeChecked: 0,
    outOfRange: 0,
    newCategoryCount: 0,
    newCategories: emptyNewCategories(),
    first: null,
    varies: false,
  }
}

function see(state: FeatureQualityState, value: string | number): void {
  if (state.first === null) state.first = value
  else if (state.first !== value) state.varies = true
}

/** Adds `weight` observations of `value` (mutates and returns `state`; ../types.ts). */
export function addFeatureValue(state: FeatureQualityState, reference: FeatureProfile, value: FeatureValue, weight = 1): FeatureQualityState {
  if (checkWeight(weight) === 0) return state
  state.count += weight
  const r = reference.kind === 'numerical' ? readNumber(value) : readCategory(value)
  if (r.kind === 'missing') state.missing += weight
  else if (r.kind === 'violation') state.typeViolations += weight
  else if (reference.kind === 'numerical') {
    const x = r.value as number
    see(state, x)
    if (!Number.isFinite(x)) state.nonFinite += weight
    if (reference.min !== null && reference.max !== null) {
      state.rangeChecked += weight
      if (x < reference.min || x > reference.max) state.outOfRange += weight
    }
  } else {
    const c = r.value as string
    see(state, c)
    if (!Object.hasOwn(reference.categories, c)) {
      state.newCategoryCount += weight
      addNewCategory(state.newCategories, c, NEW_CATEGORIES_KEPT, weight)
    }
  }
  return state
}

export function mergeFeatureQuality(a: FeatureQualityState, b: FeatureQualityState): FeatureQualityState {
  const bothSeen = a.first !== null && b.first !== null
  return {
    count: a.count + b.count,
    missing: a.missing + b.missing,
    typeViolations: a.typeViolations + b.typeViolations,
    nonFinite: a.nonFinite + b.nonFinite,
    rangeChecked: a.rangeChecked + b.rangeChecked,
    outOfRange: a.outOfRange + b.outOfRange,
    newCategoryCount: a.newCategoryCount + b.newCategoryCount,
    newCategories: mergeNewCategories(a.newCategories, b.newCategories),
    first: a.first ?? b.first,
    varies: a.varies || b.varies || (bothSeen && a.first !== b.first),
  }
}

export function featureQualityResult(state: FeatureQualityState, reference: FeatureProfile): FeatureQuality {
  const rate = (n: number, d: number) => (d === 0 ? Number.NaN : n / d)
  const categorised = state.count - state.missing - state.typeViolations
  return {
    kind: reference.kind,
    count: state.count,
    missing: state.missing,
    missingRate: rate(state.missing, state.count),
    typeViolations: state.typeViolations,
    typeViolationRate: rate(state.typeViolations, state.count),
    nonFinite: state.nonFinite,
    outOfRange: state.outOfRange,
    outOfRangeRate: reference.kind === 'numerical' ? rate(state.outOfRange, state.rangeChecked) : Number.NaN,
    newCategoryCount: state.newCategoryCount,
    newCategoryRate: reference.kind === 'categorical' ? rate(state.newCategoryCount, categorised) : Number.NaN,
    newCategories: state.newCategories.categories,
    newCategoriesTruncated: state.newCategories.truncated,
    constant: state.first === null ? null : !state.varies,
    referenceConstant: reference.nUnique <= 1,
  }
}
