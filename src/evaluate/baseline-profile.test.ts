import { describe, expect, it } from 'vitest'
import { parseFileConfig } from '../config/file.js'
import { DEFAULT_TARGETS } from '../report/index.js'
import { baselineProfile, csvBaselineTable, csvColumnKind, jsonlBaselineTable, privateBaselineTable, streamKind } from './baseline-profile.js'

const file = parseFileConfig('models:\n  - id: m\n    positiveClass: approve\n  - id: k\n    features: { zip: categorical, income: numerical }\n', 'x.yaml')
const options = (id: string) => ({ model: file.models.find((m) => m.id === id)!, targets: DEFAULT_TARGETS, sampleSize: 100, exclude: ['id'] })

describe('baseline profile from a file', () => {
  it('kinds as the stream sees them: numbers numerical (even 0/1), anything else categorical', () => {
    expect(streamKind([0, 1, null, 1])).toBe('numerical')
    expect(streamKind([1, 'a'])).toBe('categorical')
    expect(streamKind([true, false])).toBe('categorical')
    expect(streamKind([null, undefined])).toBe('categorical')
  })

  it('CSV: a column of numbers with a few text cells is numerical, as the report reads it, its text cells type violations', () => {
    const nums = Array.from({ length: 499 }, (_, i) => i + 0.5)
    expect(csvColumnKind([...nums, 'unknown'])).toBe('numerical')
    expect(csvColumnKind([...nums.slice(0, 90), ...Array<string>(10).fill('n/a')])).toBe('categorical')
    const records = [...nums.map(String), 'unknown'].map((income, i) => ({ income, label: i % 4 ? 'approve' : 'decline', prediction: 'approve', score: '0.5' }))
    const o = options('m')
    const p = baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records }, o), o).profile
    expect(p.features['income']).toMatchObject({ kind: 'numerical', count: 500, missing: 0, typeViolations: 1, finite: 499 })
  })

  it('CSV: typed cells, targets, excluded columns, positive class from driftwatch.yaml', () => {
    const records = Array.from({ length: 20 }, (_, i) => ({
      id: `r${i}`, income: String(1000 + i * 10), flag: String(i % 2), city: i % 3 ? 'x' : 'y', label: i % 4 ? 'approve' : 'decline',
      prediction: i % 5 ? 'approve' : 'decline', score: String((i % 10) / 10),
    }))
    const table = csvBaselineTable({ columns: Object.keys(records[0]!), records }, options('m'))
    const p = baselineProfile(table, options('m')).profile
    expect(Object.fromEntries(Object.entries(p.features).map(([k, f]) => [k, f.kind]))).toEqual({ city: 'categorical', flag: 'numerical', income: 'numerical' })
    expect(p.targets).toMatchObject({ task: 'binary', positiveClass: 'approve', label: { categories: { approve: 15, decline: 5 } } })
    expect(p.features['income']).toMatchObject({ sample: expect.any(Array) })
    expect(p.targets.score?.sample).toHaveLength(20)
  })

  it('builds finite bin edges when neighbouring reference values are more than the largest double apart', () => {
    const xs = [...Array<number>(21).fill(-1.5e308), -1.2e308, -1e308, 1e308, 1.2e308, ...Array<number>(21).fill(1.5e308)]
    const records = xs.map((x) => ({ x: String(x), score: '0.5', prediction: '1' }))
    const o = options('m')
    const p = baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records }, o), o).profile
    const x = p.features['x']
    if (x?.kind !== 'numerical') throw new Error('x is numerical')
    expect(x.binEdges.every(Number.isFinite)).toBe(true)
    expect(x.binEdges).toContain(0)
    expect(x.binCounts.reduce((a, b) => a + b, 0)).toBe(46)
  })

  it('as the stream would take the events: rows with a refused score left out whole, a class predicted from the score', () => {
    const records = Array.from({ length: 20 }, (_, i) => ({
      income: String(1000 + i), label: i % 2 ? '1' : '0', prediction: i === 0 ? '' : i % 2 ? '1' : '0', score: i % 2 ? '0.9' : '0.1',
    }))
    // Row 0 has no class (score 0.1: predicted 0); rows 1 and 2 have scores the stream refuses.
    records[1]!.score = '1.7'
    records[2]!.score = 'inf'
    const model = parseFileConfig('models:\n  - id: b\n', 'x.yaml').models[0]!
    const o = { model, targets: DEFAULT_TARGETS, sampleSize: 100 }
    const { profile: p, leftOut } = baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records }, o), o)
    expect(p.rows).toBe(18)
    expect(leftOut).toEqual({ nonFiniteFeature: 0, refusedScore: 2 })
    expect(p.features['income']).toMatchObject({ count: 18 })
    expect(p.targets.score).toMatchObject({ count: 18, max: 0.9 })
    // Every kept row predicted right, row 0 from its score.
    expect(p.targets.performance.classification).toMatchObject({ n: 18, accuracy: 1 })
    const allRefused = records.map((r) => ({ ...r, score: '2' }))
    expect(() => baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records: allRefused }, o), o)).toThrow(/every row's "score" is text, infinite or outside \[0, 1\]/)
    // A configured feature named "score" (a credit score) is a feature: no row is left out.
    const credit = parseFileConfig('models:\n  - id: c\n    features: { score: numerical }\n', 'x.yaml').models[0]!
    const oc = { model: credit, targets: DEFAULT_TARGETS, sampleSize: 100 }
    const scores = records.map((r, i) => ({ ...r, score: String(300 + i) }))
    expect(baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records: scores }, oc), oc).profile.rows).toBe(20)
  })

  it('a row with an infinite feature value is left out whole, for any task, as the stream dead-letters its event', () => {
    const records = Array.from({ length: 10 }, (_, i) => ({ income: String(1000 + i), age: String(20 + i), city: i % 2 ? 'inf' : 'x', label: '1', score: '0.5' }))
    records[3]!.income = 'inf'
    records[4]!.age = '-Infinity'
    records[5]!.age = '1e400'
    records[6]!.score = '7'
    for (const yaml of ['models:\n  - id: b\n', 'models:\n  - id: r\n    task: regression\n']) {
      const model = parseFileConfig(yaml, 'x.yaml').models[0]!
      const o = { model, targets: DEFAULT_TARGETS, sampleSize: 100 }
      const { profile, leftOut } = baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records }, o), o)
      const regression = model.task === 'regression'
      // Text "inf" in a categorical column is a category; a refused score counts only when a score is read.
      expect(leftOut).toEqual({ nonFiniteFeature: 3, refusedScore: regression ? 0 : 1 })
      expect(profile.rows).toBe(regression ? 7 : 6)
      expect(profile.features['income']).toMatchObject({ count: profile.rows, nonFinite: 0, max: 1009 })
      expect(profile.features['age']).toMatchObject({ count: profile.rows, nonFinite: 0 })
      expect(profile.features['city']).toMatchObject({ kind: 'categorical' })
    }
    const allInfinite = records.map((r) => ({ ...r, income: 'inf' }))
    const model = parseFileConfig('models:\n  - id: b\n', 'x.yaml').models[0]!
    const o = { model, targets: DEFAULT_TARGETS, sampleSize: 100 }
    expect(() => baselineProfile(csvBaselineTable({ columns: Object.keys(records[0]!), records: allInfinite }, o), o)).toThrow(/every row has a feature whose value is infinite/)
  })

  it('leaves out a row whose pii feature is infinite, which the stream refuses before pseudonymizing it', () => {
    const model = parseFileConfig('models:\n  - id: p\n    pii: [zip]\n', 'x.yaml').models[0]!
    const o = { model, targets: DEFAULT_TARGETS, sampleSize: 100 }
    const records = Array.from({ length: 10 }, (_, i) => ({ zip: i === 4 ? '1e400' : String(75000 + i), income: String(1000 + i), label: '1', score: '0.5' }))
    const privacy = { pseudonymize: (s: string) => `h(${s})`, piiFeatures: () => new Set(['zip']) }
    const table = privateBaselineTable(csvBaselineTable({ columns: Object.keys(records[0]!), records }, o), privacy, 'p')
    const { profile, leftOut } = baselineProfile(table, o)
    expect(leftOut).toEqual({ nonFiniteFeature: 1, refusedScore: 0 })
    expect(profile.rows).toBe(9)
    expect(profile.features['zip']).toMatchObject({ kind: 'categorical', count: 9 })
  })

  it('JSONL: flat objects; configured features and kinds win', () => {
    const text = '{"zip": 12345, "income": 10.5, "other": "x"}\n\n{"zip": 54321, "income": null, "other": "y"}\n'
    const p = baselineProfile(jsonlBaselineTable(text, 'f.jsonl'), options('k')).profile
    expect(Object.keys(p.features)).toEqual(['income', 'zip'])
    expect(p.features['zip']).toMatchObject({ kind: 'categorical', categories: { '12345': 1, '54321': 1 } })
    expect(p.features['income']).toMatchObject({ kind: 'numerical', missing: 1 })
  })

  it('bad input is DW_FILE_INVALID, with line numbers', () => {
    expect(() => jsonlBaselineTable('{"a": 1}\n[1]\n{"b": {"c": 1}}\nnope\n', 'f.jsonl')).toThrow(/line 2: not a JSON object; line 3: "b" is not a string.*; line 4: not JSON/)
    expect(() => jsonlBaselineTable('\n', 'f.jsonl')).toThrow(/no data rows/)
    expect(() => baselineProfile({ columns: ['label'], rows: [{ label: 'a' }] }, options('m'))).toThrow(/no feature column/)
    expect(() => baselineProfile({ columns: ['zip'], rows: [{ zip: 'a' }] }, options('k'))).toThrow(/income not in the file/)
    // A column of a reserved name would be a feature every prediction of the stream refuses, and the profile keeps the score under __score__.
    expect(() => baselineProfile({ columns: ['__score__', 'x', 'score'], rows: [{ __score__: 0.3, x: 1, score: 0.5 }] }, options('m'))).toThrow(/column "__score__" has a name driftwatch reserves/)
    expect(baselineProfile({ columns: ['__score__', 'x'], rows: [{ __score__: 0.3, x: 1 }] }, { ...options('m'), exclude: ['__score__'] }).profile.features).toHaveProperty('x')
  })
})
