/**
 * Model comparison in the stream: challenger minus champion per (model, window), from the
 * windows of two versions of the model over the same event-time period. Pure; the stored
 * partials come in (./comparison-run.ts).
 *
 * Which version is the champion: the one with the most predictions of deployment variant
 * 'champion' in the window; when no version has any, the one with the most predictions; ties
 * go to the smaller version id. Every other version with labels in the window is a challenger,
 * compared with the champion (one set of rows per challenger). Nothing is compared when the
 * champion has no labels.
 *
 * Metrics and intervals are src/metrics/comparison's compareModels (independent samples: the
 * versions served different traffic): accuracy, precision, recall, false_positive_rate,
 * selection_rate (Newcombe), f1 (delta method), roc_auc (DeLong over the 1/1000 score grid),
 * each row with both values, difference = challenger − champion, its interval and two-sided
 * p-value, and n_* = the metric's denominators (labeled predictions for accuracy). Accuracy is
 * the exact match of predicted class and label, as the realized rows' (./binary-realized.ts):
 * each version's confusion foldedMatches ("0" predicted for a label "2") are no correct
 * prediction (./concept-rows.ts degradationSample carries them, ../metrics/concept binaryCounts
 * passes them on); the other metrics are one-vs-rest on the positive class.
 */
import { binaryCounts } from '../metrics/concept/index.js'
import { compareModels, type ModelSample } from '../metrics/comparison/index.js'
import { confusionAccumulator } from '../metrics/performance/index.js'
import { degradationSample, METRIC_NAMES } from './concept-rows.js'
import type { Partial } from './partial-state.js'

export interface VersionWindow {
  readonly modelVersion: string
  readonly partial: Partial
}

export interface ComparisonRow {
  metric: string
  method: string
  champion_version: string
  challenger_version: string
  champion_value: number
  challenger_value: number
  difference: number
  ci_low: number
  ci_high: number
  p_value: number | null
  n_champion: number
  n_challenger: number
}

const labeled = (v: VersionWindow) => {
  const state = v.partial.confusion['']
  return state !== undefined && confusionAccumulator().result(state).n > 0
}

export function pickChampion(versions: readonly VersionWindow[]): { champion: VersionWindow; challengers: VersionWindow[] } | null {
  const present = versions.filter((v) => v.partial.predictions > 0)
  if (present.length < 2) return null
  const anyChampion = present.some((v) => (v.partial.byVariant['champion'] ?? 0) > 0)
  const weight = (v: VersionWindow) => (anyChampion ? (v.partial.byVariant['champion'] ?? 0) : v.partial.predictions)
  const [champion, ...rest] = [...present].sort((a, b) => weight(b) - weight(a) || (a.modelVersion < b.modelVersion ? -1 : 1))
  if (!champion || !labeled(champion)) return null
  const challengers = rest.filter(labeled)
  return challengers.length > 0 ? { champion, challengers } : null
}

function modelSample(p: Partial): ModelSample {
  const s = degradationSample(p.confusion['']!, p.ranking[''])
  return { confusion: binaryCounts(s.performance.classification!), ...(s.rankGroups ? { rankGroups: s.rankGroups } : {}) }
}

export function comparisonRows(champion: VersionWindow, challenger: VersionWindow): ComparisonRow[] {
  const result = compareModels(modelSample(champion.partial), modelSample(challenger.partial))
  return Object.entries(result).map(([metric, d]) => ({
    metric: METRIC_NAMES[metric] ?? metric,
    method: d.method,
    champion_version: champion.modelVersion,
    challenger_version: challenger.modelVersion,
    champion_value: d.estimates[1],
    challenger_value: d.estimates[0],
    difference: d.score,
    ci_low: d.ciLow,
    ci_high: d.ciHigh,
    p_value: d.pValue ?? null,
    n_champion: d.sizes[1],
    n_challenger: d.sizes[0],
  }))
}

/** Every comparison of a (model, window). */
export function compareVersions(versions: readonly VersionWindow[]): ComparisonRow[] {
  const pick = pickChampion(versions)
  return pick ? pick.challengers.flatMap((c) => comparisonRows(pick.champion, c)) : []
}
