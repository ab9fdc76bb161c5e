import { describe, expect, it } from 'vitest'
import { performanceProfile } from './performance-profile.js'
import { binaryOutcomes, classesAdded, classSpellingNotes, readTargets, resolveTask, type TargetColumns } from './targets.js'

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

// pandas writes a bool column True / False and an int column 0 / 1; the report names a boolean cell True / False.
const boolLabels: TargetColumns = { label: ['True', 'False', 'True', 'False', null], prediction: ['1', '0', '0', '1.0', '0.0'] }
const BOOLEANS = { numbersAsBooleans: true } as const

describe('booleans beside the numbers 0 / 1 (numbersAsBooleans, the report\'s reading)', () => {
  it('1 is True and 0 is False, as pandas compares them (True == 1): binary, positive class "True"', () => {
    const spec = resolveTask(boolLabels, BOOLEANS)
    expect(spec).toEqual({ task: 'binary', positiveClass: 'True', numbersAsBooleans: true })
    const t = readTargets(boolLabels, spec)
    expect(t.labels).toEqual(['True', 'False', 'True', 'False', null])
    expect(t.predictions).toEqual(['True', 'False', 'False', 'True', 'False'])
    // sklearn: accuracy_score([True, False, True, False], [1, 0, 0, 1]) = 0.5 (the row with no label is left out).
    expect(binaryOutcomes(t)).toEqual({ yTrue: [1, 0, 1, 0, null], yPred: [1, 0, 0, 1, 0] })
    expect(performanceProfile(t).classification).toMatchObject({ accuracy: 0.5, precision: 0.5, recall: 0.5 })
  })

  it('a note says how the classes were read', () => {
    expect(classSpellingNotes(resolveTask(boolLabels, BOOLEANS))).toEqual([
      'label and prediction classes are the booleans True / False and the numbers 0 / 1: 1 is read as True and 0 as False, as pandas and scikit-learn compare them (True == 1); positive class "True"',
    ])
  })

  it('read across a reference of booleans and a current file of 0 / 1: no class added, the current labels read as booleans', () => {
    const reference: TargetColumns = { label: ['True', 'False'], prediction: ['True', 'True'] }
    const current: TargetColumns = { label: ['1', '0', '1'], prediction: ['1', '1', '0'] }
    const spec = resolveTask([reference, current], BOOLEANS)
    expect(spec).toEqual({ task: 'binary', positiveClass: 'True', numbersAsBooleans: true })
    expect(classesAdded(reference, current, spec)).toBeUndefined()
    expect(binaryOutcomes(readTargets(current, spec))).toEqual({ yTrue: [1, 0, 1], yPred: [1, 1, 0] })
  })

  it('a configured positive class written as a number is named as its boolean', () => {
    expect(resolveTask(boolLabels, { ...BOOLEANS, positiveClass: '1' }).positiveClass).toBe('True')
    expect(resolveTask(boolLabels, { ...BOOLEANS, positiveClass: '0.0' }).positiveClass).toBe('False')
    expect(resolveTask(boolLabels, { ...BOOLEANS, positiveClass: 'False' }).positiveClass).toBe('False')
  })

  it('not when another class is there, nor with booleans or numbers alone', () => {
    expect(resolveTask({ label: ['True', 'False', '0', '1', '2'] }, BOOLEANS)).toEqual({ task: 'multiclass', positiveClass: null })
    expect(resolveTask({ label: ['True', '1', 'maybe'] }, BOOLEANS)).toEqual({ task: 'multiclass', positiveClass: null })
    expect(resolveTask({ label: ['True', '0.5'] }, BOOLEANS)).toEqual({ task: 'binary', positiveClass: 'True' })
    expect(resolveTask({ label: ['True', 'False'] }, BOOLEANS)).toEqual({ task: 'binary', positiveClass: 'True' })
    expect(resolveTask({ label: ['0', '1.0'] }, BOOLEANS)).toEqual({ task: 'binary', positiveClass: '1', numericClasses: true })
  })

  it('without the option (the stream compares class texts as sent) the classes stay as written', () => {
    expect(resolveTask(boolLabels)).toEqual({ task: 'multiclass', positiveClass: null, spellings: [['0', '0.0'], ['1', '1.0']] })
    expect(readTargets(boolLabels, resolveTask(boolLabels)).predictions).toEqual(['1', '0', '0', '1.0', '0.0'])
  })
})

describe('default positive class of booleans', () => {
  it('"True" (the report\'s name of a boolean cell) is preferred as "true" is: labels True / unknown pick "True"', () => {
    expect(resolveTask({ label: ['True', 'unknown', 'True'] }).positiveClass).toBe('True')
    expect(resolveTask({ label: ['true', 'unknown'] }).positiveClass).toBe('true')
    expect(resolveTask({ label: ['1', 'True'] }).positiveClass).toBe('1')
  })
})
