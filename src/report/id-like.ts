/**
 * An id-like reference column: an identifier (order ids, UUIDs), a timestamp or free text,
 * whose values are distinct in (nearly) every row. Every current value of it is then a new
 * category, so its drift over the categories, its new-category rate and its share of the
 * outlier score say nothing about the data: it is left out of the inferred features
 * (./csv-report.ts), with a note, and counted in the headline's features not evaluated
 * (dataset.left_out_as_id).
 *
 * The rule, over the column's non-missing reference cells (parseCell as numbers):
 * - most of them are text (a column of numbers with a few text cells is no id: it is
 *   numerical, its text cells type violations, ./cell-kind.ts);
 * - at least two of them are distinct, and at least ID_DISTINCT_SHARE (95%) of them are
 *   distinct cells (by their text). A retried order among 2,000 (one id twice) or two events in
 *   one second of a timestamp column keep the column id-like, where requiring every cell to be
 *   distinct turned the rule off at the first repeat. Below 20 cells the rule is that every
 *   cell is distinct.
 * Evidently (core/datasets.py infer_column_type) reads a string column with more distinct
 * values than half of its cells as text, which its data drift compares with a text model and
 * not by category; 95% keeps the rule to the columns that are ids in all but a few rows, and
 * the note on many categories (./high-cardinality.ts) covers the columns between.
 * Pure.
 */
import type { FeatureValue } from '../metrics/profile/index.js'
import type { NumberCells } from './counted-column.js'
import { parseCell } from './csv-cells.js'
import { grouped } from './left-out.js'

/** The share of a column's non-missing reference cells that must be distinct for it to be id-like. */
export const ID_DISTINCT_SHARE = 0.95

/** A reference column's non-missing cells: how many, how many distinct (by their text), how many of them text. */
export interface DistinctTally {
  readonly cells: number
  readonly distinct: number
  readonly text: number
}

/** Whether the tallied column is id-like (the rule above). */
export function isIdLikeTally({ cells, distinct, text }: DistinctTally): boolean {
  return text > cells - text && distinct >= 2 && distinct / cells >= ID_DISTINCT_SHARE
}

/** The tally of a column in row order: its cells and their values parsed as numbers. */
export function distinctTally(cells: readonly (string | undefined)[], typed: readonly FeatureValue[]): DistinctTally {
  const seen = new Set<string>()
  let n = 0
  let text = 0
  for (const [i, v] of typed.entries()) {
    if (v === null || v === undefined) continue
    n++
    if (typeof v === 'string') text++
    seen.add(cells[i] as string)
  }
  return { cells: n, distinct: seen.size, text }
}

/** The tally of a column's distinct cells read as numbers (each decimal cell and each other cell once, with its count). */
export function distinctTallyOfNumbers(c: NumberCells): DistinctTally {
  let cells = 0
  let distinct = c.decimals.length
  let text = 0
  for (const n of c.decimalCounts) cells += n
  for (const [cell, n] of c.others) {
    const v = parseCell(cell, 'number')
    if (v === null || v === undefined) continue
    cells += n
    distinct++
    if (typeof v === 'string') text += n
  }
  return { cells, distinct, text }
}

/** An id-like column in row order (the rule above). */
export function isIdLike(cells: readonly (string | undefined)[], typed: readonly FeatureValue[]): boolean {
  return isIdLikeTally(distinctTally(cells, typed))
}

/** An id-like column of cells read as numbers (the rule above). */
export function isIdLikeNumbers(c: NumberCells): boolean {
  return isIdLikeTally(distinctTallyOfNumbers(c))
}

/** The note on an id-like column left out of the features: why, with its counts when some value repeats. */
export function idLikeNote(name: string, t: DistinctTally): string {
  const why =
    t.distinct === t.cells
      ? 'every reference value distinct'
      : `${grouped(t.distinct)} distinct values in its ${grouped(t.cells)} non-missing reference cells, at least ${ID_DISTINCT_SHARE * 100}% distinct: an identifier, a timestamp or free text, whose values are nearly all new categories in the current file`
  return `column "${name}" looks like an id (${why}): left out of the features (--config features: to keep it)`
}
