import { describe, expect, it } from 'vitest'
import { readTargets } from '../metrics/profile/index.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'
import { fairnessSection } from './fairness-section.js'

describe('report fairness section: selection over every prediction, label metrics over labeled rows', () => {
  // Group A: 1000 rows, 500 approved; B: 1000, 300 approved; only approved rows have a label.
  const group: string[] = []
  const prediction: string[] = []
  const label: (string | null)[] = []
  for (const [g, approved] of [['A', 500], ['B', 300]] as const) {
    for (let i = 0; i < 1000; i++) {
      group.push(g)
      prediction.push(i < approved ? '1' : '0')
      label.push(i < approved ? (i % 4 === 0 ? '0' : '1') : null)
    }
  }
  const table = tableFromRows(group.map((g, i) => ({ group: g, prediction: prediction[i]!, label: label[i] ?? null })))
  const targets = readTargets({ label, prediction }, { task: 'binary', positiveClass: '1' })

  it('selection rate 0.5 / 0.3 and disparate impact 0.6 (labeled rows only: 1.0 / 1.0 and 1.0)', () => {
    const notes: string[] = []
    const section = fairnessSection(table, targets, ['group'], 30, notes)['group'] as Record<string, unknown> & { groups: Record<string, Record<string, unknown>> }
    expect(section.groups['A']).toMatchObject({ predictions: 1000, count: 500, selection_rate: 0.5, true_positive_rate: 1, positive_predictive_value: 0.75 })
    expect(section.groups['B']).toMatchObject({ predictions: 1000, count: 300, selection_rate: 0.3 })
    expect(section['disparate_impact_ratio']).toBeCloseTo(0.6, 15)
    expect(section['demographic_parity_difference']).toBeCloseTo(0.2, 15)
    expect(section).toMatchObject({ excluded: 0, unlabeled: 1200, four_fifths_rule_violated: true })
    expect(notes).toEqual([])
  })
})

describe('report fairness section: how many groups each kind of metric compared', () => {
  it('groups_compared for selection; the label metrics count the groups with labeled rows enough and the rate defined', () => {
    // A: 100 rows, both labels; B: 100 rows, only positive labels (no FPR); C: 100 predictions, 10 labeled; D: 5 rows.
    const rows: { group: string; prediction: string; label: string | null }[] = []
    const add = (group: string, n: number, label: (i: number) => string | null) => {
      for (let i = 0; i < n; i++) rows.push({ group, prediction: String(i % 2), label: label(i) })
    }
    add('A', 100, (i) => String((i >> 1) % 2))
    add('B', 100, () => '1')
    add('C', 100, (i) => (i < 10 ? String(i % 2) : null))
    add('D', 5, (i) => String(i % 2))
    const targets = readTargets({ label: rows.map((r) => r.label), prediction: rows.map((r) => r.prediction) }, { task: 'binary', positiveClass: '1' })
    const section = fairnessSection(tableFromRows(rows), targets, ['group'], 30, [])['group']!
    // Selection: A, B, C (100 predictions each); D has 5. Equal opportunity: A, B (C has 10 labeled rows); equalized odds: A (B has no negative label).
    expect(section).toMatchObject({ groups_compared: 3, groups_insufficient: 1, equal_opportunity_groups_compared: 2, equalized_odds_groups_compared: 1 })
  })
})

describe("report fairness section: a group's accuracy is the exact match of predicted class and label", () => {
  // Label/prediction per group: a — "1"/"1" ×5, "0"/"0" ×7, "2"/"0" ×6, "0"/"1" ×2; b — "1"/"1" ×5,
  // "0"/"0" ×5, "2"/"0" ×4, "0"/"1" ×2, "1"/"0" ×4. fairlearn 0.15.0 / scikit-learn 1.9.1:
  // MetricFrame(metrics=accuracy_score, y_true=labels, y_pred=predictions, sensitive_features=groups).by_group
  // = {a: 0.6, b: 0.5}; reading "2" as "0" gave 0.9 and 0.7.
  const runs: [string, string, string, number][] = [
    ['a', '1', '1', 5], ['a', '0', '0', 7], ['a', '2', '0', 6], ['a', '0', '1', 2],
    ['b', '1', '1', 5], ['b', '0', '0', 5], ['b', '2', '0', 4], ['b', '0', '1', 2], ['b', '1', '0', 4],
  ]
  const rows = runs.flatMap(([group, label, prediction, n]) => Array.from({ length: n }, () => ({ group, label, prediction, score: prediction === '1' ? 0.7 : 0.3 })))
  const groupsOf = (targets: ReturnType<typeof readTargets>) =>
    (fairnessSection(tableFromRows(rows), targets, ['group'], 1, [])['group'] as { groups: Record<string, Record<string, unknown>> }).groups

  it('a "0" predicted for a label "2" is no correct prediction: 0.6 and 0.5, as fairlearn; FPR reads it as a true negative', () => {
    const groups = groupsOf(readTargets({ label: rows.map((r) => r.label), prediction: rows.map((r) => r.prediction) }, { task: 'binary', positiveClass: '1' }))
    expect(groups['a']).toMatchObject({ count: 20, accuracy: 0.6 })
    expect(groups['b']).toMatchObject({ count: 20, accuracy: 0.5 })
    expect(groups['a']!['false_positive_rate']).toBeCloseTo(2 / 15, 15)
  })

  it('without a prediction column the class comes from the score, and a negative one keeps the one-vs-rest reading', () => {
    const groups = groupsOf(readTargets({ label: rows.map((r) => r.label), score: rows.map((r) => r.score) }, { task: 'binary', positiveClass: '1' }))
    expect([groups['a']!['accuracy'], groups['b']!['accuracy']]).toEqual([0.9, 0.7])
  })
})
