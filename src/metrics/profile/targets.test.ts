import { describe, expect, it } from 'vitest'
import { performanceProfile } from './performance-profile.js'
import { binaryOutcomes, classSpellingNotes, readTargets, resolveTask, type TargetColumns } from './targets.js'

// pandas writes an integer label column holding a NaN as floats: 0.0 / 1.0 beside predictions 0 / 1.
const floatLabels: TargetColumns = { label: ['0.0', '1.0', '1.0', null, '0.0'], prediction: ['0', '1', '0', '1', '0'] }

describe('numeric class labels written differently', () => {
  it('are one class each when every label and prediction is a number: binary, positive class "1"', () => {
    const spec = resolveTask(floatLabels)
    expect(spec).toMatchObject({ task: 'binary', positiveClass: '1', numericClasses: true })
    const t = readTargets(floatLabels, spec)
    expect(t.labels).toEqual(['0', '1', '1', null, '0'])
    expect(binaryOutcomes(t)).toEqual({ yTrue: [0, 1, 1, null, 0], yPred: [0, 1, 0, 1, 0] })
    // sklearn: accuracy_score([0., 1., 1., 0.], [0, 1, 0, 0]) = 0.75 (the row with no label is left out).
    expect(performanceProfile(t).classification).toMatchObject({ accuracy: 0.75, precision: 1, recall: 0.5 })
    expect(classSpellingNotes(spec)).toEqual([])
  })

  it('read across a reference and a current file as one', () => {
    const spec = resolveTask([{ label: ['0.0', '1.0'] }, { label: ['0', '1'], prediction: ['1e0', '0'] }])
    expect(spec).toMatchObject({ task: 'binary', positiveClass: '1', numericClasses: true })
  })

  it('a configured positive class written as a decimal matches its number ("1.0" is "1", "1" matches 1.0)', () => {
    expect(resolveTask(floatLabels, { task: 'binary', positiveClass: '1.0' }).positiveClass).toBe('1')
    const spec = resolveTask({ label: ['2.0', '10.0'], prediction: ['2', '10'] }, { task: 'binary', positiveClass: '10' })
    expect(binaryOutcomes(readTargets({ label: ['2.0', '10.0'], prediction: ['2', '10'] }, spec))).toEqual({ yTrue: [0, 1], yPred: [0, 1] })
  })

  it('numbers keep their multiclass classes, named canonically', () => {
    const spec = resolveTask({ label: ['0.0', '1.0', '2.0'], prediction: ['0', '1', '2'] })
    expect(spec).toMatchObject({ task: 'multiclass', positiveClass: null })
    expect(readTargets({ label: ['2.0', '0.50'] }, spec).labels).toEqual(['2', '0.5'])
  })

  it('compared as text when some class is not a number, with a note naming the classes that differ only in spelling', () => {
    const columns = { label: ['1', '1.0', 'unknown', '0', '0.0'] }
    const spec = resolveTask(columns)
    expect(spec).toMatchObject({ task: 'multiclass', spellings: [['0', '0.0'], ['1', '1.0']] })
    expect(readTargets(columns, spec).labels).toEqual(['1', '1.0', 'unknown', '0', '0.0'])
    expect(classSpellingNotes(spec)).toEqual([
      'label and prediction classes are compared as text because not every one is a number, so classes equal as numbers but written differently are different classes: "0" / "0.0", "1" / "1.0"',
    ])
  })

  it('text classes, booleans and numbers as JS values are unchanged', () => {
    expect(resolveTask({ label: ['approved', 'denied'] })).toEqual({ task: 'binary', positiveClass: 'denied' })
    expect(resolveTask({ label: [true, false] })).toEqual({ task: 'binary', positiveClass: 'true' })
    expect(resolveTask({ label: [0, 1] })).toMatchObject({ positiveClass: '1', numericClasses: true })
    expect(resolveTask({ label: [] })).toMatchObject({ task: 'binary', positiveClass: '1' })
  })
})
