import { describe, expect, it } from 'vitest'
import fixture from '../../scripts/reference/fixtures/report-integer-classes.json' with { type: 'json' }
import { continuousNote, continuousTargets, integerClassesNote, isContinuous, MAX_INTEGER_CLASSES } from './continuous-targets.js'

/** A fixture file's label and prediction columns, as text (scripts/reference/report_integer_classes.py). */
function columns(csv: string) {
  const rows = csv.trim().split('\n').slice(1).map((line) => line.split(','))
  return { label: rows.map((r) => r[1] as string), prediction: rows.map((r) => r[2] as string) }
}
const NAMES = { label: 'label', prediction: 'prediction' }
const sides = (c: { reference: string; current: string }) => [columns(c.reference), columns(c.current)]

describe('continuous label and prediction columns', () => {
  it('numbers with one that is not an integer are continuous (scikit-learn type_of_target)', () => {
    expect(isContinuous([['50.12', '49.5', null], ['1']])).toBe(true)
    expect(isContinuous([[0, 1, 0.5]])).toBe(true)
    // 1.0 is an integer: classes, as labels written by pandas with a missing value.
    expect(isContinuous([['0.0', '1.0', '2.0'], ['0', '1']])).toBe(false)
  })

  it('one integer column alone: classes up to MAX_INTEGER_CLASSES distinct values, continuous above (nothing tells classes from counts)', () => {
    const ints = (k: number) => Array.from({ length: 3 * k }, (_, i) => String(i % k))
    expect(isContinuous([ints(MAX_INTEGER_CLASSES)])).toBe(false)
    expect(isContinuous([ints(MAX_INTEGER_CLASSES + 1)])).toBe(true)
    // Counted over both files together: 1.0 and 1 are one value.
    expect(isContinuous([ints(30), ints(30).map((x) => `${x}.0`)])).toBe(false)
  })

  it('any other text, no value at all: classes', () => {
    expect(isContinuous([['1.5', '2.5', 'unknown']])).toBe(false)
    expect(isContinuous([['1.5'], ['inf']])).toBe(false)
    expect(isContinuous([[true, false]])).toBe(false)
    expect(isContinuous([[null, undefined], []])).toBe(false)
  })

  it('continuousTargets names the columns, label first; an absent column is none', () => {
    const names = { label: 'y', prediction: 'y_hat', score: 'p' }
    expect([...continuousTargets(names, [{ label: ['1.5'], prediction: ['2.5'] }, { label: ['3'] }])]).toEqual(['y', 'y_hat'])
    expect([...continuousTargets(names, [{ label: ['0', '1'], prediction: ['0.73'] }])]).toEqual(['y_hat'])
    expect([...continuousTargets(names, [{ score: [0.5] }])]).toEqual([])
  })
})

describe('integer label and prediction columns of more than MAX_INTEGER_CLASSES values (regression: 60 classes read as continuous)', () => {
  it('60 classes coded 0-59, predictions among the labels\' values: classes, as type_of_target (multiclass)', () => {
    const c = fixture.sixty_classes
    expect(c.type_of_target).toEqual({ label: 'multiclass', prediction: 'multiclass' })
    expect([...continuousTargets(NAMES, sides(c))]).toEqual([])
    // Their wrong classes fall anywhere among the codes: more than 1 in 20 is off by more than a quarter of the range (rule 2d not met).
    expect(c.misses.beyond_quarter_range * 20).toBeGreaterThan(c.misses.rows)
    expect(integerClassesNote(NAMES, sides(c))).toEqual([
      '"label" and "prediction" hold 60 distinct integers and 2,400 of 2,400 predictions are among the labels\' values, ' +
        `and ${c.misses.beyond_quarter_range} of the ${c.misses.rows} predictions that differ from their label are off by more than a quarter of the labels' range (0–59), more than 1 in 20: ` +
        'read as classes, a multiclass task, ' +
        'as scikit-learn\'s type_of_target reads integers (a model of counts would predict non-integers, read as continuous: one that rounds its predictions reads as classes, ' +
        'write them unrounded; the model file\'s task: sets binary or multiclass)',
    ])
    // The current file alone (a report without a reference) reads them alike.
    expect([...continuousTargets(NAMES, [columns(c.current)])]).toEqual([])
  })

  it('51 classes, a tenth of the rows predicted a class no label has: classes (hand case)', () => {
    // scikit-learn 1.9.1: type_of_target(np.array(label)) and type_of_target(np.array(prediction)) are both 'multiclass'.
    const k = MAX_INTEGER_CLASSES + 1
    const label = Array.from({ length: 3 * k }, (_, i) => String(i % k))
    const prediction = label.map((y, i) => (i % 10 === 0 ? String(k + 5) : y))
    expect([...continuousTargets(NAMES, [{ label, prediction }])]).toEqual([])
    expect(integerClassesNote(NAMES, [{ label, prediction }])[0]).toContain('hold 52 distinct integers and 137 of 153 predictions are among the labels\' values')
    // Up to MAX_INTEGER_CLASSES values: classes without a note, as before.
    expect(integerClassesNote(NAMES, [{ label: label.slice(0, 50).map((y) => String(Number(y) % 50)), prediction: label.slice(0, 50).map((y) => String(Number(y) % 50)) }])).toEqual([])
  })

  it('integer counts with non-integer predictions: both continuous (type_of_target: multiclass and continuous), and the note says why', () => {
    const c = fixture.count_regression
    expect(c.type_of_target).toEqual({ label: 'multiclass', prediction: 'continuous' })
    const continuous = continuousTargets(NAMES, sides(c))
    expect([...continuous]).toEqual(['label', 'prediction'])
    expect(continuous.reasons?.[0]).toBe(`"label" holds ${c.distinct.label} distinct integers beside the non-integers of "prediction"`)
    expect(continuous.reasons?.[1]).toMatch(/^"prediction" holds numbers that are not integers, such as \d+\.\d+$/)
    expect(continuousNote(continuous, 'prediction')).toContain('the task is read as continuous;')
    expect(continuousNote(continuous, 'prediction')).toContain('(set task: multiclass or task: binary in the model file to read them as classes)')
    expect(integerClassesNote(NAMES, sides(c))).toEqual([])
  })

  it('counts with rounded predictions, most of them none of the labels\' values: continuous (a departure from type_of_target: multiclass)', () => {
    const c = fixture.rounded_counts
    expect(c.type_of_target).toEqual({ label: 'multiclass', prediction: 'multiclass' })
    const continuous = continuousTargets(NAMES, sides(c))
    expect([...continuous]).toEqual(['label', 'prediction'])
    const off = `${(c.prediction_rows - c.predictions_among_labels).toLocaleString('en-US')} of ${c.prediction_rows.toLocaleString('en-US')} predictions are none of the labels' values`
    expect(continuous.reasons).toEqual([
      `"label" holds ${c.distinct.label.toLocaleString('en-US')} distinct integers and ${off}`,
      `"prediction" holds ${c.distinct.prediction.toLocaleString('en-US')} distinct integers and ${off}`,
    ])
  })

  it('a dense integer regression (ages 18-80, predictions rounded, nearly all among the labels\' values): continuous, its misses near their label', () => {
    const c = fixture.dense_ages
    expect(c.type_of_target).toEqual({ label: 'multiclass', prediction: 'multiclass' })
    expect(c.predictions_among_labels * 2).toBeGreaterThan(c.prediction_rows)
    // The median miss does not part them from the 60 classes (3 years of 62, 2 codes of 59); the share far off does.
    expect([c.misses.median, fixture.sixty_classes.misses.median]).toEqual([3, 2])
    const continuous = continuousTargets(NAMES, sides(c))
    expect([...continuous]).toEqual(['label', 'prediction'])
    const near = `${c.misses.beyond_quarter_range} of the ${c.misses.rows.toLocaleString('en-US')} predictions that differ from their label are off by more than a quarter of the labels' range (18–80), at most 1 in 20: a regression's small errors, where a classifier's wrong classes fall anywhere among the codes`
    expect(continuous.reasons).toEqual([`"label" holds ${c.distinct.label} distinct integers and ${near}`, `"prediction" holds ${c.distinct.prediction} distinct integers and ${near}`])
    expect(continuousNote(continuous, 'prediction')).toContain('(set task: multiclass or task: binary in the model file to read them as classes)')
    expect(integerClassesNote(NAMES, sides(c))).toEqual([])
    // The current file alone reads them alike.
    expect([...continuousTargets(NAMES, [columns(c.current)])]).toEqual(['label', 'prediction'])
  })

  it('rule 2d by hand: 1 in 20 misses far off is continuous, 2 in 20 classes; no miss at all, classes', () => {
    const k = MAX_INTEGER_CLASSES + 10
    const label = Array.from({ length: 3 * k }, (_, i) => i % k)
    // 20 misses: by one, and `far` of them by half the range (30 of 59).
    const predicted = (far: number) => label.map((y, i) => (i >= 20 ? y : i < far ? (y + 30) % k : y === 0 ? 1 : y - 1))
    expect([...continuousTargets(NAMES, [{ label, prediction: predicted(1) }])]).toEqual(['label', 'prediction'])
    expect([...continuousTargets(NAMES, [{ label, prediction: predicted(2) }])]).toEqual([])
    expect(integerClassesNote(NAMES, [{ label, prediction: predicted(2) }])[0]).toContain('and 2 of the 20 predictions that differ from their label are off by more than a quarter of the labels\' range (0–59), more than 1 in 20: read as classes')
    expect([...continuousTargets(NAMES, [{ label, prediction: label }])]).toEqual([])
  })

  it('a label column of many integers without a prediction column stays continuous, and says why', () => {
    const label = Array.from({ length: 3 * (MAX_INTEGER_CLASSES + 1) }, (_, i) => String(i % (MAX_INTEGER_CLASSES + 1)))
    const continuous = continuousTargets(NAMES, [{ label }])
    expect([...continuous]).toEqual(['label'])
    expect(continuous.reasons).toEqual(['"label" holds 51 distinct integers (more than 50) and there is no integer prediction column to tell classes from counts'])
  })
})
