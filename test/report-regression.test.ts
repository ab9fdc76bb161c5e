/**
 * `driftwatch report` on a regression model (the label and prediction columns continuous,
 * src/report/continuous-targets.ts): each file's MAE, RMSE, MAPE and R² equal scikit-learn's
 * (scripts/reference/report_regression.py) to 1e-12 relative, with the rows read and left out by
 * reason and the degradation current − reference; `performance.mae` and the like as gates; the
 * model file's `task: regression` for integer targets the report would read as classes. Through
 * the ClickHouse engine and the in-memory csv-parse path, which print the same report
 * (test/support/report-run.ts), and from the current file alone.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import fixture from '../scripts/reference/fixtures/report-regression.json' with { type: 'json' }
import { inputFiles, reportOf, reportOnBothPaths as report } from './support/report-run.js'

const file = inputFiles('dw-report-regression-')
const METRICS = ['mae', 'rmse', 'mape', 'r2'] as const
const CASES = ['normal', 'zero_labels', 'constant_label', 'missing_cells', 'configured_integers'] as const

/** |got − want| ≤ 1e-12 · max(|got|, |want|): exact for 0. */
function expectRelative(got: unknown, want: number, what: string): void {
  expect(typeof got, what).toBe('number')
  const g = got as number
  expect(Math.abs(g - want), `${what}: ${g} vs ${want}`).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(g), Math.abs(want)))
}

type Case = (typeof fixture)[(typeof CASES)[number]]
const options = (c: Case) => ({
  reference: file(c.reference),
  current: file(c.current),
  ...('model' in c ? { config: file(c.model, 'yaml') } : {}),
})

describe('regression metrics of continuous targets equal scikit-learn\'s (regression: no performance figure at all)', () => {
  for (const name of CASES) {
    it(`${name}: MAE, RMSE, MAPE and R² of each file, the rows read and left out, and the degradation`, async () => {
      const c = fixture[name]
      const { code, json } = await report(options(c))
      expect(code).toBe(0)
      const p = json.performance
      expect(p).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'] })
      for (const side of ['reference', 'current'] as const) {
        const got = p[side] as Record<string, unknown>
        const want = c.metrics[side]
        expect(got['rows']).toBe(want.rows)
        expect(got['status']).toBe('ok')
        expect(got['rows_left_out']).toEqual(want.rows_left_out)
        for (const m of METRICS) expectRelative(got[m], want[m], `${name} ${side} ${m}`)
      }
      const degradation = p['degradation'] as Record<string, Record<string, unknown>>
      for (const m of METRICS) {
        expect(degradation[m]).toMatchObject({ method: 'difference', reference: (p['reference'] as Record<string, unknown>)[m], current: (p['current'] as Record<string, unknown>)[m] })
        expect(degradation[m]).not.toHaveProperty('ci_low')
        expectRelative(degradation[m]?.['difference'], c.degradation[m], `${name} degradation ${m}`)
      }
    })
  }

  it('the rows left out are named in a note', async () => {
    const { json } = await report(options(fixture.missing_cells))
    const left = fixture.missing_cells.metrics.current.rows_left_out
    expect(json.notes).toContain(`current MAE, RMSE, MAPE and R² over ${fixture.missing_cells.metrics.current.rows} of 300 rows: ${left.no_label} without a label, ${left.no_prediction} without a prediction left out`)
    const { json: configured } = await report(options(fixture.configured_integers))
    expect(configured.notes).toContain('reference MAE, RMSE, MAPE and R² over 298 of 300 rows: 1 label not a number, 1 prediction not a number left out')
  })

  it('from the current file alone: the current file\'s metrics, no degradation', async () => {
    const c = fixture.normal
    const { json } = await report({ current: file(c.current), failOn: 'performance.r2<0.5' })
    expect(json.performance).not.toHaveProperty('reference')
    expect(json.performance).not.toHaveProperty('degradation')
    for (const m of METRICS) expectRelative((json.performance['current'] as Record<string, unknown>)[m], c.metrics.current[m], `current-only ${m}`)
  })
})

describe('the model file\'s task: regression', () => {
  const c = fixture.configured_integers

  it('integer counts 1–20 read as classes by their values are read as numbers, and the note says why', async () => {
    const { json: inferred } = await report({ reference: file(c.reference), current: file(c.current) })
    expect(inferred.performance['task']).toBe('multiclass')
    const { json } = await report(options(c))
    expect(json.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'] })
    expect(json.notes).toContain(
      '"label" and "prediction" hold continuous values, not classes (the model file sets task: regression): the task is read as continuous; ' +
        'MAE, RMSE, MAPE and R² are computed, and no accuracy, precision, recall, F1, ROC AUC, calibration or fairness rates; the prediction drift compares "prediction" as numbers',
    )
    expect(json.fairness).toEqual({})
  })

  it('from the current file alone too', async () => {
    const { json } = await report({ current: file(c.current), config: file(c.model, 'yaml'), failOn: 'performance.r2<0' })
    expect(json.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label', 'prediction'] })
    for (const m of METRICS) expectRelative((json.performance['current'] as Record<string, unknown>)[m], c.metrics.current[m], `current-only ${m}`)
  })

  it('with protected attributes is refused, as task: multiclass is', async () => {
    const { code, err } = await reportOf({ ...options(c), config: file('task: regression\nprotected: [x]\n', 'yaml') }, false)
    expect(code).toBe(2)
    expect(err).toContain('fairness is computed for binary models only, and this model\'s task is regression')
  })
})

describe('gates on the regression metrics', () => {
  const c = fixture.normal
  const cur = c.metrics.current

  it('performance.<metric> and performance.degradation.<metric> are gates, the difference without an interval', async () => {
    const { code, err } = await report({
      ...options(c),
      failOn: 'performance.mae>5, performance.rmse>2, performance.mape>0.5, performance.r2<0.95, performance.degradation.mae>0.5, performance.degradation.r2<-0.1',
    })
    expect(err.split('\n').filter(Boolean)).toEqual([
      `gate performance.mae > 5: value ${cur.mae.toPrecision(4)} -> passed`,
      `gate performance.rmse > 2: value ${cur.rmse.toPrecision(4)} -> FAILED`,
      `gate performance.mape > 0.5: value ${cur.mape.toPrecision(4)} -> passed`,
      `gate performance.r2 < 0.95: value ${cur.r2.toPrecision(4)} -> FAILED`,
      `gate performance.degradation.mae > 0.5: value ${c.degradation.mae.toPrecision(4)} -> FAILED`,
      `gate performance.degradation.r2 < -0.1: value ${c.degradation.r2.toPrecision(4)} -> passed`,
      'driftwatch: 3 of 6 gates failed',
    ])
    expect(code).toBe(3)
  })

  it('a classification gate on a regression report fails, and says why', async () => {
    const { code, err } = await report({ ...options(c), failOn: 'performance.accuracy<0.8, performance.degradation.f1<-0.1' })
    const why = 'the target was read as continuous: "label" and "prediction" hold numbers, not classes, by the rule the notes name; set task: multiclass or task: binary in the model file to read them as classes'
    expect(err).toContain(`gate performance.accuracy < 0.8: no value -> FAILED (${why})`)
    expect(err).toContain(`gate performance.degradation.f1 < -0.1: no value -> FAILED (${why})`)
    expect(code).toBe(3)
  })

  it('a regression gate on a classification report fails, and says why', async () => {
    const root = join(import.meta.dirname, 'fixtures/report')
    const { code, err } = await report({ reference: join(root, 'reference.csv'), current: join(root, 'current.csv'), failOn: 'performance.mae>5, performance.degradation.r2<0' })
    const why = 'is a regression metric and the task is binary: the label and prediction were read as classes; set task: regression in the model file to read the label and prediction as numbers'
    expect(err).toContain(`gate performance.mae > 5: no value -> FAILED (mae ${why})`)
    expect(err).toContain(`gate performance.degradation.r2 < 0: no value -> FAILED (r2 ${why})`)
    expect(code).toBe(3)
  })

  it('a continuous label beside a prediction of classes: no regression metric, as before, and a gate on one says why', async () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `${i % 7},${(10 + (i * 37) % 200 / 10).toFixed(2)},${i % 3 === 0 ? 'high' : 'low'}`)
    const text = ['x,label,prediction', ...rows(200)].join('\n') + '\n'
    const { code, json, err } = await report({ reference: file(text), current: file(text), failOn: 'performance.mae>5' })
    expect(json.performance).toMatchObject({ task: 'continuous', continuous_columns: ['label'], reference: {}, current: {}, degradation: {} })
    expect(err).toContain(
      'gate performance.mae > 5: no value -> FAILED (mae is a regression metric and only "label" holds continuous values: it needs the label and the prediction both continuous (see the notes); set task: regression in the model file to read the label and prediction as numbers)',
    )
    expect(code).toBe(3)
  })
})

describe('the text and HTML reports show the regression metrics', () => {
  const c = fixture.normal
  const f = (x: number) => x.toFixed(4)

  it('text: a table of reference, current and difference', async () => {
    const { out } = await reportOf({ ...options(c), format: 'text' }, false)
    expect(out).toContain('\nPerformance (regression: "label" and "prediction" are continuous, not classes; rows 300 → 300)\n')
    const line = (m: (typeof METRICS)[number]) => out.split('\n').find((l) => l.startsWith(`${m} `))?.split(/\s+/)
    for (const m of METRICS) expect(line(m)).toEqual([m, f(c.metrics.reference[m]), f(c.metrics.current[m]), f(c.degradation[m])])
    expect(out).not.toContain('interval')
  })

  it('HTML: the same table, and the heading', async () => {
    const { out } = await reportOf({ ...options(c), format: 'html' }, false)
    expect(out).toContain('regression: &quot;label&quot; and &quot;prediction&quot; are continuous, not classes; rows 300 → 300')
    for (const m of METRICS) expect(out).toMatch(new RegExp(`<td>${m}</td><td[^>]*>${f(c.metrics.reference[m])}</td><td[^>]*>${f(c.metrics.current[m])}</td><td[^>]*>${f(c.degradation[m])}</td>`))
  })
})
