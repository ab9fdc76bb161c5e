import { describe, expect, it } from 'vitest'
import { isDriftwatchError } from '../errors.js'
import { resolveColumns } from './columns.js'
import { DEFAULT_REPORT_CONFIG } from './config.js'

describe('resolveColumns', () => {
  const columns = ['b', 'a', 'gender', 'label', 'score']

  it('features: every column but the targets, sorted; protected from the file and the flag', () => {
    const r = resolveColumns(columns, columns, { ...DEFAULT_REPORT_CONFIG, protected: ['gender'] }, ['a', 'gender'])
    expect(r.features).toEqual(['a', 'b', 'gender'])
    expect(r.protected).toEqual(['gender', 'a'])
    expect(r.targets).toEqual({ label: 'label', prediction: 'prediction', score: 'score' })
  })

  it('configured features and renamed targets', () => {
    const r = resolveColumns(['x', 'y', 'truth'], ['x', 'truth'], { ...DEFAULT_REPORT_CONFIG, features: { y: 'numerical', x: 'categorical' }, columns: { label: 'truth' } })
    expect(r.features).toEqual(['x', 'y'])
    expect(r.targets.label).toBe('truth')
    expect(r.missingInCurrent).toEqual(['y'])
  })

  it('every problem at once, as DW_FILE_INVALID', () => {
    try {
      resolveColumns(['label'], ['label'], { ...DEFAULT_REPORT_CONFIG, features: { nope: 'numerical', label: 'categorical' }, protected: ['gender'] })
      expect.unreachable()
    } catch (e) {
      expect(isDriftwatchError(e) && e.code).toBe('DW_FILE_INVALID')
      expect((e as Error).message).toMatch(/"nope" is not a column[\s\S]*"label" cannot be both[\s\S]*"gender"/)
    }
    expect(() => resolveColumns(['label', 'score'], ['label'], DEFAULT_REPORT_CONFIG)).toThrow(/no feature column/)
  })
})
