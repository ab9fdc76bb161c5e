/**
 * The report's fairness section: for each protected attribute, per-group rates and the parity
 * metrics of src/metrics/fairness (fairlearn's between-groups differences and ratios) on the
 * current file. Needs a binary task with labels and predictions (or scores, thresholded at
 * 0.5) in the current file. Groups are the attribute's values as text; rows with a missing
 * group or prediction are left out and counted in `excluded`. A row without a label still
 * counts for selection (its group's `predictions`, selection rate, demographic parity and
 * disparate impact, as fairlearn's selection_rate over every row) and is counted in
 * `unlabeled`; TPR, FPR, PPV, accuracy, ECE and the odds metrics use the labeled rows (`count`).
 * Groups smaller than minGroupSize are reported but not compared (status "insufficient" for
 * the label metrics, selection_status for selection). `left_out` splits `excluded` by reason
 * (`no_group`; with a score column, a score the stream refuses, whose row has no prediction here
 * (./stream-targets.ts); `no_prediction`), and `ece_left_out` counts the labeled rows kept whose
 * score the group ECE could not read (./left-out.ts); each gets a note when it is not zero.
 */
import { pushAll } from '../arrays.js'
import { fairnessReport } from '../metrics/fairness/index.js'
import { binaryOutcomes, type FeatureValue, readCategory, type Targets } from '../metrics/profile/index.js'
import { emptyScoreLeftOut, leftOutNote, noScoreRefusals, predictionReason, scoreReason, total } from './left-out.js'
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
): Record<string, Section> {
  if (attributes.length === 0) return {}
  const { yTrue, yPred } = binaryOutcomes(targets)
  if (targets.task !== 'binary' || yTrue === undefined || yPred === undefined) {
    notes.push('fairness needs a binary task with labels and predictions in the current file: skipped')
    return {}
  }
  return Object.fromEntries(
    attributes.map((attribute) => {
      const groups: string[] = []
      const t: (number | null)[] = []
      const p: number[] = []
      const s: number[] = []
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
      })
      const report = fairnessReport({ groups, yTrue: t, yPred: p, ...(targets.scores ? { scores: s } : {}) }, { minGroupSize })
      const parity = report.parity
      const excluded = total(leftOut)
      pushAll(notes, leftOutNote(`fairness by "${attribute}"`, current.rowCount, leftOut))
      const labeled = groups.length - unlabeled
      if (targets.scores) pushAll(notes, leftOutNote(`fairness by "${attribute}": group ECE`, labeled, eceLeftOut, 'labeled rows'))
      return [
        attribute,
        {
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
          four_fifths_rule_violated: parity.disparateImpactRatio.fourFifthsRuleViolated,
          groups_compared: parity.demographicParityDifference.params['groupsCompared'],
          groups_insufficient: parity.demographicParityDifference.params['groupsInsufficient'],
          min_group_size: minGroupSize,
          excluded,
          left_out: leftOut,
          unlabeled,
          ...(targets.scores ? { ece_left_out: eceLeftOut } : {}),
        },
      ]
    }),
  )
}
