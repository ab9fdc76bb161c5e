/**
 * The model's outputs and the ground truth, read from rows: labels, predicted classes and
 * scores (probability of the positive class).
 *
 * Classes are compared as text (./values.ts: 1 and "1" are one class). Task and positive
 * class, unless given:
 * - task: 'multiclass' when labels and predictions together hold more than two classes,
 *   else 'binary';
 * - positive class: "1" if present, else "true", else the greatest class in code-unit order
 *   (sklearn's pos_label=1 on {0, 1}); with no class at all, "1". Name it in the
 *   configuration for anything else (e.g. "approved" vs "denied").
 * When there is no prediction column but a score column, a binary prediction is derived:
 * positive iff score >= 0.5 (`predictionSource: 'score>=0.5'`). Scores are only read for
 * binary tasks. A score that is not a number reads as null (missing).
 */
import { compareText, type FeatureValue, readCategory } from './values.js'

export type Task = 'binary' | 'multiclass'

export const DECISION_THRESHOLD = 0.5

export interface TargetOptions {
  readonly task?: Task
  readonly positiveClass?: string
}

export interface TargetColumns {
  readonly label?: readonly FeatureValue[]
  readonly prediction?: readonly FeatureValue[]
  readonly score?: readonly FeatureValue[]
}

export interface TaskSpec {
  readonly task: Task
  /** null for multiclass. */
  readonly positiveClass: string | null
}

export interface Targets extends TaskSpec {
  /** Per row: class text, or null when missing / not readable. */
  readonly labels?: readonly (string | null)[]
  /** The prediction column's classes (not derived from scores: see binaryOutcomes). */
  readonly predictions?: readonly (string | null)[]
  readonly scores?: readonly (number | null)[]
  readonly predictionSource: 'column' | 'score>=0.5' | 'none'
}

function classText(v: FeatureValue): string | null {
  // A string is its own class (readCategory's reading), without a reading object per row.
  if (typeof v === 'string') return v
  const r = readCategory(v)
  return r.kind === 'value' ? r.value : null
}

/** The task and positive class of one set of columns, or of several read as one (a reference and a current file). */
export function resolveTask(columns: TargetColumns | readonly TargetColumns[], options: TargetOptions = {}): TaskSpec {
  const classes = new Set<string>()
  for (const c of Array.isArray(columns) ? (columns as readonly TargetColumns[]) : [columns as TargetColumns]) {
    for (const column of [c.label ?? [], c.prediction ?? []]) {
      for (const v of column) {
        const text = classText(v)
        if (text !== null) classes.add(text)
      }
    }
  }
  const task = options.task ?? (classes.size > 2 ? 'multiclass' : 'binary')
  if (task === 'multiclass') return { task, positiveClass: null }
  if (options.positiveClass !== undefined) return { task, positiveClass: options.positiveClass }
  const sorted = [...classes].sort(compareText)
  const positiveClass = classes.has('1') ? '1' : classes.has('true') ? 'true' : (sorted[sorted.length - 1] ?? '1')
  return { task, positiveClass }
}

export function readTargets(columns: TargetColumns, spec: TaskSpec): Targets {
  const labels = columns.label?.map(classText)
  const scores = spec.task === 'binary' ? columns.score?.map((v) => (typeof v === 'number' && !Number.isNaN(v) ? v : null)) : undefined
  const predictions = columns.prediction?.map(classText)
  const predictionSource = predictions !== undefined ? 'column' : scores !== undefined ? 'score>=0.5' : 'none'
  return { ...spec, labels, predictions, scores, predictionSource }
}

export interface BinaryOutcomes {
  /** 1 = the positive class, 0 = any other class, null = missing. */
  readonly yTrue?: readonly (0 | 1 | null)[]
  readonly yPred?: readonly (0 | 1 | null)[]
}

// Computed once per Targets (performance, ranking and fairness each read them): Targets are not mutated.
const outcomes = new WeakMap<Targets, BinaryOutcomes>()

/** Labels and predictions of a binary task as 0/1 (predictions derived from scores if need be). */
export function binaryOutcomes(targets: Targets): BinaryOutcomes {
  const known = outcomes.get(targets)
  if (known) return known
  const computed = outcomesOf(targets)
  outcomes.set(targets, computed)
  return computed
}

function outcomesOf(targets: Targets): BinaryOutcomes {
  const positive = targets.positiveClass
  if (targets.task !== 'binary' || positive === null) return {}
  const indicator = (c: string | null): 0 | 1 | null => (c === null ? null : c === positive ? 1 : 0)
  const yPred =
    targets.predictionSource === 'column'
      ? targets.predictions?.map(indicator)
      : targets.scores?.map((s) => (s === null ? null : s >= DECISION_THRESHOLD ? 1 : 0))
  return { yTrue: targets.labels?.map(indicator), yPred }
}
