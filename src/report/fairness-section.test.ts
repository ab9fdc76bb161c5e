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
