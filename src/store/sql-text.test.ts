import { describe, expect, it } from 'vitest'
import { sqlIdentifier, sqlString } from './sql-text.js'

describe('SQL text', () => {
  it('quotes an identifier, escaping backslash and backquote', () => {
    expect(sqlIdentifier('score')).toBe('`score`')
    expect(sqlIdentifier('a`b\\c')).toBe('`a\\`b\\\\c`')
  })
  it('quotes a string, escaping backslash and single quote', () => {
    expect(sqlString("/data/it's")).toBe("'/data/it\\'s'")
    expect(sqlString('a\\b')).toBe("'a\\\\b'")
    expect(sqlString('\\\'')).toBe("'\\\\\\''")
  })
})
