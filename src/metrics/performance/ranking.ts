/**
 * ROC AUC and average precision (PR AUC), exact, from the raw scores.
 *
 * Sort by score descending and group equal scores (ties are one threshold, as sklearn's
 * roc_curve / precision_recall_curve). After group g, tp_g and fp_g are the cumulative
 * positives and negatives; P and N the totals.
 *   ROC AUC = Σ_g (fp_g − fp_{g−1})·(tp_g + tp_{g−1}) / (2·P·N)      trapezoids from (0, 0)
 *   AP      = Σ_g (tp_g − tp_{g−1})/P · tp_g/(tp_g + fp_g)           step integral, no interpolation
 * Reference: sklearn.metrics.roc_auc_score and average_precision_score (scikit-learn 1.9.1).
 * Conventions, as sklearn: ROC AUC is NaN when y has one class only; AP is 0 when there are
 * no positives. Empty input gives NaN for both.
 *
 * Binary labels are 0/1 (1 = positive); scores are any finite reals (probabilities or
 * decision values). Multiclass one-vs-rest: class k is positive, column k its score; the
 * result is the unweighted (macro) mean over `classes` — roc_auc_score(multi_class='ovr',
 * average='macro', labels=classes) and average_precision_score on label_binarize(y, classes).
 * A class that never occurs as a true label has ROC AUC NaN (so the macro mean is NaN) and
 * AP 0. Unlike sklearn we do not require rows to sum to 1: each one-vs-rest curve only reads
 * its own column.
 * Input policy (metric-result.ts): pairs with a label not 0/1 (multiclass: not in
 * `classes`) or a non-finite score are excluded and counted.
 */
import type { ClassLabel } from './confusion-matrix.js'
import { assertSameLength, isBinaryLabel, metricResult, type MetricResult } from './metric-result.js'

/** One distinct score: how many positives and negatives have it. */
export interface RankGroup {
  readonly positives: number
  readonly negatives: number
}

export interface RankingScores {
  readonly rocAuc: number
  readonly averagePrecision: number
}

/** ROC AUC and AP from tie groups given in strictly descending score order. */
export function rankingFromGroups(groups: Iterable<RankGroup>): RankingScores {
  let tp = 0
  let fp = 0
  let area = 0
  let precisionSum = 0
  for (const g of groups) {
    if (g.positives === 0 && g.negatives === 0) continue
    const tpNext = tp + g.positives
    const fpNext = fp + g.negatives
    area += (g.negatives * (tpNext + tp)) / 2
    precisionSum += g.positives * (tpNext / (tpNext + fpNext))
    tp = tpNext
    fp = fpNext
  }
  if (tp + fp === 0) return { rocAuc: Number.NaN, averagePrecision: Number.NaN }
  return {
    rocAuc: tp === 0 || fp === 0 ? Number.NaN : area / (tp * fp),
    averagePrecision: tp === 0 ? 0 : precisionSum / tp,
  }
}

interface Ranked {
  readonly groups: RankGroup[]
  readonly n: number
  readonly excluded: number
}

/**
 * Tie groups, highest score first, of positives' and negatives' scores (finite), each sorted
 * ascending by a typed-array sort and merged from the top: the same groups as sorting the
 * (label, score) pairs by score, for a fraction of the cost of an index sort with a comparator
 * (a million scores). Equal scores are one group (-0 and +0 included, as `===` compares them).
 * Sorts the arrays in place.
 */
export function tieGroups(positives: Float64Array, negatives: Float64Array): RankGroup[] {
  positives.sort()
  negatives.sort()
  const groups: RankGroup[] = []
  let i = positives.length - 1
  let j = negatives.length - 1
  while (i >= 0 || j >= 0) {
    const p = i >= 0 ? (positives[i] as number) : Number.NEGATIVE_INFINITY
    const q = j >= 0 ? (negatives[j] as number) : Number.NEGATIVE_INFINITY
    // The group's score: the larger of the two next scores (one side may be exhausted).
    const s = i < 0 ? q : j < 0 ? p : p > q ? p : q
    let pos = 0
    let neg = 0
    while (i >= 0 && positives[i] === s) {
      pos++
      i--
    }
    while (j >= 0 && negatives[j] === s) {
      neg++
      j--
    }
    groups.push({ positives: pos, negatives: neg })
  }
  return groups
}

function rank(labels: readonly boolean[], scores: readonly number[], valid: readonly boolean[]): Ranked {
  let m = 0
  let n = 0
  for (let i = 0; i < valid.length; i++) {
    if (!valid[i]) continue
    if (labels[i]) m++
    else n++
  }
  const positives = new Float64Array(m)
  const negatives = new Float64Array(n)
  m = 0
  n = 0
  for (let i = 0; i < valid.length; i++) {
    if (!valid[i]) continue
    if (labels[i]) positives[m++] = scores[i] as number
    else negatives[n++] = scores[i] as number
  }
  return { groups: tieGroups(positives, negatives), n: m + n, excluded: valid.length - m - n }
}

function binaryRanked(yTrue: readonly number[], scores: readonly number[]): Ranked {
  assertSameLength('ranking', yTrue, scores)
  const valid = yTrue.map((y, i) => isBinaryLabel(y) && Number.isFinite(scores[i]))
  return rank(
    yTrue.map((y) => y === 1),
    scores,
    valid,
  )
}

/** ROC AUC and average precision from one ranking of the pairs (each of the two below ranks on its own). */
export function rankingMetrics(yTrue: readonly number[], scores: readonly number[]): { readonly rocAuc: MetricResult; readonly averagePrecision: MetricResult } {
  const r = binaryRanked(yTrue, scores)
  const s = rankingFromGroups(r.groups)
  return {
    rocAuc: metricResult('roc_auc', s.rocAuc, {}, r.n, r.excluded),
    averagePrecision: metricResult('average_precision', s.averagePrecision, {}, r.n, r.excluded),
  }
}

export function rocAuc(yTrue: readonly number[], scores: readonly number[]): MetricResult {
  const r = binaryRanked(yTrue, scores)
  return metricResult('roc_auc', rankingFromGroups(r.groups).rocAuc, {}, r.n, r.excluded)
}

export function averagePrecision(yTrue: readonly number[], scores: readonly number[]): MetricResult {
  const r = binaryRanked(yTrue, scores)
  return metricResult('average_precision', rankingFromGroups(r.groups).averagePrecision, {}, r.n, r.excluded)
}

export interface OvrResult extends MetricResult {
  /** One-vs-rest value per class, in the order of `classes`. */
  readonly perClass: readonly number[]
}

function ovr(
  method: string,
  pick: (s: RankingScores) => number,
  yTrue: readonly ClassLabel[],
  scores: readonly (readonly number[])[],
  classes: readonly ClassLabel[],
): OvrResult {
  assertSameLength(method, yTrue, scores)
  for (const row of scores) assertSameLength(`${method} score row vs classes`, row, classes)
  const valid = yTrue.map((y, i) => classes.includes(y) && (scores[i] as readonly number[]).every(Number.isFinite))
  const perClass = classes.map((c, k) => {
    const r = rank(
      yTrue.map((y) => y === c),
      scores.map((row) => row[k] as number),
      valid,
    )
    return pick(rankingFromGroups(r.groups))
  })
  const n = valid.filter(Boolean).length
  const score = n === 0 || perClass.length === 0 ? Number.NaN : perClass.reduce((s, v) => s + v, 0) / perClass.length
  return { ...metricResult(method, score, { multiClass: 'ovr', average: 'macro' }, n, yTrue.length - n), perClass }
}

/** Multiclass one-vs-rest macro ROC AUC; `scores[i][k]` is the score of `classes[k]`. */
export function rocAucOvr(
  yTrue: readonly ClassLabel[],
  scores: readonly (readonly number[])[],
  classes: readonly ClassLabel[],
): OvrResult {
  return ovr('roc_auc', (s) => s.rocAuc, yTrue, scores, classes)
}

/** Multiclass one-vs-rest macro average precision. */
export function averagePrecisionOvr(
  yTrue: readonly ClassLabel[],
  scores: readonly (readonly number[])[],
  classes: readonly ClassLabel[],
): OvrResult {
  return ovr('average_precision', (s) => s.averagePrecision, yTrue, scores, classes)
}
