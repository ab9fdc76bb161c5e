import { readFileSync } from 'node:fs'
import { Command } from 'commander'
import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/report.json' with { type: 'json' }
import { expectClose } from '../../test/support/unit/metric-checks.js'
import type { ReportJson } from '../report/index.js'
import { type ReportCommandOptions, type ReportIo, runReport } from './report.js'
import { registerReportCommand } from './commands.js'

const REFERENCE = 'test/fixtures/report/reference.csv'
const CURRENT = 'test/fixtures/report/current.csv'

function memoryIo(files: Record<string, string> = {}) {
  const out: string[] = []
  const err: string[] = []
  const written: Record<string, string> = {}
  const io: ReportIo = {
    exists: (p) => Object.hasOwn(files, p) || [REFERENCE, CURRENT].includes(p),
    readFile: (p) => files[p] ?? readFileSync(p, 'utf8'),
    writeFile: (p, t) => {
      written[p] = t
    },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  }
  return { io, out, err, written }
}

async function report(options: Partial<ReportCommandOptions> = {}, files: Record<string, string> = {}) {
  const m = memoryIo(files)
  const code = await runReport({ reference: REFERENCE, current: CURRENT, ...options }, m.io)
  return { code, ...m, json: () => JSON.parse(m.out.join('')) as ReportJson }
}

type Expected = typeof fixture.expected
type ExpectedFeature = Expected['features'][keyof Expected['features']] & Record<string, unknown>

describe('golden report: seeded CSV pair vs scipy / fairlearn / sklearn / statsmodels (scripts/reference/report.py)', async () => {
  const r = await report({ protected: 'gender' })
  const json = r.json()
  const expected = fixture.expected

  it('exits 0 and lists every feature', () => {
    expect(r.code).toBe(0)
    expect(Object.keys(json.features).sort()).toEqual(Object.keys(expected.features).sort())
  })

  for (const [name, e] of Object.entries(expected.features) as [string, ExpectedFeature][]) {
    it(`${name}: statistics, method and verdict`, () => {
      const f = json.features[name]!
      expect(f.method).toBe(e.method)
      expect([f.reference_count, f.current_count]).toEqual([e.reference_count, e.current_count])
      for (const test of ['ks', 'chi2', 'z'] as const) {
        const t = e[test] as { statistic: number; p_value: number } | undefined
        if (t === undefined) continue
        expectClose(f[test]!.statistic!, t.statistic, 1e-9, `${test} statistic`)
        expectClose(f[test]!.p_value!, t.p_value, 1e-6, `${test} p-value`)
      }
      for (const k of ['wasserstein', 'wasserstein_distance', 'psi', 'jensen_shannon', 'hellinger', 'kl', 'linf'] as const) {
        if (e[k] !== undefined) expectClose(f[k] as number, e[k] as number, 1e-9, k)
      }
      if (e['unseen'] !== undefined) expect(f.unseen_categories?.categories).toEqual(e['unseen'])
      expectClose(f.adjusted_p_value!, e.adjusted_p_value, 1e-6, 'BH-adjusted p-value')
      expect(f.drift_detected).toBe(e.drift_detected)
    })
  }

  it('numerical features omit categorical keys and vice versa', () => {
    expect(json.features['income']).not.toHaveProperty('chi2')
    expect(json.features['income']).not.toHaveProperty('linf')
    expect(json.features['employment']).not.toHaveProperty('ks')
    expect(json.features['employment']).not.toHaveProperty('wasserstein')
    expect(json.features['has_mortgage']).toMatchObject({ kind: 'categorical', method: 'z' })
  })

  it('dataset drift share', () => {
    expect(json.dataset['drift_share']).toBe(expected.drift_share)
    expect(json.dataset).toMatchObject({ reference_rows: 1000, current_rows: 800, correction: 'benjamini-hochberg' })
  })

  it('performance of both files and the accuracy difference interval', () => {
    const p = json.performance as Record<string, Record<string, unknown>>
    for (const side of ['reference', 'current'] as const) {
      for (const [k, v] of Object.entries(expected.performance[side])) expectClose(p[side]![k] as number, v, 1e-9, `${side}.${k}`)
    }
    const acc = (p['degradation'] as Record<string, Record<string, number>>)['accuracy']!
    const e = expected.performance.accuracy_difference
    expectClose(acc['difference']!, e.difference, 1e-12, 'difference')
    expectClose(acc['ci_low']!, e.ci_low, 1e-9, 'ci_low')
    expectClose(acc['ci_high']!, e.ci_high, 1e-9, 'ci_high')
    expect(p['calibration_drift']).toHaveProperty('statistic')
    expect(p['prediction_drift']).toHaveProperty('drift_detected')
  })

  it('fairness of gender vs fairlearn (parity over groups with at least 30 members)', () => {
    const f = json.fairness['gender'] as Record<string, unknown>
    const e = expected.fairness.gender
    const groups = f['groups'] as Record<string, Record<string, number | string>>
    expect(Object.keys(groups).sort()).toEqual(Object.keys(e.groups).sort())
    for (const [g, m] of Object.entries(e.groups)) {
      expect(groups[g]!['count']).toBe(m.count)
      expect(groups[g]!['status']).toBe(m.status)
      for (const k of ['selection_rate', 'true_positive_rate', 'false_positive_rate', 'accuracy'] as const) {
        expectClose(groups[g]![k] as number, m[k], 1e-9, `${g}.${k}`)
      }
    }
    for (const k of ['demographic_parity_difference', 'demographic_parity_ratio', 'equalized_odds_difference', 'equal_opportunity_difference'] as const) {
      expectClose(f[k] as number, e[k], 1e-9, k)
    }
    expect(f['disparate_impact_ratio']).toBe(f['demographic_parity_ratio'])
  })

  it('data quality: missing cells, a type violation and an infinity are found', () => {
    const q = json.quality['features'] as Record<string, Record<string, unknown>>
    expect(q['credit_score']).toMatchObject({ type_violations: 2, reference_missing_rate: 12 / 1000 })
    expect(q['credit_score']!['missing_rate']).toBe(12 / 800)
    expect(q['income']).toMatchObject({ non_finite: 1 })
    expect(q['employment']).toMatchObject({ new_categories: { gig: expect.any(Number) }, constant: false })
    const outliers = json.quality['outliers'] as Record<string, Record<string, number>>
    expect(outliers['current']!['scored']).toBe(800)
  })

  it('is plain JSON: nulls, never NaN', () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json)
    expect(r.out.join('')).not.toContain('NaN')
  })
})

describe('driftwatch report: formats, options and exit codes', () => {
  it('--format text prints aligned tables', async () => {
    const r = await report({ format: 'text', protected: 'gender' })
    expect(r.code).toBe(0)
    const text = r.out.join('')
    expect(text).toMatch(/^driftwatch report: 1000 reference rows, 800 current rows/)
    expect(text).toMatch(/feature\s+kind\s+method\s+score\s+p-value \(BH-adjusted\)\s+threshold\s+drift/)
    expect(text).toMatch(/income\s+numerical\s+ks .* DRIFT/)
    expect(text).toContain('Fairness: gender')
    expect(text).toContain('Data quality')
  })

  it('the text p-value column says it is raw when correction is none', async () => {
    const r = await report({ format: 'text' }, { 'm.yaml': 'correction: none\n' })
    expect(r.out.join('')).not.toContain('p-value (raw)')
    const raw = await report({ format: 'text', config: 'm.yaml' }, { 'm.yaml': 'correction: none\n' })
    expect(raw.out.join('')).toMatch(/score\s+p-value \(raw\)\s+threshold/)
  })

  it('--exclude leaves columns out; an unknown one is a usage error, exit 2', async () => {
    const r = await report({ exclude: 'income, region' })
    expect(r.code).toBe(0)
    expect(Object.keys(r.json().features)).not.toContain('income')
    expect(Object.keys(r.json().features)).not.toContain('region')
    expect(Object.keys(r.json().features)).toContain('age')
    const bad = await report({ exclude: 'nope' })
    expect([bad.code, bad.err.join('')]).toEqual([2, 'driftwatch: DW_CONFIG_INVALID: --exclude: no column "nope" in the input files\n'])
  })

  it('--exclude that removes every column, or every shared one, names --exclude (not "wrong file?")', async () => {
    const files = { 'r.csv': 'a,b,label\n1,2,0\n3,4,1\n', 'c.csv': 'a,b,label\n1,2,0\n3,5,1\n' }
    const all = await report({ reference: 'r.csv', current: 'c.csv', exclude: 'a,b,label' }, files)
    expect([all.code, all.err]).toEqual([2, ['driftwatch: DW_CONFIG_INVALID: --exclude removes every column of the reference file (a, b, label); leave at least one to report on\n']])
    const shared = await report({ reference: 'r.csv', current: 'c2.csv', exclude: 'a,b,label' }, { ...files, 'c2.csv': 'a,b,label,z\n1,2,0,9\n3,5,1,9\n' })
    expect([shared.code, shared.err]).toEqual([2, ['driftwatch: DW_CONFIG_INVALID: --exclude removes every column of the reference file (a, b, label); leave at least one to report on\n']])
    const common = await report({ reference: 'r3.csv', current: 'c3.csv', exclude: 'a' }, { 'r3.csv': 'a,b\n1,2\n3,4\n', 'c3.csv': 'a,c\n1,2\n3,4\n' })
    expect([common.code, common.err]).toEqual([2, ['driftwatch: DW_CONFIG_INVALID: --exclude removes every column the reference and current files share; leave at least one to compare\n']])
    const currentOnly = await report({ reference: undefined, current: 'c.csv', exclude: 'a,b,label', failOn: 'performance.accuracy < 0.5' }, files)
    expect(currentOnly.err[0]).toBe('driftwatch: DW_CONFIG_INVALID: --exclude removes every column of the current file (a, b, label); leave at least one to report on\n')
  })

  it('a model file with several problems lists each on a line of its own, as start and config validate do; other lists are one line', async () => {
    const model = await report({ config: 'model.yaml' }, { 'model.yaml': 'features:\n  income: numeric\nthresholds:\n  income: high\nfoo: 1\n' })
    expect(model.code).toBe(2)
    expect(model.err).toHaveLength(1)
    expect(model.err[0]).toMatch(/^driftwatch: DW_CONFIG_INVALID: invalid model file:\n {2}model\.yaml: features\.income: [^\n]+\n {2}model\.yaml: thresholds\.income: [^\n]+\n {2}model\.yaml: \(root\): [^\n]*foo[^\n]*\n$/)
    const one = await report({ config: 'model.yaml' }, { 'model.yaml': 'foo: 1\n' })
    expect(one.err).toEqual([expect.stringMatching(/^driftwatch: DW_CONFIG_INVALID: invalid model file: model\.yaml: \(root\): [^\n]*foo[^\n]*\n$/)])
    const prot = await report({ protected: 'zz,yy' })
    expect(prot.code).toBe(2)
    expect(prot.err).toHaveLength(1)
    expect(prot.err[0]).toMatch(/^driftwatch: DW_FILE_INVALID: cannot build the report: [^\n]*"zz"[^\n]*\n$/)
  })

  it('an id-like text column (all values distinct) is left out of the features, with a note', async () => {
    const rows = (n: number, off: number) => Array.from({ length: n }, (_, i) => `id-${i + off},${i % 7},${['a', 'b'][i % 2]}`)
    const files = { 'r.csv': ['order_id,x,c', ...rows(40, 0)].join('\n'), 'c.csv': ['order_id,x,c', ...rows(30, 1000)].join('\n') }
    const r = await report({ reference: 'r.csv', current: 'c.csv' }, files)
    expect(r.code).toBe(0)
    expect(Object.keys(r.json().features)).toEqual(['c', 'x'])
    expect(r.json().notes).toContain('column "order_id" looks like an id (every reference value distinct): left out of the features (--config features: to keep it)')
    const kept = await report({ reference: 'r.csv', current: 'c.csv', config: 'm.yaml' }, { ...files, 'm.yaml': 'features: { order_id: categorical, x: numerical }\n' })
    expect(Object.keys(kept.json().features)).toEqual(['order_id', 'x'])
  })

  it('a current file sharing no column with the reference: DW_FILE_INVALID, exit 2, one line', async () => {
    const r = await report({ current: 'other.csv' }, { 'other.csv': 'foo,bar\n1,2\n' })
    expect(r.code).toBe(2)
    expect(r.err).toHaveLength(1)
    expect(r.err[0]).toMatch(/^driftwatch: DW_FILE_INVALID: the current file shares no column with the reference \(reference: .*\): wrong file\?\n$/)
  })

  it('--output writes the file instead of standard output', async () => {
    const r = await report({ output: 'out.json' })
    expect(r.code).toBe(0)
    expect(r.out).toEqual([])
    expect(JSON.parse(r.written['out.json']!)).toHaveProperty('features.income')
  })

  it('a missing file: DW_FILE_NOT_FOUND, exit 2', async () => {
    const r = await report({ current: 'nope.csv' })
    expect(r.code).toBe(2)
    expect(r.err.join('')).toContain('DW_FILE_NOT_FOUND')
  })

  it('an unreadable CSV or one without rows: DW_FILE_INVALID, exit 2', async () => {
    const ragged = await report({ current: 'bad.csv' }, { 'bad.csv': 'a,b\n1,2,3\n' })
    expect([ragged.code, ragged.err.join('')]).toEqual([2, expect.stringContaining('DW_FILE_INVALID')])
    const empty = await report({ current: 'empty.csv' }, { 'empty.csv': 'income,age\n' })
    expect(empty.err.join('')).toContain('no data rows')
    const dup = await report({ current: 'dup.csv' }, { 'dup.csv': 'a,a\n1,2\n' })
    expect(dup.err.join('')).toContain('appears twice')
  })

  it('a protected attribute the current file lacks: DW_FILE_INVALID, exit 2', async () => {
    const r = await report({ protected: 'religion' })
    expect(r.code).toBe(2)
    expect(r.err.join('')).toContain('protected attribute "religion"')
  })

  it('a bad model file: DW_CONFIG_INVALID with the path, exit 2', async () => {
    const r = await report({ config: 'model.yaml' }, { 'model.yaml': 'features:\n  income: numeric\nthresholds:\n  income: high\n' })
    expect(r.code).toBe(2)
    expect(r.err.join('')).toMatch(/features\.income[\s\S]*thresholds\.income/)
  })

  it('the model file sets kinds, features, protected attributes, thresholds and methods', async () => {
    const model = [
      'id: loan-model',
      'positiveClass: 1',
      'features: { income: numerical, employment: categorical, has_mortgage: numerical }',
      'protected: [gender]',
      'thresholds:',
      '  income: { method: psi, threshold: 0.2 }',
      '  employment: 0.001',
      'correction: none',
    ].join('\n')
    const r = await report({ config: 'model.yaml' }, { 'model.yaml': model })
    expect(r.code).toBe(0)
    const json = r.json()
    expect(Object.keys(json.features)).toEqual(['employment', 'has_mortgage', 'income'])
    expect(json.features['income']).toMatchObject({ method: 'psi', threshold: 0.2, threshold_kind: 'score' })
    expect(json.features['income']!.drift_detected).toBe((json.features['income']!.psi as number) >= 0.2)
    expect(json.features['employment']).toMatchObject({ method: 'chi2', threshold: 0.001 })
    expect(json.features['has_mortgage']).toMatchObject({ kind: 'numerical', treated_as: 'categorical', method: 'z' })
    expect(json.features['has_mortgage']).toHaveProperty('ks')
    expect(json.dataset['correction']).toBe('none')
    expect(Object.keys(json.fairness)).toEqual(['gender'])
  })

  it('a threshold method that does not apply to the column: DW_CONFIG_INVALID, exit 2', async () => {
    const r = await report({ config: 'm.yaml' }, { 'm.yaml': 'thresholds:\n  region: { method: ks, threshold: 0.05 }\n' })
    expect(r.code).toBe(2)
    expect(r.err.join('')).toContain('thresholds.region: method ks does not apply')
  })

  it('without labels in the current file: performance is partial, fairness skipped, with notes', async () => {
    const text = readFileSync(CURRENT, 'utf8')
    const lines = text.trim().split('\n').map((l) => l.split(','))
    const drop = lines[0]!.indexOf('label')
    const unlabeled = lines.map((cells) => cells.filter((_, i) => i !== drop).join(',')).join('\n')
    const r = await report({ current: 'unlabeled.csv', protected: 'gender' }, { 'unlabeled.csv': unlabeled })
    expect(r.code).toBe(0)
    const json = r.json()
    expect(json.fairness).toEqual({})
    expect(json.performance['degradation']).toEqual({})
    expect(json.performance['score_drift']).toHaveProperty('method')
    expect(json.notes.join('\n')).toMatch(/no "label" column[\s\S]*fairness needs/)
  })
})

describe('registerReportCommand', () => {
  function parse(argv: string[]) {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} })
    let work: (() => Promise<number>) | undefined
    registerReportCommand(program, { config: () => { throw new Error('report needs no environment') }, configuration: () => { throw new Error('report needs no environment') }, run: (w) => (work = w) })
    program.parse(['node', 'driftwatch', ...argv])
    return work
  }

  it('declares the options and hands the work to ctx.run', () => {
    expect(parse(['report', '--reference', REFERENCE, '--current', CURRENT, '--format', 'text'])).toBeTypeOf('function')
  })

  it('rejects an unknown format and a missing --current (usage errors)', () => {
    expect(() => parse(['report', '--reference', REFERENCE, '--current', CURRENT, '--format', 'xml'])).toThrow(/format/)
    expect(() => parse(['report', '--reference', REFERENCE])).toThrow(/current/)
  })
})

describe('driftwatch report: how CSV files written by pandas read', () => {
  // 60 rows: x, label, prediction; every fourth prediction wrong.
  const rows = (label: (y: number) => string) =>
    Array.from({ length: 60 }, (_, i) => `${(i % 17) / 3},${label(i % 2)},${i % 4 === 0 ? 1 - (i % 2) : i % 2}`).join('\n')

  it('float labels (0.0 / 1.0) beside integer predictions are one binary task, positive class "1"', async () => {
    const files = { 'r.csv': `x,label,prediction\n${rows((y) => `${y}.0`)}\n`, 'c.csv': `x,label,prediction\n${rows((y) => `${y}.0`)}\n` }
    const r = await report({ reference: 'r.csv', current: 'c.csv' }, files)
    expect(r.code).toBe(0)
    const p = r.json().performance as Record<string, unknown> & { current: Record<string, number> }
    expect(p).toMatchObject({ task: 'binary', positive_class: '1' })
    expect(p.current.accuracy).toBe(0.75)
    expect(r.json().notes).toEqual([])
  })

  it("an empty header cell (df.to_csv()'s index column) is the column `Unnamed: 0`", async () => {
    const csv = `,x,label,prediction\n${rows(String)
      .split('\n')
      .map((line, i) => `${i},${line}`)
      .join('\n')}\n`
    const r = await report({ reference: 'r.csv', current: 'c.csv', exclude: 'Unnamed: 0' }, { 'r.csv': csv, 'c.csv': csv })
    expect(r.err.join('')).toBe('')
    expect(Object.keys(r.json().features)).toEqual(['x'])
  })

  it('a CSV error quotes at most a short excerpt of the data', async () => {
    const r = await report({ reference: 'r.csv', current: 'c.csv' }, { 'r.csv': `x,y\n1,2\n3,${'z'.repeat(300)}"q"\n`, 'c.csv': 'x,y\n1,2\n' })
    expect(r.code).toBe(2)
    expect(r.err.join('')).not.toContain('z'.repeat(41))
  })
})
