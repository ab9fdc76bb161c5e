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
