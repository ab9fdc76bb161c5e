import { describe, expect, it } from 'vitest'
import { DEFAULT_REPORT_CONFIG } from './index.js'
import { reportFromCsv } from './csv-report.js'
import { datasetDriftText } from './format-text.js'
import { evaluateGates, parseGates } from './gates.js'

const table = (cells: string[]) => ({ columns: ['x'], records: cells.map((x) => ({ x })) })
const numbers = (n: number, shift = 0) => Array.from({ length: n }, (_, i) => String(i + 0.5 + shift))

describe('a numerical reference column with a few text cells', () => {
  it('stays numerical with 1 text cell in 100, the text counted as a type violation', async () => {
    const report = await reportFromCsv(table([...numbers(99), 'n/a?']), table(numbers(99)), DEFAULT_REPORT_CONFIG)
    expect(report.features['x']?.kind).toBe('numerical')
    expect(report.features['x']?.reference_left_out).toMatchObject({ type_violation: 1 })
    const note = report.notes.find((n) => n.startsWith('column "x" is read as numerical'))
    expect(note).toContain('1 of its 100 non-missing reference cells are text ("n/a?"), counted as type violations')
  })

  it('with all cells distinct is no id: a shifted current file drifts and a drift_share gate fails', async () => {
    const reference = [...numbers(499), 'unknown']
    const report = await reportFromCsv(table(reference), table(numbers(500, 400)), DEFAULT_REPORT_CONFIG)
    expect(report.features['x']?.drift_detected).toBe(true)
    expect(report.dataset['drift_share']).toBe(1)
    expect(report.notes.some((n) => n.includes('looks like an id'))).toBe(false)
    expect(evaluateGates(parseGates('drift_share>0.3'), report).some((g) => g.failed)).toBe(true)
  })

  it('is read as categorical when more than 5% of its cells are text, with a note', async () => {
    const text = Array.from({ length: 10 }, (_, i) => `t${i % 2}`)
    const report = await reportFromCsv(table([...numbers(90), ...text]), table(numbers(90)), DEFAULT_REPORT_CONFIG)
    expect(report.features['x']?.kind).toBe('categorical')
    expect(report.notes.find((n) => n.startsWith('column "x" is read as categorical'))).toContain('10 of its 100 non-missing reference cells are text')
  })

  it('gets no such note when the column is text or has few numbers', async () => {
    const few = await reportFromCsv(table(['1', '2', '2', 'a']), table(['1', '2']), DEFAULT_REPORT_CONFIG)
    expect(few.notes.some((n) => n.includes('is read as'))).toBe(false)
  })
})

describe('an id-like column left out of the features', () => {
  const twoColumns = (ids: string[], values: string[]) => ({ columns: ['id', 'v'], records: ids.map((id, i) => ({ id, v: values[i] as string })) })

  it('is counted in the headline as not evaluated', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `order-${i}`)
    const current = Array.from({ length: 50 }, (_, i) => `order-${i + 50}`)
    const report = await reportFromCsv(twoColumns(ids, numbers(50)), twoColumns(current, numbers(50)), DEFAULT_REPORT_CONFIG)
    expect(report.features['id']).toBeUndefined()
    expect(report.dataset['left_out_as_id']).toEqual(['id'])
    expect(datasetDriftText(report)).toContain('1 of 2 not evaluated: looks like an id')
  })
})
