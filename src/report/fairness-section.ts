/**
 * The report's fairness section: for each protected attribute, per-group rates and the parity
 * metrics of src/metrics/fairness (fairlearn's between-groups differences and ratios) on the
 * current file. Needs a binary task with labels and predictions (or scores, thresholded at
 * 0.5) in the current file. Groups are the attribute's values as text; rows with a missing
 * group or prediction are left out and counted in `excluded`. A row without a label still
 * counts for selection (its group's `predictions`, selection rate, demographic parity and
 * disparate impact, as fairlearn's selection_rate over every row) and is counted in
 * `unlabeled`; TPR, FPR, PPV, accuracy, ECE and the odds metrics use the labeled rows (`count`).
 * A group's accuracy is the exact match of predicted class and label (fairlearn's MetricFrame
 * with sklearn accuracy_score on the class texts): a "0" predicted for a label "2" is a true
 * negative for FPR but no correct prediction (src/metrics/profile/performance-profile.ts
 * foldedMatch; a class predicted from the score names none when negative and is never folded).
 * Groups smaller than minGroupSize are reported but not compared (status "insufficient" for
 * the label metrics, selection_status for selection): `groups_compared` counts the groups the
 * selection metrics compared, `equalized_odds_groups_compared` and
 * `equal_opportunity_groups_compared` those of the label metrics. `left_out` splits `excluded` by reason
 * (`no_group`; with a score column, a score the stream refuses, whose row has no prediction here
 * (./stream-targets.ts); `no_prediction`), and `ece_left_out` counts the labeled rows kept whose
 * score the group ECE could not read (./left-out.ts); each gets a note when it is not zero.
 * When the score column is no probability (most scores refused, ./left-out.ts
 * scoreNotProbability), the counts stay but every rate and parity metric is null, each group's
 * statuses are SCORE_NOT_A_PROBABILITY and no group is compared or counted insufficient: the rows left are no sample of
 * the model's events (the performance notes say so, ./performance-section.ts).
 *
 * The four-fifths rule: `disparate_impact_ratio` is fairlearn's figure (lowest / highest
 * selection rate) and `disparate_impact_ratio_upper` its upper confidence bound at `confidence`
 * (the model file's, default 0.95; src/metrics/fairness/disparate-impact-bound.ts: Katz log
 * interval per pair of groups, Bonferroni over the pairs). `below_four_fifths` says the ratio is
 * below 0.8 as observed; `four_fifths_rule_violated` that the bound is: below 4/5 beyond sampling
 * noise. Both are kept because with equal true rates the ratio alone falls below 0.8 half the
 * time with 2 groups of 40 and nearly always with 53 groups of 40, while a real disparity over
 * large groups has both. When the ratio is below 0.8 but the bound is not, a note names the
 * attribute, both figures and the sizes of the groups with the lowest and highest rates.
 */
import { pushAll } from '../arrays.js'
import { DEFAULT_CONFIDENCE } from '../metrics/comparison/difference.js'
import { FOUR_FIFTHS, fairnessReport, type GroupMetrics, type ParityMetrics } from '../metrics/fairness/index.js'
import { binaryOutcomes, type FeatureValue, readCategory, type Targets } from '../metrics/profile/index.js'
import { foldedMatch } from '../metrics/profile/performance-profile.js'
import { emptyScoreLeftOut, leftOutNote, noScoreRefusals, predictionReason, SCORE_NOT_A_PROBABILITY, scoreNotProbability, scoreReason, total } from './left-out.js'
import { columnOf, type Table } from './table.js'
import { num, type Section } from './types.js'

export function fairnessSection(
  current: Table,
  targets: Targets,
  attributes: readonly string[],
  minGroupSize: number,
  notes: string[],
  /** The score column as read: a row whose score the stream refuses is counted by its reason (./left-out.ts refusedScore); default: none. */
  rawScores?: readonly FeatureValue[],
  /** Of the disparate impact ratio's upper bound (the model file's `confidence`). */
  confidence: number = DEFAULT_CONFIDENCE,
): Record<string, Section> {
  if (attributes.length === 0) return {}
  const { yTrue, yPred } = binaryOutcomes(targets)
  if (targets.task !== 'binary' || yTrue === undefined || yPred === undefined) {
    notes.push('fairness needs a binary task with labels and predictions in the current file: skipped')
    return {}
  }
  const notProbability = scoreNotProbability(rawScores) !== undefined
  const shown = notProbability ? withoutRates : (section: Section) => section
  const isFolded = foldedMatch(targets)
  return Object.fromEntries(
    attributes.map((attribute) => {
      const groups: string[] = []
      const t: (number | null)[] = []
      const p: number[] = []
      const s: number[] = []
      const folded: boolean[] = []
      const leftOut: Record<string, number> = { no_group: 0, ...(rawScores ? noScoreRefusals() : {}), no_prediction: 0 }
      const eceLeftOut: Record<string, number> = emptyScoreLeftOut()
      let unlabeled = 0
      columnOf(current, attribute).forEach((v, i) => {
        const g = readCategory(v)
        const y = yTrue[i] ?? null
        const q = yPred[i]
        const reason = g.kind !== 'value' ? 'no_group' : predictionReason(q, rawScores?.[i])
        if (reason !== undefined) leftOut[reason] = (leftOut[reason] as number) + 1
        if (g.kind !== 'value' || q === null || q === undefined) return
        if (y === null) unlabeled++
        else if (targets.scores) {
          // The group's calibration bins take a labeled row's score in [0, 1] (group-confusion.ts).
          const reason = scoreReason(targets.scores[i], rawScores?.[i])
          if (reason !== undefined) eceLeftOut[reason] = (eceLeftOut[reason] as number) + 1
        }
        groups.push(g.value)
        t.push(y)
        p.push(q)
        s.push(targets.scores?.[i] ?? Number.NaN)
        folded.push(isFolded(i))
      })
      const report = fairnessReport({ groups, yTrue: t, yPred: p, folded, ...(targets.scores ? { scores: s } : {}) }, { minGroupSize, confidence })
      const parity = report.parity
      const excluded = total(leftOut)
      const labeled = groups.length - unlabeled
      if (!notProbability) {
        pushAll(notes, leftOutNote(`fairness by "${attribute}"`, current.rowCount, leftOut))
        if (targets.scores) pushAll(notes, leftOutNote(`fairness by "${attribute}": group ECE`, labeled, eceLeftOut, 'labeled rows'))
        pushAll(notes, withinNoiseNote(attribute, report.groups, parity))
      }
      return [
        attribute,
        shown({
          groups: Object.fromEntries(
            report.groups.map((g) => [
              String(g.group),
              {
                count: g.count,
                status: g.status,
                predictions: g.predictions,
                selection_status: g.selectionStatus,
                selection_rate: num(g.selectionRate),
                true_positive_rate: num(g.truePositiveRate),
                false_positive_rate: num(g.falsePositiveRate),
                // NaN (null here) for a group with no labeled predicted positive (0/0), as the report's precision is.
                positive_predictive_value: num(g.positivePredictiveValue),
                accuracy: num(g.accuracy),
                ...(targets.scores ? { ece: num(g.expectedCalibrationError) } : {}),
              },
            ]),
          ),
          demographic_parity_difference: num(parity.demographicParityDifference.score),
          demographic_parity_ratio: num(parity.demographicParityRatio.score),
          equalized_odds_difference: num(parity.equalizedOddsDifference.score),
          equal_opportunity_difference: num(parity.equalOpportunityDifference.score),
          disparate_impact_ratio: num(parity.disparateImpactRatio.score),
          disparate_impact_ratio_upper: num(parity.disparateImpactRatioUpper.score),
          disparate_impact_confidence: confidence,
          // Observed ratio < 0.8, and upper bound < 0.8 (beyond sampling noise); null when undefined.
          below_four_fifths: parity.disparateImpactRatio.belowFourFifths,
          four_fifths_rule_violated: parity.disparateImpactRatio.fourFifthsRuleViolated,
          // The selection metrics' groups (demographic parity, disparate impact: predictions >= minGroupSize).
          groups_compared: parity.demographicParityDifference.params['groupsCompared'],
          groups_insufficient: parity.demographicParityDifference.params['groupsInsufficient'],
          // The label metrics compare the groups with labeled rows enough and the rate defined: as many or fewer.
          equalized_odds_groups_compared: parity.equalizedOddsDifference.params['groupsCompared'],
          equal_opportunity_groups_compared: parity.equalOpportunityDifference.params['groupsCompared'],
          min_group_size: minGroupSize,
          excluded,
          left_out: leftOut,
          unlabeled,
          ...(targets.scores ? { ece_left_out: eceLeftOut } : {}),
        }),
      ]
    }),
  )
}

const GROUP_RATES = ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'positive_predictive_value', 'accuracy', 'ece']
const PARITY = [
  'demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equal_opportunity_difference',
  'disparate_impact_ratio', 'disparate_impact_ratio_upper', 'below_four_fifths', 'four_fifths_rule_violated',
]

/**
 * The note for a disparate impact ratio below 4/5 whose upper bound is not: the groups of the
 * lowest and highest selection rates, with their sizes, say why the difference is within noise.
 */
function withinNoiseNote(attribute: string, groups: readonly GroupMetrics[], parity: ParityMetrics): string[] {
  const di = parity.disparateImpactRatio
  if (di.belowFourFifths !== true || di.fourFifthsRuleViolated !== false) return []
  const upper = parity.disparateImpactRatioUpper
  const compared = groups.filter((g) => g.selectionStatus === 'ok')
  const low = compared.reduce((x, g) => (g.selectionRate < x.selectionRate ? g : x))
  const high = compared.reduce((x, g) => (g.selectionRate > x.selectionRate ? g : x))
  const size = (g: GroupMetrics) => `"${String(g.group)}" ${g.selected} of ${g.predictions} predictions selected`
  const confidence = `${Number((Number(upper.params["confidence"]) * 100).toPrecision(10))}%`
  const pairs = Number(upper.params['pairs'])
  const among = compared.length > 2 ? ` (${compared.length} groups compared, the bound holding for their ${pairs} pairs at once)` : ''
  return [
    `fairness by "${attribute}": disparate impact ${di.score.toFixed(4)} is below ${FOUR_FIFTHS}, but its ${confidence} upper confidence bound ${upper.score.toFixed(4)} is not${among}; ` +
      `lowest selection rate ${size(low)}, highest ${size(high)}: the difference is within sampling noise, so four_fifths_rule_violated is false`,
  ]
}
// Every group has status SCORE_NOT_A_PROBABILITY: none is compared, and none is insufficient either.
const COUNTED_GROUPS = ['groups_compared', 'groups_insufficient', 'equalized_odds_groups_compared', 'equal_opportunity_groups_compared']

/** `o` with each of its `keys` set to `value` (keys it lacks stay absent). */
const setting = (o: Section, keys: readonly string[], value: unknown): Section => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, keys.includes(k) ? value : v]))

/** An attribute's section when the score column is no probability: its counts, no rate, no group compared or insufficient. */
function withoutRates(section: Section): Section {
  const groups = Object.entries(section['groups'] as Record<string, Section>).map(([g, m]) => [
    g,
    setting(setting(m, GROUP_RATES, null), ['status', 'selection_status'], SCORE_NOT_A_PROBABILITY),
  ])
  return { ...setting(setting(section, PARITY, null), COUNTED_GROUPS, 0), groups: Object.fromEntries(groups) }
}
