/**
 * The report's outlier summary from per-row counts: for each row, how many of its features
 * were evaluated and how many of those were extreme (src/metrics/quality/outlier-score.ts).
 * The counts come from the input source — the engine counts the rows by (evaluated, extreme)
 * in SQL over the whole table (src/cli/report-outliers.ts), the in-memory source with
 * outlierScorer itself (rowOutlierCounts below), counted here — and are summed up as the stream
 * evaluator sums up its windows (src/metrics/quality outlierSummaryOfGroups):
 *
 *   score = extreme / evaluated for each group with evaluated > 0 (the scored rows)
 *   outlierRate = #{score >= threshold} / scored,  meanScore = Σ count·score / scored,  maxScore
 *
 * so both sources, and the stream, give the same figures to the bit. Pure.
 */
import { type FeatureValue, profileQuantile, type ReferenceProfile, type Row } from '../metrics/profile/index.js'
import { featureCheck, LOWER_QUANTILE, type OutlierGroup, type OutlierSummary, outlierScorer, outlierSummaryOfGroups, UPPER_QUANTILE } from '../metrics/quality/index.js'
import { parseCell } from './csv-cells.js'
import { byNumber } from './numeric-categories.js'

export interface OutlierCounts {
  /** Per row (in file order): features evaluated. */
  readonly evaluated: Uint16Array
  /** Per row: features found extreme among them. */
  readonly extreme: Uint16Array
}

/** The counts of rows given column by column (typed as the profile's kinds say). */
export function rowOutlierCounts(profile: Pick<ReferenceProfile, 'features'>, rowCount: number, column: (name: string) => readonly FeatureValue[] | undefined): OutlierCounts {
  const score = outlierScorer(profile)
  const present = Object.keys(profile.features).flatMap((n) => {
    const values = column(n)
    return values === undefined ? [] : [[n, values] as const]
  })
  const evaluated = new Uint16Array(rowCount)
  const extreme = new Uint16Array(rowCount)
  const row: Record<string, FeatureValue> = {}
  for (let i = 0; i < rowCount; i++) {
    for (const [n, values] of present) row[n] = values[i]
    const s = score(row as Row)
    evaluated[i] = s.evaluated
    extreme[i] = s.extreme
  }
  return { evaluated, extreme }
}

/** The rows counted by (evaluated, extreme) and summed up as the stream evaluator does (outlierSummaryOfGroups). */
export function outlierSummary({ evaluated, extreme }: OutlierCounts, threshold: number): OutlierSummary {
  const groups = new Map<number, OutlierGroup>()
  for (let i = 0; i < evaluated.length; i++) {
    const e = evaluated[i] as number
    const k = extreme[i] as number
    const key = e * 65536 + k
    const g = groups.get(key)
    groups.set(key, { evaluated: e, extreme: k, count: (g?.count ?? 0) + 1 })
  }
  return outlierSummaryOfGroups(groups.values(), threshold)
}

/** A cell's part in the outlier score of its feature: not evaluated, evaluated, or extreme. */
export const OUTLIER_CODE = { notEvaluated: 0, evaluated: 1, extreme: 2 } as const

export interface OutlierCellCodes {
  readonly cells: string[]
  readonly codes: number[]
}

const codeOf = (extreme: boolean | null): number => (extreme === null ? OUTLIER_CODE.notEvaluated : extreme ? OUTLIER_CODE.extreme : OUTLIER_CODE.evaluated)

/**
 * The cells of one feature whose code is not `evaluated` (missing values, type violations,
 * values in the reference's tails, unusual categories), each with its code: the engine maps
 * every other cell to `evaluated` (src/cli/report-files.ts). Each distinct cell is typed
 * (parseCell, by the profile's kind) and judged once by the scorer's own check of the feature
 * (featureCheck, what outlierScorer applies per feature), so the engine
 * compares no numbers of its own. `categoriesByNumber`: the feature's categories are named by
 * number (./numeric-categories.ts), and so is each cell before it is judged.
 */
export function outlierCellCodes(profile: Pick<ReferenceProfile, 'features'>, name: string, cells: Iterable<string>, categoriesByNumber = false): OutlierCellCodes {
  const feature = profile.features[name]
  const out = { cells: [] as string[], codes: [] as number[] }
  if (feature === undefined) return out
  // The feature's own check, as outlierScorer applies it to this feature of a row.
  const check = featureCheck(feature)
  const type = feature.kind === 'numerical' ? 'number' : 'text'
  for (const cell of cells) {
    const value = parseCell(cell, type)
    const code = codeOf(check(categoriesByNumber ? byNumber(value) : value))
    if (code !== OUTLIER_CODE.evaluated) {
      out.cells.push(cell)
      out.codes.push(code)
    }
  }
  return out
}

/**
 * A numerical feature's outlier codes as the engine applies them (src/cli/report-outliers.ts):
 * `cells`, every distinct cell that is not a decimal the source parsed (NumberCells.others:
 * missing, infinities, type violations), each with its code as outlierCellCodes judges it;
 * and `tails`, the bounds a decimal's value is judged by, [q_0.005, q_0.995] of the reference
 * as featureCheck takes them: strictly outside is extreme, else evaluated (±Infinity is
 * outside); null when the reference has no quantiles, and then no decimal is evaluated. So
 * the engine compares each row's double with two doubles and no decimal's text crosses into
 * JS (a column of a million distinct floats kept its cells' texts, 30 bytes a value, only to
 * list the 1% in the tails).
 */
export interface NumericalOutlierRule extends OutlierCellCodes {
  readonly tails: readonly [low: number, high: number] | null
}

export function numericalOutlierRule(profile: Pick<ReferenceProfile, 'features'>, name: string, others: Iterable<string>): NumericalOutlierRule {
  const feature = profile.features[name]
  if (feature?.kind !== 'numerical') throw new Error(`outlier codes: feature ${name} is not numerical`)
  const check = featureCheck(feature)
  const out = { cells: [] as string[], codes: [] as number[] }
  for (const cell of others) {
    out.cells.push(cell)
    out.codes.push(codeOf(check(parseCell(cell, 'number'))))
  }
  const low = profileQuantile(feature, LOWER_QUANTILE)
  const high = profileQuantile(feature, UPPER_QUANTILE)
  return { ...out, tails: low === null || high === null ? null : [low, high] }
}

/** A decimal's code by a NumericalOutlierRule's tails (what the engine computes per row). */
export function decimalOutlierCode(tails: NumericalOutlierRule['tails'], value: number): number {
  if (tails === null) return OUTLIER_CODE.notEvaluated
  return value < tails[0] || value > tails[1] ? OUTLIER_CODE.extreme : OUTLIER_CODE.evaluated
}
