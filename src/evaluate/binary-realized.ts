/**
 * The realized metrics of a binary model (performance rows of kind 'realized', per variant), from
 * its confusion counts and labeled score histogram (./partials.ts; positive class = 1). Pure.
 *
 *   accuracy  = (TP + TN − folded) / n  exact match of predicted class and label
 *   precision = TP / (TP + FP)          NaN with no predicted positive
 *   recall    = TP / (TP + FN)          NaN with no positive label
 *   f1        = 2TP / (2TP + FP + FN)   NaN with neither
 *   roc_auc   ROC AUC over the 1/1000 score grid, NaN with one class of label (as sklearn)
 *   pr_auc    average precision over the same grid, NaN with no positive label
 * Convention (docs/evaluation.md, "Positive class absent"): a metric that its own definition
 * leaves undefined is NaN, stored nan, as the CBPE estimates of the same window are
 * (../metrics/performance/cbpe.ts), not a 0 an alert rule would read as a collapse. This is
 * scikit-learn's zero_division=np.nan; its default ("warn", 0) stays for the multiclass averages
 * (./task-rows.ts) and the library's own default. scikit-learn's average_precision_score says 0
 * with no positive label (and warns): recall is 0/0 at every threshold there, so it is NaN here.
 * Accuracy is sklearn.metrics.accuracy_score on the class texts: a third class among the labels
 * ("2" predicted "0") is a true negative for precision, recall and F1 (one-vs-rest on the
 * positive class) but no correct prediction. `folded` is the confusion state's foldedMatches,
 * the TN pairs whose predicted class and label are different texts (./partials.ts), which
 * ../metrics/performance/classification.ts `accuracy` subtracts; a prediction sent without a
 * class has none to compare and keeps the one-vs-rest reading.
 */
import {
  accuracy, f1, precision, recall, scoreHistogramAccumulator, type ConfusionMatrix, type MetricResult, type ScoreHistogramState,
} from '../metrics/performance/index.js'

export function binaryRealized(cm: ConfusionMatrix, ranking: ScoreHistogramState | undefined): Record<string, MetricResult> {
  const undefinedAsNaN = { zeroDivision: 'nan' } as const
  const metrics: Record<string, MetricResult> = {
    accuracy: accuracy(cm), precision: precision(cm, undefinedAsNaN), recall: recall(cm, undefinedAsNaN), f1: f1(cm, undefinedAsNaN),
  }
  if (!ranking) return metrics
  const rank = scoreHistogramAccumulator().result(ranking)
  const positives = ranking.positives.reduce((s, c) => s + c, 0)
  return { ...metrics, roc_auc: rank.rocAuc, pr_auc: positives > 0 ? rank.averagePrecision : { ...rank.averagePrecision, score: Number.NaN } }
}
