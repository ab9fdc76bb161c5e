import { describe, expect, it } from 'vitest'
import { buildProfile, type Row } from '../metrics/profile/index.js'
import { outlierAccumulator } from '../metrics/quality/index.js'
import { parseCell } from './csv-cells.js'
import { outlierKey, outlierSummary as evaluatorSummary } from '../evaluate/quality-rows.js'
import { cellCounts } from './csv-report.js'
import { numberCells } from './counted-column.js'
import { decimalOutlierCode, numericalOutlierRule, OUTLIER_CODE, outlierCellCodes, outlierSummary, rowOutlierCounts } from './outlier-counts.js'

/** The texts of the bounds, as a reference's own cells would write them. */
const cellsOf = (bounds: readonly number[]) => bounds.map(String)

// 200 reference rows: x spread over 0..199, c mostly "a"/"b" with one rare "r".
const reference: Row[] = Array.from({ length: 200 }, (_, i) => ({ x: i, c: i === 0 ? 'r' : i % 2 === 0 ? 'a' : 'b' }))
const profile = buildProfile(reference, { features: ['c', 'x'], kinds: { x: 'numerical', c: 'categorical' } })
const cells = {
  x: ['5', '-3', '500', 'NA', 'oops', 'inf', '100', '', '199', '0'],
  c: ['a', 'r', 'new', 'b', '', 'a', 'NA', 'b', 'a', 'new'],
}
const typed = (name: 'x' | 'c') => cells[name].map((v) => parseCell(v, name === 'x' ? 'number' : 'text'))

describe('outlier counts', () => {
  const counts = rowOutlierCounts(profile, 10, (n) => (n === 'x' || n === 'c' ? typed(n) : undefined))

  it("the summary of per-row counts: the stream evaluator's to the bit, outlierAccumulator's but for the mean's last bits", () => {
    const byGroup: Record<string, number> = {}
    for (let i = 0; i < 10; i++) {
      const key = outlierKey(counts.evaluated[i] as number, counts.extreme[i] as number)
      byGroup[key] = (byGroup[key] ?? 0) + 1
    }
    const summary = outlierSummary(counts, 0.5)
    expect(summary).toEqual(evaluatorSummary(byGroup, 0.5))
    const acc = outlierAccumulator(profile, { threshold: 0.5 })
    let state = acc.create()
    for (let i = 0; i < 10; i++) state = acc.update(state, { x: typed('x')[i], c: typed('c')[i] })
    const rows = acc.result(state)
    expect({ ...summary, meanScore: 0 }).toEqual({ ...rows, meanScore: 0 })
    expect(summary.meanScore).toBeCloseTo(rows.meanScore, 14)
    expect(summary.outliers).toBeGreaterThan(0)
  })

  it('per-cell codes reproduce the per-row counts (what the engine adds up)', () => {
    const code = (name: 'x' | 'c') => {
      const judged = outlierCellCodes(profile, name, new Set(cells[name]))
      const m = new Map(judged.cells.map((c, i) => [c, judged.codes[i] as number]))
      return cells[name].map((c) => m.get(c) ?? OUTLIER_CODE.evaluated)
    }
    const [x, c] = [code('x'), code('c')]
    expect(Array.from(counts.evaluated)).toEqual(x.map((v, i) => Number(v > 0) + Number((c[i] as number) > 0)))
    expect(Array.from(counts.extreme)).toEqual(x.map((v, i) => Number(v === 2) + Number(c[i] === 2)))
    // Only the exceptions are listed: missing, violations, tails, unusual categories.
    expect(outlierCellCodes(profile, 'x', ['5', '100']).cells).toEqual([])
  })

  it('numerical cells judged as the engine does (listed cells by text, decimals by the tails): the codes of judging every cell by its text', () => {
    // References whose tails are 0 (so -0 meets them), subnormals, and huge values.
    const references: Record<string, number[]> = {
      spread: Array.from({ length: 200 }, (_, i) => i),
      zeros: Array.from({ length: 200 }, (_, i) => (i < 150 ? 0 : i)),
      tiny: Array.from({ length: 200 }, (_, i) => (i % 3) * 5e-324),
      huge: Array.from({ length: 200 }, (_, i) => (i - 100) * 1e306),
      empty: [],
    }
    for (const [label, xs] of Object.entries(references)) {
      const p = buildProfile(xs.length === 0 ? [{ x: null }] : xs.map((x) => ({ x })), { features: ['x'], kinds: { x: 'numerical' } })
      const rule = numericalOutlierRule(p, 'x', [])
      const bounds = rule.tails ?? [0, 0]
      const next = (x: number, up: boolean) => {
        const b = new DataView(new ArrayBuffer(8))
        b.setFloat64(0, x)
        const bits = b.getBigUint64(0)
        b.setBigUint64(0, x === 0 ? 1n : (x > 0) === up ? bits + 1n : bits - 1n)
        return up || x !== 0 ? b.getFloat64(0) : -b.getFloat64(0)
      }
      const cells = [
        ...cellsOf(bounds),
        ...bounds.flatMap((b) => [next(b, true), next(b, false)].map(String)),
        '-0', '0', '-0.0', '1e308', '-1e308', '1.7976931348623157e308', '5e-324', '4.9e-324', '-5e-324', '2.2250738585072014e-308',
        '1e400', '-1e400', '1e21', '100000000000000000000', '0.30000000000000004', '1.0', '1e0', '.5',
        'inf', '-Infinity', 'NA', '', 'oops', '0x10',
      ]
      const read = numberCells(cellCounts(cells))
      const judged = numericalOutlierRule(p, 'x', read.others.keys())
      const listed = new Map(judged.cells.map((c, i) => [c, judged.codes[i]]))
      const byText = new Map(cells.map((c) => [c, outlierCellCodes(p, 'x', [c]).codes[0] ?? OUTLIER_CODE.evaluated]))
      const byRule = new Map(cells.map((c) => [c, listed.get(c) ?? decimalOutlierCode(judged.tails, Number(c))]))
      expect(byRule, label).toEqual(byText)
      // Only the cells that are not decimals are listed.
      expect([...listed.keys()].sort(), label).toEqual(['', '-Infinity', '0x10', 'NA', 'inf', 'oops'])
    }
    expect(() => numericalOutlierRule(profile, 'c', [])).toThrow(/not numerical/)
  })

  it('no scored row: NaN rates and max', () => {
    const s = outlierSummary({ evaluated: new Uint16Array(3), extreme: new Uint16Array(3) }, 0.25)
    expect([s.scored, s.unscored, s.outlierRate, s.maxScore]).toEqual([0, 3, Number.NaN, Number.NaN])
  })
})
