/**
 * Confusion matrix as a mergeable accumulator.
 *
 *   C[i][j] = #{ observations with true label labels[i] and predicted label labels[j] }
 *
 * Rows are true labels, columns predicted labels, as in sklearn.metrics.confusion_matrix
 * (scikit-learn 1.9.1), the reference this matches.
 *
 * Labels are whatever appears in yTrue or yPred; no class list is needed up front, so a class
 * the model has never seen before simply adds a row and a column. The result lists the union
 * of labels sorted like sklearn's `unique_labels`: numbers ascending, then strings by UTF-16
 * code unit (sklearn refuses to mix the two types; we put numbers first instead of throwing,
 * because a stream consumer must not crash on one odd label).
 *
 * A label that is NaN or ±Infinity drops the pair and counts it in `excluded`.
 *
 * `foldedMatches` serves a caller that reads finer classes into these labels (a binary model's
 * one-vs-rest 0/1, src/evaluate/partials.ts): the observations it counted on the diagonal whose
 * classes differ before that reading (label "2" predicted "0": a true negative, yet no correct
 * prediction). The matrix keeps them where they fall; exact-match accuracy subtracts them
 * (./classification.ts accuracy). Absent reads as 0: a multiclass state, a state with no such
 * pair, or one stored before the field. Merged by summing.
 *
 * The state is plain JSON (arrays, no Map) so it can be stored and shipped between consumers.
 * `update` mutates the state in place and returns it (like OpenTelemetry's accumulation
 * `record`); `merge` returns a new state and leaves its inputs untouched.
 */
import { checkWeight } from '../weight.js'
import type { Accumulator } from '../types.js'
import { assertSameLength } from './metric-result.js'

export type ClassLabel = string | number

export interface LabelPair {
  readonly yTrue: ClassLabel
  readonly yPred: ClassLabel
}

export interface ConfusionState {
  /** Labels in first-seen order; `counts` is indexed the same way. */
  labels: ClassLabel[]
  /** counts[trueIndex][predictedIndex] */
  counts: number[][]
  excluded: number
  /** Diagonal observations whose classes differ before the caller's reading (see above); absent: 0. */
  foldedMatches?: number
}

export interface ConfusionMatrix {
  /** Sorted union of the labels seen. */
  readonly labels: readonly ClassLabel[]
  readonly matrix: readonly (readonly number[])[]
  /** Valid observations counted. */
  readonly n: number
  readonly excluded: number
  /** The state's `foldedMatches`, when any (included in `matrix` and `n`). */
  readonly foldedMatches?: number
}

/** sklearn's label order: numbers ascending, then strings by code unit. */
export function compareLabels(a: ClassLabel, b: ClassLabel): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'number') return -1
  if (typeof b === 'number') return 1
  return a < b ? -1 : a > b ? 1 : 0
}

export function isValidLabel(label: ClassLabel): boolean {
  return typeof label === 'string' || Number.isFinite(label)
}

function indexOfLabel(state: ConfusionState, label: ClassLabel): number {
  const found = state.labels.indexOf(label)
  if (found >= 0) return found
  for (const row of state.counts) row.push(0)
  state.labels.push(label)
  state.counts.push(new Array<number>(state.labels.length).fill(0))
  return state.labels.length - 1
}

function add(state: ConfusionState, yTrue: ClassLabel, yPred: ClassLabel, count: number): void {
  const i = indexOfLabel(state, yTrue)
  const j = indexOfLabel(state, yPred)
  const row = state.counts[i] as number[]
  row[j] = (row[j] as number) + count
}

export function confusionAccumulator(): Accumulator<ConfusionState, LabelPair, ConfusionMatrix> {
  return {
    create: () => ({ labels: [], counts: [], excluded: 0 }),
    update(state, { yTrue, yPred }, weight = 1) {
      if (checkWeight(weight) === 0) return state // no label becomes known without an observation
      if (isValidLabel(yTrue) && isValidLabel(yPred)) add(state, yTrue, yPred, weight)
      else state.excluded += weight
      return state
    },
    merge(a, b) {
      const out: ConfusionState = {
        labels: [...a.labels],
        counts: a.counts.map((row) => [...row]),
        excluded: a.excluded + b.excluded,
      }
      const folded = (a.foldedMatches ?? 0) + (b.foldedMatches ?? 0)
      if (folded !== 0) out.foldedMatches = folded
      b.labels.forEach((t, i) =>
        b.labels.forEach((p, j) => {
          const c = b.counts[i]?.[j] ?? 0
          if (c !== 0) add(out, t, p, c)
        }),
      )
      // Labels b saw only with zero counts still belong to the union.
      for (const label of b.labels) indexOfLabel(out, label)
      return out
    },
    result(state) {
      const order = state.labels.map((_, i) => i).sort((i, j) => compareLabels(state.labels[i]!, state.labels[j]!))
      const matrix = order.map((i) => order.map((j) => state.counts[i]?.[j] ?? 0))
      const n = matrix.reduce((s, row) => s + row.reduce((r, c) => r + c, 0), 0)
      return { labels: order.map((i) => state.labels[i]!), matrix, n, excluded: state.excluded, ...(state.foldedMatches ? { foldedMatches: state.foldedMatches } : {}) }
    },
  }
}

/** Confusion matrix of two label arrays (same policy as the accumulator). */
export function confusionMatrix(yTrue: readonly ClassLabel[], yPred: readonly ClassLabel[]): ConfusionMatrix {
  assertSameLength('confusionMatrix', yTrue, yPred)
  const acc = confusionAccumulator()
  const state = acc.create()
  yTrue.forEach((t, i) => acc.update(state, { yTrue: t, yPred: yPred[i]! }))
  return acc.result(state)
}

/** Count of (true, predicted) in `cm`, 0 for a label it never saw. */
export function countOf(cm: ConfusionMatrix, yTrue: ClassLabel, yPred: ClassLabel): number {
  const i = cm.labels.indexOf(yTrue)
  const j = cm.labels.indexOf(yPred)
  return i < 0 || j < 0 ? 0 : (cm.matrix[i]?.[j] ?? 0)
}

/**
 * The matrix restricted to `labels`, in that order: sklearn's `confusion_matrix(labels=...)`.
 * Observations whose true or predicted label is not listed are left out; listed labels that
 * were never seen get zero rows and columns.
 */
export function confusionMatrixFor(cm: ConfusionMatrix, labels: readonly ClassLabel[]): ConfusionMatrix {
  const matrix = labels.map((t) => labels.map((p) => countOf(cm, t, p)))
  const n = matrix.reduce((s, row) => s + row.reduce((r, c) => r + c, 0), 0)
  return { labels: [...labels], matrix, n, excluded: cm.excluded }
}
