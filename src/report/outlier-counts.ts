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
import type { FeatureValue, ReferenceProfile, Row } from '../metrics/profile/index.js'
import { featureCheck, type OutlierGroup, type OutlierSummary, outlierScorer, outlierSummaryOfGroups } from '../metrics/quality/index.js'
import { parseCell } from './csv-cells.js'
import { byNumber } from './numeric-categories.js'
import type { NumberCells } from './counted-column.js'

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
 * outlierCellCodes of a numerical feature's cells given as NumberCells: a decimal cell is
 * judged by its value (what parseCell gives it), so only the text of the cells whose code is
 * not `evaluated` is read; the other cells by their text, as outlierCellCodes judges them.
 */
export function outlierNumberCellCodes(profile: Pick<ReferenceProfile, 'features'>, name: string, cells: NumberCells): OutlierCellCodes {
  const feature = profile.features[name]
  if (feature?.kind !== 'numerical') return outlierCellCodes(profile, name, [...cells.others.keys(), ...Array.from(cells.decimals, (_, i) => cells.decimalCell(i))])
  const check = featureCheck(feature)
  const out = outlierCellCodes(profile, name, cells.others.keys())
  cells.decimals.forEach((value, i) => {
    const code = codeOf(check(value))
    if (code !== OUTLIER_CODE.evaluated) {
      out.cells.push(cells.decimalCell(i))
      out.codes.push(code)
    }
  })
  return out
}
