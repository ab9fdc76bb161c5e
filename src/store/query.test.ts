import { describe, expect, it } from 'vitest'
import { withDatabase } from './query.js'

describe('withDatabase: {db} in SQL is the database', () => {
  it('replaces every {db} and leaves query parameters alone', () => {
    expect(withDatabase('SELECT 1 FROM {db}.a JOIN {db}.b USING id WHERE m = {m:String}', 'dw_1')).toBe('SELECT 1 FROM dw_1.a JOIN dw_1.b USING id WHERE m = {m:String}')
  })

  it('refuses a name that is not a plain identifier', () => {
    expect(() => withDatabase('SELECT 1 FROM {db}.a', 'x; DROP TABLE y')).toThrow(expect.objectContaining({ code: 'DW_CONFIG_INVALID' }))
    expect(() => withDatabase('SELECT 1 FROM {db}.a', '')).toThrow(expect.objectContaining({ code: 'DW_CONFIG_INVALID' }))
  })
})
