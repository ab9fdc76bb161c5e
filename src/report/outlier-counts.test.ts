import { describe, expect, it } from 'vitest'
import { buildProfile, type Row } from '../metrics/profile/index.js'
import { outlierAccumulator } from '../metrics/quality/index.js'
import { parseCell } from './csv-cells.js'
import { outlierKey, outlierSummary as evaluatorSummary } from '../evaluate/quality-rows.js'
import { cellCounts } from './csv-report.js'
import { numberCells } from './counted-column.js'
import { OUTLIER_CODE, outlierCellCodes, outlierNumberCellCodes, outlierSummary, rowOutlierCounts } from './outlier-counts.js'

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

  it('numerical cells read as numbers: the same codes as judging every cell by its text', () => {
    const xCells = [...cells.x, '1e400', '-1e400', '199.0', '-0', '2e2']
    const codes = (judged: { cells: string[]; codes: number[] }) => new Map(judged.cells.map((c, i) => [c, judged.codes[i]]))
    const byText = codes(outlierCellCodes(profile, 'x', new Set(xCells)))
    expect(codes(outlierNumberCellCodes(profile, 'x', numberCells(cellCounts(xCells))))).toEqual(byText)
    expect(byText.get('1e400')).toBe(OUTLIER_CODE.extreme)
    // A categorical feature's cells given as numbers are judged by their text.
    const cCells = ['1', '2', 'a', 'r', '']
    expect(codes(outlierNumberCellCodes(profile, 'c', numberCells(cellCounts(cCells))))).toEqual(codes(outlierCellCodes(profile, 'c', cCells)))
  })

  it('no scored row: NaN rates and max', () => {
    const s = outlierSummary({ evaluated: new Uint16Array(3), extreme: new Uint16Array(3) }, 0.25)
    expect([s.scored, s.unscored, s.outlierRate, s.maxScore]).toEqual([0, 3, Number.NaN, Number.NaN])
  })
})
