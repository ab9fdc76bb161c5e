import { describe, expect, it } from 'vitest'
import { readTargets } from '../metrics/profile/index.js'
import { tableFromRows } from '../../test/support/unit/table-from-rows.js'
import { fairnessSection } from './fairness-section.js'
import { evaluateGates, parseGates } from './gates.js'
import type { ReportJson, Section } from './types.js'
import { createRng } from '../demo/random.js'

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

describe('report fairness section: the four-fifths rule is violated only beyond sampling noise', () => {
  /** Rows of groups with `selected` of `size` predictions selected, every row labeled. */
  const sectionOf = (groups: readonly (readonly [string, number, number])[], confidence?: number) => {
    const rows = groups.flatMap(([group, selected, size]) =>
      Array.from({ length: size }, (_, i) => ({ group, prediction: i < selected ? '1' : '0', label: i % 2 === 0 ? '1' : '0' })))
    const targets = readTargets({ label: rows.map((r) => r.label), prediction: rows.map((r) => r.prediction) }, { task: 'binary', positiveClass: '1' })
    const notes: string[] = []
    const section = fairnessSection(tableFromRows(rows), targets, ['group'], 30, notes, undefined, confidence)['group']!
    return { section, notes }
  }
  /** A seeded generator (mulberry32): the same groups on every run. */
  const random = (seed: number) => createRng(seed).next

  it('equal true rates, 2 groups of 40 (12 vs 16 selected): ratio 0.75 below 4/5, bound not, so no violation, and a note says why', () => {
    const { section, notes } = sectionOf([['a', 12, 40], ['b', 16, 40]])
    expect(section['disparate_impact_ratio']).toBeCloseTo(0.75, 15)
    expect(section['disparate_impact_ratio_upper'] as number).toBeGreaterThanOrEqual(0.8)
    expect(section).toMatchObject({ below_four_fifths: true, four_fifths_rule_violated: false, disparate_impact_confidence: 0.95 })
    expect(notes).toEqual([
      `fairness by "group": disparate impact 0.7500 is below 0.8, but its 95% upper confidence bound ${(section['disparate_impact_ratio_upper'] as number).toFixed(4)} is not; ` +
        'lowest selection rate "a" 12 of 40 predictions selected, highest "b" 16 of 40 predictions selected: the difference is within sampling noise, so four_fifths_rule_violated is false',
    ])
  })

  it('equal true rates (0.35), 53 groups of 40: the ratio is far below 4/5, no violation', () => {
    const next = random(53)
    const groups = Array.from({ length: 53 }, (_, g) => {
      let selected = 0
      for (let i = 0; i < 40; i++) if (next() < 0.35) selected++
      return [`g${g}`, selected, 40] as const
    })
    const { section, notes } = sectionOf(groups)
    expect(section['disparate_impact_ratio'] as number).toBeLessThan(0.6)
    expect(section).toMatchObject({ below_four_fifths: true, four_fifths_rule_violated: false })
    expect(notes[0]).toMatch(/^fairness by "group": disparate impact 0\.\d{4} is below 0\.8, but its 95% upper confidence bound \d\.\d{4} is not \(53 groups compared, the bound holding for their 1378 pairs at once\); lowest selection rate "g\d+" \d+ of 40 predictions selected/)
  })

  it('a real disparity (0.2 vs 0.5, 500 predictions a group) is a violation, with no note', () => {
    const { section, notes } = sectionOf([['a', 100, 500], ['b', 250, 500]])
    expect(section['disparate_impact_ratio']).toBeCloseTo(0.4, 15)
    // exp(ln 0.4 + 1.6449·sqrt(1/100 − 1/500 + 1/250 − 1/500)) = 0.4715
    expect(section['disparate_impact_ratio_upper']).toBeCloseTo(Math.exp(Math.log(0.4) + 1.6448536269514722 * Math.sqrt(1 / 100 - 1 / 500 + 1 / 250 - 1 / 500)), 13)
    expect(section).toMatchObject({ below_four_fifths: true, four_fifths_rule_violated: true })
    expect(notes).toEqual([])
  })

  it("the model file's confidence sets the bound", () => {
    const at80 = sectionOf([['a', 12, 40], ['b', 16, 40]], 0.8).section
    const at99 = sectionOf([['a', 12, 40], ['b', 16, 40]], 0.99).section
    expect(at80['disparate_impact_ratio_upper'] as number).toBeLessThan(at99['disparate_impact_ratio_upper'] as number)
    expect(at99['disparate_impact_confidence']).toBe(0.99)
  })

  it('a gate reads the bound: fairness.group.disparate_impact_ratio_upper<0.8', () => {
    const fair = sectionOf([['a', 12, 40], ['b', 16, 40]]).section
    const unfair = sectionOf([['a', 100, 500], ['b', 250, 500]]).section
    const gate = (section: Section) =>
      evaluateGates(parseGates('fairness.group.disparate_impact_ratio_upper<0.8'), { dataset: {}, features: {}, performance: {}, fairness: { group: section } } as unknown as ReportJson)[0]!
    expect(gate(fair)).toMatchObject({ name: 'fairness.group.disparate_impact_ratio_upper', failed: false })
    expect(gate(unfair)).toMatchObject({ failed: true, value: unfair['disparate_impact_ratio_upper'] })
  })

  it('one group compared: no ratio, no bound, neither fact', () => {
    const { section, notes } = sectionOf([['a', 12, 40], ['b', 3, 10]])
    expect(section).toMatchObject({ disparate_impact_ratio: null, disparate_impact_ratio_upper: null, below_four_fifths: null, four_fifths_rule_violated: null })
    expect(notes).toEqual([])
  })
})
