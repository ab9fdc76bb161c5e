/**
 * The report's outlier summary from per-row counts: for each row, how many of its features
 * were evaluated and how many of those were extreme (src/metrics/quality/outlier-score.ts).
 * The counts come from the input source — the engine counts them in SQL over the whole table
 * and adds up the totals itself (src/cli/report-outliers.ts: the same arithmetic, the scores
 * summed in row order by arrayCumSum), the in-memory source with outlierScorer itself
 * (rowOutlierCounts below), summed here in row order — with the arithmetic of outlierAccumulator:
 *
 *   score_i = extreme_i / evaluated_i over the rows with evaluated_i > 0 (the scored ones)
 *   outlierRate = #{score_i >= threshold} / scored,  meanScore = Σ score_i / scored,  maxScore
 *
 * so both sources give the same figures to the bit. Pure.
 */
import type { FeatureValue, ReferenceProfile, Row } from '../metrics/profile/index.js'
import { featureCheck, type OutlierSummary, outlierScorer } from '../metrics/quality/index.js'
import { parseCell } from './csv-cells.js'
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

/**
 * The totals over the rows that the summary is made of: rows, scored rows, those with
 * score >= threshold, Σ score over the scored rows added in row order, and the largest score
 * (any value when none is scored).
 */
export interface OutlierTotals {
  readonly events: number
  readonly scored: number
  readonly outliers: number
  readonly scoreSum: number
  readonly maxScore: number
}

export function summaryOfTotals({ events, scored, outliers, scoreSum, maxScore }: OutlierTotals, threshold: number): OutlierSummary {
  return {
    events,
    scored,
    unscored: events - scored,
    outliers,
    outlierRate: scored === 0 ? Number.NaN : outliers / scored,
    meanScore: scored === 0 ? Number.NaN : scoreSum / scored,
    maxScore: scored === 0 ? Number.NaN : maxScore,
    threshold,
  }
}

export function outlierSummary({ evaluated, extreme }: OutlierCounts, threshold: number): OutlierSummary {
  let scored = 0
  let outliers = 0
  let scoreSum = 0
  let maxScore = Number.NaN
  for (let i = 0; i < evaluated.length; i++) {
    const e = evaluated[i] as number
    if (e === 0) continue
    const s = (extreme[i] as number) / e
    scored++
    scoreSum += s
    if (s >= threshold) outliers++
    maxScore = Number.isNaN(maxScore) ? s : Math.max(maxScore, s)
  }
  return summaryOfTotals({ events: evaluated.length, scored, outliers, scoreSum, maxScore }, threshold)
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
 * compares no numbers of its own.
 */
export function outlierCellCodes(profile: Pick<ReferenceProfile, 'features'>, name: string, cells: Iterable<string>): OutlierCellCodes {
  const feature = profile.features[name]
  const out = { cells: [] as string[], codes: [] as number[] }
  if (feature === undefined) return out
  // The feature's own check, as outlierScorer applies it to this feature of a row.
  const check = featureCheck(feature)
  const type = feature.kind === 'numerical' ? 'number' : 'text'
  for (const cell of cells) {
    const code = codeOf(check(parseCell(cell, type)))
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
