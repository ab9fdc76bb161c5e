/**
 * Reference vs current counts of one drift row's column, from the partial aggregates the
 * evaluator stored (current: the window's partitions merged by summing, as the counts'
 * accumulator does) and the reference's partial with its bin edges. Pure.
 *
 * Column names map to the partial's keys as src/evaluate/compute.ts writes them: prediction
 * 'score' -> __score__, 'value' -> __value__, 'class' -> __class__; label -> labelCounts.
 */
import { own } from '../metrics/own.js'
import type { Distribution } from './types.js'

/** The parts of a stored partial (src/evaluate/partial-state.ts) a distribution needs. */
export interface CountsPartial {
  readonly numeric: Readonly<Record<string, readonly number[]>>
  readonly categorical: Readonly<Record<string, Readonly<Record<string, number>>>>
  readonly labelCounts: Readonly<Record<string, number>>
}

export const emptyCounts = (): CountsPartial => ({ numeric: {}, categorical: {}, labelCounts: {} })

function sumRecords(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const out = Object.assign(Object.create(null) as Record<string, number>, a)
  for (const [k, v] of Object.entries(b)) out[k] = (own(out, k) ?? 0) + v
  return out
}

/** Sums the counts of partition partials (numeric bins elementwise, categories by name). */
export function mergeCounts(parts: readonly Partial<CountsPartial>[]): CountsPartial {
  // Null-prototype: feature and category names are user data (`__proto__` is a valid name).
  const numeric = Object.create(null) as Record<string, number[]>
  const categorical = Object.create(null) as Record<string, Record<string, number>>
  let labelCounts = Object.create(null) as Record<string, number>
  for (const p of parts) {
    for (const [k, counts] of Object.entries(p.numeric ?? {})) {
      const into = (numeric[k] ??= new Array<number>(counts.length).fill(0))
      counts.forEach((c, i) => (into[i] = (into[i] ?? 0) + c))
    }
    for (const [k, counts] of Object.entries(p.categorical ?? {})) categorical[k] = sumRecords(own(categorical, k) ?? {}, counts)
    labelCounts = sumRecords(labelCounts, p.labelCounts ?? {})
  }
  return { numeric, categorical, labelCounts }
}

const PREDICTION_KEYS: Record<string, string> = { score: '__score__', value: '__value__', class: '__class__' }

function categories(reference: Readonly<Record<string, number>>, current: Readonly<Record<string, number>>): Distribution {
  const names = [...new Set([...Object.keys(reference), ...Object.keys(current)])].sort()
  return { kind: 'categories', categories: names, reference: names.map((c) => own(reference, c) ?? 0), current: names.map((c) => own(current, c) ?? 0) }
}

const total = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

/**
 * The distribution of `column` (of drift target `target`), or null when it is not available:
 * the stored counts do not fit the reference's edges (the reference changed since the
 * evaluation), there are none, or a side's counts do not add up to the drift row's sample size
 * (`sizes`: n_reference, n_current). The evaluator computes both sizes as the sums of these very
 * counts (src/evaluate/drift-rows.ts), so a shortfall means the rows they were built from are
 * gone: partial_aggregates expire with retention.raw while drift rows live for retention.metrics,
 * and the reference's stored predictions expire with retention.raw too. Zeros would read as an
 * empty window.
 */
export function distributionOf(
  target: string, column: string,
  reference: { readonly partial: CountsPartial; readonly edges: ReadonlyMap<string, readonly number[]> },
  current: CountsPartial,
  sizes: { readonly reference: number; readonly current: number },
): Distribution | null {
  return distributionWithNote(target, column, reference, current, sizes).distribution
}

/** Rows of these targets compare a column's distribution; others (calibration, concept) have none to show. */
const WITH_DISTRIBUTION = new Set(['feature', 'prediction', 'label'])

/**
 * distributionOf with why it is null, in one line (DriftDetail.distribution_note): null when
 * there is a distribution, or when the row is of a kind that has none (calibration).
 */
export function distributionWithNote(
  target: string, column: string,
  reference: { readonly partial: CountsPartial; readonly edges: ReadonlyMap<string, readonly number[]> },
  current: CountsPartial,
  sizes: { readonly reference: number; readonly current: number },
): { distribution: Distribution | null; note: string | null } {
  const counts = countsOf(target, column, reference, current)
  if (counts.distribution === null) {
    const kept = WITH_DISTRIBUTION.has(target) && (target !== 'prediction' || PREDICTION_KEYS[column] !== undefined)
    return { distribution: null, note: kept ? counts.note : null }
  }
  const d = counts.distribution
  const ref = total(d.reference)
  const cur = total(d.current)
  if (ref !== sizes.reference) {
    return { distribution: null, note: `reference counts unavailable: the reference's stored rows add up to ${ref}, not the ${sizes.reference} this window was compared with (its stored predictions expired after retention.raw, or the reference as configured changed since)` }
  }
  if (cur !== sizes.current) {
    return { distribution: null, note: `window counts unavailable: this window's stored counts add up to ${cur}, not its ${sizes.current} rows (its partial aggregates expired after retention.raw)` }
  }
  return { distribution: d, note: null }
}

const NO_COUNTS = "no stored counts of this column on either side: the window's partial aggregates and the reference's predictions expire after retention.raw, or the reference as configured no longer has this column"
const NOT_FITTING = "the reference's bins as configured now do not fit this window's stored counts: the reference data or its configuration changed since the evaluation"

function countsOf(
  target: string, column: string,
  reference: { readonly partial: CountsPartial; readonly edges: ReadonlyMap<string, readonly number[]> },
  current: CountsPartial,
): { distribution: Distribution | null; note: string | null } {
  const found = (distribution: Distribution) => ({ distribution, note: null })
  const none = (note: string) => ({ distribution: null, note })
  if (target === 'label') return found(categories(reference.partial.labelCounts, current.labelCounts))
  const key = target === 'prediction' ? PREDICTION_KEYS[column] : target === 'feature' ? column : undefined
  if (key === undefined) return none(NO_COUNTS)
  const edges = reference.edges.get(key)
  const ref = own(reference.partial.numeric, key)
  const cur = own(current.numeric, key)
  if (edges && (ref || cur)) {
    const size = edges.length + 1
    const zeros = new Array<number>(size).fill(0)
    if ((ref ?? zeros).length !== size || (cur ?? zeros).length !== size) return none(NOT_FITTING)
    return found({ kind: 'histogram', edges: [...edges], reference: [...(ref ?? zeros)], current: [...(cur ?? zeros)] })
  }
  const refCats = own(reference.partial.categorical, key)
  const curCats = own(current.categorical, key)
  if (refCats || curCats) return found(categories(refCats ?? {}, curCats ?? {}))
  return none(NO_COUNTS)
}
