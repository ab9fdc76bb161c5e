/**
 * The report engine's row-ordered reads (src/cli/report-rows.ts, through src/cli/report-files.ts):
 * the targets typed by the engine — text as codes of their distinct cells, the score as the
 * engine's own doubles — equal the report's cell rules (parseCell) on every cell, in file order,
 * including the decimals where a fast float parser rounds differently from Number(); a cell that
 * is not UTF-8 falls back to the text read; and a CSV parsed in parallel chunks keeps its rows in
 * file order.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openEngineFiles } from '../src/cli/report-files.js'
import { parseCsv } from '../src/cli/report.js'
import { csvCells } from '../src/report/index.js'
import { cellCountsOf, countedArrays, countedNumbers } from '../src/report/counted-column.js'
import { TEXTS_UP_TO } from '../src/cli/report-rows.js'
import { buildProfile } from '../src/metrics/profile/index.js'
import { numericalOutlierRule } from '../src/report/outlier-counts.js'

const dir = mkdtempSync(join(tmpdir(), 'dw-report-rows-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// Cells where ClickHouse's default float parsing differs from Number() (measured with chdb 3.4:
// precise_float_parsing = 0 got the first four wrong), decimals in every syntax the rule accepts,
// the infinities, missing tokens and type violations.
const SCORES = [
  '9007199254740993.0000000001', '4.9e-324', '2.4703282292062328e-324', '1.7976931348623159e308',
  '9007199254740993', '2.2250738585072011e-308', '0.30000000000000004', '3.14159265358979323846264338327950288419716939937510',
  '1e400', '-1e400', '1e-400', '0.1', '.5', '5.', '+1.5', '-0', '-0.0', '0', '00012.5000', '1E5', '7.038531e-26',
  'inf', '-Infinity', 'INF', 'abc', '1,5', '0x10', '1e', '', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '<NA>',
]
const LABELS = ['1', '0', '1.0', 'yes', '', 'None', 'NA', 'a b']

const csvOf = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n'

describe('report engine: row-ordered typed reads', () => {
  it('score doubles and label codes from the engine equal parseCell on every cell, in file order', async () => {
    const rows = [['id', 'label', 'score']]
    for (let i = 0; i < 3 * SCORES.length; i++) rows.push([String(i), LABELS[i % LABELS.length] as string, SCORES[i % SCORES.length] as string])
    const path = join(dir, 'cells.csv')
    writeFileSync(path, csvOf(rows))
    // The in-memory path's reading of the same file: csv-parse, then parseCell.
    const memory = csvCells(parseCsv(csvOf(rows), path))
    const files = openEngineFiles([{ path, what: 'the file' }])
    try {
      const [engine] = files.sources
      for (const [name, type] of [['score', 'number'], ['label', 'text'], ['id', 'number'], ['absent', 'text']] as const) {
        const got = await engine?.typed(name, type)
        const want = await memory.typed(name, type)
        expect(got).toHaveLength(want.length)
        // Object.is: -0 stays -0, NaN would not pass as a number.
        got?.forEach((v, i) => expect(Object.is(v, want[i]), `${name} row ${i}: ${String(v)} vs ${String(want[i])}`).toBe(true))
      }
    } finally {
      await files.close()
    }
  })

  it('a column read as numbers (NumberCells) by the engine equals the in-memory reading of its counts', async () => {
    // Two columns: a line with one empty cell is a row (csv-parse skips an empty line).
    const rows = [['id', 'score']]
    for (let i = 0; i < 3 * SCORES.length; i++) rows.push([String(i), SCORES[(i * 7) % SCORES.length] as string])
    const path = join(dir, 'numbers.csv')
    writeFileSync(path, csvOf(rows))
    const memory = csvCells(parseCsv(csvOf(rows), path))
    const files = openEngineFiles([{ path, what: 'the file' }])
    try {
      const [engine] = files.sources
      const got = await engine?.numberCells('score')
      const want = await memory.numberCells('score')
      if (got === undefined) throw new Error('no engine source')
      // The engine's doubles are Number()'s, bit for bit, and each cell reads back as its text.
      expect(countedArrays(countedNumbers(got))).toEqual(countedArrays(countedNumbers(want)))
      // A column with text cells may be read as text: its decimals' texts come along.
      const cell = got.decimalCell
      if (cell === undefined) throw new Error('no decimal texts')
      expect(new Map([...(cellCountsOf(got) ?? [])].sort())).toEqual(new Map([...(cellCountsOf(want) ?? [])].sort()))
      expect(Array.from(got.decimals, (v, i) => Object.is(v, Number(cell(i))))).not.toContain(false)
      expect(await engine?.counts('score')).toEqual(cellCountsOf(got))
    } finally {
      await files.close()
    }
  })

  it('a label cell that is not UTF-8: the column is read as text cells, as before, instead of failing', async () => {
    const path = join(dir, 'latin1.csv')
    // "caf\xe9" in Latin-1: not UTF-8, so its text in JS (U+FFFD) is not the engine's cell.
    writeFileSync(path, Buffer.concat([Buffer.from('label,score\n1,0.5\n'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from(',0.25\n0,0.75\n')]))
    const files = openEngineFiles([{ path, what: 'the file' }])
    try {
      const [engine] = files.sources
      const labels = await engine?.typed('label', 'text')
      expect(labels).toEqual(await engine?.cells('label'))
      expect(labels?.[0]).toBe('1')
      expect(labels?.[1]).toContain('caf')
      expect(await engine?.typed('score', 'number')).toEqual([0.5, 0.25, 0.75])
    } finally {
      await files.close()
    }
  })

  it('release: the reads asked before it complete, then the table is dropped and a later read fails', async () => {
    const path = join(dir, 'release.csv')
    writeFileSync(path, csvOf([['label', 'score'], ['1', '0.5'], ['0', '0.25'], ['1', '']]))
    const files = openEngineFiles([{ path, what: 'the file' }])
    try {
      const [engine] = files.sources
      const labels = engine?.typed('label', 'text')
      const counts = engine?.counts('score')
      const released = engine?.release?.()
      expect(await labels).toEqual(['1', '0', '1'])
      expect([...((await counts) ?? new Map())].sort()).toEqual([['', 1], ['0.25', 1], ['0.5', 1]])
      await released
      await expect(engine?.typed('score', 'number')).rejects.toThrow(/asked after its table was dropped/)
    } finally {
      await files.close()
    }
  })

  it('a CSV parsed in parallel chunks (26 MB: chunks of 2 MB) keeps its rows in file order', async () => {
    const n = 400_000
    const lines = ['id,label,group,score,pad']
    const pad = 'x'.repeat(40)
    for (let i = 0; i < n; i++) lines.push(`${i},${i % 3},${i % 1000},${(i / n).toFixed(6)},${pad}`)
    const path = join(dir, 'big.csv')
    writeFileSync(path, lines.join('\n') + '\n')
    const files = openEngineFiles([{ path, what: 'the file' }])
    try {
      const [engine] = files.sources
      const ids = (await engine?.typed('id', 'number')) ?? []
      expect(ids).toHaveLength(n)
      expect(ids.every((v, i) => v === i)).toBe(true)
      // Codes of one, two and four bytes: 3, 1,000 and 400,000 distinct cells.
      const labels = (await engine?.typed('label', 'text')) ?? []
      expect(labels.every((v, i) => v === String(i % 3))).toBe(true)
      const groups = (await engine?.typed('group', 'text')) ?? []
      expect(groups.every((v, i) => v === String(i % 1000))).toBe(true)
      const idText = (await engine?.typed('id', 'text')) ?? []
      expect(idText.every((v, i) => v === String(i))).toBe(true)
    } finally {
      await files.close()
    }
  })

  it('a numerical column of many distinct decimals crosses as doubles only; its counts, read apart, are the cells', async () => {
    const rows = [['x']]
    for (let i = 0; i < TEXTS_UP_TO + 500; i++) rows.push([String(Math.sin(i + 1) * 10 ** ((i % 40) - 20))])
    rows.push(['inf'], ['NA'], [''], ['1e400'], ['0.1e1'], ['1'])
    const path = join(dir, 'distinct.csv')
    writeFileSync(path, csvOf(rows))
    const memory = csvCells(parseCsv(csvOf(rows), path))
    const files = openEngineFiles([{ path, what: 'the file' }])
    try {
      const [engine] = files.sources
      const got = await engine?.numberCells('x')
      const want = await memory.numberCells('x')
      if (got === undefined) throw new Error('no engine source')
      expect(got.decimalCell).toBeUndefined()
      expect(countedArrays(countedNumbers(got))).toEqual(countedArrays(countedNumbers(want)))
      expect(new Map([...((await engine?.counts('x')) ?? [])].sort())).toEqual(new Map([...(await memory.counts('x'))].sort()))
    } finally {
      await files.close()
    }
  })

  it("the outlier score judges a numerical feature's decimals by value in the engine: the in-memory figures, cell by cell", async () => {
    // Each probe cell k is written 2^k times, so the scored and outlier counts name the probes
    // found evaluated and extreme. Bounds of 0 (where -0 meets them) and others met exactly.
    const probe = ['-0', '0', '-0.0', '1e308', '-1e308', '5e-324', '-4.9e-324', '1e400', '1e21', '100000000000000000000', '0.30000000000000004', 'inf', 'NA', 'oops']
    for (const reference of [Array.from({ length: 200 }, (_, i) => (i < 150 ? 0 : i)), Array.from({ length: 200 }, (_, i) => (i - 100) * 1e306), Array.from({ length: 200 }, (_, i) => (i % 3) * 5e-324)]) {
      const profile = buildProfile(reference.map((x) => ({ x })), { features: ['x'], kinds: { x: 'numerical' } })
      const tails = numericalOutlierRule(profile, 'x', []).tails ?? [0, 0]
      // The bounds as written, and in ClickHouse's spelling where it differs (1e+21).
      const cells = [...probe, String(tails[0]), String(tails[1]), tails[1].toExponential(), tails[0].toPrecision(21)]
      const rows = [['x']]
      cells.forEach((c, k) => {
        for (let r = 0; r < 2 ** k; r++) rows.push([c])
      })
      const path = join(dir, 'outliers.csv')
      writeFileSync(path, csvOf(rows))
      const memory = csvCells(parseCsv(csvOf(rows), path))
      const files = openEngineFiles([{ path, what: 'the file' }])
      try {
        const [engine] = files.sources
        const want = await memory.outliers(profile, 0.5)
        expect(await engine?.outliers(profile, 0.5)).toEqual(want)
        expect(want.outliers).toBeGreaterThan(0)
      } finally {
        await files.close()
      }
    }
  })
})
