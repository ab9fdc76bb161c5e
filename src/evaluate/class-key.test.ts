import { describe, expect, it } from 'vitest'
import { DECIMAL_TEXT } from '../metrics/profile/index.js'
import { classKey, DECIMAL_TEXT_RE2, numberKey } from './class-key.js'
import { predictedPositive } from './partials.js'

describe('classKey: the key a binary model compares class texts by', () => {
  it('booleans in any case are 1 and 0; a decimal number is its shortest form; other text as it is', () => {
    for (const t of ['True', 'true', 'TRUE', '1', '1.0', '1e0', '01', '+1', '1.']) expect(classKey(t), t).toBe('1')
    for (const t of ['False', 'false', '0', '0.0', '-0', '00']) expect(classKey(t), t).toBe('0')
    expect(classKey('0.50')).toBe('0.5')
    expect(classKey('.5')).toBe('0.5')
    for (const t of ['2', 'yes', 'inf', 'NaN', '1e999', ' 1', '0x1', '']) expect(classKey(t), t).toBe(t)
  })

  it('numberKey: a decimal number is its shortest form; booleans and other text as they are', () => {
    for (const t of ['1', '1.0', '1e0', '01', '+1', '1.']) expect(numberKey(t), t).toBe('1')
    expect(numberKey('-0')).toBe('0')
    expect(numberKey('2.50')).toBe('2.5')
    for (const t of ['True', 'false', 'cat', 'inf', '1e999', ' 1', '']) expect(numberKey(t), t).toBe(t)
  })

  it('the RE2 pattern the SQL twin matches decimals with accepts what DECIMAL_TEXT accepts', () => {
    const re2 = new RegExp(DECIMAL_TEXT_RE2)
    for (const t of ['1', '-1.5', '.5', '1.', '1e-3', '+2E5', '01', '', '.', 'e1', '1e', 'inf', '0x1', '1,5', ' 1', '1 ']) {
      expect(re2.test(t), t).toBe(DECIMAL_TEXT.test(t))
    }
  })

  it('predictedPositive reads a class by key: 1 is the positive class "True", True the positive class "1"', () => {
    expect(predictedPositive('1', null, 'True')).toBe(1)
    expect(predictedPositive('True', null, '1')).toBe(1)
    expect(predictedPositive('1.0', null, '1')).toBe(1)
    expect(predictedPositive('0', null, 'True')).toBe(0)
    expect(predictedPositive('2', null, '1')).toBe(0)
  })
})
