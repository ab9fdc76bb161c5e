import { describe, expect, it } from 'vitest'
import type { Row } from '../src/metrics/profile/index.js'
import { buildReport, type ReportInput } from '../src/report/build-report.js'
import { resolveColumns } from '../src/report/columns.js'
import { DEFAULT_REPORT_CONFIG } from '../src/report/config.js'
import { formatHtml } from '../src/report/format-html.js'
import { formatText } from '../src/report/format-text.js'
import { tableFromRows } from './support/unit/table-from-rows.js'

// 200 rows: x numeric, c categorical, binary label/prediction/score.
function rows(n: number, label: (i: number) => string = (i) => String((i * 7) % 10 < 5 ? 1 : 0)): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const score = ((i * 37) % 100) / 100
    return { x: (i * 13) % 50, c: ['a', 'b', 'c'][i % 3] as string, label: label(i), prediction: String(score >= 0.5 ? 1 : 0), score }
  })
}

function input(reference: Row[], current: Row[], overrides: Partial<ReportInput['config']> = {}, extra: Partial<ReportInput> = {}): ReportInput {
  const refColumns = Object.keys(reference[0] ?? {})
  const curColumns = [...new Set(current.flatMap((r) => Object.keys(r)))]
  const roles = resolveColumns(refColumns, curColumns, DEFAULT_REPORT_CONFIG)
  const kinds = Object.fromEntries(roles.features.map((f) => [f, f === 'x' ? 'numerical' : 'categorical'] as const))
  return { reference: tableFromRows(reference), current: tableFromRows(current), roles, kinds, config: { ...DEFAULT_REPORT_CONFIG, ...overrides }, ...extra }
}

// A repeated header row, as `cat a.csv b.csv` leaves: every cell its column's name.
const header: Row = { x: 'x', c: 'c', label: 'label', prediction: 'prediction', score: 'score' }

describe('the task is inferred from the rows the report reads (regression: a repeated header row made both files multiclass)', () => {
  it('a repeated header row in the current file leaves the task binary and the reference metrics unchanged', async () => {
    const clean = await buildReport(input(rows(200), rows(200)))
    const current = rows(200)
    current.splice(100, 0, header)
    const report = await buildReport(input(rows(200), current))
    expect(report.performance['task']).toBe('binary')
    expect(report.performance['reference']).toEqual(clean.performance['reference'])
    expect(report.performance['reference']).toHaveProperty('roc_auc')
    expect(report.performance['degradation']).toHaveProperty('f1')
    // Its score is refused: no class it carries is named as an added one.
    expect(report.notes.some((n) => n.includes('classes the reference has none of'))).toBe(false)
  })

  it('without a prediction column: binary, predictions from the score', async () => {
    const strip = (rs: Row[]) => rs.map(({ prediction: _p, ...r }) => r)
    const current = strip(rows(200))
    current.splice(50, 0, { x: 'x', c: 'c', label: 'label', score: 'score' })
    const report = await buildReport(input(strip(rows(200)), current))
    expect(report.performance['task']).toBe('binary')
    expect(report.performance['current']).toHaveProperty('f1')
  })

  it('classes only the current file has keep the reference\'s binary task, with a note naming them, their rows and the effect', async () => {
    const report = await buildReport(input(rows(200), rows(200, (i) => (i % 2 === 0 ? 'yes' : 'no'))))
    expect(report.performance).toMatchObject({ task: 'binary', positive_class: '1' })
    expect(report.notes).toContain(
      'the current file has classes the reference has none of: "no", "yes" ("label" in 200 rows; 200 of 200 rows, the first at data row 1); the task is binary, positive class "1", so they read as not the positive class "1" (task: multiclass in the model file compares them as classes)',
    )
  })

  it('a reference with one class leaves the task to both files: multiclass, noted', async () => {
    const report = await buildReport(input(rows(200, () => '1').map((r) => ({ ...r, prediction: '1' })), rows(200, (i) => String(i % 3))))
    expect(report.performance['task']).toBe('multiclass')
    expect(report.notes.find((n) => n.startsWith('the current file has classes the reference has none of: "0", "2" ("label" in 133 rows, "prediction" in '))).toMatch(/with them the task is multiclass/)
  })

  it('a reference of only "0" and a current file adding "1": binary, and the note says the positive class is the added one', async () => {
    const report = await buildReport(input(rows(200, () => '0').map((r) => ({ ...r, prediction: '0' })), rows(200)))
    expect(report.performance).toMatchObject({ task: 'binary', positive_class: '1' })
    const note = report.notes.find((n) => n.startsWith('the current file has a class the reference has none of: "1"'))
    expect(note).toMatch(/the task is binary, positive class "1", and the positive class "1" is one of them/)
    expect(note).not.toMatch(/read as not the positive class/)
  })

  it('a multiclass task without a prediction column says no class can be derived from the score', async () => {
    const strip = (rs: Row[]) => rs.map(({ prediction: _p, ...r }) => r)
    const report = await buildReport(input(strip(rows(200, (i) => String(i % 3))), strip(rows(200, (i) => String(i % 3)))))
    expect(report.performance['task']).toBe('multiclass')
    expect(report.notes.some((n) => n.startsWith('the task is multiclass and neither file has a "prediction" column: a predicted class cannot be derived from a score'))).toBe(true)
  })
})

describe('a categorical feature with many categories for its rows (regression: identical data read as drifted, unnoted)', () => {
  it('is noted, its statistic kept', async () => {
    // Same distribution both sides: 1,000 categories over 5,000 rows.
    const zipf = (n: number, seed: number) =>
      Array.from({ length: n }, (_, i) => ({ x: i % 50, c: `k${Math.floor(1000 * (((i * 7919 + seed) % 5000) / 5000) ** 3)}`, label: '1', prediction: '1', score: 0.9 }))
    const report = await buildReport(input(zipf(5000, 1), zipf(5000, 2)))
    expect(report.features['c']?.method).toBe('jensenshannon')
    expect(report.notes.find((n) => n.startsWith('feature "c" has many categories for its rows'))).toMatch(/dominated by sampling noise/)
    expect(report.notes.some((n) => n.startsWith('feature "x" has many categories'))).toBe(false)
  })

  it('a few categories: no note', async () => {
    const report = await buildReport(input(rows(200), rows(200)))
    expect(report.notes.some((n) => n.includes('has many categories'))).toBe(false)
  })
})

describe('feature columns missing from the current file (regression: "no values", exit 0)', () => {
  it('no feature column shared is DW_FILE_INVALID, naming a case-only mismatch', async () => {
    const current = rows(200).map(({ x, c, ...r }) => ({ X: x, C: c, ...r }))
    await expect(buildReport(input(rows(200), current, {}, { currentColumns: Object.keys(current[0] as Row) }))).rejects.toMatchObject({
      code: 'DW_FILE_INVALID',
      message: 'the current file has none of the reference\'s feature columns ("c", "x"); names differ only in case ("C" for "c", "X" for "x"): rename them',
    })
    await expect(buildReport(input(rows(200), current))).rejects.toThrow(/none of the reference's feature columns \("c", "x"\): wrong file, or renamed columns\?/)
  })

  it('some missing: the headline says they are not in the current file, and no method is shown', async () => {
    const current = rows(200).map(({ x: _x, ...r }) => r)
    const report = await buildReport(input(rows(200), current))
    expect(report.dataset['missing_in_current']).toEqual(['x'])
    const text = formatText(report)
    expect(text).toContain('Dataset drift: 0 of 1 features drifted (1 of 2 not evaluated: not in the current file; share')
    expect(text).toMatch(/\nx +numerical +- +- /)
    expect(formatHtml(report, { script: '' })).toContain('1 of 2 not evaluated: not in the current file')
  })

  it('an all-missing column shows no method', async () => {
    const current = rows(200).map((r) => ({ ...r, c: null }))
    const text = formatText(await buildReport(input(rows(200), current)))
    expect(text).toMatch(/\nc +categorical +- +- /)
    expect(text).toContain('not evaluated: no values')
  })
})

describe('no label, prediction or score column in either file (regression: a "Performance (binary …; rows - → -)" header)', () => {
  it('the performance section is one line', async () => {
    const strip = (rs: Row[]) => rs.map(({ x, c }) => ({ x, c }))
    const report = await buildReport(input(strip(rows(200)), strip(rows(200))))
    const text = formatText(report)
    expect(text).toContain('\nPerformance: none (no label, prediction or score to compute from; see the notes)\n')
    expect(text).not.toContain('Performance (binary')
    expect(formatHtml(report, { script: '' })).not.toContain('binary, positive class')
  })
})
