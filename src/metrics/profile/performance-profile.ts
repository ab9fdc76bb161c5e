/**
 * Performance of a model on one sample (the reference's baseline, or a current window), from
 * ../performance, in a JSON form that keeps the counts later comparisons need.
 *
 * Classification (labels and predictions both present on a row):
 *   binary     — the confusion matrix of the 0/1 outcomes (1 = positive class, see
 *                ./targets.ts), accuracy (the exact match of predicted class and label,
 *                sklearn accuracy_score: the matrix's (0, 0) pairs whose class texts differ,
 *                a "0" predicted for a label "2", are counted in `foldedMatches` and are no
 *                correct prediction; a class predicted from the score has no text when
 *                negative and keeps the one-vs-rest reading, as the stream's predictions sent
 *                without a class, src/evaluate/partials.ts), and precision / recall / F1 of
 *                the positive class, one-vs-rest
 *                (sklearn average='binary', pos_label=1, zero_division=np.nan): precision
 *                with no predicted positive, recall with no positive label, F1 with neither
 *                are undefined, null — as the stream stores NaN there
 *                (src/evaluate/binary-realized.ts, docs/evaluation.md), not a 0 a gate or an
 *                alert reads as a collapse;
 *   multiclass — the confusion matrix over class texts, accuracy, and macro-averaged
 *                precision / recall / F1 (sklearn's default zero_division 0 for a class
 *                without predictions or labels, as the stream's multiclass averages).
 * Probabilistic (binary only; label and score present, score a probability in [0, 1]):
 *   ROC AUC and average precision exact from the raw scores (sklearn; average precision is
 *   null with no positive label, where sklearn says 0: recall is 0/0 at every threshold), log loss, Brier score
 *   and ECE (10 uniform bins), plus the mergeable states a stream compares with: the score
 *   histogram (1000-point grid) and the calibration bins.
 * Rows missing what a metric needs are left out of it; a score outside [0, 1] or not finite
 * is counted in `excluded`. Undefined values (no rows, one class for ROC AUC) are null.
 */
import {
  type CalibrationState,
  classificationReport,
  confusionMatrix,
  type ConfusionMatrix,
  probabilisticAccumulator,
  rankingFromGroups,
  type RankGroup,
  scoreHistogramAccumulator,
  type ScoreHistogramState,
  tieGroups,
} from '../performance/index.js'
import { jsonNumber } from './numerical-profile.js'
import { notPositive } from './stream-targets.js'
import { binaryOutcomes, type Targets, type Task } from './targets.js'

export interface ClassificationProfile {
  readonly n: number
  readonly labels: readonly (string | number)[]
  /** Rows true, columns predicted, as sklearn's confusion_matrix. */
  readonly matrix: readonly (readonly number[])[]
  /**
   * Binary: of the matrix's (0, 0) cell, the rows whose class texts differ (a "0" predicted for
   * a label "2"), which accuracy does not count as correct (../performance/confusion-matrix.ts).
   * Present only when not 0; a profile stored before the field lacks it (0).
   */
  readonly foldedMatches?: number
  readonly accuracy: number | null
  readonly precision: number | null
  readonly recall: number | null
  readonly f1: number | null
  readonly average: 'binary' | 'macro'
}

export interface ProbabilisticProfile {
  readonly n: number
  readonly excluded: number
  readonly rocAuc: number | null
  readonly averagePrecision: number | null
  readonly logLoss: number | null
  readonly brierScore: number | null
  readonly expectedCalibrationError: number | null
  readonly scoreHistogram: ScoreHistogramState
  readonly calibration: CalibrationState
}

export interface PerformanceProfile {
  readonly task: Task
  readonly positiveClass: string | null
  readonly classification?: ClassificationProfile
  readonly probabilistic?: ProbabilisticProfile
}

const isProbability = (p: number): boolean => Number.isFinite(p) && p >= 0 && p <= 1

export function performanceProfile(targets: Targets): PerformanceProfile {
  const classification = targets.task === 'binary' ? binaryClassification(targets) : multiclassClassification(targets)
  const probabilistic = probabilisticProfile(targets)
  return {
    task: targets.task,
    positiveClass: targets.positiveClass,
    ...(classification === undefined ? {} : { classification }),
    ...(probabilistic === undefined ? {} : { probabilistic }),
  }
}

function classificationOf(cm: ConfusionMatrix, average: 'binary' | 'macro'): ClassificationProfile {
  const r = classificationReport(cm, average === 'binary' ? { average, posLabel: 1, zeroDivision: 'nan' } : { average })
  return {
    n: cm.n,
    labels: cm.labels,
    matrix: cm.matrix,
    ...(cm.foldedMatches ? { foldedMatches: cm.foldedMatches } : {}),
    accuracy: jsonNumber(r.accuracy.score),
    precision: jsonNumber(r.precision.score),
    recall: jsonNumber(r.recall.score),
    f1: jsonNumber(r.f1.score),
    average,
  }
}

function binaryClassification(targets: Targets): ClassificationProfile | undefined {
  const { yTrue, yPred } = binaryOutcomes(targets)
  if (yTrue === undefined || yPred === undefined) return undefined
  // Both classes are always listed, so the matrix is 2×2 even for a one-class sample: rows
  // true 0 / 1, columns predicted 0 / 1, counted directly (confusionMatrix's layout for [0, 1]).
  const matrix = [
    [0, 0],
    [0, 0],
  ]
  let n = 0
  let foldedMatches = 0
  const folded = foldedMatch(targets)
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i]
    const q = yPred[i]
    if (y === null || y === undefined || q === null || q === undefined) continue
    const row = matrix[y] as number[]
    row[q] = (row[q] as number) + 1
    n++
    if (folded(i)) foldedMatches++
  }
  return classificationOf({ labels: [0, 1], matrix, n, excluded: 0, ...(foldedMatches ? { foldedMatches } : {}) }, 'binary')
}

/**
 * Whether row i of a binary task is a true negative whose predicted class and label are
 * different texts (a "0" predicted for a label "2"): one-vs-rest, a correct negative, but no
 * exact match (sklearn accuracy_score). A class predicted from the score names no class when
 * negative, so it is never folded, as the stream's predictions sent without a class
 * (src/evaluate/partials.ts): every row without a prediction column, and in one the rows without
 * a class that ./stream-targets.ts predicts from their score, whose negative it writes
 * `not <positive class>` (its notPositive). Always false for a multiclass task (its classes are
 * compared as they are). The accuracy of the profile and of the report's fairness groups read it.
 */
export function foldedMatch(targets: Targets): (i: number) => boolean {
  const { yTrue, yPred } = binaryOutcomes(targets)
  const { labels, predictions } = targets
  if (targets.predictionSource !== 'column' || yTrue === undefined || yPred === undefined || labels === undefined || predictions === undefined) return () => false
  const fromScore = targets.positiveClass === null ? undefined : notPositive(targets.positiveClass)
  return (i) => yTrue[i] === 0 && yPred[i] === 0 && predictions[i] !== labels[i] && predictions[i] !== fromScore
}

function multiclassClassification(targets: Targets): ClassificationProfile | undefined {
  const { labels, predictions } = targets
  if (labels === undefined || predictions === undefined) return undefined
  const t: string[] = []
  const p: string[] = []
  labels.forEach((y, i) => {
    const q = predictions[i]
    if (y !== null && q !== null && q !== undefined) {
      t.push(y)
      p.push(q)
    }
  })
  return classificationOf(confusionMatrix(t, p), 'macro')
}

// Computed once per Targets (ROC AUC / AP here, DeLong's test in the batch report): Targets are not mutated.
const ranked = new WeakMap<Targets, RankGroup[] | undefined>()

/**
 * The tie groups (../performance/ranking.ts tieGroups), highest score first, of the pairs with
 * a label and a score in [0, 1] — the pairs ROC AUC, AP and DeLong's test rank; undefined
 * without labels or scores.
 */
export function rankGroups(targets: Targets): RankGroup[] | undefined {
  if (ranked.has(targets)) return ranked.get(targets)
  const { yTrue } = binaryOutcomes(targets)
  const scores = targets.scores
  let groups: RankGroup[] | undefined
  if (yTrue !== undefined && scores !== undefined) {
    const kept = (i: number): number | undefined => {
      const score = scores[i]
      return yTrue[i] !== null && typeof score === 'number' && isProbability(score) ? score : undefined
    }
    let m = 0
    let n = 0
    for (let i = 0; i < yTrue.length; i++) {
      if (kept(i) === undefined) continue
      if (yTrue[i] === 1) m++
      else if (yTrue[i] === 0) n++
    }
    // Written once into two typed arrays, instead of copies of the pairs and then of each side.
    const positives = new Float64Array(m)
    const negatives = new Float64Array(n)
    m = 0
    n = 0
    for (let i = 0; i < yTrue.length; i++) {
      const score = kept(i)
      if (score === undefined) continue
      if (yTrue[i] === 1) positives[m++] = score
      else if (yTrue[i] === 0) negatives[n++] = score
    }
    groups = tieGroups(positives, negatives)
  }
  ranked.set(targets, groups)
  return groups
}

function probabilisticProfile(targets: Targets): ProbabilisticProfile | undefined {
  const { yTrue } = binaryOutcomes(targets)
  const scores = targets.scores
  if (yTrue === undefined || scores === undefined) return undefined
  const y: number[] = []
  const s: number[] = []
  let excluded = 0
  yTrue.forEach((label, i) => {
    const score = scores[i]
    if (label === null || score === null || score === undefined) return
    if (!isProbability(score)) excluded++
    else {
      y.push(label)
      s.push(score)
    }
  })
  const probabilistic = probabilisticAccumulator()
  const histogram = scoreHistogramAccumulator()
  const pState = probabilistic.create()
  const hState = histogram.create()
  y.forEach((yTrue, i) => {
    probabilistic.update(pState, { yTrue, probability: s[i] as number })
    histogram.update(hState, { yTrue, score: s[i] as number })
  })
  const r = probabilistic.result(pState)
  // One ranking of the pairs for both, and for DeLong's test (a million scores sorted once).
  const ranking = rankingFromGroups(rankGroups(targets) ?? [])
  return {
    n: y.length,
    excluded,
    rocAuc: jsonNumber(ranking.rocAuc),
    averagePrecision: y.includes(1) ? jsonNumber(ranking.averagePrecision) : null,
    logLoss: jsonNumber(r.logLoss.score),
    brierScore: jsonNumber(r.brierScore.score),
    expectedCalibrationError: jsonNumber(r.expectedCalibrationError.score),
    scoreHistogram: hState,
    calibration: pState.calibration,
  }
}
