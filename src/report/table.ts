/**
 * The report's input: a table of typed columns (not rows). A million rows as objects cost
 * gigabytes; as one array per column they cost a few bytes a cell, and every statistic reads
 * a column at a time anyway. The few per-row computations (data quality, outlier scores) walk
 * the rows through one reused row object. Pure.
 */
import {
  type ColumnKind,
  type FeatureValue,
  featureProfile,
  type PerformanceProfile,
  PROFILE_VERSION,
  type ReferenceProfile,
  type Row,
  type TargetColumns,
  type TargetNames,
  type TaskSpec,
} from '../metrics/profile/index.js'
import { type ColumnInput, type CountedColumn, countedArrays, forEachCounted, isCounted } from './counted-column.js'

export interface Table {
  readonly rowCount: number
  /** The file's columns, typed; a column the file lacks is absent. */
  readonly columns: ReadonlyMap<string, readonly FeatureValue[]>
  /**
   * Columns also held as counted values (./counted-column.ts), which the per-feature
   * statistics read instead of the array (same results, no million-value array).
   */
  readonly counted?: ReadonlyMap<string, CountedColumn>
}

export const hasColumn = (t: Table, name: string) => t.columns.has(name)

/** The column's values; a column the file lacks reads as all undefined (missing). */
export function columnOf(t: Table, name: string): readonly FeatureValue[] {
  return t.columns.get(name) ?? new Array<FeatureValue>(t.rowCount).fill(undefined)
}

/** The column as counted values when the table holds it so, else its values in row order. */
export function columnInput(t: Table, name: string): ColumnInput {
  return t.counted?.get(name) ?? columnOf(t, name)
}

/** The target columns the table has (as src/metrics/profile's targetColumns over rows). */
export function tableTargets(t: Table, names: TargetNames): TargetColumns {
  const present = (name: string | undefined): name is string => name !== undefined && t.rowCount > 0 && t.columns.has(name)
  return {
    ...(present(names.label) ? { label: columnOf(t, names.label) } : {}),
    ...(present(names.prediction) ? { prediction: columnOf(t, names.prediction) } : {}),
    ...(present(names.score) ? { score: columnOf(t, names.score) } : {}),
  }
}

/**
 * Folds an accumulator over the rows, each row holding `names` (those the table has). One row
 * object is reused: the accumulators read a row's values and keep none of the row.
 */
export function foldRows<S, R>(acc: { create(): S; update(s: S, r: Row): S; result(s: S): R }, t: Table, names: readonly string[]): R {
  const present = names.filter((n) => t.columns.has(n)).map((n) => [n, t.columns.get(n) as readonly FeatureValue[]] as const)
  const row: Record<string, FeatureValue> = {}
  let state = acc.create()
  for (let i = 0; i < t.rowCount; i++) {
    for (const [n, values] of present) row[n] = values[i]
    state = acc.update(state, row)
  }
  return acc.result(state)
}

/**
 * Folds a weighted accumulator over one column: per row, or per distinct value with its count
 * as the weight (the accumulators take counts as weights, ../metrics/types.ts).
 */
export function foldColumn<S, R>(acc: { create(): S; update(s: S, r: Row, weight?: number): S; result(s: S): R }, t: Table, name: string): R {
  const counted = t.counted?.get(name)
  if (counted === undefined) return foldRows(acc, t, [name])
  // One row object reused, as foldRows does: a million distinct values are not a million objects.
  const row: Record<string, FeatureValue> = {}
  let state = acc.create()
  forEachCounted(counted, (value, count) => {
    row[name] = value
    state = acc.update(state, row, count)
  })
  return acc.result(state)
}

/** The part of a reference profile the outlier score reads: the features' profiles. */
export type ProfileFeatures = Pick<ReferenceProfile, 'features'>

/**
 * The reference profiles of the features (src/metrics/profile's buildProfile, by column), one
 * feature at a time with `pause` awaited after each (./build-report.ts).
 */
export async function featureProfiles(
  t: Table,
  features: readonly string[],
  kinds: Readonly<Record<string, ColumnKind>>,
  pause: () => Promise<void> = async () => {},
): Promise<ReferenceProfile['features']> {
  const entries: [string, ReferenceProfile['features'][string]][] = []
  for (const name of features) {
    const c = columnInput(t, name)
    if (isCounted(c)) {
      // The column's values as arrays while its profile is computed, and no longer (missing as
      // NaN in a numerical one: doubles, not boxed numbers).
      const { values, counts } = countedArrays(c, kinds[name] === 'numerical')
      entries.push([name, featureProfile(values, kinds[name], {}, counts)])
    } else entries.push([name, featureProfile(c, kinds[name])])
    await pause()
  }
  return Object.fromEntries(entries)
}

/**
 * The reference profile: the features' profiles (featureProfiles) and the targets' task with
 * their performance (performanceProfile of the reference's targets, computed once by the caller).
 */
export function tableProfile(t: Table, features: ReferenceProfile['features'], spec: TaskSpec, performance: PerformanceProfile): ReferenceProfile {
  return { profileVersion: PROFILE_VERSION, rows: t.rowCount, features, targets: { ...spec, performance } }
}
