import { describe, expect, it } from 'vitest'
import { parseFileConfig } from '../config/file.js'
import { DEFAULT_TARGETS } from '../report/index.js'
import { baselineProfile, csvBaselineTable, jsonlBaselineTable } from './baseline-profile.js'

const model = parseFileConfig('models:\n  - id: m\n    positiveClass: "True"\n', 'x.yaml').models[0]!
const options = { model, targets: DEFAULT_TARGETS, sampleSize: 100 }

const N = 40
const member = (i: number) => i % 5 < 2
const label = (i: number) => i % 3 === 0

/** The CSV baseline of rows whose `member` feature is written by `write`; labels written True/False (pandas). */
function csvProfile(write: (b: boolean) => string, other?: (i: number) => string | undefined) {
  const records = Array.from({ length: N }, (_, i) => ({
    member: other?.(i) ?? write(member(i)),
    x: String(i / 10),
    label: label(i) ? 'True' : 'False',
    prediction: label(i) ? 'True' : 'False',
  }))
  return baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records }, options), options).profile
}

describe('driftwatch baseline: a CSV feature of booleans in any case is read as the stream reads a boolean', () => {
  // The stream's events carry the feature as a JSON boolean (the category "true" / "false": src/store/rows.ts).
  const events = Array.from({ length: N }, (_, i) => JSON.stringify({ member: member(i), x: i / 10, label: label(i) ? 'True' : 'False', prediction: label(i) ? 'True' : 'False' }))
  const stream = baselineProfile(jsonlBaselineTable(events.join('\n'), 'events.jsonl'), options).profile

  it.each([
    ['True/False (pandas)', (b: boolean) => (b ? 'True' : 'False')],
    ['true/false (Spark, JavaScript)', (b: boolean) => (b ? 'true' : 'false')],
    ['TRUE/FALSE', (b: boolean) => (b ? 'TRUE' : 'FALSE')],
  ])('written %s: the categories true / false, the profile of the events', (_, write) => {
    const p = csvProfile(write)
    expect(p.features['member']).toMatchObject({ kind: 'categorical', categories: { true: 16, false: 24 } })
    expect(p.features['member']).toEqual(stream.features['member'])
  })

  it('a missing cell stays missing', () => {
    const p = csvProfile((b) => (b ? 'True' : 'False'), (i) => (i === 0 ? '' : i === 1 ? 'NA' : undefined))
    expect(p.features['member']).toMatchObject({ kind: 'categorical', missing: 2, categories: { true: 14, false: 24 } })
  })

  it('a column that mixes them with other text keeps every cell as written (the stream compares strings as sent)', () => {
    const p = csvProfile((b) => (b ? 'True' : 'False'), (i) => (i === 0 ? 'maybe' : undefined))
    expect(Object.keys((p.features['member'] as { categories: Record<string, number> }).categories).sort()).toEqual(['False', 'True', 'maybe'])
  })

  it('labels and predictions stay as written: the stream compares the class strings its events carry', () => {
    const p = csvProfile((b) => (b ? 'True' : 'False'))
    expect(p.targets).toMatchObject({ task: 'binary', positiveClass: 'True', label: { categories: { True: 14, False: 26 } } })
  })
})
