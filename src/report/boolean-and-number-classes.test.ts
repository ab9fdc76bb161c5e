/**
 * The report on a bool label scored against 0 / 1 predictions, as pandas writes a bool column
 * (True / False) beside an int one (0 / 1): 1 is True and 0 is False, as pandas and scikit-learn
 * compare them (True == 1), in one file and across a reference and a current file.
 */
import { describe, expect, it } from 'vitest'
import { DEFAULT_REPORT_CONFIG } from './config.js'
import { csvCells, type CsvTable, reportFromCsv } from './csv-report.js'
import { currentOnlyReport } from './current-only.js'
import { evaluateGates, formatGate, parseGates } from './gates.js'
import type { ReportJson } from './types.js'

const N = 400
// Row i: label true in 2 of 5 rows, the prediction wrong on every 4th row: accuracy 0.75.
const label = (i: number) => (i * 7) % 5 < 2
const prediction = (i: number) => (i % 4 === 0 ? !label(i) : label(i))
const x = (i: number) => ((((i * 7919) % N) - N / 2) / N).toFixed(3)

type Write = (b: boolean) => string
const pandasBool: Write = (b) => (b ? 'True' : 'False')
const pandasInt: Write = (b) => (b ? '1' : '0')
const pandasFloat: Write = (b) => (b ? '1.0' : '0.0')

function csv(writeLabel: Write, writePrediction: Write): CsvTable {
  const records = Array.from({ length: N }, (_, i) => ({ x: x(i), label: writeLabel(label(i)), prediction: writePrediction(prediction(i)) }))
  return { columns: ['x', 'label', 'prediction'], records }
}

// scikit-learn on pandas' reading: accuracy_score(label, prediction) with True == 1.
const expected = (() => {
  let right = 0
  let tp = 0
  let predicted = 0
  let positives = 0
  for (let i = 0; i < N; i++) {
    if (label(i) === prediction(i)) right++
    if (label(i) && prediction(i)) tp++
    if (prediction(i)) predicted++
    if (label(i)) positives++
  }
  return { accuracy: right / N, precision: tp / predicted, recall: tp / positives }
})()

const NOTE = 'label and prediction classes are the booleans True / False and the numbers 0 / 1: 1 is read as True and 0 as False, as pandas and scikit-learn compare them (True == 1); positive class "True"'

const side = (r: ReportJson, which: 'reference' | 'current') => (r.performance[which] ?? {}) as Record<string, unknown>

describe('a bool label beside an int prediction in one file (regression: multiclass, accuracy 0, no note)', async () => {
  const file = csv(pandasBool, pandasInt)
  const report = await reportFromCsv(file, file, DEFAULT_REPORT_CONFIG)

  it('binary, positive class "True", the figures scikit-learn computes', () => {
    expect(expected.accuracy).toBe(0.75)
    expect(report.performance).toMatchObject({ task: 'binary', positive_class: 'True' })
    for (const which of ['reference', 'current'] as const) {
      expect(side(report, which)).toMatchObject({ rows: N, accuracy: expected.accuracy })
      expect(side(report, which)['precision']).toBeCloseTo(expected.precision, 12)
      expect(side(report, which)['recall']).toBeCloseTo(expected.recall, 12)
    }
  })

  it('a note says 1 was read as True and 0 as False', () => {
    expect(report.notes).toContain(NOTE)
  })

  it('a current-only report reads it so too', async () => {
    const r = await currentOnlyReport(csvCells(file), DEFAULT_REPORT_CONFIG)
    expect(r.performance).toMatchObject({ task: 'binary', positive_class: 'True' })
    expect(side(r, 'current')['accuracy']).toBe(expected.accuracy)
    expect(r.notes).toContain(NOTE)
  })
})

describe('a reference of booleans and a current file of 0 / 1 (regression: the current labels all read as not the positive class, accuracy 1 passed performance.accuracy<0.9)', async () => {
  const reference = csv(pandasBool, pandasBool)
  const current = csv(pandasFloat, pandasInt)
  const report = await reportFromCsv(reference, current, DEFAULT_REPORT_CONFIG)

  it('the current file\'s figures are those of its labels and predictions read as booleans', () => {
    expect(report.performance).toMatchObject({ task: 'binary', positive_class: 'True' })
    expect(side(report, 'current')).toMatchObject({ rows: N, accuracy: expected.accuracy })
    expect(side(report, 'current')['recall']).toBeCloseTo(expected.recall, 12)
    expect(side(report, 'reference')).toMatchObject({ rows: N, accuracy: expected.accuracy })
  })

  it('no class is added to the reference\'s, and the note says how the classes were read', () => {
    expect(report.notes.filter((n) => n.includes('the reference has none of'))).toEqual([])
    expect(report.notes).toContain(NOTE)
  })

  it('the accuracy gate fails on the current accuracy', () => {
    const [gate] = evaluateGates(parseGates('performance.accuracy<0.9'), report)
    expect(formatGate(gate!)).toBe('gate performance.accuracy < 0.9: value 0.7500 -> FAILED')
  })
})

describe('booleans beside another number are compared as text, as before', () => {
  it('labels True / False, predictions 0 / 2: four classes', async () => {
    const file = csv(pandasBool, (b) => (b ? '2' : '0'))
    const report = await reportFromCsv(file, file, DEFAULT_REPORT_CONFIG)
    expect(report.performance).toMatchObject({ task: 'multiclass', positive_class: null })
    expect(report.notes).not.toContain(NOTE)
  })
})
