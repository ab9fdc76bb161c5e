/**
 * `driftwatch report` on CSV files as pandas and editors write them, through the ClickHouse
 * engine (src/cli/report-files.ts, run in this process) and through the in-memory csv-parse
 * path: both give the same report, byte for byte.
 * - blank lines (trailing, inside, before the header, of whitespace, in a one-column file) are
 *   no rows; a blank line inside a quoted cell is the cell's text;
 * - an empty header cell (df.to_csv()'s index column) is the column `Unnamed: <i>`;
 * - labels written as floats (0.0 / 1.0) beside predictions 0 / 1 are one binary task;
 * - a file the engine cannot parse gets one line, with at most a short excerpt of its data.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ReportCommandOptions } from '../src/cli/report.js'
import { reportOf } from './support/report-run.js'

const dir = mkdtempSync(join(tmpdir(), 'dw-report-csv-input-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let files = 0
function file(text: string): string {
  const path = join(dir, `f${files++}.csv`)
  writeFileSync(path, text)
  return path
}

// 80 rows: a numerical and a categorical feature, a group, label, prediction, score.
const HEADER = 'x,c,g,label,prediction,score'
function rows(shift: number, label: (y: number) => string = String): string[] {
  return Array.from({ length: 80 }, (_, i) => {
    const y = (i * 7) % 3 === 0 ? 1 : 0
    const pred = i % 5 === 0 ? 1 - y : y
    return `${((i * 37) % 23) / 4 + shift},${'abc'[i % 3]},${i % 2 === 0 ? 'f' : 'm'},${label(y)},${pred},${((i * 13) % 10) / 10}`
  })
}
const REFERENCE = file(`${HEADER}\n${rows(0).join('\n')}\n`)
const CLEAN_CURRENT = `${HEADER}\n${rows(1).join('\n')}\n`

/** The engine's report of the pair: exit 0, nothing on stderr, the very report of the in-memory path. */
async function expectBothPaths(reference: string, current: string, extra: Partial<ReportCommandOptions> = {}): Promise<string> {
  const options = { reference, current, protected: 'g', ...extra }
  const memory = await reportOf(options, false)
  expect(memory.err).toBe('')
  expect(memory.code).toBe(0)
  const engine = await reportOf(options, true)
  expect(engine.err).toBe('')
  expect(engine.code).toBe(0)
  expect(engine.out).toBe(memory.out)
  return engine.out
}

describe('driftwatch report: blank lines in a CSV are no rows, on both paths', async () => {
  const clean = await expectBothPaths(REFERENCE, file(CLEAN_CURRENT))
  const lines = CLEAN_CURRENT.split('\n')

  it.each([
    ['one trailing blank line', `${CLEAN_CURRENT}\n`],
    ['trailing blank lines of whitespace, CRLF', `${CLEAN_CURRENT.replace(/\n/g, '\r\n')}\r\n  \r\n\t\r\n`],
    ['a blank line inside', [...lines.slice(0, 30), '', ...lines.slice(30)].join('\n')],
    ['blank and whitespace lines inside, no final newline', [...lines.slice(0, 10), '', '   ', ...lines.slice(10, 50), '', ...lines.slice(50)].join('\n').trimEnd()],
    ['blank lines before the header', `\n\n${CLEAN_CURRENT}`],
  ])('%s: the report of the file without them', async (_, text) => {
    expect(await expectBothPaths(REFERENCE, file(text))).toBe(clean)
  })

  it('a blank line inside a quoted cell is the cell\'s text, a blank line after it none', async () => {
    const quoted = [...lines.slice(0, 20), lines[20]!.replace(/,a,|,b,|,c,/, ',"a\n\nb",'), '', ...lines.slice(21)].join('\n')
    const out = JSON.parse(await expectBothPaths(REFERENCE, file(quoted))) as { dataset: { current_rows: number } }
    expect(out.dataset.current_rows).toBe(80)
  })

  it('a one-column file: a blank line is no row (not a row with a missing cell)', async () => {
    const one = (shift: number) => `x\n${rows(shift).map((r) => r.split(',')[0]).join('\n')}\n`
    const out = await expectBothPaths(file(one(0)), file(one(1).replace('\n', '\n\n').replace(/\n$/, '\n\n\n')), { protected: undefined })
    expect((JSON.parse(out) as { dataset: { current_rows: number } }).dataset.current_rows).toBe(80)
  })

  it('a row the engine cannot parse still fails: DW_FILE_INVALID, one line, no more than a short excerpt of the data', async () => {
    const broken = file([...lines.slice(0, 30), '', ...lines.slice(30, 40), '1,a', ...lines.slice(40)].join('\n'))
    const r = await reportOf({ reference: REFERENCE, current: broken }, true)
    expect(r.code).toBe(2)
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.err).toMatch(/^driftwatch: DW_FILE_INVALID: .*cannot be read: /)
    // No run of the file's rows: a quoted excerpt of the data is at most 40 characters and "…".
    const excerpts = [...r.err.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1] as string)
    expect(excerpts.length).toBeGreaterThan(0)
    for (const excerpt of excerpts) expect(excerpt.length).toBeLessThanOrEqual(41)
    expect(r.err.length).toBeLessThan(500)
  })
})

describe('driftwatch report: an empty header cell is `Unnamed: <i>`, on both paths', () => {
  it("df.to_csv()'s index column: `Unnamed: 0`, a feature like any other", async () => {
    const indexed = (text: string) => text.split('\n').map((line, i) => (line === '' ? line : `${i === 0 ? '' : i - 1},${line}`)).join('\n')
    const out = JSON.parse(await expectBothPaths(file(indexed(`${HEADER}\n${rows(0).join('\n')}\n`)), file(indexed(CLEAN_CURRENT)))) as { features: Record<string, unknown> }
    expect(Object.keys(out.features)).toContain('Unnamed: 0')
  })

  it('an empty cell in the middle of the header: `Unnamed: <its position>`', async () => {
    const header = 'x,,g,label,prediction,score'
    const out = JSON.parse(await expectBothPaths(file(`${header}\n${rows(0).join('\n')}\n`), file(`${header}\n${rows(1).join('\n')}\n`))) as {
      features: Record<string, unknown>
    }
    expect(Object.keys(out.features).sort()).toEqual(['Unnamed: 1', 'g', 'x'])
  })
})

describe('driftwatch report: labels written as floats beside integer predictions, on both paths', () => {
  it('0.0 / 1.0 and 0 / 1 are two classes: binary, positive class "1", fairness computed, the numbers of the integer labels', async () => {
    const floats = JSON.parse(await expectBothPaths(file(`${HEADER}\n${rows(0, (y) => `${y}.0`).join('\n')}\n`), file(`${HEADER}\n${rows(1, (y) => `${y}.0`).join('\n')}\n`)))
    const integers = JSON.parse(await expectBothPaths(REFERENCE, file(CLEAN_CURRENT)))
    expect(floats.performance).toMatchObject({ task: 'binary', positive_class: '1' })
    expect(floats.performance).toEqual(integers.performance)
    expect(floats.fairness).toEqual(integers.fairness)
    expect(Object.keys(floats.fairness)).toEqual(['g'])
  })

  it('a configured positive class "1" matches labels written 1.0', async () => {
    const model = join(dir, 'model.yaml')
    writeFileSync(model, 'task: binary\npositiveClass: "1"\n')
    const floats = JSON.parse(await expectBothPaths(REFERENCE, file(`${HEADER}\n${rows(1, (y) => `${y}.0`).join('\n')}\n`), { config: model }))
    const integers = JSON.parse(await expectBothPaths(REFERENCE, file(CLEAN_CURRENT), { config: model }))
    expect(floats.performance).toEqual(integers.performance)
  })
})
