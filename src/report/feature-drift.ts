/**
 * Drift of one column between the reference and the current file, every statistic that
 * applies to its kind, and the one that decides (src/metrics/drift/select-method.ts, Evidently's
 * defaults), all from src/metrics/drift:
 *
 *   numerical:   ks (scipy ks_2samp), wasserstein (normed by the reference std) and its raw
 *                distance, and over reference-decile bins psi, jensen_shannon (natural log, as Evidently),
 *                hellinger, kl (reference ‖ current)
 *   categorical: chi2 (homogeneity, no correction), psi, jensen_shannon, linf, unseen
 *                categories; z when the column has at most two values and a small reference
 * A numerical column with at most 5 distinct values (reference ∪ current) is compared as
 * categories of its values (treated_as: categorical), as Evidently does and as the stream does
 * (src/evaluate/drift-rows.ts): chi2, z, psi, jensen_shannon, linf and the unseen categories
 * over the categories (chi2, z or jensen_shannon decide by default), beside KS and Wasserstein;
 * no decile bins.
 * NaN, ±Infinity, missing values and type violations are left out, and counted by reason in
 * `reference_left_out` / `current_left_out` (./left-out.ts; the data-quality section counts them too).
 *
 * The deciding method and threshold are the default ones unless the model file sets
 * `thresholds.<feature>`: a number (the default method, that threshold) or { method, threshold }.
 * Tests (ks, chi2, z) compare a p-value (drift when below), the others a score (drift when at
 * or above). The verdict itself is taken over all features at once (./build-report.ts).
 */
import {
  alignCategories,
  binCounts,
  categoricalJensenShannon,
  categoricalPsi,
  chiSquare,
  type ColumnKind,
  type DriftMethodChoice,
  driftRule,
  type DriftStatus,
  type FeatureDriftInput,
  hellinger,
  jensenShannon,
  kl,
  ks,
  linf,
  psi,
  referenceBinEdges,
  isSortedRuns,
  runLength,
  runsSize,
  selectDriftMethod,
  type SortedRuns,
  sortedSample,
  wasserstein,
  zTest,
} from '../metrics/drift/index.js'
import { compareText } from '../metrics/profile/index.js'
import type { StatResult } from '../metrics/types.js'
import { DriftwatchError } from '../errors.js'
import type { ThresholdSetting } from './config.js'
import { categoryDistribution, finiteRange, numericDistribution } from './distribution.js'
import { categoryValues, distinctCountSorted, finiteSortedValues } from './column-values.js'
import { type ColumnInput, countedCategories, countedFiniteSorted, countedRuns, isCounted } from './counted-column.js'
import { valuesLeftOut } from './left-out.js'
import { type FeatureDriftJson, num, type TestJson } from './types.js'

export const UNSEEN_LISTED = 20

export interface ColumnDrift {
  readonly json: Omit<FeatureDriftJson, 'drift_detected' | 'adjusted_p_value'>
  /** The deciding statistic and its threshold, for the dataset-level verdict. */
  readonly selected: StatResult
  readonly threshold: number
  /** 'insufficient': too few rows for a verdict (src/metrics/drift/decide.ts). */
  readonly status: DriftStatus
}

/**
 * The column's entry for datasetDriftShare: every verdict of the report goes through it, so
 * none is taken without the status (a verdict left without it would judge 10 rows).
 */
export const verdictInput = (feature: string, d: ColumnDrift): FeatureDriftInput => ({
  feature,
  result: d.selected,
  threshold: d.threshold,
  status: d.status,
})

const test = (r: StatResult): TestJson => ({ statistic: num(r.score), p_value: num(r.pValue) })

interface Stats {
  readonly results: Readonly<Record<string, StatResult>>
  readonly json: Partial<FeatureDriftJson>
  readonly counts: readonly [number, number]
  readonly choice: DriftMethodChoice
}

function countsOf(values: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1)
  return m
}

interface Categories {
  /** Category → count, in order of first appearance. */
  readonly counts: Map<string, number>
  /** Number of values. */
  readonly n: number
}

const categoriesOf = (values: readonly string[]): Categories => ({ counts: countsOf(values), n: values.length })

/** readCategory's values with their counts, from a column in row order or counted (./counted-column.ts). */
function columnCategories(c: ColumnInput): Categories {
  return isCounted(c) ? countedCategories(c) : categoriesOf(categoryValues(c))
}

/** A sorted sample's values (or its runs) as text categories (as countsOf of their String()). */
function sortedCategories(sorted: Float64Array | SortedRuns): Categories {
  const counts = new Map<string, number>()
  const runs = isSortedRuns(sorted)
  const values = runs ? sorted.values : sorted
  values.forEach((x, k) => {
    const key = String(x)
    const n = runs ? runLength(sorted, k) : 1
    counts.set(key, (counts.get(key) ?? 0) + n)
  })
  return { counts, n: sampleSize(sorted) }
}

const sampleSize = (s: Float64Array | SortedRuns): number => (isSortedRuns(s) ? runsSize(s) : s.length)

function categoricalStats(reference: Categories, current: Categories): Stats {
  const ref = reference.counts
  const cur = current.counts
  const aligned = alignCategories(ref, cur)
  const unseen = aligned.categories.filter((_, i) => (aligned.current[i] as number) > 0 && aligned.reference[i] === 0)
  const choice = selectDriftMethod('categorical', { reference: reference.n, current: current.n }, aligned.categories.length, { reference: ref, current: cur })
  const results: Record<string, StatResult> = {
    chi2: chiSquare(ref, cur),
    psi: categoricalPsi(ref, cur),
    jensenshannon: categoricalJensenShannon(ref, cur),
    linf: linf(ref, cur),
  }
  // The z-test is defined for at most two categories (Evidently's choice below 3 values).
  if (aligned.categories.length <= 2) results['z'] = zTest(ref, cur)
  const json: Partial<FeatureDriftJson> = {
    chi2: test(results['chi2'] as StatResult),
    ...(results['z'] ? { z: test(results['z']) } : {}),
    psi: num(results['psi']?.score),
    jensen_shannon: num(results['jensenshannon']?.score),
    linf: num(results['linf']?.score),
    unseen_categories: {
      count: aligned.unseenCategories,
      observations: aligned.unseenCount,
      categories: unseen.sort(compareText).slice(0, UNSEEN_LISTED),
    },
    distribution: categoryDistribution(ref, cur),
  }
  return { results, json, counts: [reference.n, current.n], choice }
}

/**
 * The finite numbers sorted ascending (-0 before +0), from a column in row order or counted,
 * declared sorted (sortedSample): KS, Wasserstein and the bins take it without checking and
 * copying a million values each; nothing here changes it.
 */
const finiteSortedOf = (c: ColumnInput): Float64Array => sortedSample(isCounted(c) ? countedFiniteSorted(c) : finiteSortedValues(c))

function numericalStats(reference: ColumnInput, current: ColumnInput): Stats {
  // Sorted once: every statistic below keeps the finite values and sorts them again, which
  // costs little on sorted input (the values, and so the results, are the same). The current
  // sample of a counted column goes as runs (countedRuns): KS, Wasserstein and the bins walk
  // its distinct values with their counts, the same counts in the same steps as over the
  // expanded sample; the reference stays expanded (its bin edges and its standard deviation
  // read it value by value).
  const refSorted = finiteSortedOf(reference)
  const curSorted = isCounted(current) ? countedRuns(current) : finiteSortedOf(current)
  const distinct = distinctCountSorted(refSorted, curSorted)
  const counts = [refSorted.length, sampleSize(curSorted)] as const
  const choice = selectDriftMethod('numerical', { reference: counts[0], current: counts[1] }, distinct)
  const results: Record<string, StatResult> = {
    ks: ks(refSorted, curSorted),
    wasserstein: wasserstein(refSorted, curSorted),
  }
  const json: Partial<FeatureDriftJson> = {
    ks: test(results['ks'] as StatResult),
    wasserstein: num(results['wasserstein']?.score),
    // wasserstein() reports the raw distance it normed (wassersteinDistance's value, not recomputed).
    wasserstein_distance: num(results['wasserstein']?.params['distance'] as number),
  }
  if (choice.treatedAs === 'categorical') {
    // Few values: compared as categories of their values, with the stream's categorical
    // statistics (src/evaluate/drift-rows.ts numericalDrift → categoricalDrift: chi2, z, psi,
    // jensenshannon, linf over String(x) categories). No decile bins: with at most 5 values
    // their edges collapse (95×0, 4×1, 1×2 has every decile at 0) and a distance over them
    // reads 0 for any shift, so psi, jensen_shannon and the distribution are the categories'
    // and hellinger and kl, which exist over bins only, are left out (as in the stream).
    // KS and Wasserstein read the values themselves and stay.
    // The categories' own choice decides, as the stream's categoricalDrift: it reads their counts,
    // so a rare value (two values, the smaller below 1 % of a side) keeps the z-test above 1000
    // rows a side, where Jensen–Shannon cannot reach its threshold (select-method.ts).
    const cat = categoricalStats(sortedCategories(refSorted), sortedCategories(curSorted))
    return { results: { ...results, ...cat.results }, json: { ...json, ...cat.json }, counts, choice: cat.choice }
  }
  const edges = referenceBinEdges(refSorted)
  const rc = binCounts(edges, refSorted).counts
  const cc = binCounts(edges, curSorted).counts
  Object.assign(results, {
    psi: psi(rc, cc),
    jensenshannon: jensenShannon(rc, cc),
    hellinger: hellinger(rc, cc),
    kl: kl(rc, cc),
  })
  const binned: Partial<FeatureDriftJson> = {
    psi: num(results['psi']?.score),
    jensen_shannon: num(results['jensenshannon']?.score),
    hellinger: num(results['hellinger']?.score),
    kl: num(results['kl']?.score),
    distribution: numericDistribution(edges, rc, cc, finiteRange(refSorted, curSorted)),
  }
  return { results, json: { ...json, ...binned }, counts, choice }
}

/** `reference` and `current` in row order, or counted (./counted-column.ts): the same result. */
export function columnDrift(name: string, kind: ColumnKind, reference: ColumnInput, current: ColumnInput, setting?: ThresholdSetting): ColumnDrift {
  const stats =
    kind === 'numerical' ? numericalStats(reference, current) : categoricalStats(columnCategories(reference), columnCategories(current))
  const { choice } = stats
  // Method, threshold and status are decided as in the stream (src/metrics/drift/decide.ts).
  const rule = driftRule({ choice, sizes: { reference: stats.counts[0], current: stats.counts[1] }, setting }, Object.keys(stats.results))
  const { method, threshold } = rule
  const selected = stats.results[method]
  if (selected === undefined || rule.status === 'method_not_applicable') {
    throw new DriftwatchError('DW_CONFIG_INVALID', `thresholds.${name}: method ${method} does not apply to this ${choice.treatedAs} column`)
  }
  const isTest = rule.thresholdKind === 'p-value'
  return {
    json: {
      kind,
      treated_as: choice.treatedAs,
      method,
      threshold,
      threshold_kind: isTest ? 'p_value' : 'score',
      drift_score: num(selected.score),
      ...(isTest ? { p_value: num(selected.pValue) } : {}),
      status: rule.status,
      reference_count: stats.counts[0],
      current_count: stats.counts[1],
      reference_left_out: valuesLeftOut(reference, kind),
      current_left_out: valuesLeftOut(current, kind),
      ...stats.json,
    },
    selected,
    threshold,
    status: rule.status,
  }
}
